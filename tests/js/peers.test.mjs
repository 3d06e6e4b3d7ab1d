// Unit tests of static_site/stats/peers.js: whom a scope is compared with, and how a
// figure stands against its peers' average.
import assert from "node:assert/strict";
import { test } from "node:test";

import { averageOf, averagesPath, peerGroup, versus, versusText } from "../../static_site/stats/peers.js";

test("an organisation's peers are its country's organisations, a unit's its organisation's units", () => {
  const org = { id: "o1", units: [] };
  assert.deepEqual(peerGroup({ kind: "org", country: "SI", org }), { group: "country:SI", level: "org" });
  assert.deepEqual(peerGroup({ kind: "unit", org }), { group: "org:o1", level: "unit" });
  assert.equal(peerGroup({ kind: "all" }), null);
  assert.equal(peerGroup(undefined), null);
});

test("the averages' address", () => {
  assert.equal(averagesPath("country:SI", "org", "2026"), "/public/averages?group=country%3ASI&level=org&period=2026");
});

test("a measure's average, or null when no member reports it", () => {
  const answer = { measures: { visits: { mean: 12.5, members: 3 } } };
  assert.deepEqual(averageOf(answer, "visits"), { mean: 12.5, members: 3 });
  assert.equal(averageOf(answer, "hours"), null);
  assert.equal(averageOf(null, "visits"), null);
});

test("relative for counts, points on the 1–5 scale for indicators", () => {
  assert.deepEqual(versus("visits", 120, 100), { direction: "above", ratio: 0.2 });
  assert.deepEqual(versus("visits", 80, 100), { direction: "below", ratio: 0.2 });
  assert.deepEqual(versus("visits", 100.2, 100), { direction: "same", ratio: 0 });
  const indicator = versus("indicator:safety", 4.25, 4);
  assert.equal(indicator.direction, "above");
  assert.ok(Math.abs(indicator.points - 0.25) < 1e-9);
  assert.equal(versus("visits", null, 100), null);
  assert.deepEqual(versus("visits", 5, 0), { direction: "above", ratio: null });
});

test("the sentence in the reader's language", () => {
  const texts = { "avg.vs": "{diff} the average ({average})", "avg.above": "{pct} above", "avg.same": "at" };
  const tr = {
    t: (key, vars = {}) => texts[key].replace(/\{(\w+)\}/g, (_, name) => vars[name]),
    pct: (value) => `${Math.round(value * 100)} %`,
    dec2: (value) => value.toFixed(2),
  };
  assert.equal(versusText(tr, versus("visits", 120, 100), "100"), "20 % above the average (100)");
  assert.equal(versusText(tr, versus("visits", 100, 100), "100"), "at the average (100)");
  assert.equal(versusText(tr, null, "100"), "");
});

test("above is better except where lower is better", async () => {
  const { tone } = await import("../../static_site/stats/peers.js");
  assert.equal(tone("visits", versus("visits", 120, 100)), "better");
  assert.equal(tone("cost_per_visit", versus("cost_per_visit", 120, 100)), "worse");
  assert.equal(tone("cost_per_visit", versus("cost_per_visit", 80, 100)), "better");
  assert.equal(tone("visits", versus("visits", 100, 100)), "same");
  assert.equal(tone("visits", null), "same");
});

test("a scope is compared only on what it reports", async () => {
  const { reports } = await import("../../static_site/stats/peers.js");
  const active = { activities: { count: 3 } };
  const idle = { activities: { count: 0 } };
  assert.equal(reports(active, "visits", 40), true);
  assert.equal(reports(idle, "visits", 0), false);
  assert.equal(reports(active, "checkins", 0), false);
  assert.equal(reports(idle, "responses", 30), true);
  assert.equal(reports(idle, "indicator:safety", 4.1), true);
  assert.equal(reports(active, "visits", null), false);
});
