"""Signed reply vectors: a good reply and the ways its signature must fail."""

from __future__ import annotations

import json

from crypto.b64 import b64u_encode
from crypto.envelope import Context
from crypto.reply import sign_reply
from crypto.signing import SigningKey
from vector_families.common import ctx_json, det, write


def replies() -> None:
    sk = SigningKey.from_seed(det("card/ed25519", 32))
    ctx = Context("inspektorat-demo", det("reply/case", 16), "reply", det("reply/item", 16))
    body = json.dumps(
        {
            "text": "Terima kasih. Laporan Anda sedang diverifikasi.",
            "status": "verifying",
            "template": None,
        }
    ).encode()
    signed = sign_reply(sk, ctx, body)
    pub = b64u_encode(sk.verify_key.to_bytes())

    def emit(
        name: str,
        description: str,
        expect: str,
        data: bytes,
        context: Context = ctx,
        key: str = pub,
    ) -> None:
        extra = {"body": b64u_encode(body)} if expect == "ok" else {}
        write(
            "reply",
            name,
            description,
            expect,
            ed25519_public_key=key,
            context=ctx_json(context),
            reply_plaintext=b64u_encode(data),
            **extra,
        )

    emit("ok", "a signed reply", "ok", signed)
    emit(
        "wrong-case",
        "verified under another case id",
        "signature",
        signed,
        Context(ctx.unit_id, det("reply/other", 16), ctx.kind, ctx.item_id),
    )
    emit(
        "wrong-item",
        "verified under another item id",
        "signature",
        signed,
        Context(ctx.unit_id, ctx.case_id, ctx.kind, det("reply/other", 16)),
    )
    emit(
        "wrong-kind",
        "verified as a message instead of a reply",
        "signature",
        signed,
        Context(ctx.unit_id, ctx.case_id, "message", ctx.item_id),
    )
    emit(
        "bad-signature",
        "a signature byte flipped",
        "signature",
        bytes([signed[0] ^ 1]) + signed[1:],
    )
    emit("body-altered", "a body byte changed", "signature", signed[:-2] + b"!}")
    emit(
        "other-key",
        "verified with another unit's key",
        "signature",
        signed,
        key=b64u_encode(SigningKey.from_seed(det("card/other", 32)).verify_key.to_bytes()),
    )
    emit("too-short", "shorter than a signature", "signature", signed[:63])
