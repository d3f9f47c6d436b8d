// Small DOM helpers for the reporter pages. Text is always inserted as
// text (textContent), never as HTML: decrypted words cannot become markup.

export const $ = (id) => document.getElementById(id);

let cached = null;

/** The page's translated messages (a JSON data block rendered by the server). */
export function messages() {
  if (cached === null) cached = JSON.parse($("messages").textContent);
  return cached;
}

/** A message with {placeholders} filled in. */
export function t(key, vars = {}) {
  const template = messages()[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (_, name) => (name in vars ? String(vars[name]) : `{${name}}`));
}

export function setText(el, text) {
  el.textContent = text;
}

export function show(el, visible = true) {
  el.hidden = !visible;
}

/** Create an element with text content and optional class. */
export function el(tag, text = "", className = "") {
  const node = document.createElement(tag);
  if (text) node.textContent = text;
  if (className) node.className = className;
  return node;
}

/** Move focus to a heading so screen readers announce the new step. */
export function focusHeading(id) {
  const heading = $(id);
  if (heading) heading.focus();
}

/**
 * WebCrypto exists only in a secure context (https, localhost, .onion).
 * Elsewhere the page shows only why it cannot encrypt: the form (`#app`)
 * and the key fingerprint it could never compute are hidden.
 */
export function canEncrypt() {
  const ok = window.isSecureContext === true && typeof crypto === "object" && crypto.subtle !== undefined;
  if (!ok) {
    show($("insecure"));
    for (const part of document.querySelectorAll("#app, .fingerprint")) show(part, false);
  }
  return ok;
}
