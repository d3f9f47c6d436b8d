// Receipt key derivation (docs/spec/receipt-v1.md, "Derivation"):
//   root = Argon2id(code, instance_salt, profile's t and m, p = 1)   -- in a Web Worker
//   selector / validator / xwing_seed = HKDF(root, "", label, 32)    -- WebCrypto, in the page
// The worker is chosen by feature: libsodium.js where WebAssembly exists,
// @noble/hashes where it does not.

import { RECEIPT_SELECTOR, RECEIPT_VALIDATOR, RECEIPT_XWING_SEED, labelBytes } from "./labels.js";
import { PROFILES, parseReceiptCode } from "./receipt.js";
import { keyPairFromSeed } from "./xwing.js";

/** @typedef {import("./argon2-protocol.js").Argon2Request} Argon2Request */
/** @typedef {{ onProgress?: (fraction: number) => void, path?: string }} Argon2Options */
/** @typedef {{ root: Uint8Array<ArrayBuffer>, path: string, ms: number }} Argon2Result */

export class DerivationError extends Error {
  constructor() {
    super("The receipt code could not be processed in this browser.");
    this.name = "DerivationError";
  }
}

/**
 * "sodium" where WebAssembly exists, "noble" where it does not.
 * @returns {"sodium" | "noble"}
 */
export function argon2Path() {
  return typeof WebAssembly === "object" ? "sodium" : "noble";
}

/**
 * @param {string} path
 * @returns {URL}
 */
function workerUrl(path) {
  // Both worker bundles sit next to the page bundle in dist/.
  return path === "sodium"
    ? new URL("./argon2-sodium.js", import.meta.url)
    : new URL("./argon2-noble.js", import.meta.url);
}

/** @type {Map<string, Worker>} */
const spare = new Map(); // path -> a started worker waiting for its one job

/**
 * @param {string} path
 * @returns {Worker}
 */
function startWorker(path) {
  return new Worker(workerUrl(path), { type: "module", name: `argon2-${path}` });
}

/**
 * Start the worker ahead of time (for example while the reporter types the
 * code), so that loading it is not part of the wait. Optional.
 * @param {string} [path]
 */
export function preloadArgon2(path = argon2Path()) {
  if (!spare.has(path)) spare.set(path, startWorker(path));
}

/**
 * Run Argon2id in a worker. Resolves { root, path, ms } (ms: the hash alone).
 * @param {Argon2Request} request
 * @param {Argon2Options} [options]
 * @returns {Promise<Argon2Result>}
 */
export function runArgon2({ password, salt, ops, memKib }, { onProgress, path = argon2Path() } = {}) {
  return new Promise((resolve, reject) => {
    const worker = spare.get(path) || startWorker(path);
    spare.delete(path);
    /**
     * @param {(value: any) => void} fn
     * @param {unknown} value
     */
    const finish = (fn, value) => {
      worker.terminate();
      fn(value);
    };
    worker.onmessage = (/** @type {MessageEvent} */ event) => {
      const msg = event.data;
      if (msg.type === "progress") {
        if (onProgress) onProgress(msg.fraction);
      } else if (msg.type === "result") {
        finish(resolve, { root: new Uint8Array(msg.root), path: msg.path, ms: msg.ms });
      } else {
        finish(reject, new DerivationError());
      }
    };
    worker.onerror = (/** @type {ErrorEvent} */ event) => {
      event.preventDefault();
      finish(reject, new DerivationError());
    };
    worker.postMessage({ password, salt, ops, memKib });
  });
}

/**
 * @param {Uint8Array<ArrayBuffer>} root
 * @param {string} label
 * @returns {Promise<Uint8Array<ArrayBuffer>>}
 */
async function hkdf32(root, label) {
  const key = await crypto.subtle.importKey("raw", root, "HKDF", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits(
    { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: labelBytes(label) }, key, 256,
  );
  return new Uint8Array(bits);
}

/**
 * Split an Argon2id root into the three 32-byte values.
 * @param {Uint8Array<ArrayBuffer>} root
 */
export async function splitRoot(root) {
  return {
    selector: await hkdf32(root, RECEIPT_SELECTOR),
    validator: await hkdf32(root, RECEIPT_VALIDATOR),
    xwingSeed: await hkdf32(root, RECEIPT_XWING_SEED),
  };
}

/**
 * Derive everything a returning reporter needs from a typed code.
 * Returns { selector, validator, xwingSeed, keyPair, profile, path, argon2Ms };
 * throws ReceiptTypo / InvalidReceiptCode before any work for a bad code.
 * @param {string} input
 * @param {Uint8Array} instanceSalt
 * @param {Argon2Options} [options]
 */
export async function deriveReceipt(input, instanceSalt, { onProgress, path } = {}) {
  const code = parseReceiptCode(input);
  const profile = Number(code[0]);
  const { ops, memKib } = PROFILES[/** @type {1 | 2} */ (profile)];
  const password = new TextEncoder().encode(code);
  const request = { password, salt: new Uint8Array(instanceSalt), ops, memKib };
  let result;
  try {
    result = await runArgon2(request, { onProgress, path });
  } catch (err) {
    // WebAssembly present but refused (a stricter CSP, a hardened browser):
    // the pure-JavaScript worker still gives the same bytes, only slower.
    if (path !== undefined || argon2Path() !== "sodium") throw err;
    result = await runArgon2(request, { onProgress, path: "noble" });
  }
  const { root, path: ran, ms: argon2Ms } = result;
  const values = await splitRoot(root);
  root.fill(0);
  const keyPair = await keyPairFromSeed(values.xwingSeed);
  return { ...values, keyPair, profile, path: ran, argon2Ms };
}
