// X-Wing keys and the HPKE suite of envelope v1 (hpke-js):
// base mode, KEM X-Wing (0x647A), HKDF-SHA256, ChaCha20-Poly1305.
//
// A key pair comes from a 32-byte seed exactly as draft-connolly-cfrg-xwing-kem
// and crypto/xwing.py: SHAKE256(seed, 96) -> ML-KEM-768 seed d||z, X25519 key.

import { CipherSuite, HkdfSha256 } from "@hpke/core";
import { XWing } from "@hpke/hybridkem-x-wing";
import { Chacha20Poly1305 } from "@hpke/chacha20poly1305";
import { ENVELOPE_KEY_ID, labelBytes } from "./labels.js";
import { concat } from "./bytes.js";

/**
 * An X-Wing key pair as hpke-js keys, with the public key's 1216 bytes.
 * @typedef {object} KeyPair
 * @property {CryptoKey} privateKey
 * @property {CryptoKey} publicKey
 * @property {Uint8Array} publicKeyBytes
 */

export const PUBLIC_KEY_SIZE = 1216;
export const SEED_SIZE = 32;
export const ENC_SIZE = 1120;
export const KEY_ID_SIZE = 8;

/** @type {CipherSuite | null} */
let suiteInstance = null;

/**
 * The one HPKE suite used by envelope v1.
 * @returns {CipherSuite}
 */
export function hpkeSuite() {
  if (suiteInstance === null) {
    suiteInstance = new CipherSuite({
      kem: new XWing(),
      kdf: new HkdfSha256(),
      aead: new Chacha20Poly1305(),
    });
  }
  return suiteInstance;
}

/**
 * Key pair from a 32-byte seed. Returns { privateKey, publicKey } as hpke-js
 * keys plus publicKeyBytes (1216 bytes).
 * @param {Uint8Array} seed
 * @returns {Promise<KeyPair>}
 */
export async function keyPairFromSeed(seed) {
  if (!(seed instanceof Uint8Array) || seed.length !== SEED_SIZE) {
    throw new RangeError("an X-Wing seed is 32 bytes");
  }
  const kem = /** @type {XWing} */ (hpkeSuite().kem);
  const pair = await kem.generateKeyPairDerand(new Uint8Array(seed));
  const publicKeyBytes = new Uint8Array(await kem.serializePublicKey(pair.publicKey));
  return { privateKey: pair.privateKey, publicKey: pair.publicKey, publicKeyBytes };
}

/**
 * The 1216-byte public key of a seed.
 * @param {Uint8Array} seed
 * @returns {Promise<Uint8Array>}
 */
export async function publicKeyFromSeed(seed) {
  return (await keyPairFromSeed(seed)).publicKeyBytes;
}

/**
 * Import 1216 public-key bytes as an hpke-js key (checks the length).
 * @param {Uint8Array} bytes
 * @returns {Promise<CryptoKey>}
 */
export async function importPublicKey(bytes) {
  if (!(bytes instanceof Uint8Array) || bytes.length !== PUBLIC_KEY_SIZE) {
    throw new RangeError("an X-Wing public key is 1216 bytes");
  }
  return hpkeSuite().kem.deserializePublicKey(new Uint8Array(bytes));
}

/**
 * Export an hpke-js public key as its 1216 bytes.
 * @param {CryptoKey} key
 * @returns {Promise<Uint8Array>}
 */
export async function exportPublicKey(key) {
  return new Uint8Array(await hpkeSuite().kem.serializePublicKey(key));
}

/**
 * Envelope key id: SHA-256(LABEL_KEY_ID || public_key)[0:8].
 * @param {Uint8Array} publicKeyBytes
 * @returns {Promise<Uint8Array>}
 */
export async function keyId(publicKeyBytes) {
  const digest = await crypto.subtle.digest("SHA-256", concat(labelBytes(ENVELOPE_KEY_ID), publicKeyBytes));
  return new Uint8Array(digest, 0, KEY_ID_SIZE).slice();
}
