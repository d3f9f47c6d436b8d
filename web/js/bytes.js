// Byte-string helpers used by the formats: concatenation, big-endian integers,
// length prefixes (lp) and comparison.

const encoder = new TextEncoder();

/**
 * UTF-8 bytes of a string.
 * @param {string} text
 * @returns {Uint8Array<ArrayBuffer>}
 */
export function utf8(text) {
  return encoder.encode(text);
}

/**
 * Concatenate Uint8Arrays.
 * @param {...Uint8Array} parts
 * @returns {Uint8Array<ArrayBuffer>}
 */
export function concat(...parts) {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * u32 big-endian.
 * @param {number} n
 * @returns {Uint8Array<ArrayBuffer>}
 */
export function u32(n) {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError("u32 out of range");
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n);
  return out;
}

/**
 * u64 big-endian of a safe integer.
 * @param {number} n
 * @returns {Uint8Array<ArrayBuffer>}
 */
export function u64(n) {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError("u64 out of range");
  const out = new Uint8Array(8);
  const view = new DataView(out.buffer);
  view.setUint32(0, Math.floor(n / 2 ** 32));
  view.setUint32(4, n >>> 0);
  return out;
}

/**
 * Read a u64 big-endian; returns a Number (may exceed 2^53 only as an unsafe value, which callers reject).
 * @param {Uint8Array} bytes
 * @param {number} [offset]
 * @returns {number}
 */
export function readU64(bytes, offset = 0) {
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, 8);
  return view.getUint32(0) * 2 ** 32 + view.getUint32(4);
}

/**
 * lp(x) = u32(len(x)) || x.
 * @param {Uint8Array} x
 * @returns {Uint8Array<ArrayBuffer>}
 */
export function lp(x) {
  return concat(u32(x.length), x);
}

/**
 * Constant-time-ish equality of two byte arrays (no early exit on content).
 * @param {Uint8Array} a
 * @param {Uint8Array} b
 * @returns {boolean}
 */
export function bytesEqual(a, b) {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/**
 * Copy into a fresh ArrayBuffer-backed Uint8Array (WebCrypto dislikes views of shared buffers).
 * @param {Uint8Array} x
 * @returns {Uint8Array<ArrayBuffer>}
 */
export function copyBytes(x) {
  return new Uint8Array(x);
}

/**
 * Hex of bytes, for display and tests.
 * @param {Uint8Array} bytes
 * @returns {string}
 */
export function toHex(bytes) {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}
