// Signed replies (docs/spec/unit-card-v1.md, "Replies"):
//   reply_plaintext = signature (64) || body
//   signature       = Ed25519(unit key, "peluit/reply/v1" || 0x00 || context || body)
// Standard messages ("Standard messages"): a body whose "template" is not null
// was sealed by the online console, and its 64 bytes are the template
// signature made once on the workstation:
//   signature       = Ed25519(unit key, "peluit/ack-template/v1" || 0x00
//                             || lp(unit_id) || lp(template_id) || lp(text))

import { concat, lp, utf8 } from "./bytes.js";
import { encodeContext } from "./envelope.js";
import { SIG_ACK_TEMPLATE, SIG_REPLY } from "./labels.js";
import { SignatureError, verifySignature } from "./signing.js";
import { parseStrictJson } from "./strict-json.js";

/** @typedef {import("./envelope.js").Context} Context */

/**
 * Verify a reply's plaintext (as opened from its envelope) against the unit's
 * Ed25519 public key and the reply envelope's context. Returns the body bytes;
 * throws SignatureError when it does not verify.
 * @param {Uint8Array} replyPlaintext
 * @param {Uint8Array} ed25519PublicKey
 * @param {Context} ctx
 * @returns {Promise<Uint8Array>}
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

/**
 * Parse a verified body: { text, status, template }. Throws on malformed JSON.
 * @param {Uint8Array} body
 * @returns {any} the body object (text, status, template)
 */
export function parseReplyBody(body) {
  const obj = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
  if (obj === null || typeof obj !== "object" || Array.isArray(obj)) throw new SyntaxError("reply body is not an object");
  return obj;
}

/**
 * The bytes a template signature covers after its label: lp(unit_id) || lp(template_id) || lp(text).
 * @param {string} unitId
 * @param {string} templateId
 * @param {string} text
 * @returns {Uint8Array<ArrayBuffer>}
 */
export function templateMessage(unitId, templateId, text) {
  return concat(lp(utf8(unitId)), lp(utf8(templateId)), lp(utf8(text)));
}

/**
 * Verify a standard-message reply: the body must be a strict JSON object with
 * string "template" and "text" and a null "status", and the 64 bytes before it
 * the unit's template signature over exactly that template id and text.
 * Returns the body bytes; throws SignatureError otherwise.
 * @param {Uint8Array} replyPlaintext
 * @param {Uint8Array} ed25519PublicKey
 * @param {string} unitId
 * @returns {Promise<Uint8Array>}
 */
export async function verifyTemplateReply(replyPlaintext, ed25519PublicKey, unitId) {
  if (!(replyPlaintext instanceof Uint8Array) || replyPlaintext.length < 64) throw new SignatureError();
  const signature = replyPlaintext.subarray(0, 64);
  const body = replyPlaintext.slice(64);
  let doc;
  try {
    doc = parseStrictJson(new TextDecoder("utf-8", { fatal: true }).decode(body));
  } catch {
    throw new SignatureError();
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) throw new SignatureError();
  if (typeof doc.template !== "string" || typeof doc.text !== "string" || doc.status !== null) throw new SignatureError();
  await verifySignature(ed25519PublicKey, SIG_ACK_TEMPLATE, templateMessage(unitId, doc.template, doc.text), signature);
  return body;
}

/**
 * @param {Uint8Array} body
 * @returns {boolean}
 */
function namesTemplate(body) {
  try {
    const doc = parseReplyBody(body);
    return doc.template !== null && doc.template !== undefined;
  } catch {
    return false;
  }
}

/**
 * Verify any reply from the unit and say which kind it is: a body naming a
 * template is checked only as a template signature, any other body only as a
 * reply signature over its context. Returns { body (parsed), standard }.
 * `standard` is true only when the template signature verified.
 * @param {Uint8Array} replyPlaintext
 * @param {Uint8Array} ed25519PublicKey
 * @param {Context} ctx
 * @returns {Promise<{ body: any, standard: boolean }>}
 */
export async function verifyUnitReply(replyPlaintext, ed25519PublicKey, ctx) {
  if (!(replyPlaintext instanceof Uint8Array) || replyPlaintext.length < 64) throw new SignatureError();
  if (namesTemplate(replyPlaintext.slice(64))) {
    const body = await verifyTemplateReply(replyPlaintext, ed25519PublicKey, ctx.unitId);
    return { body: parseReplyBody(body), standard: true };
  }
  const body = await verifyReply(replyPlaintext, ed25519PublicKey, ctx);
  return { body: parseReplyBody(body), standard: false };
}
