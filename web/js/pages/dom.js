// Small DOM helpers for the reporter pages. Text is always inserted as
// text (textContent), never as HTML: decrypted words cannot become markup.

/**
 * The element with this id. The pages read inputs, buttons, progress bars
 * and plain elements through it alike, so it is typed as the widest of them
 * (an input); an id the page lacks fails at run time, in the browser tests.
 * @param {string} id
 * @returns {HTMLInputElement}
 */
export const $ = (id) => /** @type {HTMLInputElement} */ (document.getElementById(id));

/** @type {Record<string, string> | null} */
let cached = null;

/**
 * The page's translated messages (a JSON data block rendered by the server).
 * @returns {Record<string, string>}
 */
export function messages() {
  if (cached === null) cached = JSON.parse(/** @type {string} */ ($("messages").textContent));
  return /** @type {Record<string, string>} */ (cached);
}

/**
 * A message with {placeholders} filled in.
 * @param {string} key
 * @param {Record<string, unknown>} [vars]
 * @returns {string}
 */
export function t(key, vars = {}) {
  const template = messages()[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (/** @type {string} */ _, /** @type {string} */ name) => (name in vars ? String(vars[name]) : `{${name}}`));
}

/**
 * @param {HTMLElement} el
 * @param {string} text
 */
export function setText(el, text) {
  el.textContent = text;
}

/**
 * @param {HTMLElement} el
 * @param {boolean} [visible]
 */
export function show(el, visible = true) {
  el.hidden = !visible;
}

/**
 * Create an element with text content and optional class.
 * @param {string} tag
 * @param {string} [text]
 * @param {string} [className]
 * @returns {HTMLElement}
 */
export function el(tag, text = "", className = "") {
  const node = document.createElement(tag);
  if (text) node.textContent = text;
  if (className) node.className = className;
  return node;
}

/**
 * Move focus to a heading so screen readers announce the new step.
 * @param {string} id
 */
export function focusHeading(id) {
  const heading = $(id);
  if (heading) heading.focus();
}

/**
 * WebCrypto exists only in a secure context (https, localhost, .onion).
 * Elsewhere the page shows only why it cannot encrypt: the form (`#app`)
 * and the key fingerprint it could never compute are hidden.
 * @returns {boolean}
 */
export function canEncrypt() {
  const ok = window.isSecureContext === true && typeof crypto === "object" && crypto.subtle !== undefined;
  if (!ok) {
    show($("insecure"));
    for (const part of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll("#app, .fingerprint"))) show(part, false);
  }
  return ok;
}
