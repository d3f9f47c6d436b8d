"""``peluit-ws`` subcommands on top of :class:`workstation.desk.Desk` and the key tools.

Everything printed from a report goes through :mod:`workstation.terminal`.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from common.cli_language import language
from common.durable_file import write_atomic
from crypto.key_file import UnitKeys
from crypto.unit_card import UnitCard
from workstation import backup as shamir
from workstation import custodian, prompts, rotation
from workstation.card_issue import agrees, card_for, register_lines, write_card
from workstation.case_view import CaseView
from workstation.ceremony import CARD_FILE, KEY_FILE, FolderNotEmpty
from workstation.cli_words import _, translated, word
from workstation.desk import Desk
from workstation.errors import Refused
from workstation.keyring import load_card, open_keys, read_bytes, save_keys
from workstation.quarantine import Quarantined
from workstation.templates import REPLY_TEMPLATES, STANDARD_MESSAGES
from workstation.terminal import safe_line, safe_text
from workstation.triage import Triage

NOT_INSTALLED_HINT = "mat2 is a separate program: apt install mat2"


def _warn(message: str) -> None:
    print(f"{_('warning')}: {message}", file=sys.stderr)


def folder_of(args: argparse.Namespace) -> Path:
    return Path(args.dir or os.environ.get("PELUIT_WS_DIR") or ".")


@contextlib.contextmanager
def desk_for(args: argparse.Namespace) -> Iterator[Desk]:
    desk = Desk.open(folder_of(args), prompts.passphrase(_("passphrase: ")))
    try:
        yield desk
    finally:
        desk.close()


def cmd_import(args: argparse.Namespace) -> int:
    with desk_for(args) as desk:
        result = desk.import_bundle(Path(args.bundle), allow_gap=args.allow_gap)
    print(_(
        "imported export {seq}: {new} new case(s), {updated} updated, {items} new item(s)",
        seq=result.export_seq, new=len(result.new_cases), updated=len(result.updated_cases),
        items=result.new_envelopes,
    ))  # fmt: skip
    for ref in result.new_cases:
        print("  " + _("new: {reference}", reference=safe_line(ref)))
    if result.released:
        print("  " + _("released from quarantine: {count} item(s) that now open",
                       count=result.released))  # fmt: skip
    for held in result.quarantined:
        print("  " + _("quarantined: {line}", line=_held_line(held)))
    if result.quarantined:
        print(
            "hint: "
            + _("'peluit-ws quarantine list' shows why; nothing of them is shown or opened")
        )
    return 0


def _held_line(held: Quarantined) -> str:
    item = held.item_id[:8] if held.item_id else "-"
    return _(
        "#{id} {reference} {kind} of {day} item {item}: {check} ({detail})",
        id=held.id, reference=safe_line(held.reference), kind=held.kind, day=held.day,
        item=item, check=held.check, detail=held.detail,
    )  # fmt: skip


def cmd_quarantine(args: argparse.Namespace) -> int:
    with desk_for(args) as desk:
        if args.action == "retry":
            result = desk.retry_quarantine(args.ids or None)
            new_cases = ", ".join(map(safe_line, result.new_cases))
            print(
                _("released {released} item(s), {held} still held",
                  released=len(result.released), held=len(result.held))
                + (_("; new case(s): {references}", references=new_cases) if new_cases else "")
            )  # fmt: skip
            return 0
        rows = desk.quarantine(include_released=args.all)
    if not rows:
        print(_("nothing is held in quarantine"))
    for held in rows:
        state = _(" (released {day})", day=held.released_day) if held.released_day else ""
        print(_held_line(held) + _("; held since {day}", day=held.quarantined_day) + state)
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    with desk_for(args) as desk:
        cases = desk.cases()
    if not cases:
        print(_("no cases yet: import an export bundle with 'peluit-ws import BUNDLE'"))
    for case in cases:
        status = word(case.status)
        if case.pending_status != case.status:
            status = _pending(status, word(case.pending_status), case.pending_bundle)
        print(_(
            "{reference} {status} since {status_day}  submitted {submitted_day}  urgency {urgency}",
            reference=f"{safe_line(case.reference):<16}", status=f"{status:<32}",
            status_day=case.status_day, submitted_day=case.submitted_day,
            urgency=word(case.urgency) if case.urgency else "-",
        ))  # fmt: skip
    return 0


def _pending(status: str, pending: str, bundle: int | None) -> str:
    """A status change on its way: queued here, or already in a reply bundle (which one)."""
    if bundle is None:
        return _("{status} -> {pending} (queued, not exported yet)", status=status, pending=pending)
    return _(
        "{status} -> {pending} (exported in reply bundle {bundle}, not applied online yet)",
        status=status, pending=pending, bundle=bundle,
    )  # fmt: skip


def _print_case(view: CaseView) -> None:
    print(_(
        "{reference}  status {status} since {status_day}; submitted {submitted_day}",
        reference=safe_line(view.reference), status=word(view.status),
        status_day=view.status_day, submitted_day=view.submitted_day,
    ))  # fmt: skip
    if view.pending_status != view.status and view.pending_bundle is None:
        print(_("status change queued, not exported yet: {pending}",
                pending=word(view.pending_status)))  # fmt: skip
    elif view.pending_status != view.status:
        print(_(
            "status change exported in reply bundle {bundle}, not applied online yet: {pending}",
            bundle=view.pending_bundle, pending=word(view.pending_status),
        ))  # fmt: skip
    if view.triage:
        t = view.triage
        print(_(
            "triage: urgency {urgency}, retaliation risk {risk}, category {category}",
            urgency=word(t.urgency) if t.urgency else "-", risk=word(t.retaliation_risk),
            category=safe_line(t.category) or "-",
        ))  # fmt: skip
    print("\n== Laporan / Report ==")
    if view.reading.tip_error:
        print(_("error: the report cannot be read: {why}", why=view.reading.tip_error))
    lang = language()
    for answer in view.reading.answers:  # the report's own questionnaire version, in words
        print(f"- {safe_line(answer.label(lang))}:")
        print("  " + safe_text(answer.words(lang)).replace("\n", "\n  "))
    print("\n== Lampiran / Attachments ==")
    for a in view.reading.attachments:
        name, given_type = safe_line(a.reporter_name) or "?", safe_line(a.reporter_type) or "?"
        told = (
            _("reporter says {name} ({type})", name=name, type=given_type)
            if a.reporter_type
            else _("reporter says {name}", name=name)
        )
        kind = translated(a.sniffed.label) if a.sniffed else _("unreadable: {why}", why=a.error)
        print(_("[{number}] {kind}; {size} bytes encrypted; {told}; day {day}",
                number=a.number, kind=kind, size=a.size, told=told, day=a.day))  # fmt: skip
        for warning in a.sniffed.warnings if a.sniffed else ():
            print(_("    WARNING: {warning}", warning=translated(warning)))
    print("\n== Pesan / Messages ==")
    for item in view.reading.items:
        who = _("reporter") if item.author == "reporter" else _("unit")
        note = f" [{translated(item.note)}]" if item.note else ""
        print(f"[{item.number or '-'}] {item.day} {who}{note}:")
        print("  " + safe_text(item.text).replace("\n", "\n  "))
    if view.has_identity:
        print(
            "\n== Identitas / Identity ==\n"
            + _("closed: use --open-identity (every opening is logged)")
        )


def cmd_show(args: argparse.Namespace) -> int:
    with desk_for(args) as desk:
        view = desk.case(args.case)
        _print_case(view)
        if args.open_identity:
            holder = None
            if args.custodian:
                holder = (Path(args.custodian), prompts.passphrase(_("custodian passphrase: ")))
            print("\n== Identitas / Identity (opened; logged) ==")
            for document in desk.open_identity(args.case, holder):
                for key, value in document.items():
                    print(f"- {safe_line(str(key))}: {safe_line(str(value))}")
    return 0


def cmd_save(args: argparse.Namespace) -> int:
    with desk_for(args) as desk:
        saved = desk.save_attachment(
            args.case,
            args.item,
            Path(args.out),
            use_name=args.use_name,
            strip_metadata=args.strip_metadata,
        )
    print(_("saved to {path} ({kind}); not opened",
            path=safe_line(str(saved.path)), kind=saved.sniffed.label))  # fmt: skip
    for warning in saved.sniffed.warnings:
        print(_("WARNING: {warning}", warning=warning))
    if saved.metadata_note:
        print(translated(saved.metadata_note))
        if "not installed" in saved.metadata_note:
            print(f"hint: {_(NOT_INSTALLED_HINT)}")
    return 0


def cmd_triage(args: argparse.Namespace) -> int:
    with desk_for(args) as desk:
        old = desk.case(args.case).triage or Triage()
        values = {
            name: getattr(args, name)
            for name in (
                "category",
                "agency",
                "person_reported",
                "urgency",
                "retaliation_risk",
                "notes",
            )
        }
        merged = Triage(**{k: (v if v is not None else getattr(old, k)) for k, v in values.items()})
        desk.set_triage(args.case, merged)
    print(_("triage saved (encrypted, kept on this workstation only)"))
    return 0


def cmd_reply(args: argparse.Namespace) -> int:
    with desk_for(args) as desk:
        if args.template:
            fills = dict(item.split("=", 1) for item in args.fill if "=" in item)
            item_id = desk.queue_template_reply(args.case, args.template, fills)
        else:
            item_id = desk.queue_reply(args.case, _reply_text())
    print(_("reply {item} queued; send it with 'peluit-ws export-replies OUT'", item=item_id[:8]))
    return 0


def _reply_text() -> str:
    """The reply from the editor (on a terminal) or stdin; an empty one says where it was sought."""
    text = prompts.long_text(_("reply to the reporter"))
    if text.strip():
        return text
    if not sys.stdin.isatty():
        raise Refused(
            _("the reply is empty: no terminal to open an editor on, and nothing came on stdin"),
            hint=_(
                "type the reply in the editor on a terminal, or send it on stdin after the "
                "passphrase line: printf '%s\\n%s\\n' PASSPHRASE TEXT | peluit-ws reply CASE"
            ),
        )
    raise Refused(_(
        "the reply is empty: the editor {editor} saved no text (lines starting with # are dropped)",
        editor=prompts.editor(),
    ))  # fmt: skip


def cmd_status(args: argparse.Namespace) -> int:
    with desk_for(args) as desk:
        desk.queue_status(
            args.case, args.new, outcome=args.outcome, reason=args.reason, target=args.target
        )
    print(_("status change to {status} queued; send it with 'peluit-ws export-replies OUT'",
            status=word(args.new)))  # fmt: skip
    return 0


def cmd_templates(args: argparse.Namespace) -> int:
    if args.action == "list":
        for name, text in REPLY_TEMPLATES.items():
            print(_("reply template {name}:", name=name) + "\n  " + text.replace("\n", "\n  "))
        for name, text in STANDARD_MESSAGES.items():
            print(_("standard message {name}: {text}", name=name, text=text))
        return 0
    with desk_for(args) as desk:
        ids = desk.queue_standard_messages()
    print(_("{count} standard messages signed and queued: {names}",
            count=len(ids), names=", ".join(ids)))  # fmt: skip
    return 0


def cmd_export_replies(args: argparse.Namespace) -> int:
    with desk_for(args) as desk:
        done = desk.export_replies(Path(args.out))
    print(_(
        "reply bundle {seq} written to {path}: {replies} repl(ies), {statuses} status "
        "change(s), {templates} standard message(s), {quarantined} quarantine report(s)",
        seq=done.sequence, path=done.path, replies=done.replies, statuses=done.statuses,
        templates=done.templates, quarantined=done.quarantined,
    ))  # fmt: skip
    print("hint: " + _("import it online with the console; it can be applied once"))
    return 0


def cmd_identity_log(args: argparse.Namespace) -> int:
    with desk_for(args) as desk:
        refs = {c.case_id: c.reference for c in desk.cases()}
        for seq, case_id, item_id, day, opened_with in desk.identity_log():
            print(_(
                "{seq} {day} {reference} item {item} opened with the {key} key",
                seq=f"{seq:5d}", day=day, reference=refs.get(case_id, case_id),
                item=item_id[:8], key=_(opened_with),
            ))  # fmt: skip
    return 0


# --- keys -------------------------------------------------------------------


def cmd_backup(args: argparse.Namespace) -> int:
    folder = Path(args.folder)
    keys = open_keys(folder, prompts.passphrase(_("passphrase: ")))
    card = load_card(folder)
    if not agrees(card, keys):  # e.g. a custodian attached before attach wrote the card
        _warn(_(
            "{card} does not match the key file (custodian key or newest encryption key); run "
            "'peluit-ws custodian attach' again with the custodian's card and register the "
            "card it writes",
            card=CARD_FILE,
        ))  # fmt: skip
    made = shamir.make_backup(keys, args.shares, args.threshold)
    out = Path(args.out) if args.out else folder
    out.mkdir(mode=0o700, parents=True, exist_ok=True)
    backup_file = out / shamir.BACKUP_FILE
    if backup_file.exists():
        raise Refused(f"{backup_file} exists; choose a new file name")
    write_atomic(backup_file, [made.key_file], replace=True)
    if args.out:
        write_atomic(out / CARD_FILE, [card.to_json()], replace=True, mode=0o644)
    for number in range(1, args.shares + 1):
        sheet = shamir.share_sheet(keys.unit_id, card.fingerprint(), number, made)
        if args.out:
            share = out / f"share-{number}-of-{args.shares}.txt"
            write_atomic(share, [sheet.encode()], replace=True)
        else:
            print(sheet)
    print(_(
        "backup file written to {path}; copy it next to each share: it is useless without "
        "{threshold} shares, and the shares are useless without it",
        path=backup_file, threshold=args.threshold,
    ))  # fmt: skip
    if args.out:
        print(_("share sheets written to {path}: print each, give each to one person, then delete",
                path=out))  # fmt: skip
    print("hint: " + _("after 'rotate' or 'custodian attach', make a new backup"))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    folder = Path(args.folder)
    if (folder / KEY_FILE).exists():
        raise FolderNotEmpty(f"{folder / KEY_FILE} exists; restore into an empty folder")
    backup_file = Path(args.backup_file)
    data = read_bytes(backup_file, 1 << 20, "backup file")
    shares = [Path(f).read_text(encoding="utf-8") for f in args.share_file]
    if not shares:
        print(_("type one share per line (33 words); an empty line when done"), file=sys.stderr)
        while entry := prompts.line(_("share: ")).strip():
            shares.append(entry)
    keys = shamir.recover_keys(shares, data)
    new = prompts.new_passphrase()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    save_keys(folder, keys, new, params=(3, 262144))
    print(_("key file restored to {path} with the new passphrase", path=folder / KEY_FILE))
    _restore_card(folder, backup_file.parent / CARD_FILE, keys)
    return 0


def _restore_card(folder: Path, beside_backup: Path, keys: UnitKeys) -> None:
    """Keep the card next to the backup if it is the one the keys call for; else issue it.

    A stale copy (from before a rotation or a custodian attach) must not come
    back as the unit's card: it would seal new identities to the unit key.
    """
    if (folder / CARD_FILE).exists():
        return
    if not beside_backup.is_file():
        _warn(_(
            "no {card} next to the backup file; copy the unit's card into {folder} "
            "(it names the unit)",
            card=CARD_FILE, folder=folder,
        ))  # fmt: skip
        return
    like = UnitCard.parse(read_bytes(beside_backup, 16 * 1024, "unit card"))
    if like.ed25519_public_key != keys.signing_key().verify_key:
        raise Refused(f"{beside_backup} is the card of another unit; the key file was restored")
    if agrees(like, keys):
        write_atomic(folder / CARD_FILE, [like.to_json()], replace=True, mode=0o644)
        return
    card = card_for(keys, like)
    print("\n".join(register_lines(write_card(folder, card), card.fingerprint())))


def cmd_rotate(args: argparse.Namespace) -> int:
    card = rotation.rotate(Path(args.folder), prompts.passphrase(_("passphrase: ")))
    path = Path(args.folder) / CARD_FILE
    print(_("new encryption key added; new card written to {path}", path=path))
    print(_("register it online on the server with: peluit unit add {path} --rotation", path=path))
    print(_("new fingerprint to publish: {fingerprint}", fingerprint=card.fingerprint()))
    if card.custodian_xwing_public_key is not None:
        print(_("the custodian key stays on the card"))
    print("hint: " + _("old keys are kept for old reports; make a new backup now"))
    return 0


def cmd_custodian(args: argparse.Namespace) -> int:
    if args.action == "init":
        card = custodian.init_custodian(Path(args.folder), prompts.new_passphrase())
        print(_("custodian key file and card written to {path}", path=args.folder))
        print(_("custodian fingerprint: {fingerprint}", fingerprint=card.fingerprint()))
        return 0
    if not args.card:
        raise Refused("custodian attach needs --card custodian-card.json")
    done = custodian.attach(
        Path(args.folder), prompts.passphrase(_("passphrase: ")), Path(args.card)
    )
    print(_(
        "custodian key attached (fingerprint {fingerprint}); identities sealed to it need the "
        "custodian's key file and passphrase to open",
        fingerprint=done.custodian_card.fingerprint(),
    ))  # fmt: skip
    print("\n".join(register_lines(done.unit_card_path, done.unit_card.fingerprint())))
    print(_("until this card is registered, identities are still sealed to the unit key"))
    print("hint: " + _("make a new backup now"))
    return 0
