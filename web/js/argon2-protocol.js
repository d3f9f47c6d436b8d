// The message protocol of the Argon2id workers (argon2-sodium.js, argon2-noble.js).
//   page -> worker: { password: Uint8Array, salt: Uint8Array, ops, memKib }
//   worker -> page: { type: "progress", fraction } ... then
//                   { type: "result", root: Uint8Array(32), path, ms } or { type: "error" }
// (ms: the time of the hash itself, without loading the worker)

export const ROOT_LENGTH = 32;

/**
 * What the page asks a worker to hash.
 * @typedef {object} Argon2Request
 * @property {Uint8Array} password
 * @property {Uint8Array} salt
 * @property {number} ops
 * @property {number} memKib
 */

/**
 * Install the worker's message handler around `hash(request, onProgress) -> Promise<Uint8Array>`.
 * @param {string} path
 * @param {(request: Argon2Request, onProgress: (fraction: number) => void) => Promise<Uint8Array>} hash
 */
export function serveArgon2(path, hash) {
  self.onmessage = async (/** @type {MessageEvent<Argon2Request>} */ event) => {
    const { password, salt, ops, memKib } = event.data;
    let last = -1;
    const onProgress = (/** @type {number} */ fraction) => {
      const percent = Math.floor(fraction * 100);
      if (percent !== last) {
        last = percent;
        self.postMessage({ type: "progress", fraction });
      }
    };
    try {
      onProgress(0);
      const start = performance.now();
      const root = await hash({ password, salt, ops, memKib }, onProgress);
      const ms = performance.now() - start;
      onProgress(1);
      self.postMessage({ type: "result", root, path, ms });
    } catch {
      self.postMessage({ type: "error", path });
    }
  };
}
