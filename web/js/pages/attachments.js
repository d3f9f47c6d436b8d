// Attachments on the reporter's pages: choosing files, cleaning photos,
// checking limits, and streaming each one through the envelope sealer to an
// upload session, one 1 MiB ciphertext chunk at a time.

import { b64uEncode } from "../b64.js";
import { concat } from "../bytes.js";
import { randomId, sealStream } from "../envelope.js";
import { putPiece } from "./api.js";
import { cleanImage } from "./image-clean.js";
import { el, setText, t } from "./dom.js";

const MB = 1024 * 1024;

/** @typedef {import("../envelope.js").Context} Context */

/**
 * One chosen file: the file as chosen, what will be sent (`blob`, a photo
 * cleaned of its metadata), and the item id its envelope will carry.
 * @typedef {object} Entry
 * @property {File} file
 * @property {Blob} blob
 * @property {string} kind "jpeg", "png" or "other"
 * @property {boolean} cleaned
 * @property {Uint8Array} itemId
 */

/**
 * The server's limits on attachments (the instance answer).
 * @typedef {object} Limits
 * @property {number} attachments
 * @property {number} attachment_bytes
 * @property {number} report_bytes
 */

export class FilePicker {
  /** @param {{ input: HTMLInputElement, list: HTMLElement, error: HTMLElement, limits: Limits }} parts */
  constructor({ input, list, error, limits }) {
    this.input = input;
    this.list = list;
    this.error = error;
    this.limits = limits;
    /** @type {Entry[]} */
    this.entries = [];
    input.addEventListener("change", () => this.add([.../** @type {FileList} */ (input.files)]));
  }

  /** @param {File[]} files */
  async add(files) {
    setText(this.error, "");
    for (const file of files) {
      if (this.entries.length >= this.limits.attachments) {
        setText(this.error, t("too_many_files", { max: this.limits.attachments }));
        break;
      }
      if (file.size > this.limits.attachment_bytes) {
        setText(this.error, t("file_too_big", { name: file.name, limit: Math.floor(this.limits.attachment_bytes / MB) }));
        continue;
      }
      const total = this.entries.reduce((sum, e) => sum + e.blob.size, 0) + file.size;
      if (total > this.limits.report_bytes) {
        setText(this.error, t("report_too_big", { limit: Math.floor(this.limits.report_bytes / MB) }));
        continue;
      }
      const { blob, kind, cleaned } = await cleanImage(file);
      this.entries.push({ file, blob, kind, cleaned, itemId: randomId() });
    }
    this.input.value = "";
    this.render();
  }

  render() {
    this.list.replaceChildren();
    for (const entry of this.entries) {
      const note = entry.kind === "other" ? t("not_cleaned") : entry.cleaned ? t("cleaned") : t("clean_failed");
      const item = el("li", `${entry.file.name} (${Math.max(1, Math.round(entry.blob.size / 1024))} KB): ${note}`);
      if (entry.kind === "other" || !entry.cleaned) item.className = "warn";
      const remove = /** @type {HTMLButtonElement} */ (el("button", t("remove"), "secondary"));
      remove.type = "button";
      remove.setAttribute("aria-label", `${t("remove")}: ${entry.file.name}`);
      remove.addEventListener("click", () => {
        this.entries = this.entries.filter((e) => e !== entry);
        this.render();
        this.input.focus();
      });
      item.append(" ", remove);
      this.list.append(item);
    }
  }

  /** What the tip or message tells the inspector about each file (encrypted, never seen by the server). */
  describe() {
    return this.entries.map((e) => ({
      item_id: b64uEncode(e.itemId),
      name: e.file.name,
      type: e.file.type || "",
      size: e.blob.size,
      cleaned: e.cleaned,
    }));
  }

  totalBytes() {
    return this.entries.reduce((sum, e) => sum + e.blob.size, 0);
  }

  clear() {
    this.entries = [];
    this.render();
  }
}

// Sealed pieces made ahead of the upload: the sealer reads and encrypts the
// next pieces while the current one is on the wire (at most AHEAD pieces of
// ciphertext wait, besides the sealer's own few chunks in flight).
const AHEAD = 3;

/**
 * Iterate `iterable` while keeping up to `depth` of its next items in the making.
 * @template T
 * @param {AsyncIterable<T>} iterable
 * @param {number} depth
 * @returns {AsyncGenerator<T>}
 */
async function* ahead(iterable, depth) {
  const it = iterable[Symbol.asyncIterator]();
  /** @type {Promise<IteratorResult<T>>[]} */
  const queue = [];
  const pull = () => {
    const next = it.next(); // an async generator queues these and runs them in order
    next.catch(() => {}); // a failure is seen when its turn comes
    queue.push(next);
  };
  try {
    for (let i = 0; i < depth; i++) pull();
    for (;;) {
      const { done, value } = await /** @type {Promise<IteratorResult<T>>} */ (queue.shift());
      if (done) return;
      pull();
      yield value;
    }
  } finally {
    await it.return?.().catch(() => {});
  }
}

/**
 * Seal and upload every entry to the session `token`. `onProgress(n, total, fraction)`.
 * Returns [{item_id, size}] with the ciphertext size of each uploaded envelope.
 * @param {string} token
 * @param {Entry[]} entries
 * @param {Uint8Array[]} recipients
 * @param {{ unitId: string, caseId: Uint8Array }} base
 * @param {(n: number, total: number, fraction: number) => void} onProgress
 */
export async function uploadAll(token, entries, recipients, base, onProgress) {
  // Benchmark hooks (bench/bench_browser_page.py): User Timing marks only.
  performance.mark("peluit:upload-start");
  /** @type {{ item_id: string, size: number }[]} */
  const done = [];
  for (const [n, entry] of entries.entries()) {
    const ctx = { unitId: base.unitId, caseId: base.caseId, kind: "attachment", itemId: entry.itemId };
    // Piece 0 is the header with the first chunk; piece i is chunk i (reporter-api-v1.md).
    let index = 0;
    let sent = 0;
    /** @type {Uint8Array | null} */
    let head = null;
    for await (const part of ahead(sealStream(entry.blob, recipients, ctx), AHEAD)) {
      if (head === null) {
        head = part;
        continue;
      }
      const piece = index === 0 ? concat(head, part) : /** @type {Uint8Array<ArrayBuffer>} */ (part);
      await putPiece(token, entry.itemId, index, piece);
      index += 1;
      sent += piece.length;
      onProgress(n + 1, entries.length, Math.min(1, sent / Math.max(1, entry.blob.size)));
    }
    done.push({ item_id: b64uEncode(entry.itemId), size: sent });
  }
  performance.mark("peluit:upload-done"); // the last piece was acknowledged
  return done;
}
