"""``peluit doctor`` on a good and on a deliberately broken deployment (issue 14 item 3).

The good one is a real data folder made by the real commands (a unit, an
admin, the daily jobs, a backup), served by the real app over real TLS on
localhost (a certificate made here), so the HTTPS check fetches a page and
reads its HSTS. The broken one has each problem the issue names; each is
named, and the exit status is non-zero.

They run on both engines (``PELUIT_TEST_BACKEND``). On PostgreSQL there is
no ``peluit backup`` (it refuses; PostgreSQL's own tools back that database
up), so the good deployment has none and the doctor says whose business
backups are instead; the tests at the end run on PostgreSQL in every run.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from app_fixtures import make_unit
from deploy_fixtures import self_signed, serve_tls
from pg_server import PgServer

from common.days import jakarta_today
from vault import database
from vault.data_folder import atime_mount
from web.app import create_app
from web.cli import main
from web.doctor_checks import Context
from web.doctor_machine import check_noatime
from web.public_origin import PublicOrigin
from web.settings import Settings

PUBLIC = "https://wbs.example.go.id"
CADDYFILE = """# no access log: no log line
wbs.example.go.id {
\treverse_proxy 127.0.0.1:8000
\theader Strict-Transport-Security "max-age=31536000"
}
"""


def run(*args: str, data: Path, env: dict[str, str] | None = None, stdin: str = "") -> int:
    import io
    import sys

    old = dict(os.environ)
    os.environ.update({"PELUIT_PUBLIC_URL": PUBLIC, **(env or {})})
    saved = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        return main(["--data", str(data), *args])
    finally:
        sys.stdin = saved
        os.environ.clear()
        os.environ.update(old)


def good_deployment(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A data folder set up the way docs/admin.md says; returns (data, backups, proxy config).

    On PostgreSQL without a backup: ``peluit backup`` refuses there."""
    data = tmp_path / "var"
    card = tmp_path / "unit-card.json"
    card.write_bytes(make_unit("inspektorat-kota").card.to_json())
    assert run("unit", "add", str(card), data=data) == 0
    assert (
        run("user", "add", "admin", "--role", "admin", data=data, stdin="a long passphrase\n") == 0
    )
    assert run("retention", "run", data=data) == 0
    assert run("deadlines", "close-due", data=data) == 0
    backups = tmp_path / "backups"
    backups.mkdir(mode=0o700)
    if not database.is_postgres():
        assert run("backup", str(backups / "peluit-1"), data=data) == 0
    os.chmod(data, 0o700)
    for path in data.iterdir():
        os.chmod(path, 0o700 if path.is_dir() else 0o600)
    proxy = tmp_path / "Caddyfile"
    proxy.write_text(CADDYFILE)
    return data, backups, proxy


@pytest.fixture
def tls_app(tmp_path: Path) -> Iterator[tuple[Path, Path, Path, str, Path]]:
    data, backups, proxy = good_deployment(tmp_path)
    settings = Settings(data_dir=data, public_url=PublicOrigin.parse(PUBLIC))
    cert, key = self_signed(tmp_path)
    app = create_app(settings)
    try:
        with serve_tls(app, cert, key) as url:
            yield data, backups, proxy, url, cert
    finally:
        app.state.vault.close()


def test_a_good_deployment_passes(
    tls_app: tuple[Path, Path, Path, str, Path],
    capsys: pytest.CaptureFixture[str],
    vault_backend: str,
    redis_url: str,
) -> None:
    data, backups, proxy, url, cert = tls_app
    # PostgreSQL means several processes: they share their state in Redis.
    shared = {"PELUIT_STATE_URL": redis_url} if vault_backend == "postgres" else None
    code = run(
        "doctor", "--url", url, "--ca-file", str(cert), "--backups", str(backups),
        "--proxy-config", str(proxy), "--skip", "noatime",  # tmp is not mounted noatime here
        data=data, env=shared,
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0, out
    assert "MASALAH" not in out
    assert f"[ok] https: {url}/id/: 200, HSTS, CSP" in out
    if vault_backend == "sqlite":
        assert "[ok] backup: cadangan terakhir peluit-1 lengkap" in out
        assert "[ok] database: SQLite menjawab dan utuh: 0 kasus, 0 amplop" in out
        assert "pg_quiet" not in out  # PostgreSQL's settings: nothing to say on SQLite
    else:
        assert (
            "[ok] pg_quiet: PostgreSQL tidak mencatat pernyataan, rincian kesalahan,"
            " maupun waktu commit" in out
        )
        assert "[lewati/skipped] backup: basis data di PostgreSQL" in out
        assert "its backups are PostgreSQL's business (pg_basebackup" in out
        assert "[ok] database: PostgreSQL menjawab dan utuh: 0 kasus, 0 amplop" in out
        assert "[ok] state: Redis menjawab" in out
    assert "[ok] schema: skema versi" in out
    assert "[ok] jobs:" in out and "[ok] permissions:" in out and "[ok] secrets:" in out
    assert "semua yang diperiksa baik / everything checked is good" in out


def test_https_without_hsts_is_a_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same app without PELUIT_PUBLIC_URL sends no HSTS: doctor says so."""
    data, backups, proxy = good_deployment(tmp_path)
    cert, key = self_signed(tmp_path)
    app = create_app(Settings(data_dir=data))
    try:
        with serve_tls(app, cert, key) as url:
            code = run(
                "doctor", "--url", url, "--ca-file", str(cert), "--skip", "noatime",
                "--backups", str(backups), "--proxy-config", str(proxy), data=data,
            )  # fmt: skip
    finally:
        app.state.vault.close()
    out = capsys.readouterr().out
    assert code == 1
    assert "[MASALAH/PROBLEM] https:" in out and "sends no HSTS" in out


def test_a_broken_deployment_names_each_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data, backups, _proxy = good_deployment(tmp_path)
    # the demo unit still registered
    demo = tmp_path / "demo-card.json"
    demo.write_bytes(make_unit("demo-inspektorat").card.to_json())
    assert run("unit", "add", str(demo), "--demo-ok", data=data) == 0
    # a missing secret
    (data / "instance_salt").unlink()
    # wrong permissions
    os.chmod(data, 0o755)  # noqa: S103
    os.chmod(data / "pepper", 0o644)
    # no cuti bersama for the coming year
    this_year = jakarta_today().year
    (data / "cuti_bersama.json").write_text(
        json.dumps({"format": "peluit-cuti-bersama-v1", "note": "test",
                    "years": {str(this_year): {"source": "SKB", "days": []}}})
    )  # fmt: skip
    # an access log in the proxy
    nginx = tmp_path / "nginx.conf"
    nginx.write_text("http {\n  access_log /var/log/nginx/access.log;\n}\n")
    capsys.readouterr()
    code = run(
        "doctor", "--backups", str(backups), "--proxy-config", str(nginx),
        "--skip", "https", "--skip", "noatime", data=data,
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 1
    problems = {line.split("]")[1].split(":")[0].strip() for line in out.splitlines()
                if line.startswith("[MASALAH/PROBLEM]")}  # fmt: skip
    # On PostgreSQL without PELUIT_STATE_URL, each process's own throttles are one more.
    shared_state = {"state"} if database.is_postgres() else set()
    assert (
        problems == {"permissions", "secrets", "demo", "holidays", "access_log"} | shared_state
    ), out
    assert "var (0755)" in out and "pepper (0644)" in out
    assert "secrets missing or damaged: instance_salt" in out
    assert "demo-inspektorat" in out and "peluit unit remove demo-inspektorat" in out
    assert f"no cuti bersama dates for {this_year + 1}" in out
    assert "the proxy keeps an access log" in out


def test_no_public_url_old_schema_and_late_jobs_are_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "var"
    assert run("unit", "list", data=data) == 0
    capsys.readouterr()
    code = run("doctor", "--skip", "noatime", data=data, env={"PELUIT_PUBLIC_URL": ""})
    out = capsys.readouterr().out
    assert code == 1
    assert "PELUIT_PUBLIC_URL is not set" in out
    assert "daily jobs have not run: peluit retention run (never)" in out
    assert "staff_key is missing: no staff account yet" in out
    assert run("doctor", "--skip", "everything", data=data) == 2


MOUNTINFO = """\
22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
35 22 8:2 / /srv/peluit rw,noatime shared:2 - ext4 /dev/sda2 rw
36 22 8:3 / /srv/peluit-other rw,relatime shared:3 - ext4 /dev/sda3 rw
"""


def test_noatime_is_read_from_mountinfo(tmp_path: Path) -> None:
    info = tmp_path / "mountinfo"
    info.write_text(MOUNTINFO)
    assert atime_mount(Path("/srv/peluit/var"), info) == ("/srv/peluit", "noatime")
    assert atime_mount(Path("/srv/peluit-other/var"), info) == ("/srv/peluit-other", "relatime")
    assert atime_mount(Path("/var/lib/peluit"), info) == ("/", "relatime")
    info.write_text(MOUNTINFO.replace("/srv/peluit ", f"{tmp_path} "))
    settings = replace(Settings(), data_dir=tmp_path)
    found = check_noatime(Context(settings, jakarta_today(), mountinfo=info))
    assert [f.ok for f in found] == [True]
    info.write_text(MOUNTINFO)
    found = check_noatime(Context(settings, jakarta_today(), mountinfo=info))
    assert not found[0].ok


def test_the_noatime_fix_names_the_data_folders_own_mount_never_root(tmp_path: Path) -> None:
    """docs/deploy.md step 3: a partition or a bind mount of the data folder, not ``/``."""
    info = tmp_path / "mountinfo"
    data = tmp_path / "var"
    data.mkdir()
    settings = replace(Settings(), data_dir=data)
    info.write_text(MOUNTINFO)  # the data folder lives on / (relatime)
    fix = check_noatime(Context(settings, jakarta_today(), mountinfo=info))[0].fix
    assert fix is not None
    assert f"{data} {data} none bind,noatime 0 0" in fix.en and f"mount {data}" in fix.en
    assert "for /," not in fix.en and "remount,noatime /" not in fix.en
    assert f"{data} {data} none bind,noatime 0 0" in fix.id and "langkah 3" in fix.id
    # the data folder on its own mount without noatime: that mount is named
    info.write_text(MOUNTINFO.replace("/srv/peluit-other ", f"{data} "))
    fix = check_noatime(Context(settings, jakarta_today(), mountinfo=info))[0].fix
    assert fix is not None and f"mount -o remount,noatime {data}" in fix.en


def test_the_timers_fix_is_a_command_systemctl_accepts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], vault_backend: str
) -> None:
    """systemctl enable takes no glob: the four timers are named one by one
    (three on PostgreSQL, where there is no peluit backup to run)."""
    data = tmp_path / "var"
    assert run("unit", "list", data=data) == 0
    capsys.readouterr()
    assert run("doctor", "--skip", "noatime", data=data) == 1
    out = capsys.readouterr().out
    jobs = ("deadlines", "retention", "backup", "notify")
    if vault_backend == "postgres":
        jobs = ("deadlines", "retention", "notify")
        assert "peluit backup (" not in out  # not a late job there
    timers = " ".join(f"peluit-{job}.timer" for job in jobs)
    assert f"fix:      enable the timers: systemctl enable --now {timers}" in out
    assert f"perbaiki: aktifkan timer: systemctl enable --now {timers}" in out
    assert "*" not in out


def test_one_problem_is_singular_in_english(capsys: pytest.CaptureFixture[str]) -> None:
    from web.doctor import print_findings
    from web.doctor_checks import problem

    assert print_findings([problem("disk", "penuh", "full", "tambah", "add")]) == 1
    assert capsys.readouterr().err == "1 masalah / 1 problem\n"
    assert print_findings([problem("a", "x", "x", "y", "y"), problem("b", "x", "x", "y", "y")]) == 1
    assert capsys.readouterr().err == "2 masalah / 2 problems\n"


def test_an_older_schema_is_named_and_the_database_left_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Migrations current? Read from the database in use (PostgreSQL's on PostgreSQL)."""
    from vault.schema import available_migrations

    data = tmp_path / "var"
    assert run("unit", "list", data=data) == 0
    engine = "postgres" if database.is_postgres() else "sqlite"
    latest = max(m.version for m in available_migrations(engine))
    with database.opened(data / "vault.sqlite3") as db:
        db.conn.execute("DELETE FROM schema_version WHERE version = ?", [latest])
    capsys.readouterr()
    assert run("doctor", "--skip", "noatime", data=data) == 1
    out = capsys.readouterr().out
    before = max(m.version for m in available_migrations(engine) if m.version != latest)
    assert f"schema at version {before}, this release needs {latest}" in out
    assert "] database:" not in out  # no consistency check on a schema it does not know


def test_a_damaged_database_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Consistency: pieces of ciphertext without their row are found, on either engine."""
    data = tmp_path / "var"
    assert run("unit", "list", data=data) == 0
    with database.opened(data / "vault.sqlite3") as db:
        db.conn.execute(
            "INSERT INTO pieces (item_id, start, data) VALUES (?, 0, ?)", ["ab" * 16, b"x"]
        )
    capsys.readouterr()
    assert run("doctor", "--skip", "noatime", data=data) == 1
    out = capsys.readouterr().out
    assert "[MASALAH/PROBLEM] database: basis data" in out
    assert "is not whole: 1 items of pieces without a row" in out


# --- PostgreSQL in every run (when it is installed) -------------------------------------


def test_postgres_doctor_names_a_server_that_does_not_answer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "var"
    data.mkdir(mode=0o700)
    nowhere = f"postgresql:///peluit?host={tmp_path / 'no-socket-here'}"
    monkeypatch.setenv(database.DATABASE_URL_ENV, nowhere)
    monkeypatch.setenv("LANG", "C.UTF-8")
    try:
        # backup refuses before its job lock, which would need the server
        assert run("backup", str(tmp_path / "b"), data=data) == 1
        assert "error: the vault is on PostgreSQL" in capsys.readouterr().err
        code = run("doctor", "--skip", "noatime", "--skip", "https", data=data)
    finally:
        database.select_database(None)
        database.close_pools()
    out = capsys.readouterr().out
    assert code == 1
    assert "[MASALAH/PROBLEM] database: PostgreSQL tidak menjawab:" in out
    assert "database: PostgreSQL does not answer:" in out
    assert "check PELUIT_DATABASE_URL and the PostgreSQL service" in out
    assert "there is no database" not in out  # one problem, named once
    assert "] backup:" in out and "PostgreSQL's business" in out


def test_postgres_backup_refuses_and_writes_nothing(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    pg_url: str,
) -> None:
    from bench.live_server import prepare_data

    monkeypatch.setenv(database.DATABASE_URL_ENV, pg_url)
    data = tmp_path / "var"
    prepare_data(data)
    backups = tmp_path / "backups"
    backups.mkdir()
    for lang, error, hint in (
        ("C.UTF-8", "error: the vault is on PostgreSQL: peluit backup does not copy it;"
         " nothing was written", "hint: back the database up with PostgreSQL's own tools"
         " (pg_basebackup and WAL archiving, docs/scale.md)"),
        ("id_ID.UTF-8", "error: brankas berada di PostgreSQL: peluit backup tidak"
         " menyalinnya; tidak ada yang ditulis", "hint: cadangkan basis data dengan alat"
         " PostgreSQL sendiri (pg_basebackup dan pengarsipan WAL, docs/scale.md)"),
    ):  # fmt: skip
        monkeypatch.setenv("LANG", lang)
        monkeypatch.delenv("LC_ALL", raising=False)
        monkeypatch.delenv("LC_MESSAGES", raising=False)
        assert run("backup", str(backups / "peluit-1"), data=data) == 1
        err = capsys.readouterr().err
        assert error in err and hint in err, err
        assert list(backups.iterdir()) == []  # no folder, no temporary name
    with database.opened(data / "vault.sqlite3") as db:
        from vault.daily_jobs import last_days

        assert "backup" not in last_days(db)  # a refusal is not a backup made
    # The doctor on the same vault: backups are PostgreSQL's, the rest is checked.
    capsys.readouterr()
    run("doctor", "--skip", "noatime", "--skip", "https", "--backups", str(backups), data=data)
    out = capsys.readouterr().out
    assert "[lewati/skipped] backup: basis data di PostgreSQL" in out
    assert "[ok] database: PostgreSQL menjawab dan utuh: 0 kasus, 0 amplop" in out
    assert "[ok] schema: skema versi" in out
    assert "peluit backup (" not in out  # not a late daily job on PostgreSQL


def test_postgres_doctor_names_settings_that_keep_statements(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    pg_server: PgServer,
    pg_url: str,
) -> None:
    """A statement log would keep lookup hashes and case ids with a time (docs/scale.md)."""
    monkeypatch.setenv(database.DATABASE_URL_ENV, pg_url)
    data = tmp_path / "var"
    assert run("unit", "list", data=data) == 0
    capsys.readouterr()
    assert run("doctor", "--skip", "noatime", "--skip", "https", data=data) == 1  # no jobs yet
    out = capsys.readouterr().out
    assert (
        "[ok] pg_quiet: PostgreSQL tidak mencatat pernyataan, rincian kesalahan,"
        " maupun waktu commit" in out
    )
    assert "PostgreSQL logs no statements or error details and keeps no commit times" in out
    name = pg_url.split("?", 1)[0].rsplit("/", 1)[1]
    pg_server.admin(f"ALTER DATABASE {name} SET log_statement = 'mod'")
    pg_server.admin(f"ALTER DATABASE {name} SET log_min_duration_statement = 0")
    database.close_pools()  # new connections see the database's settings
    run("doctor", "--skip", "noatime", "--skip", "https", data=data)
    out = capsys.readouterr().out
    assert "[MASALAH/PROBLEM] pg_quiet: PostgreSQL menyimpan lebih dari Peluit:" in out
    assert "log_statement = mod, log_min_duration_statement = 0" in out
    assert "set log_statement = none, log_min_duration_statement = -1" in out


def test_postgresql_without_shared_state_is_a_problem(tmp_path: Path) -> None:
    """PostgreSQL is for several machines: without PELUIT_STATE_URL each has its own
    sign-in throttle, proof-of-work keys, spent challenges and prices (review 13 #12)."""
    from web.doctor_machine import check_shared_state

    def finding(**kwargs: str) -> tuple[bool, str, str, str]:
        settings = replace(Settings(), data_dir=tmp_path, **kwargs)
        (found,) = check_shared_state(Context(settings, jakarta_today()))
        fix = found.fix
        return found.ok, found.what.id, found.what.en, fix.en if fix else ""

    good, what_id, what_en, fix = finding(database_url="postgresql://db.example/peluit")
    assert not good
    assert "PELUIT_DATABASE_URL" in what_en and "PELUIT_STATE_URL" in what_en
    assert "throttle" in what_en
    assert "PELUIT_STATE_URL" in what_id and "pembatas salah masuk" in what_id
    assert "PELUIT_STATE_URL" in fix and "--skip state" in fix
    assert "postgresql://" not in what_en + what_id + fix  # the URL may hold a password
    assert finding()[0]  # SQLite, one process: fine


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("log_error_verbosity", "default"),  # DETAIL: Key (case_id)=(...) already exists.
        ("log_error_verbosity", "verbose"),
        ("log_min_error_statement", "error"),  # the failed INSERT, with its parameters
        ("log_transaction_sample_rate", "0.01"),
        ("log_min_duration_sample", "0"),
        ("log_parameter_max_length_on_error", "-1"),
        ("session_preload_libraries", "auto_explain"),
    ],
)
def test_postgres_doctor_names_settings_that_log_errors_samples_or_plans(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    pg_server: PgServer,
    pg_url: str,
    setting: str,
    value: str,
) -> None:
    """A colliding case id in an error's DETAIL, a sampled statement, a query plan:
    each would sit in the server log behind a timestamp (docs/scale.md)."""
    monkeypatch.setenv(database.DATABASE_URL_ENV, pg_url)
    data = tmp_path / "var"
    assert run("unit", "list", data=data) == 0
    name = pg_url.split("?", 1)[0].rsplit("/", 1)[1]
    pg_server.admin(f"ALTER DATABASE {name} SET {setting} = '{value}'")
    database.close_pools()  # new connections see the database's settings
    capsys.readouterr()
    run("doctor", "--skip", "noatime", "--skip", "https", data=data)
    out = capsys.readouterr().out
    assert "[MASALAH/PROBLEM] pg_quiet: PostgreSQL menyimpan lebih dari Peluit:" in out
    assert f"PostgreSQL keeps more than Peluit does: {setting} = {value}" in out
    assert "log_error_verbosity = terse, log_min_error_statement = panic" in out
    assert "tanpa auto_explain" in out and "no auto_explain" in out
