"""Write tests/vectors/bundle/: one scenario per file, failures included (bundles-v1.md).

Deterministic: keys come from fixed labels, envelope data are envelope-shaped
filler (the framing checks only an envelope's first bytes), Ed25519 is
deterministic, so running this twice gives the same files. Each scenario is
``<name>.json`` (what to expect) beside ``<name>.bundle`` (the bytes).

    .venv/bin/python scripts/make_bundle_vectors.py
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crypto import labels  # noqa: E402
from crypto.b64 import b64u_encode  # noqa: E402
from crypto.bundle_template import sign_template  # noqa: E402
from crypto.signing import SigningKey  # noqa: E402

OUT = ROOT / "tests" / "vectors" / "bundle"
UNIT = "inspektorat-demo"
MAGIC = {"export": b"PELUITX\x01", "reply": b"PELUITR\x01"}


def fixed(label: str, size: int = 32) -> bytes:
    out = b""
    counter = 0
    while len(out) < size:
        out += hashlib.sha256(f"peluit/test-vectors/bundle/{label}/{counter}".encode()).digest()
        counter += 1
    return out[:size]


KEY = SigningKey.from_seed(fixed("unit-ed25519"))
OTHER_KEY = SigningKey.from_seed(fixed("other-ed25519"))


def hex_id(label: str) -> str:
    return fixed(label, 16).hex()


def fake_envelope(label: str, size: int) -> bytes:
    head = b"PELUITE\x01" + fixed(label + "/nonce", 16) + b"\x01"
    return head + fixed(label + "/body", size - len(head))


def js(document: Any) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def u32(value: int) -> bytes:
    return value.to_bytes(4, "big")


def u64(value: int) -> bytes:
    return value.to_bytes(8, "big")


class Raw:
    """A bundle assembled field by field, so any field can be wrong on purpose."""

    def __init__(self, kind: str, header: dict[str, Any] | bytes) -> None:
        self.kind = kind
        body = header if isinstance(header, bytes) else js(header)
        self.body = MAGIC[kind] + u32(len(body)) + body
        self.count = 0

    def entry(
        self,
        entry_type: int,
        meta: dict[str, Any] | bytes,
        data: bytes = b"",
        data_len: int | None = None,
    ) -> Raw:
        body = meta if isinstance(meta, bytes) else js(meta)
        length = len(data) if data_len is None else data_len
        self.body += bytes([entry_type]) + u32(len(body)) + body + u64(length) + data
        self.count += 1
        return self

    def finish(
        self,
        key: SigningKey | None = None,
        *,
        entries: int | None = None,
        sha256: str | None = None,
        trailer: bytes | None = None,
    ) -> bytes:
        document = {
            "entries": self.count if entries is None else entries,
            "sha256": sha256 or hashlib.sha256(self.body).hexdigest(),
        }
        body = trailer if trailer is not None else js(document)
        data = self.body + b"\xff" + u32(len(body)) + body + u64(0)
        if key is not None:
            data += key.sign(labels.SIG_REPLY_BUNDLE, hashlib.sha256(data).digest())
        return data


def export_header(**changes: Any) -> dict[str, Any]:
    header = {
        "format": "peluit-export-bundle",
        "version": 1,
        "unit_id": UNIT,
        "export_seq": 7,
        "created": "2026-11-23",
        "since_seq": 6,
        "cases": 2,
        "envelopes": 3,
        "bytes": 3 * 512,
    }
    header.update(changes)
    return header


def reply_header(**changes: Any) -> dict[str, Any]:
    header = {
        "format": "peluit-reply-bundle",
        "version": 1,
        "unit_id": UNIT,
        "sequence": 3,
        "created": "2026-11-24",
    }
    header.update(changes)
    return header


CASES = [hex_id("case-1"), hex_id("case-2")]
REPORTER_KEY = b64u_encode(fixed("reporter-key", 1216))


def case_meta(case_id: str, **changes: Any) -> dict[str, Any]:
    meta = {
        "case_id": case_id,
        "reference": "WBS-2026-0042",
        "status": "diterima",
        "submitted": "2026-11-20",
        "status_day": "2026-11-20",
        "reporter_public_key": REPORTER_KEY,
    }
    meta.update(changes)
    return meta


def envelope(
    case_id: str, label: str, kind: str = "tip", size: int = 512
) -> tuple[dict[str, Any], bytes]:
    data = fake_envelope(label, size)
    meta = {
        "case_id": case_id,
        "item_id": hex_id(label),
        "kind": kind,
        "author": "reporter",
        "day": "2026-11-20",
        "size": size,
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    return meta, data


def good_export(header: dict[str, Any] | None = None) -> Raw:
    raw = Raw("export", header or export_header())
    raw.entry(0x01, case_meta(CASES[0]))
    raw.entry(0x02, *envelope(CASES[0], "item-1"))
    raw.entry(0x02, *envelope(CASES[0], "item-2", "attachment"))
    raw.entry(0x01, case_meta(CASES[1], reference="WBS-2026-0043"))
    raw.entry(0x02, *envelope(CASES[1], "item-3"))
    return raw


QUESTIONNAIRE = json.dumps(
    {
        "id": "wbs-default",
        "version": 2,
        "title": {"en": "WBS form", "id": "Formulir WBS"},
        "fields": [
            {
                "id": "what",
                "type": "textarea",
                "required": True,
                "label": {"en": "What happened?", "id": "Apa yang terjadi?"},
            }
        ],
    },
    sort_keys=True,
    separators=(",", ":"),
    ensure_ascii=False,
).encode()
"""A questionnaire version's canonical bytes (questionnaire-v1.md)."""


def questionnaire_entry(data: bytes = QUESTIONNAIRE) -> tuple[dict[str, Any], bytes]:
    return {"version": 2, "digest": hashlib.sha256(QUESTIONNAIRE).hexdigest()}, data


def questionnaire_export(*extra: tuple[dict[str, Any], bytes]) -> Raw:
    """The good export with the unit's questionnaire version first (entry 0x04)."""
    raw = Raw("export", export_header())
    for meta, data in (questionnaire_entry(), *extra):
        raw.entry(0x04, meta, data)
    good = good_export().body[len(Raw("export", export_header()).body) :]
    raw.body += good
    raw.count += 5
    return raw


def reply_entry(label: str) -> tuple[dict[str, Any], bytes]:
    data = fake_envelope(label, 512)
    return {
        "case_id": CASES[0],
        "item_id": hex_id(label),
        "sha256": hashlib.sha256(data).hexdigest(),
    }, data


STATUS = {
    "case_id": CASES[0],
    "status": "diverifikasi",
    "outcome": None,
    "reason": None,
    "target": None,
}
TEMPLATE_TEXT = "Laporan Anda telah diterima dan sedang diverifikasi."


def template_meta(template_id: str = "diterima", text: str = TEMPLATE_TEXT) -> dict[str, Any]:
    signature = sign_template(KEY, UNIT, template_id, text)
    return {"template_id": template_id, "text": text, "signature": b64u_encode(signature)}


def good_reply(header: dict[str, Any] | None = None) -> Raw:
    raw = Raw("reply", header or reply_header())
    raw.entry(0x11, *reply_entry("reply-1"))
    raw.entry(0x12, STATUS)
    raw.entry(0x13, template_meta())
    return raw


QUARANTINE_CASE = {"case_id": hex_id("case-1"), "item_id": None, "kind": "case"}
QUARANTINE_CASE["day"] = "2026-11-23"


def quarantine_reply() -> Raw:
    """A workstation reporting two held entries: an envelope, and a case entry on its own."""
    raw = Raw("reply", reply_header())
    held = {"case_id": hex_id("case-1"), "item_id": hex_id("held-1"), "kind": "message"}
    raw.entry(0x14, {**held, "day": "2026-11-23", "check": "envelope"})
    alone = {"case_id": hex_id("case-2"), "item_id": None, "kind": "case", "day": "2026-11-23"}
    raw.entry(0x14, {**alone, "check": "case_changed"})
    return raw


def flip_last(data: bytes) -> bytes:
    return data[:-1] + bytes([data[-1] ^ 1])


Scenario = tuple[str, str, str, Callable[[], bytes]]

SCENARIOS: list[Scenario] = [
    # --- export bundles ---
    ("export-ok", "two cases, three envelopes", "ok", lambda: good_export().finish()),
    (
        "export-questionnaire-ok",
        "a questionnaire version, then two cases and three envelopes",
        "ok",
        lambda: questionnaire_export().finish(),
    ),
    (
        "export-questionnaire-digest",
        "a questionnaire entry whose data does not hash to its digest",
        "entry_sha256",
        lambda: (
            Raw("export", export_header())
            .entry(0x04, *questionnaire_entry(QUESTIONNAIRE.replace(b"Apa", b"Apa saja")))
            .finish()
        ),
    ),
    (
        "export-questionnaire-duplicate",
        "the same questionnaire version twice",
        "duplicate",
        lambda: questionnaire_export(questionnaire_entry()).finish(),
    ),
    (
        "export-ok-empty",
        "nothing new since the last export",
        "ok",
        lambda: Raw("export", export_header(cases=0, envelopes=0, bytes=0)).finish(),
    ),
    (
        "export-bad-magic",
        "wrong magic",
        "magic",
        lambda: b"PELUITY\x01" + good_export().finish()[8:],
    ),
    (
        "export-version-2",
        "version byte 2",
        "magic",
        lambda: b"PELUITX\x02" + good_export().finish()[8:],
    ),
    (
        "export-reply-magic",
        "a reply bundle's magic",
        "magic",
        lambda: b"PELUITR\x01" + good_export().finish()[8:],
    ),
    (
        "export-header-too-large",
        "header length 65537",
        "json_size",
        lambda: b"PELUITX\x01" + u32(65537) + b" " * 65537,
    ),
    (
        "export-header-not-json",
        "header is not JSON",
        "json",
        lambda: Raw("export", b"{nope").finish(),
    ),
    (
        "export-header-duplicate-key",
        "header repeats a key",
        "json",
        lambda: Raw("export", js(export_header())[:-1] + b',"cases":2}').finish(),
    ),
    (
        "export-header-float",
        "a count as a float",
        "field_value",
        lambda: Raw("export", js(export_header()).replace(b'"cases":2', b'"cases":2.0')).finish(),
    ),
    (
        "export-header-extra-field",
        "unknown header field",
        "fields",
        lambda: Raw("export", export_header(extra=1)).finish(),
    ),
    (
        "export-header-since-after",
        "since_seq not before export_seq",
        "field_value",
        lambda: Raw("export", export_header(since_seq=7)).finish(),
    ),
    (
        "export-unknown-entry-type",
        "entry type 0x03",
        "entry_type",
        lambda: Raw("export", export_header()).entry(0x03, {}).finish(),
    ),
    (
        "export-reply-entry-type",
        "a reply entry in an export bundle",
        "entry_type",
        lambda: (
            Raw("export", export_header())
            .entry(0x11, reply_entry("r")[0], reply_entry("r")[1])
            .finish()
        ),
    ),
    (
        "export-meta-too-large",
        "entry meta length 65537, not read",
        "json_size",
        lambda: Raw("export", export_header()).body + b"\x01" + u32(65537),
    ),
    (
        "export-case-missing-field",
        "case meta without reporter_public_key",
        "fields",
        lambda: (
            Raw("export", export_header())
            .entry(
                0x01, {k: v for k, v in case_meta(CASES[0]).items() if k != "reporter_public_key"}
            )
            .finish()
        ),
    ),
    (
        "export-case-uppercase-id",
        "case id in uppercase hex",
        "field_value",
        lambda: Raw("export", export_header()).entry(0x01, case_meta(CASES[0].upper())).finish(),
    ),
    (
        "export-case-with-data",
        "a case entry with data_len 1",
        "data_len",
        lambda: Raw("export", export_header()).entry(0x01, case_meta(CASES[0]), b"x").finish(),
    ),
    (
        "export-data-len-over-bound",
        "envelope data_len 2^31 + 1, not read",
        "data_len",
        lambda: (
            Raw("export", export_header(bytes=1 << 40))
            .entry(0x01, case_meta(CASES[0]))
            .entry(
                0x02, {**envelope(CASES[0], "big")[0], "size": (1 << 31) + 1}, b"", (1 << 31) + 1
            )
            .body
        ),
    ),
    (
        "export-data-len-not-size",
        "envelope data_len differs from its size",
        "data_len",
        lambda: (
            Raw("export", export_header())
            .entry(0x01, case_meta(CASES[0]))
            .entry(0x02, envelope(CASES[0], "item-1")[0], b"", 511)
            .body
        ),
    ),
    (
        "export-declared-bytes-exceeded",
        "more envelope bytes than the header declares, not read",
        "declared_totals",
        lambda: good_export(export_header(bytes=512)).finish(),
    ),
    (
        "export-declared-cases-exceeded",
        "more cases than declared",
        "declared_totals",
        lambda: good_export(export_header(cases=1)).finish(),
    ),
    (
        "export-declared-totals-short",
        "fewer envelopes than declared",
        "declared_totals",
        lambda: good_export(export_header(envelopes=4, bytes=4 * 512)).finish(),
    ),
    ("export-truncated", "last byte missing", "truncated", lambda: good_export().finish()[:-1]),
    (
        "export-truncated-in-data",
        "cut inside an envelope",
        "truncated",
        lambda: good_export().finish()[:2000],
    ),
    ("export-no-trailer", "entries but no trailer", "truncated", lambda: good_export().body),
    (
        "export-trailing-bytes",
        "a byte after the trailer",
        "trailing_bytes",
        lambda: good_export().finish() + b"\x00",
    ),
    (
        "export-trailer-sha256",
        "trailer hash of other bytes",
        "trailer_sha256",
        lambda: good_export().finish(sha256=hashlib.sha256(b"x").hexdigest()),
    ),
    (
        "export-trailer-entries",
        "trailer counts 6 entries",
        "trailer_entries",
        lambda: good_export().finish(entries=6),
    ),
    (
        "export-trailer-data-len",
        "trailer with a data length",
        "trailer",
        lambda: good_export().finish()[:-8] + u64(1),
    ),
    (
        "export-trailer-extra-field",
        "trailer with an unknown field",
        "fields",
        lambda: good_export().finish(trailer=js({"entries": 5, "sha256": "0" * 64, "x": 1})),
    ),
    (
        "export-entry-sha256",
        "an envelope whose data differs from its sha256",
        "entry_sha256",
        lambda: (
            Raw("export", export_header(cases=1, envelopes=1, bytes=512))
            .entry(0x01, case_meta(CASES[0]))
            .entry(
                0x02, envelope(CASES[0], "item-1")[0], flip_last(envelope(CASES[0], "item-1")[1])
            )
            .finish()
        ),
    ),
    (
        "export-duplicate-item",
        "one item id twice",
        "duplicate",
        lambda: (
            Raw("export", export_header(cases=1, envelopes=2, bytes=1024))
            .entry(0x01, case_meta(CASES[0]))
            .entry(0x02, *envelope(CASES[0], "item-1"))
            .entry(0x02, *envelope(CASES[0], "item-1"))
            .finish()
        ),
    ),
    (
        "export-duplicate-case",
        "one case entry twice",
        "duplicate",
        lambda: (
            Raw("export", export_header())
            .entry(0x01, case_meta(CASES[0]))
            .entry(0x01, case_meta(CASES[0]))
            .finish()
        ),
    ),
    (
        "export-case-not-announced",
        "an envelope before its case",
        "case_announced",
        lambda: Raw("export", export_header()).entry(0x02, *envelope(CASES[0], "item-1")).finish(),
    ),
    (
        "export-not-an-envelope",
        "envelope data without the envelope magic",
        "envelope_shape",
        lambda: (
            Raw("export", export_header(cases=1, envelopes=1, bytes=64))
            .entry(0x01, case_meta(CASES[0]))
            .entry(
                0x02,
                {
                    **envelope(CASES[0], "p")[0],
                    "size": 64,
                    "sha256": hashlib.sha256(b"p" * 64).hexdigest(),
                },
                b"p" * 64,
            )
            .finish()
        ),
    ),
    # --- reply bundles ---
    ("reply-ok", "a reply, a status change and a template", "ok", lambda: good_reply().finish(KEY)),
    (
        "reply-bad-signature",
        "signature with one bit flipped",
        "signature",
        lambda: flip_last(good_reply().finish(KEY)),
    ),
    (
        "reply-other-key",
        "signed by another unit's key",
        "signature",
        lambda: good_reply().finish(OTHER_KEY),
    ),
    (
        "reply-unsigned",
        "no signature after the trailer",
        "truncated",
        lambda: good_reply().finish(),
    ),
    (
        "reply-short-signature",
        "signature cut short",
        "truncated",
        lambda: good_reply().finish(KEY)[:-1],
    ),
    (
        "reply-trailing-bytes",
        "a byte after the signature",
        "trailing_bytes",
        lambda: good_reply().finish(KEY) + b"\x00",
    ),
    (
        "reply-export-entry-type",
        "a case entry in a reply bundle",
        "entry_type",
        lambda: Raw("reply", reply_header()).entry(0x01, case_meta(CASES[0])).finish(KEY),
    ),
    (
        "reply-data-len-over-bound",
        "reply data_len 1 MiB + 1, not read",
        "data_len",
        lambda: (
            Raw("reply", reply_header()).entry(0x11, reply_entry("r")[0], b"", (1 << 20) + 1).body
        ),
    ),
    (
        "reply-status-missing-target",
        "a status entry without target",
        "fields",
        lambda: (
            Raw("reply", reply_header())
            .entry(0x12, {k: v for k, v in STATUS.items() if k != "target"})
            .finish(KEY)
        ),
    ),
    (
        "reply-status-free-text",
        "a reason that is free text, not a code",
        "field_value",
        lambda: (
            Raw("reply", reply_header())
            .entry(0x12, {**STATUS, "reason": "Terlalu umum."})
            .finish(KEY)
        ),
    ),
    (
        "reply-duplicate-template",
        "one template id twice",
        "duplicate",
        lambda: (
            Raw("reply", reply_header())
            .entry(0x13, template_meta())
            .entry(0x13, template_meta())
            .finish(KEY)
        ),
    ),
    (
        "reply-template-long",
        "a template text of 2001 characters",
        "field_value",
        lambda: (
            Raw("reply", reply_header()).entry(0x13, template_meta(text="a" * 2001)).finish(KEY)
        ),
    ),
    (
        "reply-entry-sha256",
        "reply data differs from its sha256",
        "entry_sha256",
        lambda: (
            Raw("reply", reply_header())
            .entry(0x11, reply_entry("r")[0], flip_last(reply_entry("r")[1]))
            .finish(KEY)
        ),
    ),
    (
        "reply-quarantine-ok",
        "two quarantine reports: an envelope and a case entry on its own",
        "ok",
        lambda: quarantine_reply().finish(KEY),
    ),
    (
        "reply-quarantine-free-text",
        "a quarantine report whose check is free text, not a code",
        "field_value",
        lambda: (
            Raw("reply", reply_header())
            .entry(0x14, {**QUARANTINE_CASE, "check": "Tidak terbuka."})
            .finish(KEY)
        ),
    ),
    (
        "reply-header-sequence-zero",
        "sequence 0",
        "field_value",
        lambda: good_reply(reply_header(sequence=0)).finish(KEY),
    ),
]


def entries_of(name: str) -> list[dict[str, Any]]:
    """What a reader must report for the ok scenarios."""
    raw = {
        "export-ok": good_export,
        "export-questionnaire-ok": questionnaire_export,
        "reply-ok": good_reply,
        "reply-quarantine-ok": quarantine_reply,
    }.get(name)
    if raw is None:
        return []
    data = raw().finish(KEY if name.startswith("reply") else None)
    found = []
    offset = len(MAGIC["export"])
    offset += 4 + int.from_bytes(data[8:12], "big")
    while data[offset] != 0xFF:
        entry_type = data[offset]
        meta_len = int.from_bytes(data[offset + 1 : offset + 5], "big")
        meta = json.loads(data[offset + 5 : offset + 5 + meta_len])
        start = offset + 5 + meta_len
        data_len = int.from_bytes(data[start : start + 8], "big")
        body = data[start + 8 : start + 8 + data_len]
        found.append(
            {"type": entry_type, "meta": meta, "data_sha256": hashlib.sha256(body).hexdigest()}
        )
        offset = start + 8 + data_len
    return found


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*"):
        if old.suffix in (".json", ".bundle"):
            old.unlink()
    for name, description, expect, build in SCENARIOS:
        data = build()
        kind = name.split("-")[0]
        document: dict[str, Any] = {
            "kind": "bundle",
            "description": description,
            "bundle_kind": kind,
            "file": f"{name}.bundle",
            "sha256": hashlib.sha256(data).hexdigest(),
            "expect": expect,
        }
        if kind == "reply":
            document["ed25519_public_key"] = b64u_encode(KEY.verify_key.to_bytes())
        if expect == "ok":
            document["header"] = json.loads(data[12 : 12 + int.from_bytes(data[8:12], "big")])
            document["entries"] = entries_of(name)
        (OUT / f"{name}.bundle").write_bytes(data)
        (OUT / f"{name}.json").write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    print(f"wrote {len(SCENARIOS)} scenarios to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
