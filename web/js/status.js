// "Cek laporan": the reporter types the receipt code; the browser derives the
// keys (the code never leaves this page), proves the code to the server, and
// shows the status, the deadline and the conversation. Replies are shown as
// the unit's words only when their signature verifies with the unit's card.
// Everything lives in this tab's memory only.

import { b64uDecode, b64uEncode } from "./b64.js";
import { utf8 } from "./bytes.js";
import { argon2Path, deriveReceipt } from "./derive.js";
import { openEnvelope, randomId, sealEnvelope } from "./envelope.js";
import { InvalidReceiptCode, ReceiptTypo, groupAsTyped, parseReceiptCode } from "./receipt.js";
import { verifyUnitReply } from "./reply.js";
import { parseUnitCard } from "./unit-card.js";
import * as api from "./pages/api.js";
import { FilePicker, uploadAll } from "./pages/attachments.js";
import { longDay } from "./pages/dates.js";
import { $, canEncrypt, el, focusHeading, setText, show, t } from "./pages/dom.js";
import { answerList, usePublished } from "./pages/tip-view.js";

/** @typedef {import("./unit-card.js").UnitCard} UnitCard */
/** @typedef {Awaited<ReturnType<typeof deriveReceipt>>} Derived */

/**
 * What this tab knows, in memory only.
 * @typedef {object} Session
 * @property {string | null} auth the Authorization header, once the code is derived
 * @property {Derived | null} keys the code's keys
 * @property {any} view the case as the server answered it
 * @property {UnitCard | null} unit the unit's card, checked
 * @property {string | null} pass the lookup's pass for the item reads
 * @property {Map<string, string>} [names] attachment names by item id
 * @property {any} [instance] the server's /api/instance answer
 * @property {FilePicker} [files]
 */

const app = $("app");
/** @type {Session} */
const session = { auth: null, keys: null, view: null, unit: null, pass: null };
const decoder = new TextDecoder("utf-8", { fatal: true });

/** @param {string} text */
function codeProblem(text) {
  try {
    parseReceiptCode(text);
    return "";
  } catch (error) {
    if (error instanceof ReceiptTypo) return t("code_typo");
    if (error instanceof InvalidReceiptCode) {
      const digits = text.replace(/\D/g, "");
      return digits.length !== 24 ? t("code_length") : t("code_invalid");
    }
    throw error;
  }
}

function onCodeInput() {
  const input = $("code");
  const atEnd = input.selectionStart === input.value.length;
  const grouped = groupAsTyped(input.value);
  if (grouped !== input.value && atEnd) input.value = grouped;
  const digits = grouped.replace(/\D/g, "");
  // Name a typo at once, as soon as all 24 digits are there.
  setText($("code-error"), digits.length >= 24 ? codeProblem(input.value) : "");
  input.setAttribute("aria-invalid", $("code-error").textContent ? "true" : "false");
}

/**
 * @param {string} status
 * @param {boolean} answered
 */
function statusText(status, answered) {
  return answered ? t("status_perlu_informasi_answered") : t(`status_${status}`);
}

/**
 * The inspectorate asked (perlu_informasi) and the reporter has written since:
 * a message of the reporter's after the unit's last reply, on or after the day
 * the question was asked. The clock stays paused until the unit goes on.
 */
function answeredQuestion(/** @type {any} */ view) {
  if (view.status !== "perlu_informasi") return false;
  const last = view.items.findLast((/** @type {any} */ item) => item.kind === "message" || item.kind === "reply");
  return Boolean(last) && last.author === "reporter" && last.day >= view.status_since;
}

/**
 * @param {any} deadline the view's deadline, or null
 * @param {boolean} answered
 */
function deadlineText(deadline, answered) {
  if (!deadline) return t("deadline_none");
  if (deadline.paused) return answered ? t("deadline_paused_answered") : t("deadline_paused");
  const stage = t(`stage_${deadline.stage}`);
  const days = deadline.working_days_left;
  if (days < 0) return t("deadline_overdue", { stage_past: t(`stage_${deadline.stage}_past`), date: longDay(deadline.due) });
  if (days === 0) return t("deadline_today", { stage });
  return t("deadline_due", { stage, date: longDay(deadline.due), days });
}

/**
 * @param {any} item an item of the case view
 * @returns {import("./envelope.js").Context}
 */
function ctxOf(item) {
  return { unitId: session.view.unit_id, caseId: b64uDecode(session.view.case_id), kind: item.kind, itemId: b64uDecode(item.item_id) };
}

/**
 * @param {string} who
 * @param {string} text
 * @param {string} [className]
 */
function entry(who, text, className = "") {
  const li = el("li", "", className);
  li.append(el("span", who, "who"), el("span", text));
  return li;
}

/**
 * @param {any} doc the opened tip
 * @param {string} day
 */
function describeTip(doc, day) {
  const li = entry(`${t("your_report")} · ${day}`, "");
  li.append(answerList(doc));
  const names = attachedNames(doc).map((/** @type {string} */ name) => `${t("attachment")}: ${name}`);
  if (names.length) li.append(el("span", names.join("\n")));
  return li;
}

/** The names the reporter's browser sealed with a tip or message, remembered by item id. */
function attachedNames(/** @type {any} */ doc) {
  /** @type {any[]} */
  const described = Array.isArray(doc?.attachments) ? doc.attachments : [];
  for (const a of described) if (a && typeof a.name === "string") /** @type {Map<string, string>} */ (session.names).set(a.item_id, a.name);
  return described.filter((a) => a && typeof a.name === "string").map((a) => a.name);
}

function attachmentEntry(/** @type {any} */ item) {
  const name = /** @type {Map<string, string>} */ (session.names).get(item.item_id);
  const size = `${Math.max(1, Math.round(item.size / 1024))} KB`;
  return entry(name ? `${t("attachment")}: ${name}` : t("attachment"), `${size} · ${longDay(item.day)}`);
}

/**
 * @param {any} item an item of the case view
 * @returns {Promise<HTMLElement | null>}
 */
async function renderItem(item) {
  const ctx = ctxOf(item);
  if (item.kind === "attachment") return null; // named after the texts are open
  const bytes = await api.fetchItem(session.auth, item.item_id, session.pass);
  let plain;
  try {
    plain = await openEnvelope(bytes, [/** @type {Derived} */ (session.keys).keyPair], ctx);
  } catch {
    return entry(t("unreadable"), longDay(item.day), "warning");
  }
  if (item.kind === "reply") {
    try {
      // "Standard message" only when the template signature itself verified.
      const { body, standard } = await verifyUnitReply(plain, /** @type {UnitCard} */ (session.unit).ed25519PublicKey, ctx);
      const who = standard ? t("from_unit_standard") : t("from_unit");
      return entry(`${who} · ${longDay(item.day)}`, String(body.text ?? ""), "unit-msg");
    } catch {
      return entry(t("unverified"), longDay(item.day), "warning");
    }
  }
  const doc = JSON.parse(decoder.decode(plain));
  if (item.kind === "tip") return describeTip(doc, longDay(item.day));
  if (item.kind === "identity") return entry(t("your_identity"), [doc.name, doc.nip, doc.contact].filter(Boolean).join("\n"));
  const names = attachedNames(doc).map((/** @type {string} */ name) => `\n${t("attachment")}: ${name}`).join("");
  return entry(`${t("from_you")} · ${longDay(item.day)}`, `${doc?.text || ""}${names}`);
}

/** @param {(fraction: number) => void} [onProgress] */
async function render(onProgress) {
  const view = await api.paid("lookup", null, onProgress, (pow) => api.fetchCase(session.auth, pow));
  session.view = view;
  usePublished(view.questionnaires, /** @type {string} */ (app.dataset.lang));
  session.pass = view.pass;
  session.unit = await parseUnitCard(JSON.stringify(view.unit.card));
  setText($("case-ref"), view.case_ref);
  const answered = answeredQuestion(view);
  setText($("status"), statusText(view.status, answered));
  setText($("deadline"), deadlineText(view.deadline, answered));
  const list = $("conversation");
  const rendered = [];
  session.names = new Map();
  for (const item of view.items) rendered.push(await renderItem(item));
  list.replaceChildren(...rendered.map((li, i) => li ?? attachmentEntry(view.items[i])));
}

async function openCase() {
  const input = $("code");
  const problem = codeProblem(input.value);
  setText($("code-error"), problem);
  if (problem) {
    input.focus();
    return;
  }
  $("open").disabled = true;
  const code = parseReceiptCode(input.value);
  const slow = code[0] === "1" && argon2Path() === "noble";
  setText($("derive-status"), slow ? t("derive_slow", { seconds: 80 }) : t("derive_running", { seconds: argon2Path() === "noble" ? 5 : 1 }));
  show($("derive-progress"));
  try {
    session.keys = await deriveReceipt(code, b64uDecode(session.instance.instance_salt), {
      onProgress: (f) => {
        /** @type {HTMLProgressElement} */ (/** @type {unknown} */ ($("derive-progress"))).value = Math.round(f * 100);
      },
    });
    session.auth = api.reporterAuth(session.keys.selector, session.keys.validator);
    setText($("derive-status"), t("pow_running"));
    await render((f) => {
      /** @type {HTMLProgressElement} */ (/** @type {unknown} */ ($("derive-progress"))).value = Math.round(f * 100);
    });
    input.value = "";
    show($("derive-progress"), false);
    setText($("derive-status"), "");
    show($("step-code"), false);
    show($("case"));
    focusHeading("case-h");
  } catch (error) {
    const key = error instanceof api.ApiError ? (error.status === 404 ? "not_found" : error.status === 429 ? "rate_limited" : "server_error") : "server_error";
    setText($("code-error"), t(key));
    setText($("derive-status"), "");
    show($("derive-progress"), false);
    session.auth = null;
  } finally {
    $("open").disabled = false;
  }
}

async function sendMessage() {
  const text = $("message").value.trim();
  const files = /** @type {FilePicker} */ (session.files);
  setText($("message-error"), "");
  if (!text && files.entries.length === 0) {
    setText($("message-error"), t("message_empty"));
    return;
  }
  $("send-message").disabled = true;
  show($("send-progress"));
  try {
    const base = { unitId: session.view.unit_id, caseId: b64uDecode(session.view.case_id) };
    const unitKey = /** @type {UnitCard} */ (session.unit).xwingPublicKey;
    let upload = null;
    /** @type {{ item_id: string, size: number }[]} */
    let attachments = [];
    if (files.entries.length > 0) {
      setText($("send-status"), t("pow_running"));
      upload = (await api.paid("upload", null, (f) => (/** @type {HTMLProgressElement} */ (/** @type {unknown} */ ($("send-progress"))).value = Math.round(f * 5)), api.openUpload)).upload;
      attachments = await uploadAll(upload, files.entries, [unitKey], base, (n, total, f) => {
        setText($("send-status"), t("encrypting", { n, total, percent: Math.round(f * 100) }));
        /** @type {HTMLProgressElement} */ (/** @type {unknown} */ ($("send-progress"))).value = Math.round(((n - 1 + f) / total) * 90);
      });
    }
    const itemId = randomId();
    const doc = { text, attachments: files.describe() };
    const ctx = { ...base, kind: "message", itemId };
    const envelope = await sealEnvelope(utf8(JSON.stringify(doc)), [unitKey, /** @type {Derived} */ (session.keys).keyPair.publicKeyBytes], ctx);
    setText($("send-status"), t("pow_running"));
    const payload = { upload, message: { item_id: b64uEncode(itemId), envelope: b64uEncode(envelope) }, attachments };
    await api.paid("message", null, (f) => (/** @type {HTMLProgressElement} */ (/** @type {unknown} */ ($("send-progress"))).value = 90 + Math.round(f * 8)), (pow) => api.sendMessage(session.auth, { ...payload, pow }));
    $("message").value = "";
    files.clear();
    /** @type {HTMLProgressElement} */ (/** @type {unknown} */ ($("send-progress"))).value = 100;
    setText($("send-status"), t("message_sent"));
    await render();
  } catch (error) {
    const known = error instanceof api.ApiError && error.code === "case_day_full";
    const key = error instanceof api.ApiError && error.status === 0 ? "network_error" : known ? "case_day_full" : "server_error";
    setText($("message-error"), t(key));
  } finally {
    $("send-message").disabled = false;
  }
}

async function init() {
  api.setLanguage(/** @type {string} */ (app.dataset.lang));
  if (!canEncrypt()) return;
  session.instance = await api.getInstance();
  session.files = new FilePicker({ input: $("files"), list: $("file-list"), error: $("message-error"), limits: session.instance.limits });
  $("code").addEventListener("input", onCodeInput);
  $("code").addEventListener("keydown", (event) => {
    if (event.key === "Enter") openCase();
  });
  $("open").addEventListener("click", openCase);
  $("send-message").addEventListener("click", sendMessage);
  $("code").disabled = false;
  $("open").disabled = false;
  document.documentElement.dataset.ready = "true";
}

init().catch(() => setText($("code-error"), t("server_error")));
