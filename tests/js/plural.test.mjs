// Plural forms of the app's messages (static_site/app/js/plural.js, messages.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { MESSAGES } from "../../static_site/app/js/messages.js";
import { pluralForm } from "../../static_site/app/js/plural.js";

const fill = (text, n) => text.replace("{n}", String(n)).replace("{id}", "x");

test("a count takes its language's form: one and other in English", () => {
  const entry = MESSAGES.en["list.participants"];
  assert.equal(fill(pluralForm(entry, 1, "en"), 1), "1 participant");
  assert.equal(fill(pluralForm(entry, 0, "en"), 0), "0 participants");
  assert.equal(fill(pluralForm(entry, 2, "en"), 2), "2 participants");
  assert.equal(fill(pluralForm(MESSAGES.en["vocab.usedBy"], 1, "en"), 1), "x: 1 activity");
  assert.equal(fill(pluralForm(MESSAGES.en["form.problems"], 3, "en"), 3), "Please check 3 things:");
});

test("Slovenian has four forms: 1, 2, 3–4 and the rest (also 101, 102, 103)", () => {
  const entry = MESSAGES.sl["list.participants"];
  const shown = [1, 2, 3, 4, 5, 11, 101, 102, 103, 105].map((n) => fill(pluralForm(entry, n, "sl"), n));
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
