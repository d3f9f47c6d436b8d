"""``peluit-ws ui``, ``forward``, ``open-forward``, ``report`` and ``report-layout``.

Kept apart from :mod:`workstation.cli_commands` (the case commands) so each
file stays one concept: these three look outward (a browser on loopback, a
file for another unit, figures for leadership).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from crypto.unit_card import UnitCard
from workstation import forwarding, prompts, report_layout
from workstation.cli_commands import desk_for, folder_of
from workstation.cli_words import _, word
from workstation.keyring import read_bytes
from workstation.lifecycle import TARGETS
from workstation.terminal import safe_line, safe_text

RISK_WORDS = {
    "identifying": "may identify the reporter: left out unless --include",
    "review": "free text, may contain names: left out unless --include",
    "ok": "included unless --exclude",
}


def cmd_forward(args: argparse.Namespace) -> int:
    recipient = UnitCard.parse(read_bytes(Path(args.to), 16 * 1024, "recipient card"))
    with desk_for(args) as desk:
        view = desk.case(args.case)
        print(_("recipient: {name} ({unit})", name=safe_line(recipient.name),
                unit=recipient.unit_id))  # fmt: skip
        print(_("recipient fingerprint: {fingerprint}", fingerprint=recipient.fingerprint()))
        print("hint: " + _("compare it with the fingerprint the other unit published"))
        draft = forwarding.Draft(
            prompts.long_text(_("redacted summary for the other unit")),
            frozenset(args.include),
            frozenset(args.exclude),
            args.include_identity,
        )
        for item in forwarding.fields_for(view.reading.answers, view.reading.form):
            chosen = item.field_id in draft.include or (
                item.included_by_default and item.field_id not in draft.exclude
            )
            state = _("sent") if chosen else _("left out")
            print(f"  {state:13} {item.field_id}: {_(RISK_WORDS[item.risk])}")
        names = _("sent") if draft.include_identity else _("left out")
        identity = _("identity section; attachment names are never sent (only their types)")
        print(f"  {names:13} {identity}")
        done = desk.forward(args.case, recipient, draft, Path(args.out), target=args.target)
    print(_("forwarded summary written to {path} (sha256 {sha256})",
            path=safe_line(str(done.path)), sha256=done.sha256))  # fmt: skip
    print(_("status change to {status} ({target}) queued; send it with export-replies",
            status=word("dilimpahkan"), target=word(args.target)))  # fmt: skip
    return 0


def cmd_open_forward(args: argparse.Namespace) -> int:
    expected = None
    if args.sender:
        expected = UnitCard.parse(read_bytes(Path(args.sender), 16 * 1024, "sender card"))
    with desk_for(args) as desk:
        opened = desk.open_forward(Path(args.file), expected)
    print(_("from: {name} ({unit}); day {day}", name=safe_line(opened.sender.name),
            unit=opened.sender.unit_id, day=opened.created))  # fmt: skip
    print(_("sender fingerprint: {fingerprint}", fingerprint=opened.sender.fingerprint()))
    print(_("signature verified; compare the fingerprint with the one the sender published"))
    print(_("their reference: {reference}", reference=safe_line(opened.source_reference)))
    print("\n== Ringkasan / Summary ==\n" + safe_text(opened.summary))
    for entry in opened.fields:
        print(f"- {safe_line(entry['label_id'])} / {safe_line(entry['label_en'])}:")
        print("  " + safe_text(entry["value"]).replace("\n", "\n  "))
    if opened.attachments:
        kinds = ", ".join(safe_line(k) for k in opened.attachments)
        print(_("attachments held by the sender: {kinds}", kinds=kinds))
    if opened.identity is not None:
        print("\n== Identitas / Identity (sent deliberately by the sender) ==")
        print(safe_text(str(opened.identity)))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from workstation import reports

    period = reports.Period.parse(args.period)
    with desk_for(args) as desk:
        layout = report_layout.load(desk.folder, args.layout) if args.layout else None
        report = reports.build(desk, period, layout=layout)
    written = reports.write(report, Path(args.out))
    for path in written:
        print(_("written: {path}", path=safe_line(str(path))))
    print(_("{total} case(s) submitted in {period}; cells under 3 shown as <3",
            total=report.total_text, period=period.label))  # fmt: skip
    print(f"tata letak / layout: {report.layout.name}")
    return 0


def cmd_report_layout(args: argparse.Namespace) -> int:
    with desk_for(args) as desk:
        name = args.name
        if args.add:
            name = report_layout.add(desk.folder, Path(args.add)).name
            print(f"ditambahkan / added: {name}")
        if name:
            report_layout.choose(desk.folder, desk.store, name)
        current = report_layout.chosen_name(desk.store)
        for each in report_layout.available(desk.folder):
            mark = "*" if each == current else " "
            try:
                layout = report_layout.load(desk.folder, each)
            except report_layout.LayoutRefused as bad:
                print(f"! {each}: {safe_line(bad.user_message)}")
                continue
            print(f"{mark} {each}: {safe_line(layout.title.id)} ({layout.period_words('id')})")
    print(f"dipakai / in use: {current}")
    return 0


def cmd_ui(args: argparse.Namespace) -> int:
    from workstation.ui.server import serve

    folder = Path(args.folder) if args.folder else folder_of(args)
    return serve(folder, host=args.host, port=args.port)


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    where = argparse.ArgumentParser(add_help=False)
    where.add_argument("-C", "--dir", help=_("workstation folder (default: $PELUIT_WS_DIR or .)"))
    p = sub.add_parser("ui", help=_("the local web UI on 127.0.0.1 (never another address)"),
                       parents=[where])  # fmt: skip
    p.add_argument("folder", nargs="?", help=_("workstation folder (or -C)"))
    p.add_argument("--host", default="127.0.0.1", help=_("127.0.0.1 or ::1 only"))
    p.add_argument("--port", type=int, default=8765)
    p.set_defaults(func=cmd_ui)
    p = sub.add_parser("forward", help=_("seal a redacted summary of a case to another unit"),
                       parents=[where])  # fmt: skip
    p.add_argument("case")
    p.add_argument("--to", required=True, metavar="CARD", help=_("the other unit's unit-card.json"))
    p.add_argument("--out", required=True, metavar="FILE", help=_("the file to deliver"))
    p.add_argument("--target", required=True, choices=sorted(TARGETS))
    p.add_argument("--include", action="append", default=[], metavar="FIELD")
    p.add_argument("--exclude", action="append", default=[], metavar="FIELD")
    p.add_argument("--include-identity", action="store_true",
                   help=_("send the identity section too (opening it is logged)"))  # fmt: skip
    p.set_defaults(func=cmd_forward)
    p = sub.add_parser("open-forward", help=_("verify and read a summary another unit sent"),
                       parents=[where])  # fmt: skip
    p.add_argument("file")
    p.add_argument("--from", dest="sender", metavar="CARD", help=_("the sender's card, to pin it"))
    p.set_defaults(func=cmd_open_forward)
    p = sub.add_parser("report", help=_("aggregate figures for leadership (HTML with SVG, CSV)"),
                       parents=[where])  # fmt: skip
    p.add_argument("--period", required=True, help=_("2026-11, 2026-Q4, 2026-S2 or 2026"))
    p.add_argument("--out", required=True, metavar="DIR", help=_("folder to write into"))
    p.add_argument(
        "--layout", metavar="NAME", help=_("this time only: another layout than the unit's")
    )
    p.set_defaults(func=cmd_report)
    p = sub.add_parser("report-layout", parents=[where],
                       help="list report layouts, choose the unit's or add one")  # fmt: skip
    p.add_argument("name", nargs="?", help="pergub-ntb-5-2024, nasional or the unit's own")
    p.add_argument("--add", metavar="FILE", help="check a layout file, keep it and choose it")
    p.set_defaults(func=cmd_report_layout)
