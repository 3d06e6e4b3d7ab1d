// Targets as typed and as stored (static_site/app/js/targets-values.js), and the forms'
// date-time values (static_site/app/js/times.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { MEASURES, shownTarget, targetsToSave } from "../../static_site/app/js/targets-values.js";
import { instant, localInputValue, newKey } from "../../static_site/app/js/times.js";

const measure = (id) => MEASURES.find((m) => m.id === id);

test("every indicator and the activity measures can have a target", () => {
  const ids = MEASURES.map((m) => m.id);
  assert.ok(ids.includes("indicator:safety") && ids.includes("indicator:fairness"));
  assert.equal(measure("youth_led_share").kind, "percent");
  assert.equal(measure("indicator:belonging").kind, "score");
  assert.equal(new Set(ids).size, ids.length);
});

test("a stored share is shown as a percentage with one decimal, nothing as empty", () => {
  assert.equal(shownTarget(measure("youth_led_share"), 0.355), "35.5");
  assert.equal(shownTarget(measure("youth_led_share"), 0.1234), "12.3");
  assert.equal(shownTarget(measure("indicator:safety"), 4.2), "4.2");
  assert.equal(shownTarget(measure("visits"), 0), "0");
  assert.equal(shownTarget(measure("visits"), undefined), "");
});

test("typed percentages are saved as fractions, empty inputs are no target", () => {
  const raw = { youth_led_share: " 35.5 ", "indicator:safety": "4.25", visits: "", new: "0" };
  assert.deepEqual(targetsToSave(raw, {}), { youth_led_share: 0.355, "indicator:safety": 4.25, new: 0 });
});

test("a share survives being shown and saved again unchanged", () => {
  for (const stored of [0, 0.001, 0.355, 0.5, 1]) {
    const shown = shownTarget(measure("youth_led_share"), stored);
    assert.equal(targetsToSave({ youth_led_share: shown }, {}).youth_led_share, stored);
  }
});

test("targets set over the API for measures the form does not list are kept", () => {
  const stored = { "indicator:own_words": 3.5, visits: 100 };
  assert.deepEqual(targetsToSave({ visits: "" }, stored), { "indicator:own_words": 3.5 });
});

test("a datetime-local value becomes UTC without milliseconds; empty stays empty", () => {
  const date = new Date(2026, 9, 5, 7, 3); // the device's time zone
  assert.equal(localInputValue(date), "2026-10-05T07:03");
  assert.equal(instant(localInputValue(date)), date.toISOString().replace(".000Z", "Z"));
  assert.equal(instant(""), "");
});

test("every filled-in form gets a new idempotency key", () => {
  const keys = new Set(Array.from({ length: 20 }, newKey));
  assert.equal(keys.size, 20);
});
