"""``peluit-report``: report to an inspectorate without trusting a web page.

    peluit-report submit --server URL --unit ID --answers FILE.json
                         [--identity FILE.json] [--attach FILE ...]
                         [--fingerprint "abcd efgh ..."] [--receipt-file FILE]
    peluit-report status (--receipt-file FILE | --server URL [--fingerprint ...])
    peluit-report send   (--receipt-file FILE | --server URL [--fingerprint ...])
                         [--attach FILE ...]        # the message: editor or stdin

Nothing is sealed to the unit's card until its fingerprint is confirmed:
``--fingerprint`` (from the inspectorate's poster or its own website), the
receipt file written by ``submit --receipt-file`` or the report page, or,
on a terminal, the fingerprint shown and accepted with "yes". Without a
terminal and without a fingerprint nothing is sent.

The receipt code is never taken from the command line: it is read from the
receipt file, from the terminal (not echoed) or from the first line of
stdin. A message is never taken from the command line either: on a terminal
an editor opens; otherwise it is (the rest of) stdin. Failures are short
lowercase ``error:`` and ``hint:`` lines on stderr. Messages follow the
locale (``LANG=id_ID.UTF-8``: Indonesian).
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
from reporter import receipt_file
from reporter.answers import describe_fields
from reporter.http_client import ReporterError
from reporter.message_input import read_message
from reporter.pinning import Pin, ask_on_terminal, visible
from reporter.report import CaseView, Options, Session, submit
from reporter.words import code_word, shared_error, t


class _RefuseArgvMessage(argparse.Action):
    def __call__(self, *_: object, **__: object) -> None:
        raise ReporterError(t("message.argv"), hint=t("message.argv.hint"))


def _returning(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--receipt-file", type=Path, help=t("help.receipt_file"))
    sub.add_argument("--server", help=t("help.server"))
    sub.add_argument("--fingerprint", help=t("help.fingerprint_returning"))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="peluit-report", description=t("help.description"))
    commands = parser.add_subparsers(dest="command", required=True)
    sub = commands.add_parser(
        "submit", help=t("help.submit"), epilog=describe_fields(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    sub.add_argument("--server", required=True, help=t("help.server_submit"))
    sub.add_argument("--unit", required=True, help=t("help.unit"))
    sub.add_argument("--answers", required=True, type=Path, help=t("help.answers"))
    sub.add_argument("--identity", type=Path, help=t("help.identity"))
    sub.add_argument("--attach", nargs="*", default=[], type=Path, metavar="FILE",
                     help=t("help.attach"))  # fmt: skip
    sub.add_argument("--fingerprint", help=t("help.fingerprint"))
    sub.add_argument("--receipt-file", type=Path, help=t("help.write_receipt"))
    status = commands.add_parser("status", help=t("help.status"))
    _returning(status)
    send = commands.add_parser("send", help=t("help.send"))
    _returning(send)
    send.add_argument("--attach", nargs="*", default=[], type=Path, metavar="FILE",
                      help=t("help.attach"))  # fmt: skip
    send.add_argument("--message", action=_RefuseArgvMessage, help=argparse.SUPPRESS)
    return parser


def read_code(stdin: TextIO) -> ReceiptCode:
    text = getpass.getpass(t("code.prompt")) if stdin.isatty() else stdin.readline()
    return parse(text)


def _print_view(view: CaseView, out: TextIO) -> None:
    """The case as text; what the server or a sender chose is shown without control characters."""

    def say(text: str) -> None:
        print(visible(text, keep="\n"), file=out)

    say(t("view.case", case=view.case_ref))
    say(t("view.status", status=code_word("status", view.status), since=view.status_since))
    if view.deadline:
        paused = t("view.paused") if view.deadline.get("paused") else ""
        stage = code_word("stage", str(view.deadline.get("stage")))
        say(t("view.deadline", stage=stage, due=view.deadline.get("due"), paused=paused))
    say(t("view.fingerprint", fingerprint=view.fingerprint))
    for entry in view.entries:
        kind = code_word("kind", visible(entry.kind))
        author = code_word("author", visible(entry.author))
        head = t("view.from", day=visible(entry.day), kind=kind, author=author)
        if entry.kind == "attachment":
            say(t("view.attachment", head=head, size=entry.size))
        elif not entry.verified:
            say(f"{head}\n{t('view.unverified')}")
        elif entry.standard:
            say(f"{head} [{t('standard')}]\n{entry.text}")
        else:
            say(f"{head}\n{entry.text}")


def _submit(args: argparse.Namespace, stdin: TextIO, out: TextIO, err: TextIO) -> int:
    pin = Pin.given(args.fingerprint) if args.fingerprint else None
    done = submit(Options(
        args.server, args.unit, args.answers, args.identity, list(args.attach),
        pin, ask_on_terminal(stdin, err), args.receipt_file, lambda line: print(line, file=err),
    ))  # fmt: skip
    print(t("view.fingerprint", fingerprint=done.fingerprint), file=out)
    status = code_word("status", done.status)
    print(t("submit.case", case=done.case_ref, status=status, submitted=done.submitted), file=out)
    print(t("submit.code", code=done.code.grouped()), file=out)
    print(f"hint: {t('submit.keep')}", file=err)
    return 0


def _session(args: argparse.Namespace, stdin: TextIO, err: TextIO) -> Session:
    confirm = ask_on_terminal(stdin, err)
    if args.receipt_file is not None:
        receipt = receipt_file.read(args.receipt_file)
        server = args.server or receipt.server
        pinned = Pin.given(receipt.fingerprint, receipt.signing_key)
        return Session(server, receipt.code, pinned, confirm, receipt.unit_id)
    if not args.server:
        raise ReporterError(t("returning.needs"))
    pin = Pin.given(args.fingerprint) if args.fingerprint else None
    if pin is None and not stdin.isatty():
        raise ReporterError(t("pin.required"), hint=t("pin.required.hint"))
    return Session(args.server, read_code(stdin), pin, confirm)


def run(argv: Sequence[str], stdin: TextIO, out: TextIO, err: TextIO) -> int:
    args = _parser().parse_args(argv)
    if args.command == "submit":
        return _submit(args, stdin, out, err)
    session = _session(args, stdin, err)
    if args.command == "status":
        _print_view(session.view(), out)
        return 0
    message = read_message(stdin)
    session.send(message, list(args.attach), lambda line: print(line, file=err))
    print(t("send.done"), file=out)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return run(sys.argv[1:] if argv is None else argv, sys.stdin, sys.stdout, sys.stderr)
    except ReporterError as exc:
        print(f"error: {visible(exc.user_message)}", file=sys.stderr)
        if exc.hint:
            print(f"hint: {exc.hint}", file=sys.stderr)
        return 1
    except PeluitError as exc:
        print(f"error: {shared_error(exc.user_message)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"error: {t('interrupted')}", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
