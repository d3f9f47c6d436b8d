// Ed25519 verification of labelled messages (docs/spec/unit-card-v1.md):
//   signed_bytes = label || 0x00 || message
// WebCrypto Ed25519 where the browser has it, @noble/curves otherwise
// (RFC 8032 strict, zip215 off). Verification throws; it never returns false.

import { ed25519 } from "@noble/curves/ed25519.js";
import { concat, utf8 } from "./bytes.js";

export class SignatureError extends Error {
  constructor() {
    super("The signature does not verify.");
    this.name = "SignatureError";
    /** @type {string} */
    this.reason = "signature";
  }
}

/** @type {"webcrypto" | "noble" | null} */
let backend = null;

async function webCryptoHasEd25519() {
  try {
    // A valid public key (the RFC 8032 test 1 key) probes support.
    const probe = new Uint8Array([
      0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7, 0xd5, 0x4b, 0xfe, 0xd3, 0xc9, 0x64, 0x07, 0x3a,
      0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6, 0x23, 0x25, 0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07, 0x51, 0x1a,
    ]);
    await crypto.subtle.importKey("raw", probe, { name: "Ed25519" }, false, ["verify"]);
    return true;
  } catch {
    return false;
  }
}

/**
 * Which implementation verifies: "webcrypto" or "noble".
 * @returns {Promise<"webcrypto" | "noble">}
 */
export async function ed25519Backend() {
  if (backend === null) backend = (await webCryptoHasEd25519()) ? "webcrypto" : "noble";
  return backend;
}

/**
 * For tests and the self-test page: force "webcrypto" or "noble".
 * @param {string} name
 */
export function setEd25519Backend(name) {
  if (name !== "webcrypto" && name !== "noble") throw new RangeError("unknown backend");
  backend = name;
}

/**
 * The bytes actually signed: label || 0x00 || message.
 * @param {string} label
 * @param {Uint8Array} message
 * @returns {Uint8Array<ArrayBuffer>}
 */
export function signedBytes(label, message) {
  return concat(utf8(label), new Uint8Array([0]), message);
}

/**
 * Verify an Ed25519 signature over label || 0x00 || message.
 * Throws SignatureError on any failure (bad lengths, bad key, bad signature).
 * @param {Uint8Array} publicKey
 * @param {string} label
 * @param {Uint8Array} message
 * @param {Uint8Array} signature
 * @returns {Promise<void>}
 */
export async function verifySignature(publicKey, label, message, signature) {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) throw new SignatureError();
  if (!(signature instanceof Uint8Array) || signature.length !== 64) throw new SignatureError();
  const data = signedBytes(label, message);
  let ok = false;
  try {
    if ((await ed25519Backend()) === "webcrypto") {
      const key = await crypto.subtle.importKey("raw", new Uint8Array(publicKey), { name: "Ed25519" }, false, ["verify"]);
      ok = await crypto.subtle.verify({ name: "Ed25519" }, key, new Uint8Array(signature), data);
    } else {
      ok = ed25519.verify(signature, data, publicKey, { zip215: false });
    }
  } catch {
    ok = false;
  }
  if (ok !== true) throw new SignatureError();
}
