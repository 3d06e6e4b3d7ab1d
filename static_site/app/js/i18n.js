// Languages: English, Slovenian, Finnish and Swedish. The choice is kept in
// localStorage; numbers, percentages and dates are formatted with Intl.

import { MESSAGES } from "./messages.js";
import { pluralForm } from "./plural.js";

const LANG_KEY = "logbook.lang";
export const LANGUAGES = { en: "English", sl: "Slovenščina", fi: "Suomi", sv: "Svenska" };

function initialLanguage() {
  const saved = localStorage.getItem(LANG_KEY);
  if (saved && MESSAGES[saved]) return saved;
  for (const wanted of navigator.languages || [navigator.language || "en"]) {
    const code = String(wanted).slice(0, 2).toLowerCase();
    if (MESSAGES[code]) return code;
  }
  return "en";
}

let current = initialLanguage();

export function lang() {
  return current;
}

export function setLang(code) {
  if (!MESSAGES[code]) return;
  current = code;
  localStorage.setItem(LANG_KEY, code);
  document.documentElement.lang = code;
}

/**
 * The message `key` in the chosen language (English if missing), with {name} filled in.
 * A message with plural forms takes the one for `vars.count` (else `vars.n`): pass the
 * raw number as `count` when `n` is a formatted one.
 */
export function t(key, vars = {}) {
  const entry = MESSAGES[current][key] ?? MESSAGES.en[key] ?? key;
  const template = pluralForm(
    entry,
    "count" in vars ? vars.count : vars.n,
    MESSAGES[current][key] === undefined ? "en" : current,
  );
  return template.replace(/\{(\w+)\}/g, (_, name) => (name in vars ? String(vars[name]) : `{${name}}`));
}

export function formatNumber(value, options = {}) {
  return new Intl.NumberFormat(current, options).format(value);
}

export function formatPercent(share) {
  return new Intl.NumberFormat(current, { style: "percent", maximumFractionDigits: 0 }).format(share);
}

/** A calendar date (YYYY-MM-DD, no time zone) in the user's language. */
export function formatDate(iso, options = { dateStyle: "medium" }) {
  const [year, month, day] = iso.split("-").map(Number);
  return new Intl.DateTimeFormat(current, { ...options, timeZone: "UTC" }).format(
    new Date(Date.UTC(year, month - 1, day)),
  );
}

export function formatMonth(year, month) {
  return new Intl.DateTimeFormat(current, { year: "numeric", month: "long", timeZone: "UTC" }).format(
    new Date(Date.UTC(year, month - 1, 1)),
  );
}

document.documentElement.lang = current;
