"""``peluit``: run the online vault and administer it.

  peluit serve [--host 127.0.0.1] [--port 8000] [--workers N]
  peluit unit add CARD [--rotation]
  peluit unit list | retire ID | remove ID | replace ID CARD (web/unit_commands.py)
  peluit export --unit ID --out FILE
  peluit import FILE
  peluit user add NAME --role ROLE [--unit ID] | user list
  peluit audit verify | retention run | deadlines close-due | notify run
    (web/admin_commands.py)
  peluit backup OUT | restore BACKUP DATA_DIR (web/backup_commands.py)
  peluit migrate [--backup-to DIR] [--check] (web/upgrade_commands.py)
  peluit doctor [--url URL] [--backups DIR] [--skip CHECK]... (web/doctor.py)

Messages are short lowercase ``error:`` / ``hint:`` lines.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from crypto.errors import PeluitError
from web.cli_language import _
from web.cli_language import fail as _fail
from web.settings import Settings
from web.settings_file import CONFIG_ENV, DEFAULT_PATH, SettingsError


def _store(settings: Settings):  # type: ignore[no-untyped-def]
    from vault.store import open_store

    return open_store(settings.data_dir)


MAX_WORKERS = 64


def worker_app() -> Any:
    """One worker process's app (``serve --workers N``): the settings from the environment
    ``cmd_serve`` left for it (``PELUIT_DATA``, ``PELUIT_CONFIG``)."""
    from web.app import create_app

    return create_app(load_settings(None))


def _workers_refused(workers: int, settings: Settings) -> int | None:
    """``--workers N``: N > 1 needs the shared state (docs/scale.md), checked before any start."""
    if not 1 <= workers <= MAX_WORKERS:
        return _fail(_("--workers is 1 to {most}").format(most=MAX_WORKERS))
    if workers == 1:
        return None
    if not settings.state_url:
        return _fail(
            _("--workers {n} needs PELUIT_STATE_URL: several processes share sessions,"
              " throttles and proof-of-work keys in Redis").format(n=workers),
            _("set PELUIT_STATE_URL (docs/scale.md), or serve with one worker"),
        )  # fmt: skip
    from web.shared_state import open_shared_state
    from web.shared_state.redis_connection import StateRefused

    try:
        shared = open_shared_state(settings.state_url)
    except StateRefused as refused:
        for line in refused.lines():
            print(f"error: {line}", file=sys.stderr)
        return 1
    shared.client.close()
    return None


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from web.app import create_app
    from web.shared_state.redis_connection import StateRefused

    refused = _workers_refused(args.workers, settings)
    if refused is not None:
        return refused
    app: Any = None
    if args.workers == 1:
        try:
            app = create_app(settings)
        except StateRefused as bad:
            for line in bad.lines():
                print(f"error: {line}", file=sys.stderr)
            return 1
        units = list(app.state.vault.list_units())
    else:
        with _store(settings) as store:
            units = list(store.list_units())
    if not units:
        print("hint: " + _("no unit is registered yet; add one with: peluit unit add CARD"),
              file=sys.stderr)  # fmt: skip
    if settings.public_url is None and args.host not in ("127.0.0.1", "::1", "localhost"):
        print("hint: " + _(
            "serving on a public address; put Peluit behind HTTPS (or an onion service), "
            "browsers refuse to encrypt on plain http"
        ), file=sys.stderr)  # fmt: skip
    public = _(" for {url}").format(url=settings.public_url) if settings.public_url else ""
    serving = _("serving {data} on {address}{public}").format(
        data=settings.data_dir, address=f"http://{args.host}:{args.port}/", public=public
    )
    print(f"peluit: {serving}", file=sys.stderr)
    if args.workers > 1:
        # Each worker builds its own app from the same settings (uvicorn
        # starts them as new processes sharing one listening socket).
        os.environ["PELUIT_DATA"] = str(settings.data_dir)
        if settings.config_file is not None:
            os.environ[CONFIG_ENV] = str(settings.config_file)
        app = "web.cli:worker_app"
    uvicorn.run(
        app,
        factory=args.workers > 1,
        workers=args.workers if args.workers > 1 else None,
        host=args.host,
        port=args.port,
        access_log=settings.access_log,
        server_header=False,
        date_header=False,
        proxy_headers=False,
        log_level="warning",
    )
    return 0


def _demo_refused(card: bytes, settings: Settings, demo_ok: bool) -> int | None:
    """A DEMO card (id ``demo…``, as ``peluit doctor`` tells) on a public server: refused."""
    from crypto.unit_card import UnitCard

    try:
        unit_id = UnitCard.parse(card).unit_id
    except PeluitError:
        return None  # register_unit says what is wrong with the card
    origin = settings.public_url
    if demo_ok or not unit_id.startswith("demo") or origin is None or origin.is_loopback:
        return None
    print(
        f"error: kartu {unit_id} adalah unit DEMO; jangan didaftarkan di server produksi"
        f" ({origin})",
        file=sys.stderr,
    )
    print(
        f"error: {unit_id} is a DEMO unit's card; never register one on a production server"
        f" ({origin})",
        file=sys.stderr,
    )
    print(
        "hint: a real unit: peluit-ws init without --demo; a test server: --demo-ok",
        file=sys.stderr,
    )
    return 1


def cmd_unit_add(args: argparse.Namespace, settings: Settings) -> int:
    path = Path(args.card)
    try:
        data = path.read_bytes()
    except OSError as missing:
        return _fail(_("cannot read {path}: {why}").format(path=path, why=missing.strerror))
    refused = _demo_refused(data, settings, args.demo_ok)
    if refused is not None:
        return refused
    try:
        unit = _store(settings).register_unit(data, rotation=args.rotation)
    except PeluitError as bad:
        return _fail(bad.user_message)
    print(_("unit {unit} registered: {name}").format(unit=unit.unit_id, name=unit.name))
    print(_("fingerprint: {fingerprint}").format(fingerprint=unit.fingerprint))
    return 0


def cmd_unit_list(args: argparse.Namespace, settings: Settings) -> int:
    for unit in _store(settings).list_units():
        if args.ids:
            print(unit.unit_id)
        else:
            retired = "\t" + _("retired {day}").format(day=unit.retired_day) if unit.retired else ""
            print(f"{unit.unit_id}\t{unit.name}\t{unit.fingerprint}{retired}")
    return 0


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    """Write to a temporary file beside FILE, fsync, then link it to FILE (never overwriting)."""
    import contextlib
    import os

    from common.durable_file import overwrite_and_unlink, publish, temp_path_in

    target = Path(args.out).absolute()
    exists = _("{path} already exists").format(path=target)
    never = _("choose a new file name; exports never overwrite")
    if target.exists():
        return _fail(exists, never)
    if not target.parent.is_dir():
        return _fail(_("the folder {path} does not exist").format(path=target.parent))
    store = _store(settings)
    temp = temp_path_in(target.parent)
    published = False

    def on_written() -> None:
        nonlocal published
        publish(temp, target, replace=False)
        published = True

    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        with os.fdopen(fd, "wb") as out:
            summary = store.export_bundle(args.unit, out, actor=args.actor, on_written=on_written)
    except FileExistsError:
        return _fail(exists, never)
    except (PeluitError, OSError) as failed:
        with contextlib.suppress(OSError):
            overwrite_and_unlink(temp)
        if published:  # written but not recorded: the next export carries it again
            with contextlib.suppress(OSError):
                target.unlink()
        message = failed.user_message if isinstance(failed, PeluitError) else str(failed.strerror)
        return _fail(_("export failed, nothing recorded: {why}").format(why=_(message)))
    print(_(
        "export {seq} of {unit} written to {path}: {cases} cases, {envelopes} envelopes, "
        "{bytes} bytes"
    ).format(seq=summary.export_seq, unit=summary.unit_id, path=target, cases=summary.cases,
             envelopes=summary.envelopes, bytes=summary.bytes))  # fmt: skip
    return 0


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    path = Path(args.file)
    try:
        src = path.open("rb")
    except OSError as missing:
        return _fail(_("cannot read {path}: {why}").format(path=path, why=missing.strerror))
    try:
        with src:
            summary = _store(settings).import_reply_bundle(src, actor=args.actor)
    except PeluitError as bad:
        return _fail(bad.user_message, _("nothing was applied"))
    print(_(
        "reply bundle {seq} of {unit} applied: {replies} replies, {statuses} status changes, "
        "{templates} templates"
    ).format(seq=summary.sequence, unit=summary.unit_id, replies=summary.replies,
             statuses=summary.status_changes, templates=summary.templates))  # fmt: skip
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="peluit", description=_("Peluit online vault"))
    parser.add_argument("--data", help=_("data folder (default ./var or $PELUIT_DATA)"))
    parser.add_argument(
        "--config", help=_("settings file (default $PELUIT_CONFIG, else /etc/peluit/peluit.env)")
    )
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help=_("run the online vault"))
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help=_("server processes (more than 1 needs PELUIT_STATE_URL, docs/scale.md)"),
    )
    serve.set_defaults(func=cmd_serve, upgrade_first="refuse")

    unit = sub.add_parser("unit", help=_("inspectorate units")).add_subparsers(
        dest="unit_command", required=True
    )
    add = unit.add_parser("add", help=_("register a unit from its signed card"))
    add.add_argument("card")
    add.add_argument("--rotation", action="store_true", help=_("replace the unit's encryption key"))
    add.add_argument(
        "--demo-ok", action="store_true", help=_("register a DEMO card on a public server anyway")
    )
    add.set_defaults(func=cmd_unit_add)
    listing = unit.add_parser("list", help=_("list registered units"))
    listing.add_argument("--ids", action="store_true", help=_("print only unit ids"))
    listing.set_defaults(func=cmd_unit_list)
    from web.unit_commands import register as register_unit_commands

    register_unit_commands(unit)

    export = sub.add_parser("export", help=_("write a unit's export bundle for the workstation"))
    export.add_argument("--unit", required=True, help=_("unit id"))
    export.add_argument("--out", required=True, help=_("new file to write (never overwritten)"))
    export.add_argument("--actor", default="system", help=_("name recorded in the audit log"))
    export.set_defaults(func=cmd_export)
    imports = sub.add_parser("import", help=_("apply a signed reply bundle from the workstation"))
    imports.add_argument("file")
    imports.add_argument("--actor", default="system", help=_("name recorded in the audit log"))
    imports.set_defaults(func=cmd_import)
    from web.admin_commands import register
    from web.backup_commands import register as register_backup
    from web.doctor import register as register_doctor
    from web.upgrade_commands import register as register_upgrade

    register(sub)
    register_backup(sub)
    register_upgrade(sub)
    register_doctor(sub)
    return parser


def load_settings(config: str | None, environ: Mapping[str, str] | None = None) -> Settings:
    """``--config``, else ``$PELUIT_CONFIG``, else /etc/peluit/peluit.env if it exists."""
    env = os.environ if environ is None else environ
    chosen = config or env.get(CONFIG_ENV)
    if chosen:
        path: Path | None = Path(chosen)
    else:
        path = DEFAULT_PATH if DEFAULT_PATH.is_file() else None
    return Settings.load(env, path)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings(args.config)
    except SettingsError as bad:
        for line in bad.lines():
            print(f"error: {line}", file=sys.stderr)
        print("hint: " + _("every setting is described in deploy/peluit.env.example"),
              file=sys.stderr)  # fmt: skip
        return 2
    if args.data:
        settings = replace(settings, data_dir=Path(args.data))
    if settings.database_url:  # from the settings file too, not only the environment
        from vault.store import select_engine

        select_engine(settings.database_url)
    upgrade_first = getattr(args, "upgrade_first", True)
    if upgrade_first:
        from web.upgrade_commands import upgrade_before_command

        if upgrade_before_command(settings, refuse=upgrade_first == "refuse") != 0:
            return 1
    result: int = args.func(args, settings)
    return result


if __name__ == "__main__":
    sys.exit(main())
