// Receipt codes (docs/spec/receipt-v1.md): generation, normalisation, Damm
// check digit, display grouping. The code never leaves the browser.

export const CODE_LENGTH = 24;
export const PROFILES = Object.freeze({
  1: Object.freeze({ ops: 3, memKib: 65536 }),
  2: Object.freeze({ ops: 1, memKib: 8192 }),
});

// Damm (2004) quasigroup of order 10; row 0 = 0 3 1 7 5 9 8 6 4 2.
const DAMM = [
  [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
  [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
  [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
  [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
  [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
  [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
  [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
  [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
  [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
  [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
];

export class ReceiptError extends Error {
  /**
   * @param {string} message
   * @param {"typo" | "invalid"} reason
   */
  constructor(message, reason) {
    super(message);
    this.name = "ReceiptError";
    this.reason = reason; // "typo" or "invalid"
  }
}

export class ReceiptTypo extends ReceiptError {
  constructor() {
    super("Check the code: one digit looks wrong.", "typo");
    this.name = "ReceiptTypo";
  }
}

export class InvalidReceiptCode extends ReceiptError {
  /** @param {string} message */
  constructor(message) {
    super(message, "invalid");
    this.name = "InvalidReceiptCode";
  }
}

const MSG_LENGTH = "A receipt code has 24 digits.";
const MSG_NOT_OURS = "This is not a Peluit receipt code.";

// Separators removed by normalisation: whitespace as Unicode 14.0 defines it
// (White_Space, pinned like the digits; receipts/receipt_code.py lists the
// same set), and - ‐ ‑ – — . _
const SEPARATOR = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\-\u2010\u2011\u2013\u2014._]/u;

// The zero of every run of ten decimal digits (Nd) in Unicode 14.0, the
// version docs/spec/receipt-v1.md pins: the browser's own Unicode may be newer,
// and a digit the Python side would refuse must be refused here too.
const DIGIT_ZEROS = [
  0x30, 0x660, 0x6f0, 0x7c0, 0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6, 0xc66,
  0xce6, 0xd66, 0xde6, 0xe50, 0xed0, 0xf20, 0x1040, 0x1090, 0x17e0, 0x1810,
  0x1946, 0x19d0, 0x1a80, 0x1a90, 0x1b50, 0x1bb0, 0x1c40, 0x1c50, 0xa620,
  0xa8d0, 0xa900, 0xa9d0, 0xa9f0, 0xaa50, 0xabf0, 0xff10, 0x104a0, 0x10d30,
  0x11066, 0x110f0, 0x11136, 0x111d0, 0x112f0, 0x11450, 0x114d0, 0x11650,
  0x116c0, 0x11730, 0x118e0, 0x11950, 0x11c50, 0x11d50, 0x11da0, 0x16a60,
  0x16ac0, 0x16b50, 0x1d7ce, 0x1d7d8, 0x1d7e2, 0x1d7ec, 0x1d7f6, 0x1e140,
  0x1e2f0, 0x1e950, 0x1fbf0,
];

/**
 * Value 0..9 of a decimal digit of the pinned table, or -1.
 * @param {string} ch
 * @returns {number}
 */
function digitValue(ch) {
  const cp = /** @type {number} */ (ch.codePointAt(0));
  for (const zero of DIGIT_ZEROS) {
    if (cp >= zero && cp <= zero + 9) return cp - zero;
  }
  return -1;
}

/**
 * Damm interim over a string of ASCII digits.
 * @param {string} digits
 * @returns {number}
 */
export function dammInterim(digits) {
  let interim = 0;
  for (const ch of digits) interim = DAMM[interim][ch.charCodeAt(0) - 48];
  return interim;
}

/**
 * Normalise what a reporter typed to ASCII digits; null if anything other than
 * a digit or a separator is present.
 * @param {unknown} input
 * @returns {string | null}
 */
export function normaliseDigits(input) {
  let out = "";
  for (const ch of String(input)) {
    const v = digitValue(ch);
    if (v >= 0) out += String.fromCharCode(48 + v);
    else if (!SEPARATOR.test(ch)) return null;
  }
  return out;
}

/**
 * Parse a typed receipt code. Returns the 24 ASCII digits; throws
 * InvalidReceiptCode or ReceiptTypo in the order the spec gives.
 * @param {unknown} input
 * @returns {string}
 */
export function parseReceiptCode(input) {
  const digits = normaliseDigits(input);
  if (digits === null) throw new InvalidReceiptCode(MSG_NOT_OURS);
  if (digits.length !== CODE_LENGTH) throw new InvalidReceiptCode(MSG_LENGTH);
  if (dammInterim(digits) !== 0) throw new ReceiptTypo();
  if (!(digits[0] in PROFILES)) throw new InvalidReceiptCode(MSG_NOT_OURS);
  return digits;
}

/**
 * The KDF profile number (1 or 2) of a parsed code.
 * @param {string} code
 * @returns {number}
 */
export function profileOf(code) {
  return Number(parseReceiptCode(code)[0]);
}

/**
 * Six groups of four separated by one space.
 * @param {string} code
 * @returns {string}
 */
export function groupCode(code) {
  return /** @type {RegExpMatchArray} */ (code.match(/.{1,4}/g)).join(" ");
}

/**
 * As-you-type helper: keep the digits typed so far (any script, separators
 * dropped, other characters ignored), at most 24, grouped by four.
 * @param {unknown} input
 * @returns {string}
 */
export function groupAsTyped(input) {
  let digits = "";
  for (const ch of String(input)) {
    const v = digitValue(ch);
    if (v >= 0 && digits.length < CODE_LENGTH) digits += String.fromCharCode(48 + v);
  }
  return digits === "" ? "" : groupCode(digits);
}

/**
 * Uniform random decimal digits from crypto.getRandomValues, by rejection sampling.
 * @param {number} count
 * @returns {string}
 */
export function randomDigits(count) {
  let out = "";
  const buf = new Uint8Array(64);
  while (out.length < count) {
    crypto.getRandomValues(buf);
    for (const b of buf) {
      if (b < 250 && out.length < count) out += String.fromCharCode(48 + (b % 10));
    }
  }
  return out;
}

/**
 * A fresh receipt code for `profile` (1 or 2): 24 ASCII digits, ungrouped.
 * @param {number | string} profile
 * @returns {string}
 */
export function generateReceiptCode(profile) {
  if (!(String(profile) in PROFILES)) throw new RangeError("unknown profile");
  const body = String(profile) + randomDigits(22);
  return body + String(dammInterim(body));
}
