// The report page: questionnaire -> receipt code (made here, never sent) ->
// proof of work -> attachments sealed and streamed -> tip and identity sealed
// to the unit and to the reporter's own key -> the server commits -> receipt.
// The page says "not yet sent" until the server has acknowledged the commit.

import { b64uDecode, b64uEncode } from "./b64.js";
import { utf8 } from "./bytes.js";
import { argon2Path, deriveReceipt } from "./derive.js";
import { randomId, sealEnvelope } from "./envelope.js";
import { generateReceiptCode, groupCode } from "./receipt.js";
import { parseUnitCard } from "./unit-card.js";
import * as api from "./pages/api.js";
import { FilePicker, uploadAll } from "./pages/attachments.js";
import { longDay } from "./pages/dates.js";
import { $, canEncrypt, focusHeading, setText, show, t } from "./pages/dom.js";

/** @typedef {import("./unit-card.js").UnitCard} UnitCard */
/** @typedef {Awaited<ReturnType<typeof deriveReceipt>>} Derived */

/**
 * What the page has so far; each step fills in what the next one needs.
 * @typedef {object} PageState
 * @property {UnitCard | null} unit the unit's card, once checked
 * @property {string | null} code the receipt code, once made
 * @property {null} keys
 * @property {Derived | null} derived the code's keys, once derived
 * @property {Uint8Array<ArrayBuffer>} caseId
 * @property {Uint8Array<ArrayBuffer>} tipId
 * @property {Uint8Array<ArrayBuffer>} identityId
 * @property {boolean} sending
 * @property {boolean} [checked] "Continue" was pressed
 * @property {boolean} [attempted] a send was tried
 * @property {Record<string, string>} [answers]
 * @property {any} [instance] the server's /api/instance answer
 * @property {FilePicker} [files]
 */

/** @typedef {PageState & { unit: UnitCard, derived: Derived, files: FilePicker }} ReadyState */

const app = $("app");
const unitId = /** @type {string} */ (app.dataset.unit);
/** @type {PageState} */
const state = { unit: null, code: null, keys: null, derived: null, caseId: randomId(), tipId: randomId(), identityId: randomId(), sending: false };

// Seconds to expect for Argon2id here, said honestly (docs/spec/receipt-v1.md).
/** @type {Record<string, Record<number, number>>} */
const ESTIMATE = { sodium: { 1: 1, 2: 1 }, noble: { 1: 80, 2: 5 } };

function fields() {
  return [.../** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll("[data-field]"))].map((box) => ({
    id: /** @type {string} */ (box.dataset.field),
    required: box.dataset.required === "true",
    max: Number(box.dataset.max) || 0,
    input: $(`q-${box.dataset.field}`),
    error: $(`q-${box.dataset.field}-error`),
  }));
}

/** @param {ReturnType<typeof fields>[number]} f */
function checkField(f) {
  const value = f.input.value.trim();
  let problem = "";
  if (f.required && value === "") problem = t("required");
  else if (f.max && value.length > f.max) problem = t("too_long", { max: f.max });
  setText(f.error, problem);
  f.input.setAttribute("aria-invalid", problem ? "true" : "false");
  return { value, problem };
}

function validate() {
  /** @type {HTMLInputElement | null} */
  let first = null;
  /** @type {Record<string, string>} */
  const answers = {};
  for (const f of fields()) {
    const { value, problem } = checkField(f);
    if (problem && first === null) first = f.input;
    answers[f.id] = value;
  }
  return { answers, first };
}

/** Once the reporter pressed "Continue", check each field again as it changes. */
function recheckWhileTyping() {
  for (const f of fields()) {
    const again = () => {
      if (!state.checked) return;
      checkField(f);
      if (!document.querySelector('[data-field] [aria-invalid="true"]')) setText($("form-error"), "");
    };
    f.input.addEventListener("input", again);
    f.input.addEventListener("change", again);
  }
}

function identity() {
  const value = { name: $("id-name").value.trim(), nip: $("id-nip").value.trim(), contact: $("id-contact").value.trim() };
  return value.name || value.nip || value.contact ? value : null;
}

function updateSendButton() {
  $("send").disabled = !($("saved").checked && state.derived !== null);
}

async function startReceipt() {
  const path = argon2Path();
  const profile = path === "sodium" ? 1 : 2;
  state.code = generateReceiptCode(profile);
  setText($("receipt-code"), groupCode(/** @type {string} */ (state.code)));
  setText($("receipt-address"), returnAddress());
  setText($("receipt-fingerprint"), /** @type {UnitCard} */ (state.unit).fingerprint);
  show($("step-write"), false);
  show($("step-receipt"));
  focusHeading("receipt-h");
  setText($("derive-status"), t("derive_running", { seconds: ESTIMATE[path][profile] }));
  const salt = b64uDecode(state.instance.instance_salt);
  state.derived = await deriveReceipt(/** @type {string} */ (state.code), salt, {
    onProgress: (fraction) => {
      /** @type {HTMLProgressElement} */ (/** @type {unknown} */ ($("derive-progress"))).value = Math.round(fraction * 100);
    },
  });
  /** @type {HTMLProgressElement} */ (/** @type {unknown} */ ($("derive-progress"))).value = 100;
  setText($("derive-status"), t("derive_done"));
  updateSendButton();
}

function onContinue() {
  state.checked = true;
  const { answers, first } = validate();
  setText($("form-error"), first ? t("form_invalid") : "");
  if (first) {
    first.focus();
    return;
  }
  state.answers = answers;
  startReceipt().catch(() => setText($("derive-status"), t("server_error")));
}

// The receipt file (docs/spec/receipt-v1.md, "Receipt file"): the same
// format peluit-report writes and reads back, so `peluit-report status
// --receipt-file` checks the unit against the fingerprint shown here.
function returnAddress() {
  return `${location.origin}/${app.dataset.lang}/cek`;
}

function receiptText() {
  return [
    "PELUIT - TANDA TERIMA / RECEIPT",
    "peluit-receipt: 1",
    `code: ${groupCode(/** @type {string} */ (state.code))}`,
    `server: ${location.origin}`,
    `address: ${returnAddress()}`,
    `unit: ${unitId}`,
    `fingerprint: ${/** @type {UnitCard} */ (state.unit).fingerprint}`,
    `signing-key: ${b64uEncode(/** @type {UnitCard} */ (state.unit).ed25519PublicKey)}`,
    "",
    t("receipt_file"),
    "",
  ].join("\n");
}

function setupReceiptButtons() {
  $("copy-code").addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(groupCode(/** @type {string} */ (state.code)));
      setText($("derive-status"), t("copied"));
    } catch {
      const range = document.createRange();
      range.selectNodeContents($("receipt-code"));
      const selection = /** @type {Selection} */ (window.getSelection());
      selection.removeAllRanges();
      selection.addRange(range);
    }
  });
  $("download-code").addEventListener("click", () => {
    const url = URL.createObjectURL(new Blob([receiptText()], { type: "text/plain" }));
    const link = document.createElement("a");
    link.href = url;
    link.download = "peluit-receipt.txt";
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  });
  $("print-code").addEventListener("click", () => window.print());
  $("saved").addEventListener("change", updateSendButton);
}

/**
 * @param {string} text
 * @param {number} fraction
 */
function progress(text, fraction) {
  setText($("send-status"), text);
  /** @type {HTMLProgressElement} */ (/** @type {unknown} */ ($("send-progress"))).value = Math.round(fraction * 100);
}

/** @param {string} auth */
async function alreadyReceived(auth) {
  try {
    return await api.paid("lookup", null, null, (pow) => api.fetchCase(auth, pow));
  } catch {
    return null;
  }
}

async function send() {
  if (state.sending) return;
  state.sending = true;
  show($("retry"), false);
  setText($("send-error"), "");
  show($("step-receipt"), false);
  show($("step-send"));
  focusHeading("send-h");
  const { derived, unit } = /** @type {ReadyState} */ (state);
  const auth = api.reporterAuth(derived.selector, derived.validator);
  try {
    const existing = state.attempted ? await alreadyReceived(auth) : null;
    state.attempted = true;
    if (existing) return done(existing.case_ref, existing.status_since);
    progress(t("pow_running"), 0);
    const { upload } = await api.paid("upload", null, (f) => progress(t("pow_running"), f * 0.05), api.openUpload);
    const base = { unitId, caseId: state.caseId };
    const unitKey = unit.xwingPublicKey;
    const reporterKey = derived.keyPair.publicKeyBytes;
    const attachments = await uploadAll(upload, /** @type {FilePicker} */ (state.files).entries, [unitKey], base, (n, total, f) =>
      progress(t("encrypting", { n, total, percent: Math.round(f * 100) }), 0.1 + 0.8 * ((n - 1 + f) / total)),
    );
    progress(t("sending"), 0.92);
    const tipDoc = {
      questionnaire: app.dataset.questionnaire,
      questionnaire_version: Number(app.dataset.questionnaireVersion),
      questionnaire_digest: app.dataset.questionnaireDigest,
      lang: app.dataset.lang,
      answers: state.answers,
      attachments: /** @type {FilePicker} */ (state.files).describe(),
    };
    const tipCtx = { ...base, kind: "tip", itemId: state.tipId };
    const tip = await sealEnvelope(utf8(JSON.stringify(tipDoc)), [unitKey, reporterKey], tipCtx);
    /** @type {Record<string, unknown>} */
    const report = {
      upload,
      case_id: b64uEncode(state.caseId),
      unit_id: unitId,
      selector: b64uEncode(derived.selector),
      validator: b64uEncode(derived.validator),
      reporter_public_key: b64uEncode(reporterKey),
      tip: { item_id: b64uEncode(state.tipId), envelope: b64uEncode(tip) },
      attachments,
    };
    const who = identity();
    if (who) {
      // With a custodian on the card, only the custodian's key opens the identity.
      const idKey = unit.custodianXwingPublicKey || unitKey;
      const idCtx = { ...base, kind: "identity", itemId: state.identityId };
      const sealed = await sealEnvelope(utf8(JSON.stringify(who)), [idKey, reporterKey], idCtx);
      report.identity = { item_id: b64uEncode(state.identityId), envelope: b64uEncode(sealed) };
    }
    progress(t("pow_running"), 0.93);
    const receipt = await api.paid("case", unitId, (f) => progress(t("pow_running"), 0.93 + f * 0.06), (pow) =>
      api.createCase({ ...report, pow }),
    );
    done(receipt.case_ref, receipt.submitted);
  } catch (error) {
    const key = error instanceof api.ApiError && error.status === 0 ? "network_error" : "server_error";
    setText($("send-error"), error instanceof api.ApiError && error.message && error.status !== 0 ? `${t(key)} (${error.message})` : t(key));
    show($("retry"));
  } finally {
    state.sending = false;
  }
}

/**
 * @param {string} ref
 * @param {string} day
 */
function done(ref, day) {
  progress(t("sending"), 1);
  show($("step-send"), false);
  setText($("done-ref"), ref);
  setText($("done-day"), longDay(day));
  show($("step-done"));
  focusHeading("done-h");
}

async function init() {
  api.setLanguage(/** @type {string} */ (app.dataset.lang));
  if (!canEncrypt()) return;
  state.instance = await api.getInstance();
  const entry = state.instance.units.find((/** @type {any} */ u) => u.unit_id === unitId);
  state.unit = await parseUnitCard(JSON.stringify(entry.card));
  setText($("fingerprint"), state.unit.fingerprint);
  state.files = new FilePicker({ input: $("files"), list: $("file-list"), error: $("files-error"), limits: state.instance.limits });
  setupReceiptButtons();
  recheckWhileTyping();
  $("continue").addEventListener("click", onContinue);
  $("send").addEventListener("click", send);
  $("retry").addEventListener("click", send);
  $("continue").disabled = false;
  // Benchmark hook (bench/bench_browser_page.py): a User Timing mark, seen by
  // nobody but the browser's own performance timeline.
  performance.mark("peluit:ready");
  document.documentElement.dataset.ready = "true";
}

init().catch(() => {
  setText($("form-error"), t("server_error"));
});
