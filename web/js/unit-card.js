// Unit cards (docs/spec/unit-card-v1.md): parse, check every rule, verify the
// self-signature, compute the fingerprint people compare with posters.

import { b64uDecode } from "./b64.js";
import { concat, lp, utf8 } from "./bytes.js";
import { CARD_FINGERPRINT, SIG_UNIT_CARD } from "./labels.js";
import { verifySignature } from "./signing.js";
import { parseStrictJson } from "./strict-json.js";

export const MAX_CARD_BYTES = 16384;
const FIELDS = [
  "format", "version", "unit_id", "name", "jurisdiction", "created",
  "xwing_public_key", "ed25519_public_key", "signature",
];
const UNIT_ID = /^[a-z0-9-]{1,64}$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

/**
 * The fields a card's signature covers, as parsed.
 * @typedef {object} CardFields
 * @property {string} unitId
 * @property {string} name
 * @property {string} jurisdiction
 * @property {string} created
 * @property {Uint8Array} xwingPublicKey
 * @property {Uint8Array} ed25519PublicKey
 * @property {Uint8Array | null} custodianXwingPublicKey
 */

/** @typedef {CardFields & { fingerprint: string }} UnitCard */

export class CardError extends Error {
  constructor() {
    super("This unit card is not valid.");
    this.name = "CardError";
    /** @type {string} */
    this.reason = "card";
  }
}

/**
 * @param {string} text
 * @returns {boolean}
 */
function isIsoDate(text) {
  const m = DATE.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1 || mo < 1 || mo > 12 || d < 1) return false;
  const dt = new Date(Date.UTC(2000, mo - 1, d));
  dt.setUTCFullYear(y);
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === mo - 1 && dt.getUTCDate() === d;
}

/**
 * @param {string} text
 * @returns {number}
 */
function codePoints(text) {
  return [...text].length;
}

/**
 * @param {unknown} text
 * @param {number} length
 * @returns {Uint8Array}
 */
function key(text, length) {
  if (typeof text !== "string") throw new CardError();
  let bytes;
  try {
    bytes = b64uDecode(text);
  } catch {
    throw new CardError();
  }
  if (bytes.length !== length) throw new CardError();
  return bytes;
}

/**
 * lowercase RFC 4648 base32, no padding.
 * @param {Uint8Array} bytes
 * @returns {string}
 */
export function base32(bytes) {
  let out = "";
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/**
 * Grouped fingerprint "abcd efgh ..." of the two public keys.
 * @param {Uint8Array} ed25519PublicKey
 * @param {Uint8Array} xwingPublicKey
 * @returns {Promise<string>}
 */
export async function cardFingerprint(ed25519PublicKey, xwingPublicKey) {
  const data = concat(utf8(CARD_FINGERPRINT), new Uint8Array([0]), ed25519PublicKey, xwingPublicKey);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", data));
  return /** @type {RegExpMatchArray} */ (base32(digest.subarray(0, 20)).match(/.{4}/g)).join(" ");
}

/**
 * message = lp(unit_id) || lp(name) || lp(jurisdiction) || lp(created) || lp(xwing) || lp(ed25519)
 *           [|| lp(custodian_xwing), only when the card has one]
 * @param {CardFields} card
 * @returns {Uint8Array<ArrayBuffer>}
 */
export function cardMessage(card) {
  const custodian = card.custodianXwingPublicKey ? [lp(card.custodianXwingPublicKey)] : [];
  return concat(
    lp(utf8(card.unitId)), lp(utf8(card.name)), lp(utf8(card.jurisdiction)), lp(utf8(card.created)),
    lp(card.xwingPublicKey), lp(card.ed25519PublicKey), ...custodian,
  );
}

/**
 * Parse and verify a unit card given as text (or UTF-8 bytes). Returns
 * { unitId, name, jurisdiction, created, xwingPublicKey, ed25519PublicKey, fingerprint,
 *   custodianXwingPublicKey (null when the card names no custodian) };
 * throws CardError for any must-reject rule, a bad signature included.
 * @param {string | Uint8Array} input
 * @returns {Promise<UnitCard>}
 */
export async function parseUnitCard(input) {
  let bytes;
  let text;
  try {
    bytes = typeof input === "string" ? utf8(input) : input;
    if (!(bytes instanceof Uint8Array) || bytes.length > MAX_CARD_BYTES) throw new CardError();
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new CardError();
  }
  let obj;
  try {
    obj = parseStrictJson(text);
  } catch {
    throw new CardError();
  }
  if (obj === null || typeof obj !== "object" || Array.isArray(obj)) throw new CardError();
  const keys = Object.keys(obj);
  const optional = Object.hasOwn(obj, "custodian_xwing_public_key") ? 1 : 0;
  if (keys.length !== FIELDS.length + optional || !FIELDS.every((f) => Object.hasOwn(obj, f))) throw new CardError();
  if (obj.format !== "peluit-unit-card" || obj.version !== 1) throw new CardError();
  const { unit_id: unitId, name, jurisdiction, created } = obj;
  if (typeof unitId !== "string" || !UNIT_ID.test(unitId)) throw new CardError();
  if (typeof name !== "string" || name.length === 0 || codePoints(name) > 200) throw new CardError();
  if (typeof jurisdiction !== "string" || codePoints(jurisdiction) > 2000) throw new CardError();
  if (typeof created !== "string" || !isIsoDate(created)) throw new CardError();
  const card = /** @type {UnitCard} */ ({
    unitId, name, jurisdiction, created,
    xwingPublicKey: key(obj.xwing_public_key, 1216),
    ed25519PublicKey: key(obj.ed25519_public_key, 32),
    custodianXwingPublicKey: optional ? key(obj.custodian_xwing_public_key, 1216) : null,
  });
  const signature = key(obj.signature, 64);
  try {
    await verifySignature(card.ed25519PublicKey, SIG_UNIT_CARD, cardMessage(card), signature);
  } catch {
    throw new CardError();
  }
  card.fingerprint = await cardFingerprint(card.ed25519PublicKey, card.xwingPublicKey);
  return card;
}
