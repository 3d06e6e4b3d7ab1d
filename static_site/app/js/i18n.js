// The app's languages: English, Slovenian, Finnish and Swedish, from the shared message
// layer (static_site/shared/i18n.js; the texts: shared/i18n/common.*.json and
// app.*.json). Only the chosen language and English are loaded. The choice is kept in
// localStorage; numbers, percentages and dates are formatted with Intl.

import { createLookup, initialLanguage, LANGUAGE_NAMES, loadTables, rememberLanguage } from "../../shared/i18n.js";

const BUNDLES = ["common", "app"];
export const LANGUAGES = LANGUAGE_NAMES;

let current = initialLanguage();
let lookup = createLookup(current, await loadTables(BUNDLES, current));

export function lang() {
  return current;
}

/** Switch to `code` once its texts are loaded (the caller renders again afterwards). */
export async function setLang(code) {
  if (!(code in LANGUAGES)) return;
  const tables = await loadTables(BUNDLES, code);
  lookup = createLookup(code, tables);
  current = code;
  rememberLanguage(code);
  document.documentElement.lang = code;
}

/**
 * The message `key` in the chosen language (English if missing), with {name} filled in.
 * A message with plural forms takes the one for `vars.count` (else `vars.n`): pass the
 * raw number as `count` when `n` is a formatted one.
 */
export function t(key, vars = {}) {
  return lookup.t(key, vars);
}

/** Whether `key` has a text (in the chosen language or English). */
export function has(key) {
  return lookup.has(key);
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
