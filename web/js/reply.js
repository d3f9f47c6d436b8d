// Signed replies (docs/spec/unit-card-v1.md, "Replies"):
//   reply_plaintext = signature (64) || body
//   signature       = Ed25519(unit key, "peluit/reply/v1" || 0x00 || context || body)

import { concat } from "./bytes.js";
import { encodeContext } from "./envelope.js";
import { SIG_REPLY } from "./labels.js";
import { SignatureError, verifySignature } from "./signing.js";

/**
 * Verify a reply's plaintext (as opened from its envelope) against the unit's
 * Ed25519 public key and the reply envelope's context. Returns the body bytes;
 * throws SignatureError when it does not verify.
 */
export async function verifyReply(replyPlaintext, ed25519PublicKey, ctx) {
  if (!(replyPlaintext instanceof Uint8Array) || replyPlaintext.length < 64) throw new SignatureError();
  let context;
  try {
    context = encodeContext(ctx);
  } catch {
    throw new SignatureError();
  }
  const signature = replyPlaintext.subarray(0, 64);
  const body = replyPlaintext.slice(64);
  await verifySignature(ed25519PublicKey, SIG_REPLY, concat(context, body), signature);
  return body;
}

/** Parse a verified body: { text, status, template }. Throws on malformed JSON. */
export function parseReplyBody(body) {
  const obj = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
  if (obj === null || typeof obj !== "object" || Array.isArray(obj)) throw new SyntaxError("reply body is not an object");
  return obj;
}
