// The reporter's own report, shown as the form was: each question's label and
// the chosen option's words in the page's language, from the questionnaire
// version the report was made with (the check page's "questionnaires" data
// block, web/questionnaire_labels.py). Answers no version knows are shown
// under their key, as they came. Versions the unit published in the console
// come with the case view (`questionnaires`, both languages, by digest): the
// one whose digest the tip names wins over every other.

import { $, el } from "./dom.js";

const META = new Set(["questionnaire", "questionnaire_version", "lang", "attachments"]);
/** @type {any} the check page's "questionnaires" data block */
let catalog = null;
/** @type {Map<string, any>} published versions by digest */
let published = new Map();
let language = "id";

/**
 * The unit's published versions from the case view, and the page's language.
 * @param {unknown} versions
 * @param {string} lang
 */
export function usePublished(versions, lang) {
  published = new Map((Array.isArray(versions) ? versions : []).map((v) => [v.digest, v]));
  language = lang;
}

const words = (/** @type {any} */ text) => (text && (text[language] || text.id)) || "";

/**
 * @param {any} version
 * @returns {{ fields: { id: string, label: string, options: Record<string, string> }[] }}
 */
function publishedForm(version) {
  return {
    fields: version.fields.map((/** @type {any} */ field) => ({
      id: field.id,
      label: words(field.label),
      options: Object.fromEntries(Object.entries(field.options).map(([value, label]) => [value, words(label)])),
    })),
  };
}

/**
 * @returns {any}
 */
function forms() {
  if (catalog === null) catalog = JSON.parse(/** @type {string} */ ($("questionnaires").textContent));
  return catalog;
}

/**
 * @param {any} doc
 * @returns {{ fields: { id: string, label: string, options: Record<string, string> }[] }}
 */
function formOf(doc) {
  const digest = doc.questionnaire_digest;
  if (typeof digest === "string" && published.has(digest)) return publishedForm(published.get(digest));
  const { default: fallback, current, forms: known } = forms();
  const id = typeof doc.questionnaire === "string" ? doc.questionnaire : fallback;
  const keys = [`${id}@${doc.questionnaire_version}`, `${id}@${current[id]}`, `${fallback}@${current[fallback]}`];
  const key = keys.find((k) => Object.hasOwn(known, k));
  return key ? known[key] : { fields: [] };
}

const plain = (/** @type {unknown} */ value) => (typeof value === "string" ? value : JSON.stringify(value));
const blank = (/** @type {unknown} */ value) => value === "" || value === null || value === undefined;

/**
 * [label, words] pairs in the form's order, then unknown keys.
 * @param {any} doc
 * @returns {[string, string][]}
 */
export function answerRows(doc) {
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) return [["", plain(doc)]];
  const nested = doc.answers && typeof doc.answers === "object" && !Array.isArray(doc.answers);
  const given = new Map(Object.entries(nested ? doc.answers : doc).filter(([k]) => nested || !META.has(k)));
  /** @type {[string, string][]} */
  const rows = [];
  for (const field of formOf(doc).fields) {
    if (!given.has(field.id)) continue;
    const value = given.get(field.id);
    given.delete(field.id);
    if (blank(value)) continue;
    const chosen = typeof value === "string" && Object.hasOwn(field.options, value);
    rows.push([field.label, chosen ? field.options[value] : plain(value)]);
  }
  for (const [key, value] of given) if (!blank(value)) rows.push([key, plain(value)]);
  return rows;
}

/**
 * The answers as a description list.
 * @param {any} doc
 * @returns {HTMLElement}
 */
export function answerList(doc) {
  const list = el("dl", "", "answers");
  for (const [label, words] of answerRows(doc)) list.append(el("dt", label), el("dd", words));
  return list;
}
