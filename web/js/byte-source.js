// Sequential reading of a Blob/File (or a Uint8Array) in pieces, without ever
// holding the whole source: the streaming sealer's input.
//
// Blob.stream() with a BYOB reader is by far the fastest way to read a Blob
// (Chromium: ~2 GB/s, against ~0.2 GB/s for one slice().arrayBuffer() per
// MiB); a default reader and slice() are the fallbacks.
//
// The stream readers read every piece into the same buffer: a fresh 1 MiB
// ArrayBuffer per read cost about a fifth of reading and encrypting a File
// (and half of reading an in-memory Blob) in both Chromium engines (100 MiB
// File and 100 MiB Blob read 1 MiB at a time, best of five, 2026-11-23;
// docs/benchmarks.md). So a piece
// is valid only until the next read() call; WebCrypto copies its input when
// called, so encrypting it before reading on is enough.

/**
 * What the sealer reads: a Blob or File, or bytes in memory.
 * @typedef {Blob | Uint8Array<ArrayBuffer>} ByteSource
 */

/**
 * A sequential reader: ``read(n)`` gives exactly the next n bytes.
 * @typedef {object} ByteReader
 * @property {(n: number) => Promise<Uint8Array<ArrayBuffer>>} read
 * @property {() => Promise<void>} close
 */

export class SourceError extends Error {
  constructor() {
    super("The file could not be read.");
    this.name = "SourceError";
  }
}

/** Reader over a Uint8Array. */
class BytesReader {
  /** @param {Uint8Array<ArrayBuffer>} bytes */
  constructor(bytes) {
    this.bytes = bytes;
    this.pos = 0;
  }

  /** @param {number} n */
  async read(n) {
    if (this.pos + n > this.bytes.length) throw new SourceError();
    const view = this.bytes.subarray(this.pos, this.pos + n); // no copy
    this.pos += n;
    return view;
  }

  async close() {}
}

/** Reader over Blob.stream() in BYOB mode: reads straight into one reused buffer. */
class ByobReader {
  /** @param {ReadableStreamBYOBReader} reader */
  constructor(reader) {
    this.reader = reader;
    /** @type {ArrayBuffer | null} */
    this.buffer = null;
  }

  /** @param {number} n */
  async read(n) {
    /** @type {ArrayBuffer} */
    let buffer = this.buffer !== null && this.buffer.byteLength >= n ? this.buffer : new ArrayBuffer(n);
    this.buffer = null; // detached by the first read below; kept again once filled
    let filled = 0;
    while (filled < n) {
      const { done, value } = await this.reader.read(new Uint8Array(buffer, filled, n - filled));
      if (done || value === undefined) throw new SourceError();
      buffer = /** @type {ArrayBuffer} */ (value.buffer); // the read transferred the buffer
      filled += value.byteLength;
    }
    this.buffer = buffer;
    return new Uint8Array(buffer, 0, n);
  }

  async close() {
    await this.reader.cancel().catch(() => {});
  }
}

/** Reader over Blob.stream() with a default reader: copies chunks into one reused buffer. */
class DefaultReader {
  /** @param {ReadableStreamDefaultReader<Uint8Array>} reader */
  constructor(reader) {
    this.reader = reader;
    /** @type {Uint8Array} */
    this.left = new Uint8Array(0);
    this.buffer = new ArrayBuffer(0);
  }

  /** @param {number} n */
  async read(n) {
    if (this.buffer.byteLength < n) this.buffer = new ArrayBuffer(n);
    const target = new Uint8Array(this.buffer, 0, n);
    let filled = 0;
    while (filled < target.length) {
      if (this.left.length === 0) {
        const { done, value } = await this.reader.read();
        if (done) throw new SourceError();
        this.left = value;
      }
      const n = Math.min(this.left.length, target.length - filled);
      target.set(this.left.subarray(0, n), filled);
      this.left = this.left.subarray(n);
      filled += n;
    }
    return target;
  }

  async close() {
    await this.reader.cancel().catch(() => {});
  }
}

/** Reader over slice(start, end).arrayBuffer() (older Blob implementations). */
class SliceReader {
  /** @param {Blob} blob */
  constructor(blob) {
    this.blob = blob;
    this.pos = 0;
  }

  /** @param {number} n */
  async read(n) {
    const part = new Uint8Array(await this.blob.slice(this.pos, this.pos + n).arrayBuffer());
    if (part.length !== n) throw new SourceError();
    this.pos += n;
    return part;
  }

  async close() {}
}

/**
 * A sequential reader for `source` (Blob, File or Uint8Array). `read(n)`
 * resolves exactly the next n bytes: a view into a Uint8Array source, or
 * into the reader's own buffer, which the next read() overwrites or
 * detaches, so the caller must be done with it (or copy it) before reading
 * on. It throws SourceError when the source ends early.
 * @param {ByteSource} source
 * @returns {ByteReader}
 */
export function openSource(source) {
  if (source instanceof Uint8Array) return new BytesReader(source);
  if (typeof source.stream === "function") {
    const stream = source.stream();
    try {
      return new ByobReader(stream.getReader({ mode: "byob" }));
    } catch {
      return new DefaultReader(stream.getReader());
    }
  }
  return new SliceReader(source);
}

/**
 * Size in bytes of a source.
 * @param {ByteSource} source
 * @returns {number}
 */
export function sourceSize(source) {
  return source instanceof Uint8Array ? source.length : source.size;
}
