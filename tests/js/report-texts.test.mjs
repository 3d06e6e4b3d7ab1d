// The report's and the averages' texts (static_site/stats/report-texts.js): the same
// keys in every language, and every key the pages ask for exists.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { test } from "node:test";

import { TEXTS } from "../../static_site/stats/i18n.js";
import { REPORT_TEXTS } from "../../static_site/stats/report-texts.js";

test("every language has every text", () => {
  const english = Object.keys(REPORT_TEXTS.en).sort();
  for (const lang of ["sl", "fi", "sv"]) assert.deepEqual(Object.keys(REPORT_TEXTS[lang]).sort(), english, lang);
});

test("the texts join i18n.js's, so one translator serves both pages", () => {
  for (const lang of Object.keys(REPORT_TEXTS)) assert.equal(TEXTS[lang]["r.title"], REPORT_TEXTS[lang]["r.title"]);
});

test("every key the statistics pages' modules ask for is there", () => {
  const used = new Set();
  const folder = new URL("../../static_site/stats/", import.meta.url);
  for (const file of readdirSync(folder).filter((name) => name.endsWith(".js"))) {
    const source = readFileSync(new URL(file, folder), "utf8");
    for (const match of source.matchAll(/tr\.t\("((?:r|avg|report)\.[\w.]+)"/g)) used.add(match[1]);
  }
  for (const key of ["r.met", "r.missed", "r.unknown", "avg.above", "avg.below", "avg.same", "avg.level"])
    used.add(key);
  const missing = [...used].filter((key) => !(key in TEXTS.en));
  assert.deepEqual(missing, []);
  assert.ok(used.size > 20);
});
