// The generated words and limits (static_site/shared/vocabulary.js, written by
// tools/gen_vocabulary.py; tests/unit/test_vocabulary_js.py checks it against the Python).
import assert from "node:assert/strict";
import { test } from "node:test";

import * as generated from "../../static_site/shared/vocabulary.js";

const vocabulary = { ...generated };

test("the period pattern takes a year, a quarter or a month, nothing else", () => {
  for (const good of ["2025", "2025-Q1", "2025-Q4", "2025-01", "2025-12"]) {
    assert.ok(vocabulary.PERIOD_PATTERN.test(good), good);
  }
  for (const bad of ["25", "2025-Q5", "2025-Q0", "2025-13", "2025-00", "2025-1", "2025-01-01", " 2025"]) {
    assert.ok(!vocabulary.PERIOD_PATTERN.test(bad), bad);
  }
});

test("the groups a survey figure is split by are the genders and the age bands", () => {
  assert.deepEqual(vocabulary.GROUPINGS.gender, vocabulary.GENDERS);
  assert.deepEqual(vocabulary.GROUPINGS.age_band, vocabulary.AGE_BANDS);
});

test("every word is a lower-case code, each once", () => {
  for (const name of ["KINDS", "CATEGORIES", "GENDERS", "AGE_BANDS", "INDICATORS", "SUPPRESSION_REASONS"]) {
    const words = vocabulary[name];
    assert.ok(words.length > 0, name);
    assert.equal(new Set(words).size, words.length, name);
    for (const word of words) assert.match(word, /^[a-z0-9_]+$/, `${name}: ${word}`);
  }
});

test("the limits are whole numbers the forms can use", () => {
  for (const name of ["MAX_COUNT", "MAX_TITLE", "MAX_COMPARE_CELLS", "CAMPAIGN_MINIMUM", "MAX_UPLOAD_BYTES"]) {
    assert.ok(Number.isInteger(vocabulary[name]) && vocabulary[name] > 0, name);
  }
  assert.ok(vocabulary.THRESHOLDS.respondents > vocabulary.THRESHOLDS.participation);
});
