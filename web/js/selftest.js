// Self-test page (web/static/selftest.html): runs the real crypto with made-up
// data and shows the outcome; exposes the functions to the browser tests as
// window.peluitTest (binary values as base64url strings).

import { ALL_LABELS } from "./labels.js";
import { b64uDecode, b64uEncode } from "./b64.js";
import { concat, utf8 } from "./bytes.js";
import { paddedPlaintextSize, padme } from "./padding.js";
import { generateReceiptCode, groupAsTyped, groupCode, parseReceiptCode } from "./receipt.js";
import { keyId, keyPairFromSeed, publicKeyFromSeed } from "./xwing.js";
import { openSource } from "./byte-source.js";
import { CHUNK, envelopeSize, openEnvelope, randomId, sealEnvelope, sealStream } from "./envelope.js";
import { ed25519Backend, setEd25519Backend } from "./signing.js";
import { parseUnitCard } from "./unit-card.js";
import { verifyReply } from "./reply.js";
import { argon2Path, deriveReceipt, preloadArgon2 } from "./derive.js";

const enc = b64uEncode;
const dec = b64uDecode;

/**
 * A context as the vectors and the browser tests give it (base64url ids).
 * @typedef {{ unit_id: string, case_id: string, kind: string, item_id: string }} ContextJson
 */
/** @typedef {import("./xwing.js").KeyPair} KeyPair */

/** @param {ContextJson} c */
function ctxFrom(c) {
  return { unitId: c.unit_id, caseId: dec(c.case_id), kind: c.kind, itemId: dec(c.item_id) };
}

/** @param {any} err what was thrown */
function failure(err) {
  return { ok: false, error: err.reason || err.name, name: err.name, message: err.message };
}

/**
 * @param {Uint8Array} pattern
 * @param {number} length
 */
function repeat(pattern, length) {
  const out = new Uint8Array(length);
  if (pattern.length === 0) return out;
  for (let at = 0; at < length; at += pattern.length) out.set(pattern.subarray(0, Math.min(pattern.length, length - at)), at);
  return out;
}

/**
 * @param {Uint8Array} pattern
 * @param {number} length
 */
function repeatBlob(pattern, length) {
  return new Blob([repeat(pattern, length)]);
}

/** @param {AsyncIterable<Uint8Array>} stream */
async function collect(stream) {
  /** @type {Uint8Array[]} */
  const parts = [];
  for await (const p of stream) parts.push(p);
  return parts;
}

const api = {
  async environment() {
    return {
      webassembly: typeof WebAssembly,
      argon2Path: argon2Path(),
      ed25519: await ed25519Backend(),
      secureContext: globalThis.isSecureContext === true,
      subtle: typeof crypto === "object" && typeof crypto.subtle === "object",
    };
  },
  labels: () => [...ALL_LABELS],
  b64: { encode: (/** @type {string} */ s) => enc(dec(s)), decode: (/** @type {string} */ s) => { try { return { ok: true, bytes: [...dec(s)] }; } catch (e) { return failure(e); } } },
  padme, paddedPlaintextSize, envelopeSize,
  receipt: {
    /** @param {string} input */
    parse(input) {
      try {
        const code = parseReceiptCode(input);
        return { ok: true, normalised: code, grouped: groupCode(code) };
      } catch (e) {
        return failure(e);
      }
    },
    generate: (/** @type {number} */ profile) => generateReceiptCode(profile),
    groupAsTyped,
  },
  preloadArgon2,
  /**
   * @param {string} code
   * @param {string} saltB64
   * @param {{ path?: string }} [options]
   */
  async derive(code, saltB64, options = {}) {
    let progress = 0;
    const t0 = performance.now();
    try {
      const r = await deriveReceipt(code, dec(saltB64), { ...options, onProgress: () => { progress++; } });
      return {
        ok: true, selector: enc(r.selector), validator: enc(r.validator), xwing_seed: enc(r.xwingSeed),
        xwing_public_key: enc(r.keyPair.publicKeyBytes), key_id: enc(await keyId(r.keyPair.publicKeyBytes)),
        path: r.path, profile: r.profile, progress, ms: performance.now() - t0, argon2_ms: r.argon2Ms,
      };
    } catch (e) {
      return failure(e);
    }
  },
  xwing: {
    publicKeyFromSeed: async (/** @type {string} */ seed) => enc(await publicKeyFromSeed(dec(seed))),
    keyId: async (/** @type {string} */ pk) => enc(await keyId(dec(pk))),
    /** @param {string} seed */
    async keyPairMs(seed) {
      const t0 = performance.now();
      await keyPairFromSeed(dec(seed));
      return performance.now() - t0;
    },
  },
  envelope: {
    seal: async (/** @type {string} */ pt, /** @type {string[]} */ pks, /** @type {ContextJson} */ ctx) => enc(await sealEnvelope(dec(pt), pks.map(dec), ctxFrom(ctx))),
    sealRepeat: async (/** @type {string} */ pattern, /** @type {number} */ length, /** @type {string[]} */ pks, /** @type {ContextJson} */ ctx) =>
      enc(await sealEnvelope(repeat(dec(pattern), length), pks.map(dec), ctxFrom(ctx))),
    // reader: "blob" (Blob.stream(), BYOB), "stream" (a plain ReadableStream,
    // default reader) or "slice" (only slice().arrayBuffer()).
    /**
     * @param {string} pattern
     * @param {number} length
     * @param {string[]} pks
     * @param {ContextJson} ctx
     */
    async sealStreamRepeat(pattern, length, pks, ctx, reader = "blob") {
      const blob = repeatBlob(dec(pattern), length);
      // The stand-ins are Blobs in every way the reader uses (size, and
      // stream() or slice()).
      const source = /** @type {Blob} */ (reader === "blob" ? blob
        : reader === "stream" ? { size: blob.size, stream: () => /** @type {ReadableStream} */ (new Response(blob).body).pipeThrough(new TransformStream()) }
        : { size: blob.size, slice: (/** @type {number} */ a, /** @type {number} */ b) => blob.slice(a, b) });
      const parts = await collect(sealStream(source, pks.map(dec), ctxFrom(ctx)));
      return { envelope: enc(concat(...parts)), sizes: parts.map((p) => p.length) };
    },
    /**
     * @param {string} envelope
     * @param {string[]} seeds
     * @param {ContextJson} ctx
     */
    async open(envelope, seeds, ctx) {
      try {
        return { ok: true, plaintext: enc(await openEnvelope(dec(envelope), seeds.map(dec), ctxFrom(ctx))) };
      } catch (e) {
        return failure(e);
      }
    },
    /**
     * @param {string} envelope
     * @param {string[]} seeds
     * @param {ContextJson} ctx
     * @param {string} pattern
     * @param {number} length
     */
    async openRepeat(envelope, seeds, ctx, pattern, length) {
      try {
        const pt = await openEnvelope(dec(envelope), seeds.map(dec), ctxFrom(ctx));
        const want = repeat(dec(pattern), length);
        return { ok: true, length: pt.length, equal: pt.length === want.length && pt.every((b, i) => b === want[i]) };
      } catch (e) {
        return failure(e);
      }
    },
  },
  card: {
    /** @param {string} text */
    async parse(text) {
      try {
        const c = await parseUnitCard(text);
        const custodian = c.custodianXwingPublicKey ? enc(c.custodianXwingPublicKey) : null;
        return {
          ok: true, fingerprint: c.fingerprint, unit_id: c.unitId, xwing_public_key: enc(c.xwingPublicKey),
          custodian_xwing_public_key: custodian,
        };
      } catch (e) {
        return failure(e);
      }
    },
  },
  reply: {
    /**
     * @param {string} plaintext
     * @param {string} pk
     * @param {ContextJson} ctx
     */
    async verify(plaintext, pk, ctx) {
      try {
        return { ok: true, body: enc(await verifyReply(dec(plaintext), dec(pk), ctxFrom(ctx))) };
      } catch (e) {
        return failure(e);
      }
    },
  },
  signing: { backend: ed25519Backend, setBackend: setEd25519Backend },
  bench: {
    // Raw WebCrypto AES-256-GCM over `mib` MiB (one call, and one call per
    // 1 MiB chunk), then envelope.js's streaming sealer over the same bytes in
    // memory and over a Blob of them. Milliseconds.
    /**
     * @param {number} mib
     * @param {string} pk
     */
    async body(mib, pk) {
      const data = repeat(utf8("peluit benchmark "), mib * CHUNK);
      const key = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt"]);
      const iv = new Uint8Array(12);
      let t0 = performance.now();
      await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, data);
      const rawOneShot = performance.now() - t0;
      t0 = performance.now();
      for (let i = 0; i < mib; i++) {
        iv[11] = i & 255;
        iv[10] = i >> 8;
        await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, data.subarray(i * CHUNK, (i + 1) * CHUNK));
      }
      const rawChunked = performance.now() - t0;
      const ctx = { unitId: "bench", caseId: randomId(), kind: "attachment", itemId: randomId() };
      const time = async (/** @type {import("./byte-source.js").ByteSource} */ source) => {
        const start = performance.now();
        let n = 0;
        for await (const part of sealStream(source, [dec(pk)], ctx)) n += part.length;
        return [performance.now() - start, n];
      };
      const [envelopeBytes, total] = await time(data);
      const blob = new Blob([data]);
      await blob.slice(0, 1).arrayBuffer(); // the Blob is stored, as a chosen File would be
      const [envelope] = await time(blob);
      // Raw AES-GCM over the same Blob, read the same way (BYOB, 1 MiB at a time).
      t0 = performance.now();
      const reader = openSource(blob);
      for (let i = 0; i < mib; i++) {
        iv[11] = i & 255;
        iv[10] = i >> 8;
        await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, await reader.read(CHUNK));
      }
      const rawBlob = performance.now() - t0;
      return { rawOneShot, rawChunked, rawBlob, envelope, envelopeBytes, bytes: data.length, total };
    },
  },
};

/** @param {(line: string) => void} report */
async function runSelfTest(report) {
  /**
   * @param {string} name
   * @param {() => unknown} fn
   */
  const step = async (name, fn) => {
    const t0 = performance.now();
    try {
      const detail = await fn();
      report(`${name}: ok (${Math.round(performance.now() - t0)} ms)${detail ? ` — ${detail}` : ""}`);
    } catch (e) {
      report(`${name}: FAILED — ${/** @type {Error} */ (e).name}: ${/** @type {Error} */ (e).message}`);
    }
  };
  const profile = argon2Path() === "sodium" ? 1 : 2;
  const code = generateReceiptCode(profile);
  await step("receipt code", () => {
    const typo = code.slice(0, 5) + String((Number(code[5]) + 1) % 10) + code.slice(6);
    try {
      parseReceiptCode(typo);
    } catch (e) {
      if (/** @type {{ reason?: string }} */ (e).reason === "typo") return `made ${groupCode(code)}; a one-digit typo is caught`;
    }
    throw new Error("typo not caught");
  });
  /** @type {KeyPair} */
  let keyPair;
  await step(`receipt derivation (profile ${profile}, ${argon2Path()})`, async () => {
    const r = await deriveReceipt(code, crypto.getRandomValues(new Uint8Array(16)));
    keyPair = r.keyPair;
    return `selector ${enc(r.selector).slice(0, 12)}…`;
  });
  await step("envelope seal and open (3 MiB, 2 chunks+)", async () => {
    const other = await keyPairFromSeed(crypto.getRandomValues(new Uint8Array(32)));
    const ctx = { unitId: "selftest", caseId: randomId(), kind: "attachment", itemId: randomId() };
    const pt = repeat(utf8("self-test "), 3 * CHUNK);
    const env = await sealEnvelope(pt, [other.publicKeyBytes, keyPair.publicKeyBytes], ctx);
    const back = await openEnvelope(env, [keyPair], ctx);
    if (back.length !== pt.length) throw new Error("length differs");
    env[env.length - 1] ^= 1;
    try {
      await openEnvelope(env, [keyPair], ctx);
    } catch {
      return `${env.length} bytes; a flipped bit is refused`;
    }
    throw new Error("tampering not detected");
  });
}

async function start() {
  const env = await api.environment();
  const list = document.getElementById("environment");
  if (list) {
    list.replaceChildren();
    const rows = [
      ["WebAssembly", env.webassembly === "object" ? "present" : "absent"],
      ["Argon2id worker", env.argon2Path === "sodium" ? "libsodium.js (WebAssembly)" : "@noble/hashes (pure JavaScript)"],
      ["Ed25519", env.ed25519 === "webcrypto" ? "WebCrypto" : "@noble/curves"],
      ["Secure context", env.secureContext ? "yes" : "no: encryption is not possible here"],
    ];
    for (const [k, v] of rows) {
      const dt = document.createElement("dt");
      dt.textContent = k;
      const dd = document.createElement("dd");
      dd.textContent = v;
      list.append(dt, dd);
    }
  }
  const button = /** @type {HTMLButtonElement | null} */ (document.getElementById("run"));
  const results = document.getElementById("results");
  if (button && results) {
    button.disabled = false;
    button.addEventListener("click", async () => {
      button.disabled = true;
      results.replaceChildren();
      await runSelfTest((/** @type {string} */ line) => {
        const li = document.createElement("li");
        li.textContent = line;
        results.append(li);
      });
      button.disabled = false;
    });
  }
  document.documentElement.dataset.selftest = "ready";
}

/** @type {{ peluitTest?: typeof api }} */ (globalThis).peluitTest = api;
start();
