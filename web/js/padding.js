// PADMÉ padding with a 4096-byte floor (docs/spec/envelope-v1.md, "Padding").
//   padded = u64(length) || message || zeros, total padded_size(8 + length)

export const MIN_PADDED = 4096;

/**
 * PADMÉ (Nikitin et al. 2019): round length up, leaking O(log log L) bits.
 * @param {number} length
 * @returns {number}
 */
export function padme(length) {
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError("bad length");
  if (length < 2) return length;
  const e = bitLength(length) - 1; // floor(log2 L), exact
  const s = bitLength(e); // floor(log2 E) + 1
  const step = 2 ** (e - s); // mask + 1
  return Math.ceil(length / step) * step;
}

/**
 * Number of bits of a non-negative safe integer (0 for 0), without floating-point logs.
 * @param {number} n
 * @returns {number}
 */
function bitLength(n) {
  let bits = 0;
  while (n >= 1) {
    n = Math.floor(n / 2);
    bits++;
  }
  return bits;
}

/**
 * Padded size of a stream of `length` bytes: padme(max(length, 4096)).
 * @param {number} length
 * @returns {number}
 */
export function paddedSize(length) {
  return padme(Math.max(length, MIN_PADDED));
}

/**
 * Padded plaintext size for a message of `messageLength` bytes.
 * @param {number} messageLength
 * @returns {number}
 */
export function paddedPlaintextSize(messageLength) {
  return paddedSize(8 + messageLength);
}
