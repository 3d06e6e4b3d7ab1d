// One message layer for the app and the statistics pages: look-up with English as
// the fallback, {name} interpolation and plural forms (Intl.PluralRules). The texts
// are data a translator edits: static_site/shared/i18n/{bundle}.{lang}.json
// (docs/translating.md). A page loads only the bundles it needs, in the chosen
// language and in English, never all four languages.

/** The languages, each named in itself (the language menus' options). */
export const LANGUAGE_NAMES = { en: "English", sl: "Slovenščina", fi: "Suomi", sv: "Svenska" };
export const FALLBACK = "en";
const STORAGE_KEY = "logbook.lang";
// Norwegian and Danish readers understand Swedish better than English.
const CLOSE_TO = { nb: "sv", nn: "sv", no: "sv", da: "sv" };

// Plural forms: a message may be one text or one per plural category of its language
// ({one, two, few, other}: Slovenian has four, English, Finnish and Swedish two), chosen
// with Intl.PluralRules by the count.
/** The text of `entry` for `count` in `lang`: the entry itself when it has no forms. */
export function pluralForm(entry, count, lang) {
  if (typeof entry !== "object" || entry === null) return entry;
  const number = typeof count === "number" ? count : Number(count);
  const category = Number.isFinite(number) ? new Intl.PluralRules(lang).select(number) : "other";
  return entry[category] ?? entry.other;
}

/** `template` with each {name} replaced by `vars[name]` (an unknown name stays as it is). */
export function fill(template, vars = {}) {
  return String(template).replace(/\{(\w+)\}/g, (_, name) => (name in vars ? String(vars[name]) : `{${name}}`));
}

/**
 * A translator for `lang` over `tables` ({language: {key: message}}): `t(key, vars)`
 * gives the message in `lang`, else in English, else the key itself. A message with
 * plural forms ({one, two, few, other}) takes the form for `vars.count` (else
 * `vars.n`): pass the raw number as `count` when `n` is a formatted one.
 */
export function createLookup(lang, tables) {
  const own = tables[lang] || {};
  const fallback = tables[FALLBACK] || {};
  const t = (key, vars = {}) => {
    const mine = own[key];
    const entry = mine ?? fallback[key] ?? key;
    const count = "count" in vars ? vars.count : vars.n;
    return fill(pluralForm(entry, count, mine === undefined ? FALLBACK : lang), vars);
  };
  const has = (key) => key in own || key in fallback;
  return { lang, t, has };
}

async function fetchBundle(name) {
  const response = await fetch(new URL(`i18n/${name}`, import.meta.url));
  if (!response.ok) throw new Error(`${name}: HTTP ${response.status}`);
  return response.json();
}

/**
 * The messages of `bundles` (e.g. ["common", "app"]) in `lang` and in English, as
 * createLookup takes them. A file that cannot be read leaves its keys to English
 * (or to the key itself), never a broken page. `read(fileName)` is for tests.
 */
export async function loadTables(bundles, lang, read = fetchBundle) {
  const languages = lang === FALLBACK ? [FALLBACK] : [lang, FALLBACK];
  const tables = {};
  await Promise.all(
    languages.map(async (code) => {
      const parts = await Promise.all(bundles.map((bundle) => read(`${bundle}.${code}.json`).catch(() => ({}))));
      tables[code] = Object.assign({}, ...parts);
    }),
  );
  return tables;
}

/**
 * The language to start with: `?lang=` in the address, then the remembered choice,
 * then the browser's languages, then English.
 */
export function initialLanguage({
  search = globalThis.location?.search ?? "",
  remembered = storedLanguage(),
  preferred = browserLanguages(),
} = {}) {
  const asked = new URLSearchParams(search).get("lang");
  if (asked && asked in LANGUAGE_NAMES) return asked;
  if (remembered && remembered in LANGUAGE_NAMES) return remembered;
  for (const tag of preferred) {
    const base = String(tag).toLowerCase().split("-")[0];
    if (base in LANGUAGE_NAMES) return base;
    if (base in CLOSE_TO) return CLOSE_TO[base];
  }
  return FALLBACK;
}

function storedLanguage() {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) ?? null;
  } catch {
    return null; // Storage can be blocked (private mode, policies).
  }
}

function browserLanguages() {
  const nav = globalThis.navigator;
  return nav ? nav.languages || [nav.language || FALLBACK] : [];
}

/**
 * One refused field's problem in `lookup`'s language: by its stable `code` (with the
 * `limit` it names, docs/errors.md) where the texts know it, else the API's English.
 */
export function problemText(lookup, { problem, code, limit }) {
  return code && lookup.has(`problem.${code}`) ? lookup.t(`problem.${code}`, { limit }) : problem;
}

/** A failed API call in words: each refused field with its translated problem, else the message. */
export function failureText(lookup, error) {
  const fields = Array.isArray(error?.body?.errors) ? error.body.errors : [];
  if (fields.length) return fields.map((entry) => `${entry.field}: ${problemText(lookup, entry)}`).join("; ");
  return error?.message ?? String(error);
}

/** Remember the reader's explicit choice (for every page of the site). */
export function rememberLanguage(lang) {
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, lang);
  } catch {
    // Not remembered: the choice still holds for this page view.
  }
}

const WORDS = { k: "kind", c: "category", g: "gender", a: "age", i: "indicator" };

/** A translator and formatters for `lang` over `bundles` (e.g. ["common", "stats"]), once loaded. */
export async function loadTranslator(lang, bundles) {
  return translator(lang, await loadTables(bundles, lang));
}

/**
 * A translator and Intl formatters for `lang` over loaded `tables`. The statistics
 * pages' short key prefixes (k. c. g. a. i.) name the shared words (kind. category.
 * gender. age. indicator.), so each word has one label on every page.
 */
export function translator(lang, tables) {
  const lookup = createLookup(lang, tables);
  const shared = (key) => {
    const dot = key.indexOf(".");
    const word = WORDS[key.slice(0, dot)];
    return word ? `${word}${key.slice(dot)}` : key;
  };
  const t = (key, vars = {}) => lookup.t(shared(key), vars);
  const has = (key) => lookup.has(shared(key));
  const integer = new Intl.NumberFormat(lang, { maximumFractionDigits: 0 });
  const oneDecimal = new Intl.NumberFormat(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const twoDecimals = new Intl.NumberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const percent = new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: 0 });
  const monthYear = new Intl.DateTimeFormat(lang, { month: "long", year: "numeric", timeZone: "UTC" });
  const monthShort = new Intl.DateTimeFormat(lang, { month: "short", timeZone: "UTC" });
  const dateTime = new Intl.DateTimeFormat(lang, { dateStyle: "long", timeStyle: "short" });
  const date = new Intl.DateTimeFormat(lang, { dateStyle: "long" });
  const collator = new Intl.Collator(lang);

  /** A period key (YYYY, YYYY-Qn, YYYY-MM) in words; ``short`` for chart ticks. */
  const period = (key, short = false) => {
    let match = /^(\d{4})-Q([1-4])$/.exec(key);
    if (match) return t(short ? "quarter.short" : "quarter.label", { q: match[2], y: match[1] });
    match = /^(\d{4})-(\d{2})$/.exec(key);
    if (match) {
      const day = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1));
      return (short ? monthShort : monthYear).format(day);
    }
    return key;
  };

  return {
    lang,
    t,
    has,
    period,
    compare: (a, b) => collator.compare(a, b),
    int: (value) => integer.format(value),
    dec1: (value) => oneDecimal.format(value),
    dec2: (value) => twoDecimals.format(value),
    pct: (value) => percent.format(value),
    dateTime: (value) => dateTime.format(value),
    date: (value) => date.format(value),
  };
}
