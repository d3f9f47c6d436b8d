// Envelope v1 (docs/spec/envelope-v1.md): seal and open byte arrays, and a
// streaming sealer that reads a Blob/File chunk by chunk.
//
//   envelope = header || header_mac || body
//   header   = "PELUITE" 0x01 || nonce(16) || u8(n) || (0x01 || key_id || enc || wrapped){n}
//
// Bodies are AES-256-GCM (WebCrypto) in the STREAM construction; the 32-byte
// file key is wrapped per recipient with HPKE (see xwing.js). Every opening
// failure throws the same EnvelopeError("decrypt").

import { ENVELOPE_HEADER, ENVELOPE_PAYLOAD, ENVELOPE_WRAP, labelBytes } from "./labels.js";
import { bytesEqual, concat, lp, readU64, u64, utf8 } from "./bytes.js";
import { paddedPlaintextSize } from "./padding.js";
import { openSource, sourceSize } from "./byte-source.js";
import { ENC_SIZE, KEY_ID_SIZE, hpkeSuite, importPublicKey, keyId, keyPairFromSeed } from "./xwing.js";

export const MAGIC = concat(utf8("PELUITE"), new Uint8Array([1]));
export const CHUNK = 1048576;
export const TAG = 16;
export const KINDS = Object.freeze(["tip", "attachment", "identity", "message", "reply", "forward"]);
const NONCE_SIZE = 16;
const WRAPPED_SIZE = 48;
const STANZA_SIZE = 1 + KEY_ID_SIZE + ENC_SIZE + WRAPPED_SIZE; // 1177
const MAC_SIZE = 32;
const MAX_RECIPIENTS = 8;
const IN_FLIGHT = 4; // chunks being encrypted at once by the streaming sealer
const UNIT_ID = /^[a-z0-9-]{1,64}$/;

/**
 * What an envelope is bound to (docs/spec/envelope-v1.md, "Context").
 * @typedef {object} Context
 * @property {string} unitId
 * @property {Uint8Array} caseId 16 bytes
 * @property {string} kind one of KINDS
 * @property {Uint8Array} itemId 16 bytes
 */

/** @typedef {import("./xwing.js").KeyPair} KeyPair */
/** @typedef {import("./byte-source.js").ByteSource} ByteSource */

export class EnvelopeError extends Error {
  /** @param {"decrypt" | "seal"} reason */
  constructor(reason) {
    super(reason === "decrypt" ? "The envelope could not be opened." : "The envelope could not be made.");
    this.name = "EnvelopeError";
    this.reason = reason;
  }
}

/**
 * context = lp(unit_id) || case_id || lp(kind) || item_id
 * @param {Context} ctx
 * @returns {Uint8Array<ArrayBuffer>}
 */
export function encodeContext(ctx) {
  const { unitId, caseId, kind, itemId } = ctx;
  if (typeof unitId !== "string" || !UNIT_ID.test(unitId)) throw new RangeError("bad unit id");
  if (!(caseId instanceof Uint8Array) || caseId.length !== 16) throw new RangeError("case id is 16 bytes");
  if (!KINDS.includes(kind)) throw new RangeError("bad kind");
  if (!(itemId instanceof Uint8Array) || itemId.length !== 16) throw new RangeError("item id is 16 bytes");
  return concat(lp(utf8(unitId)), caseId, lp(utf8(kind)), itemId);
}

/**
 * A fresh random 16-byte id (case id, item id).
 * @returns {Uint8Array<ArrayBuffer>}
 */
export function randomId() {
  return crypto.getRandomValues(new Uint8Array(16));
}

/**
 * @param {Uint8Array<ArrayBuffer>} ikm
 * @param {Uint8Array<ArrayBuffer>} salt
 * @param {Uint8Array<ArrayBuffer>} info
 * @param {"aes" | "hmac"} usage
 * @returns {Promise<CryptoKey>}
 */
async function hkdf(ikm, salt, info, usage) {
  const base = await crypto.subtle.importKey("raw", ikm, "HKDF", false, ["deriveBits", "deriveKey"]);
  const params = { name: "HKDF", hash: "SHA-256", salt, info };
  if (usage === "aes") {
    return crypto.subtle.deriveKey(params, base, { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
  }
  return crypto.subtle.deriveKey(params, base, { name: "HMAC", hash: "SHA-256", length: 256 }, false, ["sign"]);
}

/**
 * @param {Uint8Array} context
 * @returns {Uint8Array<ArrayBuffer>}
 */
function wrapInfo(context) {
  return concat(labelBytes(ENVELOPE_WRAP), new Uint8Array([0]), context);
}

/**
 * @param {Uint8Array<ArrayBuffer>} fileKey
 * @returns {Promise<CryptoKey>}
 */
function macKey(fileKey) {
  return hkdf(fileKey, new Uint8Array(0), labelBytes(ENVELOPE_HEADER), "hmac");
}

/**
 * @param {Uint8Array<ArrayBuffer>} fileKey
 * @param {Uint8Array<ArrayBuffer>} nonce
 * @param {Uint8Array} context
 * @returns {Promise<CryptoKey>}
 */
function payloadKey(fileKey, nonce, context) {
  return hkdf(fileKey, nonce, concat(labelBytes(ENVELOPE_PAYLOAD), new Uint8Array([0]), context), "aes");
}

/**
 * nonce_i = u88(i) || flag
 * @param {number} index
 * @param {boolean} last
 * @returns {Uint8Array<ArrayBuffer>}
 */
function chunkNonce(index, last) {
  const n = new Uint8Array(12);
  const view = new DataView(n.buffer);
  view.setUint32(3, Math.floor(index / 2 ** 32));
  view.setUint32(7, index >>> 0);
  n[11] = last ? 1 : 0;
  return n;
}

/**
 * @param {Uint8Array<ArrayBuffer>} fileKey
 * @param {Uint8Array} header
 * @param {Uint8Array} context
 * @returns {Promise<Uint8Array>}
 */
async function headerMac(fileKey, header, context) {
  const key = await macKey(fileKey);
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, concat(header, context)));
}

/**
 * Build header || header_mac for the recipients; returns { head, fileKey, nonce }.
 * @param {Uint8Array[]} recipientPublicKeys
 * @param {Uint8Array} context
 */
async function makeHeader(recipientPublicKeys, context) {
  const n = recipientPublicKeys.length;
  if (n < 1 || n > MAX_RECIPIENTS) throw new EnvelopeError("seal");
  const fileKey = crypto.getRandomValues(new Uint8Array(32));
  const nonce = crypto.getRandomValues(new Uint8Array(NONCE_SIZE));
  const suite = hpkeSuite();
  const info = wrapInfo(context);
  /** @type {Uint8Array[]} */
  const stanzas = [];
  for (const pk of recipientPublicKeys) {
    const recipientPublicKey = await importPublicKey(pk);
    const { ct, enc } = await suite.seal({ recipientPublicKey, info }, fileKey);
    const wrapped = new Uint8Array(ct);
    const encBytes = new Uint8Array(enc);
    if (encBytes.length !== ENC_SIZE || wrapped.length !== WRAPPED_SIZE) throw new EnvelopeError("seal");
    stanzas.push(concat(new Uint8Array([1]), await keyId(pk), encBytes, wrapped));
  }
  const header = concat(MAGIC, nonce, new Uint8Array([n]), ...stanzas);
  const mac = await headerMac(fileKey, header, context);
  return { head: concat(header, mac), fileKey, nonce };
}

/**
 * Streaming sealer. `source` is a Blob/File (or a Uint8Array). Yields
 * Uint8Arrays: first header||mac, then one ciphertext chunk per 1 MiB of
 * padded plaintext, in order. Reads the source sequentially and holds at most
 * IN_FLIGHT (4) chunks of it.
 * @param {ByteSource} source
 * @param {Uint8Array[]} recipientPublicKeys
 * @param {Context} ctx
 * @returns {AsyncGenerator<Uint8Array>}
 */
export async function* sealStream(source, recipientPublicKeys, ctx) {
  const context = encodeContext(ctx);
  const length = sourceSize(source);
  const padded = paddedPlaintextSize(length);
  const { head, fileKey, nonce } = await makeHeader(recipientPublicKeys, context);
  const key = await payloadKey(fileKey, nonce, context);
  fileKey.fill(0);
  yield head;
  const reader = openSource(source);
  try {
    const chunks = Math.ceil(padded / CHUNK);
    let read = 0; // source bytes consumed
    /** @param {number} i */
    const readChunk = async (i) => {
      const size = Math.min(CHUNK, padded - i * CHUNK);
      const at = i === 0 ? 8 : 0; // the first chunk starts with u64(length)
      const take = Math.max(Math.min(size - at, length - read), 0);
      read += take;
      if (at === 0 && take === size) return reader.read(take); // a whole chunk of the source
      const plain = new Uint8Array(size); // zeros: the padding
      if (i === 0) plain.set(u64(length), 0);
      if (take > 0) plain.set(await reader.read(take), at);
      return plain;
    };
    /** @type {Promise<ArrayBuffer>[]} */
    const pending = []; // encryptions in flight, oldest first
    let nextPlain = readChunk(0);
    nextPlain.catch(() => {});
    for (let i = 0; i < chunks; i++) {
      const plain = await nextPlain;
      // WebCrypto copies its input when called, so the buffer is free again at
      // once (the reader reuses it for the next chunk: byte-source.js); keeping
      // a few chunks in flight lets the browser's crypto threads work while
      // the next chunk is read.
      const sealed = crypto.subtle.encrypt({ name: "AES-GCM", iv: chunkNonce(i, i === chunks - 1) }, key, plain);
      sealed.catch(() => {}); // a consumer that stops early leaves no unhandled rejection
      if (i + 1 < chunks) {
        nextPlain = readChunk(i + 1); // read ahead while earlier chunks are encrypted
        nextPlain.catch(() => {});
      }
      pending.push(sealed);
      if (pending.length >= IN_FLIGHT) yield new Uint8Array(/** @type {ArrayBuffer} */ (await pending.shift()));
    }
    while (pending.length > 0) yield new Uint8Array(/** @type {ArrayBuffer} */ (await pending.shift()));
  } finally {
    await reader.close();
  }
}

/**
 * Seal bytes to 1..8 recipients (1216-byte public keys); returns the envelope bytes.
 * @param {ByteSource} plaintext
 * @param {Uint8Array[]} recipientPublicKeys
 * @param {Context} ctx
 * @returns {Promise<Uint8Array<ArrayBuffer>>}
 */
export async function sealEnvelope(plaintext, recipientPublicKeys, ctx) {
  /** @type {Uint8Array[]} */
  const parts = [];
  for await (const part of sealStream(plaintext, recipientPublicKeys, ctx)) parts.push(part);
  return concat(...parts);
}

/**
 * Envelope length for a message of `length` bytes and `n` recipients.
 * @param {number} length
 * @param {number} n
 * @returns {number}
 */
export function envelopeSize(length, n) {
  const padded = paddedPlaintextSize(length);
  return 25 + STANZA_SIZE * n + MAC_SIZE + padded + TAG * Math.ceil(padded / CHUNK);
}

/**
 * @typedef {object} Stanza
 * @property {Uint8Array} keyId
 * @property {Uint8Array<ArrayBuffer>} enc
 * @property {Uint8Array<ArrayBuffer>} wrapped
 */

/**
 * @param {Uint8Array<ArrayBuffer>} envelope
 */
function parseHeader(envelope) {
  if (envelope.length < 25 || !bytesEqual(envelope.subarray(0, 8), MAGIC)) throw new EnvelopeError("decrypt");
  const nonce = envelope.slice(8, 24);
  const n = envelope[24];
  if (n < 1 || n > MAX_RECIPIENTS) throw new EnvelopeError("decrypt");
  const headerEnd = 25 + STANZA_SIZE * n;
  if (envelope.length < headerEnd + MAC_SIZE) throw new EnvelopeError("decrypt");
  /** @type {Stanza[]} */
  const stanzas = [];
  for (let i = 0; i < n; i++) {
    const s = envelope.subarray(25 + STANZA_SIZE * i, 25 + STANZA_SIZE * (i + 1));
    if (s[0] !== 1) throw new EnvelopeError("decrypt");
    stanzas.push({
      keyId: s.slice(1, 1 + KEY_ID_SIZE),
      enc: s.slice(1 + KEY_ID_SIZE, 1 + KEY_ID_SIZE + ENC_SIZE),
      wrapped: s.slice(1 + KEY_ID_SIZE + ENC_SIZE),
    });
  }
  return {
    nonce,
    stanzas,
    header: envelope.subarray(0, headerEnd),
    mac: envelope.subarray(headerEnd, headerEnd + MAC_SIZE),
    body: envelope.subarray(headerEnd + MAC_SIZE),
  };
}

/**
 * Recipient keys: each { privateKey, publicKeyBytes } (see keyPairFromSeed).
 * @param {Stanza[]} stanzas
 * @param {KeyPair[]} keys
 * @param {Uint8Array} context
 * @returns {Promise<Uint8Array<ArrayBuffer>>}
 */
async function unwrapFileKey(stanzas, keys, context) {
  const suite = hpkeSuite();
  const info = wrapInfo(context);
  for (const key of keys) {
    const id = await keyId(key.publicKeyBytes);
    for (const s of stanzas) {
      if (!bytesEqual(s.keyId, id)) continue;
      try {
        const pt = new Uint8Array(await suite.open({ recipientKey: key.privateKey, enc: s.enc, info }, s.wrapped));
        if (pt.length === 32) return pt;
      } catch {
        // try the next stanza
      }
    }
  }
  throw new EnvelopeError("decrypt");
}

/**
 * @param {Uint8Array<ArrayBuffer>} body
 * @param {CryptoKey} key
 * @returns {Promise<Uint8Array<ArrayBuffer>>}
 */
async function decryptBody(body, key) {
  if (body.length < TAG) throw new EnvelopeError("decrypt");
  const chunks = Math.ceil(body.length / (CHUNK + TAG));
  const lastLen = body.length - (chunks - 1) * (CHUNK + TAG);
  if (lastLen < TAG + 1 && chunks > 1) throw new EnvelopeError("decrypt");
  const padded = new Uint8Array(body.length - chunks * TAG);
  for (let i = 0; i < chunks; i++) {
    const start = i * (CHUNK + TAG);
    const end = Math.min(start + CHUNK + TAG, body.length);
    const iv = chunkNonce(i, i === chunks - 1);
    const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv }, key, body.subarray(start, end));
    padded.set(new Uint8Array(plain), i * CHUNK);
  }
  return padded;
}

/**
 * @param {Uint8Array<ArrayBuffer>} padded
 * @returns {Uint8Array<ArrayBuffer>}
 */
function unpad(padded) {
  if (padded.length < 8) throw new EnvelopeError("decrypt");
  const length = readU64(padded, 0);
  if (!Number.isSafeInteger(length) || 8 + length > padded.length) throw new EnvelopeError("decrypt");
  if (padded.length !== paddedPlaintextSize(length)) throw new EnvelopeError("decrypt");
  let nonzero = 0;
  for (let i = 8 + length; i < padded.length; i++) nonzero |= padded[i];
  if (nonzero !== 0) throw new EnvelopeError("decrypt");
  return padded.slice(8, 8 + length);
}

/**
 * Open an envelope with one or more recipient keys (each from keyPairFromSeed,
 * or a 32-byte seed). Returns the plaintext; any failure throws EnvelopeError("decrypt").
 * @param {Uint8Array<ArrayBuffer>} envelope
 * @param {(KeyPair | Uint8Array)[]} keys
 * @param {Context} ctx
 * @returns {Promise<Uint8Array<ArrayBuffer>>}
 */
export async function openEnvelope(envelope, keys, ctx) {
  try {
    const context = encodeContext(ctx);
    /** @type {KeyPair[]} */
    const pairs = [];
    for (const k of keys) pairs.push(k instanceof Uint8Array ? await keyPairFromSeed(k) : k);
    const { nonce, stanzas, header, mac, body } = parseHeader(envelope);
    const fileKey = await unwrapFileKey(stanzas, pairs, context);
    const expected = await headerMac(fileKey, header, context);
    if (!bytesEqual(expected, mac)) throw new EnvelopeError("decrypt");
    const key = await payloadKey(fileKey, nonce, context);
    fileKey.fill(0);
    return unpad(await decryptBody(body, key));
  } catch {
    throw new EnvelopeError("decrypt");
  }
}
