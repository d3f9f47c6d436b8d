// Parsing hostile JSON documents the way crypto/strict_json.py does: RFC 8259
// only, no duplicate keys, no NaN/Infinity, no lone surrogates. Integers are
// Numbers; any number with a fraction or exponent becomes a JsonFloat, so
// `version: 1.0` is not the integer 1 (as in Python).

export class JsonFloat {
  /** @param {number} value */
  constructor(value) {
    this.value = value;
  }
}

export class StrictJsonError extends SyntaxError {
  constructor() {
    super("Not a strict JSON document.");
    this.name = "StrictJsonError";
  }
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
const WS = /[ \t\n\r]*/y;
/** @type {Record<string, string>} */
const ESCAPES = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

/**
 * Parse `text` as one JSON value; throws StrictJsonError.
 * @param {string} text
 * @returns {any}
 */
export function parseStrictJson(text) {
  let at = 0;
  /** @type {() => never} */
  const fail = () => {
    throw new StrictJsonError();
  };
  const ws = () => {
    WS.lastIndex = at;
    WS.exec(text);
    at = WS.lastIndex;
  };
  const string = () => {
    at++; // opening quote
    let out = "";
    for (;;) {
      if (at >= text.length) fail();
      const c = text.charCodeAt(at);
      if (c === 0x22) {
        at++;
        break;
      }
      if (c < 0x20) fail();
      if (c === 0x5c) {
        const e = text[at + 1];
        if (e === "u") {
          const hex = text.slice(at + 2, at + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail();
          out += String.fromCharCode(parseInt(hex, 16));
          at += 6;
        } else if (e in ESCAPES) {
          out += ESCAPES[e];
          at += 2;
        } else fail();
      } else {
        out += text[at];
        at++;
      }
    }
    if (!out.isWellFormed()) fail();
    return out;
  };
  /**
   * @param {number} depth
   * @returns {any} a JSON value, as JSON.parse gives it
   */
  const value = (depth) => {
    if (depth > 64) fail();
    ws();
    const c = text[at];
    /** @type {any} */
    let result;
    if (c === "{") {
      at++;
      result = {};
      const seen = new Set();
      ws();
      if (text[at] === "}") at++;
      else {
        for (;;) {
          ws();
          if (text[at] !== '"') fail();
          const key = string();
          if (seen.has(key)) fail();
          seen.add(key);
          ws();
          if (text[at] !== ":") fail();
          at++;
          // defineProperty, not assignment: a "__proto__" key stays a plain key.
          Object.defineProperty(result, key, { value: value(depth + 1), enumerable: true, writable: true, configurable: true });
          ws();
          if (text[at] === ",") at++;
          else if (text[at] === "}") {
            at++;
            break;
          } else fail();
        }
      }
    } else if (c === "[") {
      at++;
      result = [];
      ws();
      if (text[at] === "]") at++;
      else {
        for (;;) {
          result.push(value(depth + 1));
          ws();
          if (text[at] === ",") at++;
          else if (text[at] === "]") {
            at++;
            break;
          } else fail();
        }
      }
    } else if (c === '"') {
      result = string();
    } else if (text.startsWith("true", at)) {
      at += 4;
      result = true;
    } else if (text.startsWith("false", at)) {
      at += 5;
      result = false;
    } else if (text.startsWith("null", at)) {
      at += 4;
      result = null;
    } else {
      NUMBER.lastIndex = at;
      const m = NUMBER.exec(text);
      if (!m) fail();
      at = NUMBER.lastIndex;
      result = m[1] || m[2] ? new JsonFloat(Number(m[0])) : Number(m[0]);
    }
    ws();
    return result;
  };
  const result = value(0);
  if (at !== text.length) fail();
  return result;
}
