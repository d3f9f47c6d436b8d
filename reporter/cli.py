"""``peluit-report``: report to an inspectorate without trusting a web page.

    peluit-report submit --server URL --unit ID --answers FILE.json
                         [--identity FILE.json] [--attach FILE ...]
                         [--fingerprint "abcd efgh ..."]
    peluit-report status --server URL
    peluit-report send   --server URL --message TEXT [--attach FILE ...]

``status`` and ``send`` read the receipt code from the terminal (not echoed)
or, when stdin is not a terminal, from the first line of stdin; never from
the command line, where other users and the shell history could see it.
Failures are short lowercase ``error:`` and ``hint:`` lines on stderr.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from crypto.errors import PeluitError
from receipts.receipt_code import ReceiptCode, parse
from reporter.http_client import ReporterError
from reporter.report import CaseView, Options, Session, submit

METADATA_WARNING = (
    "warning: documents and photos carry metadata (author, device, place, times) "
    "that can identify you; peluit-report sends files exactly as they are, so remove "
    "it first if it matters"
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="peluit-report", description="Send an encrypted report to an inspectorate."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    sub = commands.add_parser("submit", help="send a new report")
    sub.add_argument("--server", required=True)
    sub.add_argument("--unit", required=True, help="the unit id, e.g. inspektorat-demo")
    sub.add_argument("--answers", required=True, type=Path, help="the report, a JSON file")
    sub.add_argument("--identity", type=Path, help="optional identity section, a JSON file")
    sub.add_argument("--attach", nargs="*", default=[], type=Path, metavar="FILE")
    sub.add_argument("--fingerprint", help="refuse unless the unit's fingerprint is this")
    status = commands.add_parser("status", help="read your case with its receipt code")
    status.add_argument("--server", required=True)
    send = commands.add_parser("send", help="add a message to your case")
    send.add_argument("--server", required=True)
    send.add_argument("--message", required=True)
    send.add_argument("--attach", nargs="*", default=[], type=Path, metavar="FILE")
    return parser


def read_code(stdin: TextIO) -> ReceiptCode:
    text = getpass.getpass("receipt code: ") if stdin.isatty() else stdin.readline()
    return parse(text)


def _print_view(view: CaseView, out: TextIO) -> None:
    print(f"case: {view.case_ref}", file=out)
    print(f"status: {view.status} (since {view.status_since})", file=out)
    if view.deadline:
        paused = " (paused)" if view.deadline.get("paused") else ""
        print(f"deadline: {view.deadline.get('stage')} by {view.deadline.get('due')}{paused}",
              file=out)  # fmt: skip
    print(f"unit fingerprint: {view.fingerprint}", file=out)
    for entry in view.entries:
        head = f"--- {entry.day} {entry.kind} from {entry.author}"
        if entry.kind == "attachment":
            print(f"{head}: an attachment of {entry.size} bytes (only the unit can open it)",
                  file=out)  # fmt: skip
        elif not entry.verified:
            print(
                f"{head}\nWARNING: this item does not carry the unit's valid signature or "
                "cannot be opened; it is not shown and must not be trusted",
                file=out,
            )
        else:
            print(f"{head}\n{entry.text}", file=out)


def run(argv: Sequence[str], stdin: TextIO, out: TextIO, err: TextIO) -> int:
    args = _parser().parse_args(argv)
    if getattr(args, "attach", None):
        print(METADATA_WARNING, file=err)
    if args.command == "submit":
        done = submit(Options(
            args.server, args.unit, args.answers, args.identity, list(args.attach),
            args.fingerprint,
        ))  # fmt: skip
        print(f"unit fingerprint: {done.fingerprint}", file=out)
        print(f"case: {done.case_ref} ({done.status}, {done.submitted})", file=out)
        print(f"receipt code: {done.code.grouped()}", file=out)
        print(
            "hint: write the receipt code down and keep it safe; it is the only way "
            "back to your report and it cannot be recovered",
            file=err,
        )
        return 0
    session = Session(args.server, read_code(stdin))
    if args.command == "status":
        _print_view(session.view(), out)
        return 0
    session.send(args.message, list(args.attach))
    print("message sent", file=out)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return run(sys.argv[1:] if argv is None else argv, sys.stdin, sys.stdout, sys.stderr)
    except ReporterError as exc:
        print(f"error: {exc.user_message}", file=sys.stderr)
        if exc.hint:
            print(f"hint: {exc.hint}", file=sys.stderr)
        return 1
    except PeluitError as exc:
        print(f"error: {exc.user_message[:1].lower()}{exc.user_message[1:]}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted; nothing more was sent", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
