// Removes hidden data from JPEG and PNG photos before they are encrypted:
// EXIF (camera, GPS, time), XMP, IPTC, ICC profiles, comments, text chunks,
// embedded thumbnails and anything after the image's end marker.
//
// It works on Blob slices and returns a new Blob made of the kept byte
// ranges of the original, so a large photo is never read whole into memory.
// Returns { blob, kind: "jpeg" | "png" | "other", cleaned: boolean }.

const SCAN = 1 << 20;

/** @typedef {[number, number][]} Ranges byte ranges [start, end) of the original to keep */

/**
 * @param {Blob} file
 * @param {number} start
 * @param {number} length
 * @returns {Promise<Uint8Array<ArrayBuffer>>}
 */
async function bytesAt(file, start, length) {
  return new Uint8Array(await file.slice(start, start + length).arrayBuffer());
}

class NotClean extends Error {}

/**
 * JPEG segments to keep: everything but APPn (except Adobe APP14) and COM.
 * @param {number} marker
 * @param {Uint8Array} body
 * @returns {boolean}
 */
function keepJpegSegment(marker, body) {
  if (marker === 0xfe) return false; // COM
  if (marker >= 0xe0 && marker <= 0xef) {
    const adobe = marker === 0xee && body.length >= 5 && String.fromCharCode(...body.subarray(0, 5)) === "Adobe";
    return adobe; // colour transform flag only, nothing identifying
  }
  return true;
}

/**
 * @param {Blob} file
 * @returns {Promise<Ranges>}
 */
async function jpegRanges(file) {
  /** @type {Ranges} */
  const ranges = [[0, 2]]; // SOI
  let pos = 2;
  let inScan = false;
  while (pos < file.size) {
    if (inScan) {
      // Entropy-coded data: look for a marker that is not stuffing (FF00) or a restart (FFD0-D7).
      const block = await bytesAt(file, pos, SCAN + 1);
      let found = -1;
      for (let i = 0; i + 1 < block.length; i++) {
        if (block[i] === 0xff) {
          const m = block[i + 1];
          if (m !== 0x00 && m !== 0xff && !(m >= 0xd0 && m <= 0xd7)) {
            found = i;
            break;
          }
        }
      }
      if (found < 0) {
        if (block.length <= 1) throw new NotClean("no end marker");
        ranges.push([pos, pos + block.length - 1]);
        pos += block.length - 1;
        continue;
      }
      ranges.push([pos, pos + found]);
      pos += found;
      inScan = false;
      continue;
    }
    const head = await bytesAt(file, pos, 4);
    if (head.length < 2 || head[0] !== 0xff) throw new NotClean("bad marker");
    const marker = head[1];
    if (marker === 0xff) {
      pos += 1; // fill byte
      continue;
    }
    if (marker === 0xd9) {
      ranges.push([pos, pos + 2]); // EOI: drop whatever follows
      return ranges;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      ranges.push([pos, pos + 2]);
      pos += 2;
      continue;
    }
    if (head.length < 4) throw new NotClean("truncated");
    const length = (head[2] << 8) | head[3];
    if (length < 2 || pos + 2 + length > file.size) throw new NotClean("bad length");
    const body = await bytesAt(file, pos + 4, Math.min(length - 2, 16));
    if (keepJpegSegment(marker, body)) ranges.push([pos, pos + 2 + length]);
    pos += 2 + length;
    if (marker === 0xda) inScan = true;
  }
  throw new NotClean("no end marker");
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
// Chunks needed to show the image faithfully; everything else is dropped
// (tEXt, zTXt, iTXt, eXIf, tIME, iCCP and unknown ancillary chunks).
const PNG_KEEP = new Set([
  "IHDR", "PLTE", "IDAT", "IEND", "tRNS", "gAMA", "cHRM", "sRGB", "sBIT", "bKGD", "pHYs",
  "acTL", "fcTL", "fdAT",
]);

/**
 * @param {Blob} file
 * @returns {Promise<Ranges>}
 */
async function pngRanges(file) {
  /** @type {Ranges} */
  const ranges = [[0, 8]];
  let pos = 8;
  while (pos + 12 <= file.size) {
    const head = await bytesAt(file, pos, 8);
    const length = new DataView(head.buffer).getUint32(0);
    const type = String.fromCharCode(...head.subarray(4, 8));
    const end = pos + 12 + length;
    if (end > file.size || !/^[A-Za-z]{4}$/.test(type)) throw new NotClean("bad chunk");
    const critical = type[0] === type[0].toUpperCase();
    if (PNG_KEEP.has(type)) ranges.push([pos, end]);
    else if (critical) throw new NotClean("unknown critical chunk");
    pos = end;
    if (type === "IEND") return ranges;
  }
  throw new NotClean("no IEND");
}

/**
 * @param {Blob} file
 * @returns {Promise<"jpeg" | "png" | "other">}
 */
async function sniff(file) {
  const head = await bytesAt(file, 0, 8);
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return "jpeg";
  if (head.length === 8 && PNG_SIGNATURE.every((b, i) => head[i] === b)) return "png";
  return "other";
}

/**
 * @param {File} file
 * @returns {Promise<{ blob: Blob, kind: string, cleaned: boolean }>}
 */
export async function cleanImage(file) {
  const kind = await sniff(file);
  if (kind === "other") return { blob: file, kind, cleaned: false };
  try {
    const ranges = kind === "jpeg" ? await jpegRanges(file) : await pngRanges(file);
    const parts = ranges.filter(([a, b]) => b > a).map(([a, b]) => file.slice(a, b));
    return { blob: new Blob(parts), kind, cleaned: true };
  } catch (error) {
    if (!(error instanceof NotClean)) throw error;
    return { blob: file, kind, cleaned: false };
  }
}
