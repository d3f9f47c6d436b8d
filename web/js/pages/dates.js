// Days as people read them: "Senin, 7 Desember 2026", "Monday, 7 December 2026".
// The server gives days as ISO dates (YYYY-MM-DD, no time); the browser's own
// locale data words them in the page's language (the same words in Chromium
// with and without the JIT, and as the console's Babel pattern "EEEE, d MMMM y").

/** @type {Record<string, string>} */
const LOCALES = { id: "id-ID", en: "en-GB" };
/** @type {Map<string, Intl.DateTimeFormat>} */
const formats = new Map();

/**
 * @param {string} lang
 * @returns {Intl.DateTimeFormat}
 */
function format(lang) {
  if (!formats.has(lang)) {
    /** @type {Intl.DateTimeFormatOptions} */
    const options = { weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: "UTC" };
    formats.set(lang, new Intl.DateTimeFormat(LOCALES[lang] ?? LOCALES.id, options));
  }
  return /** @type {Intl.DateTimeFormat} */ (formats.get(lang));
}

/**
 * An ISO day in words, in the page's language; anything else as it came.
 * @param {unknown} iso
 * @returns {string}
 */
export function longDay(iso) {
  const text = String(iso ?? "");
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return text;
  const day = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return format(document.documentElement.lang === "en" ? "en" : "id").format(day);
}
