// The reporter API (docs/spec/reporter-api-v1.md). Every request goes to our
// own origin; nothing here sends plaintext or the receipt code.

import { b64uDecode, b64uEncode } from "../b64.js";
import { solve } from "./pow.js";

export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string} message
   */
  constructor(status, code, message) {
    super(message || code);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
  }
}

let lang = "id";
/** @param {string} value */
export function setLanguage(value) {
  lang = value === "en" ? "en" : "id";
}

/**
 * @typedef {object} CallOptions
 * @property {unknown} [json] a body sent as JSON
 * @property {Blob} [body] a body sent as bytes
 * @property {string | null} [auth] the Authorization header
 * @property {boolean} [raw] the answer as bytes, not JSON
 */

/**
 * @param {string} method
 * @param {string} path
 * @param {CallOptions} [options]
 * @returns {Promise<any>} the server's JSON answer (or its bytes when raw)
 */
async function call(method, path, { json, body, auth, raw = false } = {}) {
  /** @type {Record<string, string>} */
  const headers = {};
  if (json !== undefined) headers["content-type"] = "application/json";
  if (body !== undefined) headers["content-type"] = "application/octet-stream";
  if (auth) headers.authorization = auth;
  let response;
  try {
    response = await fetch(`${path}?lang=${lang}`, {
      method,
      headers,
      body: json !== undefined ? JSON.stringify(json) : body,
      credentials: "omit",
      cache: "no-store",
      referrerPolicy: "no-referrer",
    });
  } catch {
    throw new ApiError(0, "network", "");
  }
  if (!response.ok) {
    /** @type {{ error?: string, message?: string }} */
    let detail = {};
    try {
      detail = await response.json();
    } catch {
      // not JSON: keep the status only
    }
    throw new ApiError(response.status, detail.error || "server_error", detail.message || "");
  }
  if (raw) return new Uint8Array(await response.arrayBuffer());
  return response.json();
}

export const getInstance = () => call("GET", "/api/instance");
/**
 * A challenge for `purpose` ("upload", "case" with a unit id, "message", "lookup") at its current price.
 * @param {string} purpose
 * @param {string | null} [unitId]
 */
export const newChallenge = (purpose, unitId) =>
  call("POST", "/api/pow", { json: unitId ? { purpose, unit_id: unitId } : { purpose } });

/**
 * Pay for one request with a fresh proof of work: `send(pow)` makes the
 * request. The price may rise while we solve (someone floods the server);
 * the server then answers pow_required and we pay once more at the new price.
 * @template T
 * @param {string} purpose
 * @param {string | null} unitId
 * @param {((fraction: number) => void) | null | undefined} onProgress
 * @param {(pow: { challenge: string, nonce: string }) => Promise<T>} send
 * @returns {Promise<T>}
 */
export async function paid(purpose, unitId, onProgress, send) {
  for (let attempt = 0; ; attempt++) {
    const challenge = await newChallenge(purpose, unitId);
    const pow = await solve(challenge, onProgress);
    try {
      return await send(pow);
    } catch (error) {
      if (attempt >= 2 || !(error instanceof ApiError) || error.code !== "pow_required") throw error;
    }
  }
}

export const openUpload = (/** @type {unknown} */ pow) => call("POST", "/api/uploads", { json: { pow } });
// The piece goes as a Blob: Chromium sends a 1 MiB Uint8Array or ArrayBuffer
// body about ten times slower than the same bytes in a Blob (measured with
// bench/bench_browser_page.py; 20 pieces: 5-8 s against 0.4-0.8 s, both engines).
/**
 * @param {string} token
 * @param {Uint8Array} itemId
 * @param {number} index
 * @param {Uint8Array<ArrayBuffer>} bytes
 */
export const putPiece = (token, itemId, index, bytes) =>
  call("PUT", `/api/uploads/${token}/${b64uEncode(itemId)}/${index}`, { body: new Blob([bytes]) });
export const createCase = (/** @type {unknown} */ report) => call("POST", "/api/cases", { json: report });

/**
 * The Authorization header value for a derived selector and validator.
 * @param {Uint8Array} selector
 * @param {Uint8Array} validator
 * @returns {string}
 */
export function reporterAuth(selector, validator) {
  return `Peluit ${b64uEncode(selector)}.${b64uEncode(validator)}`;
}

// A lookup pays a proof of work; its answer carries a pass for the item reads.
export const fetchCase = (/** @type {string | null} */ auth, /** @type {unknown} */ pow) => call("POST", "/api/case", { json: { pow }, auth });
export const fetchItem = (/** @type {string | null} */ auth, /** @type {string} */ itemId, /** @type {string | null} */ pass) => call("POST", `/api/case/items/${itemId}`, { json: { pass }, auth, raw: true });
export const sendMessage = (/** @type {string | null} */ auth, /** @type {unknown} */ payload) => call("POST", "/api/case/messages", { json: payload, auth });

export { b64uDecode, b64uEncode };
