// Proof of work (docs/spec/reporter-api-v1.md): find an 8-byte nonce such
// that SHA-256("peluit/pow/v1/solution" || 0x00 || challenge || nonce) starts
// with `difficulty` zero bits. WebCrypto's SHA-256 is native, so this costs
// the same with or without a JIT. Hashes run in parallel batches.

import { b64uDecode, b64uEncode } from "../b64.js";
import { concat } from "../bytes.js";
import { POW_SOLUTION, labelBytes } from "../labels.js";

const LABEL = labelBytes(POW_SOLUTION);
const BATCH = 512;

/**
 * @param {Uint8Array} digest
 * @returns {number}
 */
function leadingZeroBits(digest) {
  let bits = 0;
  for (const byte of digest) {
    if (byte === 0) {
      bits += 8;
      continue;
    }
    return bits + Math.clz32(byte) - 24;
  }
  return bits;
}

/**
 * Solve a challenge {challenge, difficulty}; resolves {challenge, nonce} (base64url).
 * @param {{ challenge: string, difficulty: number }} challenge
 * @param {((fraction: number) => void) | null} [onProgress]
 * @returns {Promise<{ challenge: string, nonce: string }>}
 */
export async function solve({ challenge, difficulty }, onProgress) {
  const prefix = concat(LABEL, new Uint8Array([0]), b64uDecode(challenge));
  const expected = 2 ** difficulty;
  const start = crypto.getRandomValues(new Uint32Array(1))[0];
  for (let tried = 0; ; tried += BATCH) {
    /** @type {Promise<[Uint8Array, Uint8Array]>[]} */
    const attempts = [];
    for (let i = 0; i < BATCH; i++) {
      const nonce = new Uint8Array(8);
      const view = new DataView(nonce.buffer);
      view.setUint32(0, start);
      view.setUint32(4, tried + i);
      const input = concat(prefix, nonce);
      attempts.push(crypto.subtle.digest("SHA-256", input).then((d) => /** @type {[Uint8Array, Uint8Array]} */ ([nonce, new Uint8Array(d)])));
    }
    for (const [nonce, digest] of await Promise.all(attempts)) {
      if (leadingZeroBits(digest) >= difficulty) {
        if (onProgress) onProgress(1);
        return { challenge, nonce: b64uEncode(nonce) };
      }
    }
    if (onProgress) onProgress(Math.min(0.95, (tried + BATCH) / (expected * 2)));
  }
}
