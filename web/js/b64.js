// Strict base64url without padding (RFC 4648 section 5), as crypto/b64.py:
// rejects padding, characters outside the URL-safe alphabet, an impossible
// length (len % 4 == 1) and non-canonical trailing bits.

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

export class Base64Error extends Error {
  constructor() {
    super("Invalid base64url text.");
    this.name = "Base64Error";
  }
}

/**
 * Encode bytes as base64url without padding.
 * @param {Uint8Array} bytes
 * @returns {string}
 */
export function b64uEncode(bytes) {
  let out = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63] + ALPHABET[(n >> 6) & 63] + ALPHABET[n & 63];
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i] << 16;
    out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63];
  } else if (rest === 2) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63] + ALPHABET[(n >> 6) & 63];
  }
  return out;
}

/**
 * @param {string} text
 * @param {number} i
 * @returns {number}
 */
function sextet(text, i) {
  const c = text.charCodeAt(i);
  const v = c < 128 ? LOOKUP[c] : -1;
  if (v < 0) throw new Base64Error();
  return v;
}

/**
 * Decode base64url without padding; throws Base64Error on anything non-canonical.
 * @param {string} text
 * @returns {Uint8Array<ArrayBuffer>}
 */
export function b64uDecode(text) {
  if (typeof text !== "string" || text.length % 4 === 1) throw new Base64Error();
  const full = Math.floor(text.length / 4);
  const rest = text.length % 4;
  const out = new Uint8Array(full * 3 + (rest ? rest - 1 : 0));
  let o = 0;
  for (let q = 0; q < full; q++) {
    const i = q * 4;
    const n = (sextet(text, i) << 18) | (sextet(text, i + 1) << 12) | (sextet(text, i + 2) << 6) | sextet(text, i + 3);
    out[o++] = n >> 16;
    out[o++] = (n >> 8) & 255;
    out[o++] = n & 255;
  }
  const i = full * 4;
  if (rest === 2) {
    const a = sextet(text, i), b = sextet(text, i + 1);
    if (b & 15) throw new Base64Error();
    out[o++] = (a << 2) | (b >> 4);
  } else if (rest === 3) {
    const a = sextet(text, i), b = sextet(text, i + 1), c = sextet(text, i + 2);
    if (c & 3) throw new Base64Error();
    out[o++] = (a << 2) | (b >> 4);
    out[o++] = ((b & 15) << 4) | (c >> 2);
  }
  return out;
}
