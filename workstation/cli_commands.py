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

from crypto.key_file import UnitKeys
from crypto.unit_card import UnitCard
from workstation import backup as shamir
from workstation import custodian, prompts, rotation
from workstation.card_issue import agrees, card_for, register_lines, write_card
from workstation.ceremony import CARD_FILE, KEY_FILE, FolderNotEmpty
from workstation.desk import CaseView, Desk
from workstation.errors import Refused
from workstation.keyring import load_card, open_keys, read_bytes, save_keys, write_atomic
from workstation.quarantine import Quarantined
from workstation.templates import REPLY_TEMPLATES, STANDARD_MESSAGES
from workstation.terminal import safe_line, safe_text
from workstation.triage import Triage

NOT_INSTALLED_HINT = "mat2 is a separate program: apt install mat2"


def folder_of(args: argparse.Namespace) -> Path:
    return Path(args.dir or os.environ.get("PELUIT_WS_DIR") or ".")


@contextlib.contextmanager
def desk_for(args: argparse.Namespace) -> Iterator[Desk]:
    desk = Desk.open(folder_of(args), prompts.passphrase())
    try:
        yield desk
    finally:
        desk.close()


def cmd_import(args: argparse.Namespace) -> int:
    with desk_for(args) as desk:
        result = desk.import_bundle(Path(args.bundle), allow_gap=args.allow_gap)
    print(
        f"imported export {result.export_seq}: {len(result.new_cases)} new case(s), "
        f"{len(result.updated_cases)} updated, {result.new_envelopes} new item(s)"
    )
    for ref in result.new_cases:
        print(f"  new: {safe_line(ref)}")
    if result.released:
        print(f"  released from quarantine: {result.released} item(s) that now open")
    for held in result.quarantined:
        print(f"  quarantined: {_held_line(held)}")
    if result.quarantined:
        print("hint: 'peluit-ws quarantine list' shows why; nothing of them is shown or opened")
    return 0


def _held_line(held: Quarantined) -> str:
    item = held.item_id[:8] if held.item_id else "-"
    return (
        f"#{held.id} {safe_line(held.reference)} {held.kind} of {held.day} item {item}: "
        f"{held.check} ({held.detail})"
    )


def cmd_quarantine(args: argparse.Namespace) -> int:
    with desk_for(args) as desk:
        if args.action == "retry":
            result = desk.retry_quarantine(args.ids or None)
            print(
                f"released {len(result.released)} item(s), {len(result.held)} still held"
                + (f"; new case(s): {', '.join(map(safe_line, result.new_cases))}"
                   if result.new_cases else "")
            )  # fmt: skip
            return 0
        rows = desk.quarantine(include_released=args.all)
    if not rows:
        print("nothing is held in quarantine")
    for held in rows:
        state = f" (released {held.released_day})" if held.released_day else ""
        print(_held_line(held) + f"; held since {held.quarantined_day}{state}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    with desk_for(args) as desk:
        cases = desk.cases()
    if not cases:
        print("no cases yet: import an export bundle with 'peluit-ws import BUNDLE'")
    for case in cases:
        status = (
            case.status
            if case.pending_status == case.status
            else (f"{case.status} -> {case.pending_status} (queued)")
        )
        print(
            f"{safe_line(case.reference):<16} {status:<32} since {case.status_day}  "
            f"submitted {case.submitted_day}  urgency {case.urgency or '-'}"
        )
    return 0


def _print_case(view: CaseView) -> None:
    print(
        f"{safe_line(view.reference)}  status {view.status} since {view.status_day}; "
        f"submitted {view.submitted_day}"
    )
    if view.pending_status != view.status:
        print(f"queued status change: {view.pending_status}")
    if view.triage:
        t = view.triage
        print(
            f"triage: urgency {t.urgency or '-'}, retaliation risk {t.retaliation_risk}, "
            f"category {safe_line(t.category) or '-'}"
        )
    print("\n== Laporan / Report ==")
    if view.reading.tip_error:
        print(f"error: the report cannot be read: {view.reading.tip_error}")
    for answer in view.reading.answers:
        print(f"- {safe_line(answer.label_id)} / {safe_line(answer.label_en)}:")
        print("  " + safe_text(answer.value).replace("\n", "\n  "))
    print("\n== Lampiran / Attachments ==")
    for a in view.reading.attachments:
        name, given_type = safe_line(a.reporter_name) or "?", safe_line(a.reporter_type) or "?"
        told = f"reporter says {name}" + (f" ({given_type})" if a.reporter_type else "")
        kind = a.sniffed.label if a.sniffed else f"unreadable: {a.error}"
        print(f"[{a.number}] {kind}; {a.size} bytes encrypted; {told}; day {a.day}")
        for warning in a.sniffed.warnings if a.sniffed else ():
            print(f"    WARNING: {warning}")
    print("\n== Pesan / Messages ==")
    for item in view.reading.items:
        who = "reporter" if item.author == "reporter" else "unit"
        note = f" [{item.note}]" if item.note else ""
        print(f"[{item.number or '-'}] {item.day} {who}{note}:")
        print("  " + safe_text(item.text).replace("\n", "\n  "))
    if view.has_identity:
        print("\n== Identitas / Identity ==\nclosed: use --open-identity (every opening is logged)")


def cmd_show(args: argparse.Namespace) -> int:
    with desk_for(args) as desk:
        view = desk.case(args.case)
        _print_case(view)
        if args.open_identity:
            holder = None
            if args.custodian:
                holder = (Path(args.custodian), prompts.passphrase("custodian passphrase: "))
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
    print(f"saved to {safe_line(str(saved.path))} ({saved.sniffed.label}); not opened")
    for warning in saved.sniffed.warnings:
        print(f"WARNING: {warning}")
    if saved.metadata_note:
        print(saved.metadata_note)
        if "not installed" in saved.metadata_note:
            print(f"hint: {NOT_INSTALLED_HINT}")
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
    print("triage saved (encrypted, kept on this workstation only)")
    return 0


def cmd_reply(args: argparse.Namespace) -> int:
    with desk_for(args) as desk:
        if args.template:
            fills = dict(item.split("=", 1) for item in args.fill if "=" in item)
            item_id = desk.queue_template_reply(args.case, args.template, fills)
        else:
            item_id = desk.queue_reply(args.case, prompts.long_text("reply to the reporter"))
    print(f"reply {item_id[:8]} queued; send it with 'peluit-ws export-replies OUT'")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    with desk_for(args) as desk:
        desk.queue_status(
            args.case, args.new, outcome=args.outcome, reason=args.reason, target=args.target
        )
    print(f"status change to {args.new} queued")
    return 0


def cmd_templates(args: argparse.Namespace) -> int:
    if args.action == "list":
        for name, text in REPLY_TEMPLATES.items():
            print(f"reply template {name}:\n  " + text.replace("\n", "\n  "))
        for name, text in STANDARD_MESSAGES.items():
            print(f"standard message {name}: {text}")
        return 0
    with desk_for(args) as desk:
        ids = desk.queue_standard_messages()
    print(f"{len(ids)} standard messages signed and queued: {', '.join(ids)}")
    return 0


def cmd_export_replies(args: argparse.Namespace) -> int:
    with desk_for(args) as desk:
        done = desk.export_replies(Path(args.out))
    print(
        f"reply bundle {done.sequence} written to {done.path}: {done.replies} repl(ies), "
        f"{done.statuses} status change(s), {done.templates} standard message(s), "
        f"{done.quarantined} quarantine report(s)"
    )
    print("hint: import it online with the console; it can be applied once")
    return 0


def cmd_identity_log(args: argparse.Namespace) -> int:
    with desk_for(args) as desk:
        refs = {c.case_id: c.reference for c in desk.cases()}
        for seq, case_id, item_id, day, opened_with in desk.identity_log():
            print(
                f"{seq:5d} {day} {refs.get(case_id, case_id)} item {item_id[:8]} "
                f"opened with the {opened_with} key"
            )
    return 0


# --- keys -------------------------------------------------------------------


def cmd_backup(args: argparse.Namespace) -> int:
    folder = Path(args.folder)
    keys = open_keys(folder, prompts.passphrase())
    card = load_card(folder)
    if not agrees(card, keys):  # e.g. a custodian attached before attach wrote the card
        print(
            f"peringatan / warning: {CARD_FILE} does not match the key file (custodian key or "
            "newest encryption key); run 'peluit-ws custodian attach' again with the "
            "custodian's card and register the card it writes",
            file=sys.stderr,
        )
    made = shamir.make_backup(keys, args.shares, args.threshold)
    out = Path(args.out) if args.out else folder
    out.mkdir(mode=0o700, parents=True, exist_ok=True)
    backup_file = out / shamir.BACKUP_FILE
    if backup_file.exists():
        raise Refused(f"{backup_file} exists; choose an empty --out folder")
    write_atomic(backup_file, made.key_file)
    if args.out:
        write_atomic(out / CARD_FILE, card.to_json(), mode=0o644)
    for number in range(1, args.shares + 1):
        sheet = shamir.share_sheet(keys.unit_id, card.fingerprint(), number, made)
        if args.out:
            write_atomic(out / f"share-{number}-of-{args.shares}.txt", sheet.encode())
        else:
            print(sheet)
    print(
        f"backup file written to {backup_file}; copy it next to each share: it is useless "
        f"without {args.threshold} shares, and the shares are useless without it"
    )
    if args.out:
        print(f"share sheets written to {out}: print each, give each to one person, then delete")
    print("hint: after 'rotate' or 'custodian attach', make a new backup")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    folder = Path(args.folder)
    if (folder / KEY_FILE).exists():
        raise FolderNotEmpty(f"{folder / KEY_FILE} exists; restore into an empty folder")
    backup_file = Path(args.backup_file)
    data = read_bytes(backup_file, 1 << 20, "backup file")
    shares = [Path(f).read_text(encoding="utf-8") for f in args.share_file]
    if not shares:
        print("type one share per line (33 words); an empty line when done", file=sys.stderr)
        while entry := prompts.line("share: ").strip():
            shares.append(entry)
    keys = shamir.recover_keys(shares, data)
    new = prompts.new_passphrase()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    save_keys(folder, keys, new, params=(3, 262144))
    print(f"key file restored to {folder / KEY_FILE} with the new passphrase")
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
        print(
            f"peringatan / warning: no {CARD_FILE} next to the backup file; copy the unit's "
            f"card into {folder} (it names the unit)",
            file=sys.stderr,
        )
        return
    like = UnitCard.parse(read_bytes(beside_backup, 16 * 1024, "unit card"))
    if like.ed25519_public_key != keys.signing_key().verify_key:
        raise Refused(f"{beside_backup} is the card of another unit; the key file was restored")
    if agrees(like, keys):
        write_atomic(folder / CARD_FILE, like.to_json(), mode=0o644)
        return
    card = card_for(keys, like)
    print("\n".join(register_lines(write_card(folder, card), card.fingerprint())))


def cmd_rotate(args: argparse.Namespace) -> int:
    card = rotation.rotate(Path(args.folder), prompts.passphrase())
    path = Path(args.folder) / CARD_FILE
    print(f"new encryption key added; new card written to {path}")
    print(f"register it online with: peluit unit add {path} --rotation")
    print(f"new fingerprint to publish: {card.fingerprint()}")
    if card.custodian_xwing_public_key is not None:
        print("kunci kustodian tetap di kartu / the custodian key stays on the card")
    print("hint: old keys are kept for old reports; make a new backup now")
    return 0


def cmd_custodian(args: argparse.Namespace) -> int:
    if args.action == "init":
        card = custodian.init_custodian(Path(args.folder), prompts.new_passphrase())
        print(f"custodian key file and card written to {args.folder}")
        print(f"custodian fingerprint: {card.fingerprint()}")
        return 0
    if not args.card:
        raise Refused("custodian attach needs --card custodian-card.json")
    done = custodian.attach(Path(args.folder), prompts.passphrase(), Path(args.card))
    print(
        f"custodian key attached (fingerprint {done.custodian_card.fingerprint()}); identities "
        "sealed to it need the custodian's key file and passphrase to open"
    )
    print("\n".join(register_lines(done.unit_card_path, done.unit_card.fingerprint())))
    print(
        "sampai kartu ini terdaftar, identitas masih disegel ke kunci unit / until this card "
        "is registered, identities are still sealed to the unit key"
    )
    print("hint: make a new backup now")
    return 0
