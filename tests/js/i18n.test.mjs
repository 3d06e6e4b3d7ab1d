// The shared message layer (static_site/shared/i18n.js) and its data
// (static_site/shared/i18n/{bundle}.{lang}.json): look-up with English as fallback,
// {name} interpolation, plural forms, and every language file complete.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { test } from "node:test";

import {
  createLookup,
  failureText,
  fill,
  initialLanguage,
  LANGUAGE_NAMES,
  loadTables,
  pluralForm,
  problemText,
  translator,
} from "../../static_site/shared/i18n.js";
import {
  AGE_BANDS,
  CATEGORIES,
  GENDERS,
  INDICATORS,
  KINDS,
  LANGUAGES,
  SUPPRESSION_REASONS,
} from "../../static_site/shared/vocabulary.js";

const DIR = new URL("../../static_site/shared/i18n/", import.meta.url);
const LANGS = ["en", "sl", "fi", "sv"];
const BUNDLES = ["common", "app", "stats"];
const read = async (name) => JSON.parse(readFileSync(new URL(name, DIR), "utf8"));
const bundle = (name, lang) => JSON.parse(readFileSync(new URL(`${name}.${lang}.json`, DIR), "utf8"));
const MESSAGES = Object.fromEntries(LANGS.map((lang) => [lang, { ...bundle("common", lang), ...bundle("app", lang) }]));

const fillN = (text, n) => text.replace("{n}", String(n)).replace("{id}", "x");

test("a count takes its language's form: one and other in English", () => {
  const entry = MESSAGES.en["list.participants"];
  assert.equal(fillN(pluralForm(entry, 1, "en"), 1), "1 participant");
  assert.equal(fillN(pluralForm(entry, 0, "en"), 0), "0 participants");
  assert.equal(fillN(pluralForm(entry, 2, "en"), 2), "2 participants");
  assert.equal(fillN(pluralForm(MESSAGES.en["vocab.usedBy"], 1, "en"), 1), "x: 1 activity");
  assert.equal(fillN(pluralForm(MESSAGES.en["form.problems"], 3, "en"), 3), "Please check 3 things:");
});

test("Slovenian has four forms: 1, 2, 3–4 and the rest (also 101, 102, 103)", () => {
  const entry = MESSAGES.sl["list.participants"];
  const shown = [1, 2, 3, 4, 5, 11, 101, 102, 103, 105].map((n) => fillN(pluralForm(entry, n, "sl"), n));
  assert.deepEqual(shown, [
    "1 udeleženec",
    "2 udeleženca",
    "3 udeleženci",
    "4 udeleženci",
    "5 udeležencev",
    "11 udeležencev",
    "101 udeleženec",
    "102 udeleženca",
    "103 udeleženci",
    "105 udeležencev",
  ]);
});

test("a formatted count still picks its form; a count that is no number takes other", () => {
  const entry = MESSAGES.fi["list.participants"];
  assert.equal(pluralForm(entry, "1", "fi"), "{n} osallistuja");
  assert.equal(pluralForm(entry, "1 234", "fi"), "{n} osallistujaa");
  assert.equal(pluralForm("plain {n}", 1, "fi"), "plain {n}");
});

test("every message with forms has each form its language needs", () => {
  for (const [lang, messages] of Object.entries(MESSAGES)) {
    const needed = new Intl.PluralRules(lang).resolvedOptions().pluralCategories;
    for (const [key, entry] of Object.entries(messages)) {
      if (typeof entry === "string") continue;
      assert.ok(typeof entry.other === "string", `${lang} ${key}: other`);
      for (const category of needed) assert.ok(category in entry, `${lang} ${key}: no ${category} form`);
      for (const category of Object.keys(entry)) {
        assert.ok(needed.includes(category), `${lang} ${key}: ${category} is no ${lang} category`);
      }
    }
  }
});

test("a missing key falls back to English, then to the key itself", () => {
  const { t, has } = createLookup("sv", { sv: { hello: "Hej {name}" }, en: { hello: "Hi {name}", bye: "Bye" } });
  assert.equal(t("hello", { name: "Ada" }), "Hej Ada");
  assert.equal(t("bye"), "Bye");
  assert.equal(t("nowhere"), "nowhere");
  assert.ok(has("bye") && !has("nowhere"));
});

test("interpolation fills every {name} given and leaves the others visible", () => {
  assert.equal(fill("{n} of {min} from {who}", { n: 3, min: 15 }), "3 of 15 from {who}");
  assert.equal(fill("{n}{n}", { n: 0 }), "00");
});

test("an English fallback takes English plural forms, not the page's", () => {
  const tables = { sl: {}, en: { items: { one: "{n} item", other: "{n} items" } } };
  const { t } = createLookup("sl", tables);
  assert.equal(t("items", { n: 2 }), "2 items");
  assert.equal(t("items", { n: 1 }), "1 item");
});

test("Slovenian plural forms one, two, few and other through the look-up", () => {
  const { t } = createLookup("sl", { sl: MESSAGES.sl, en: MESSAGES.en });
  assert.deepEqual(
    [1, 2, 3, 5].map((n) => t("list.participants", { n })),
    ["1 udeleženec", "2 udeleženca", "3 udeleženci", "5 udeležencev"],
  );
});

test("loading reads only the chosen language and English, and survives a missing file", async () => {
  const asked = [];
  const tables = await loadTables(["common", "stats"], "fi", async (name) => {
    asked.push(name);
    if (name === "stats.fi.json") throw new Error("offline");
    return read(name);
  });
  assert.deepEqual(asked.sort(), ["common.en.json", "common.fi.json", "stats.en.json", "stats.fi.json"]);
  assert.deepEqual(Object.keys(tables).sort(), ["en", "fi"]);
  assert.equal(createLookup("fi", tables).t("indicator.fairness"), "Yhdenvertaisuus");
  assert.equal(createLookup("fi", tables).t("title"), bundle("stats", "en").title);
});

test("the starting language: the address, then the remembered one, then the browser's", () => {
  assert.equal(initialLanguage({ search: "?lang=sl", remembered: "fi", preferred: ["sv"] }), "sl");
  assert.equal(initialLanguage({ search: "?lang=xx", remembered: "fi", preferred: ["sv"] }), "fi");
  assert.equal(initialLanguage({ remembered: null, preferred: ["de-DE", "sv-FI"] }), "sv");
  assert.equal(initialLanguage({ remembered: null, preferred: ["nb-NO"] }), "sv");
  assert.equal(initialLanguage({ remembered: null, preferred: ["de"] }), "en");
});

test("every language file has the same keys as its English one", () => {
  const files = readdirSync(DIR).filter((name) => name.endsWith(".json"));
  assert.equal(files.length, BUNDLES.length * LANGS.length, files.join(" "));
  for (const name of BUNDLES) {
    const english = Object.keys(bundle(name, "en"));
    for (const lang of LANGS.slice(1)) {
      const own = Object.keys(bundle(name, lang));
      const extra = own.filter((key) => !english.includes(key));
      assert.deepEqual(extra, [], `${name}.${lang}.json has keys English lacks`);
      assert.deepEqual(
        english.filter((key) => !own.includes(key)),
        [],
        `${name}.${lang}.json misses keys English has`,
      );
    }
  }
});

test("every word of the vocabulary has one label, in the common bundle, for the app and the statistics", () => {
  const common = bundle("common", "en");
  const words = [
    ...KINDS.map((w) => `kind.${w}`),
    ...CATEGORIES.map((w) => `category.${w}`),
    ...GENDERS.map((w) => `gender.${w}`),
    ...AGE_BANDS.map((w) => `age.${w}`),
    ...INDICATORS.map((w) => `indicator.${w}`),
    ...SUPPRESSION_REASONS.filter((r) => r !== "period_not_ended").map((r) => `reason.${r}`),
  ];
  assert.deepEqual(
    words.filter((key) => !(key in common)),
    [],
  );
  for (const name of ["app", "stats"]) {
    for (const lang of LANGS) {
      const clash = words.filter((key) => key in bundle(name, lang));
      assert.deepEqual(clash, [], `${name}.${lang}.json repeats a word label`);
    }
  }
});

test("a text of the common bundle (words, measures, figure headings) is nowhere else", () => {
  const common = bundle("common", "en");
  for (const name of ["app", "stats"]) {
    for (const lang of LANGS) {
      const repeated = Object.keys(bundle(name, lang)).filter((key) => key in common);
      assert.deepEqual(repeated, [], `${name}.${lang}.json repeats a common key`);
    }
  }
  for (const key of ["m.visits", "m.youth_leaders", "h.gender", "col.indicator", "by.age_band"])
    assert.ok(key in common, key);
});

test("every key the statistics pages' modules ask for is there", () => {
  const texts = { ...bundle("common", "en"), ...bundle("stats", "en") };
  const used = new Set();
  const folder = new URL("../../static_site/stats/", import.meta.url);
  for (const file of readdirSync(folder).filter((name) => name.endsWith(".js"))) {
    const source = readFileSync(new URL(file, folder), "utf8");
    for (const match of source.matchAll(/tr\.t\("((?:r|avg|report)\.[\w.]+)"/g)) used.add(match[1]);
  }
  for (const key of ["r.met", "r.missed", "r.unknown", "avg.above", "avg.below", "avg.same", "avg.level"])
    used.add(key);
  assert.deepEqual(
    [...used].filter((key) => !(key in texts)),
    [],
  );
  assert.ok(used.size > 20);
});

test("the statistics pages' short prefixes read the shared words; periods and numbers in the language", () => {
  const tables = { sv: bundle("common", "sv"), en: bundle("common", "en") };
  const tr = translator("sv", tables);
  assert.equal(tr.t("i.fairness"), tr.t("indicator.fairness"));
  assert.equal(tr.t("g.girls"), "Tjejer");
  assert.ok(tr.has("k.open") && !tr.has("k.nothing"));
  assert.equal(tr.period("2025-03"), "mars 2025");
  assert.equal(tr.int(1234).replace(/\s/g, " "), "1 234");
});

test("every problem code the pages translate keeps its {limit} in every language", () => {
  const english = bundle("common", "en");
  for (const lang of LANGS) {
    const texts = bundle("common", lang);
    for (const [key, text] of Object.entries(english)) {
      if (!key.startsWith("problem.")) continue;
      assert.ok(key in texts, `${lang}: ${key}`);
      assert.equal(texts[key].includes("{limit}"), text.includes("{limit}"), `${lang}: ${key}`);
    }
  }
});

test("a label the app and the statistics both show reads the same in every language", () => {
  const app = Object.fromEntries(LANGS.map((lang) => [lang, bundle("app", lang)]));
  const stats = Object.fromEntries(LANGS.map((lang) => [lang, bundle("stats", lang)]));
  const differ = [];
  for (const [appKey, english] of Object.entries(app.en)) {
    if (typeof english !== "string") continue;
    for (const [statsKey, text] of Object.entries(stats.en)) {
      if (text !== english) continue;
      for (const lang of LANGS.slice(1)) {
        if (app[lang][appKey] !== stats[lang][statsKey]) differ.push(`${lang} ${appKey} / ${statsKey}`);
      }
    }
  }
  assert.deepEqual(differ, []);
});

test("the pages offer exactly the languages the API speaks", () => {
  assert.deepEqual(Object.keys(LANGUAGE_NAMES).sort(), [...LANGUAGES].sort());
});

test("a refused field reads in the page's language by its code; without a known code, as the API said", () => {
  const tables = { fi: bundle("common", "fi"), en: bundle("common", "en") };
  const lookup = createLookup("fi", tables);
  const coded = { field: "participants.girls", problem: "Input should be ...", code: "less_than_equal", limit: 10000 };
  assert.equal(problemText(lookup, coded), "saa olla enintään 10000");
  assert.equal(problemText(lookup, { field: "x", problem: "odd", code: "no_such_code" }), "odd");
  assert.equal(problemText(lookup, { field: "x", problem: "odd" }), "odd");
  const error = { message: "period: bad", body: { errors: [{ field: "period", problem: "bad", code: "missing" }] } };
  assert.equal(failureText(lookup, error), "period: on pakollinen");
  assert.equal(failureText(lookup, { message: "HTTP 500", body: {} }), "HTTP 500");
});
