// The /stats/ page's pure parts: its address (static_site/stats/view.js), what a view
// compares (compare.js) and the section builders (sections.js, compare.js), which
// return their DOM and the tidy rows of the downloads together.
import assert from "node:assert/strict";
import { test } from "node:test";

import { installFakeDocument } from "./fake-dom.mjs";

installFakeDocument();
const { comparisonPlan, comparisonSection } = await import("../../static_site/stats/compare.js");
const { directory } = await import("../../static_site/stats/figures.js");
const { loadTables, translator } = await import("../../static_site/shared/i18n.js");
const { readFile } = await import("node:fs/promises");
const { names } = await import("../../static_site/stats/names.js");
const { indicatorsSection, participationSection, summarySection } = await import("../../static_site/stats/sections.js");
const { fileBase, readView, viewSearch } = await import("../../static_site/stats/view.js");
const { readReportView } = await import("../../static_site/stats/report-sections.js");

const orgs = [
  {
    id: "o1",
    name: "Ljubljana",
    country: "SI",
    youth_population: 1000,
    units: [
      { id: "u1", name: "Kotel" },
      { id: "u2", name: "Šiška" },
    ],
  },
];
const scopes = directory(orgs);
// The statistics pages' English texts, read as the page reads them (shared/i18n/).
const readBundle = async (file) =>
  JSON.parse(await readFile(new URL(`../../static_site/shared/i18n/${file}`, import.meta.url), "utf8"));
const pageNames = names(translator("en", await loadTables(["common", "stats"], "en", readBundle)), scopes);

function statistics(overrides = {}) {
  return {
    scope: "org:o1",
    period: "2025",
    activities: { count: 4, hours: 6, youth_led: 1, youth_led_share: 0.25, by_kind: { open: 4 }, by_category: {} },
    participation: {
      visits: 40,
      girls: 20,
      boys: null,
      nonbinary: null,
      undisclosed: 0,
      age_bands: { "13_15": 40 },
      new: 3,
      volunteers: 1,
      youth_leaders: 1,
      checkins: 0,
      unique_visitors: null,
      suppressed: ["boys", "nonbinary"],
    },
    responses: 30,
    indicators: {
      safety: { n: 30, mean: 4.2, ci95: [4.0, 4.4], agree_share: 0.8 },
      fairness: { suppressed: true, reason: "too_few_respondents" },
      future: { suppressed: true, reason: "no_respondents" },
    },
    ...overrides,
  };
}

const view = { scope: "org:o1", period: "2025", compare: "none", metric: "visits", by: "none", notices: [] };
const context = (extra = {}) => ({
  names: pageNames,
  view,
  name: "Ljubljana",
  peers: null,
  groups: null,
  widths: { wide: 640, pair: 320 },
  ...extra,
});

test("the address names the view; what cannot be read is corrected and said", () => {
  const read = readView("?scope=org:o1&period=2025-Q2&compare=units&metric=indicator:safety&by=gender", scopes);
  assert.deepEqual(read, {
    scope: "org:o1",
    period: "2025-Q2",
    compare: "units",
    metric: "indicator:safety",
    by: "gender",
    notices: [],
  });
  assert.equal(readView(viewSearch(read), scopes).metric, "indicator:safety");
  const wrong = readView("?scope=org:nobody&period=2025-13&compare=sideways", scopes, new Date(2026, 4, 1));
  assert.equal(wrong.scope, "all");
  assert.equal(wrong.period, "2026");
  assert.equal(wrong.compare, "none");
  assert.deepEqual(wrong.notices, [{ key: "unknownScope" }, { key: "badPeriod", values: { period: "2026" } }]);
  assert.equal(viewSearch(view), "?scope=org%3Ao1&period=2025");
  assert.equal(fileBase({ ...read }), "logbook-stats_org-o1_2025-Q2_units_indicator-safety_by-gender");
});

test("the report's address falls back to this year for a year out of range", () => {
  const now = new Date(2026, 4, 1);
  assert.deepEqual(readReportView("?scope=unit:u1&year=2024", now), { scope: "unit:u1", year: "2024" });
  assert.equal(readReportView("?year=2999", now).year, "2026");
  assert.equal(readReportView("?year=abc", now).year, "2026");
  assert.equal(readReportView("", now).scope, "all");
});

test("the summary's rows are its cards, a suppressed count a row saying so", () => {
  const { node, rows } = summarySection(
    statistics({ participation: { ...statistics().participation, visits: null, suppressed: ["visits"] } }),
    context(),
  );
  const visits = rows.find((row) => row.measure === "visits");
  assert.equal(visits.value, null);
  assert.equal(visits.suppressed, true);
  assert.equal(visits.reason, "small_count");
  assert.equal(rows.find((row) => row.measure === "activities").value, 4);
  // Only what is shown: no population-less per-capita figure, no unknown key figures.
  assert.equal(rows.filter((row) => row.measure === "cost_per_visit").length, 0);
  const cards = node.findAll((el) => el.tagName === "dd" && el.dataset.measure);
  assert.deepEqual(
    cards.map((card) => card.dataset.measure),
    rows.map((row) => row.measure),
  );
  assert.ok(rows.every((row) => row.scope === "org:o1" && row.period === "2025" && row.section === "summary"));
});

test("participation rows say which counts were suppressed, never 0", () => {
  const { rows } = participationSection(statistics(), context());
  const byMeasure = Object.fromEntries(rows.map((row) => [row.measure, row]));
  assert.equal(byMeasure["gender:girls"].value, 20);
  assert.equal(byMeasure["gender:boys"].value, null);
  assert.equal(byMeasure["gender:boys"].suppressed, true);
  assert.equal(byMeasure["gender:undisclosed"].value, 0);
  assert.equal(byMeasure["age_band:13_15"].value, 40);
  assert.ok(rows.every((row) => row.section === "participation"));
});

test("indicator rows carry n and the interval, or the suppression's reason; unanswered ones are left out", () => {
  const { node, rows } = indicatorsSection(statistics(), context());
  assert.deepEqual(
    rows.map((row) => [row.measure, row.value, row.n, row.ci95_low, row.ci95_high, row.suppressed, row.reason]),
    [
      ["indicator:safety", 4.2, 30, 4.0, 4.4, false, null],
      ["indicator:fairness", null, null, null, null, true, "too_few_respondents"],
    ],
  );
  const suppressed = node.findAll((el) => el.dataset.measure === "indicator:fairness")[0];
  assert.match(suppressed.textContent, /^Fair treatmentSuppressed: too few respondents/);
});

test("a comparison ranks its cells and returns the rows and sources of what it shows", () => {
  const compareView = { ...view, scope: "unit:u1", compare: "units", metric: "visits" };
  const plan = comparisonPlan(compareView, scopes);
  assert.deepEqual(
    plan.rows.map((row) => [row.scope, row.current]),
    [
      ["unit:u1", true],
      ["unit:u2", false],
    ],
  );
  assert.deepEqual(plan.reference, { scope: "org:o1", period: "2025" });
  plan.rows[0].stats = statistics({ scope: "unit:u1", participation: { ...statistics().participation, visits: 10 } });
  plan.rows[1].stats = statistics({ scope: "unit:u2", participation: { ...statistics().participation, visits: 30 } });
  plan.reference.stats = statistics();
  const { rows, sources } = comparisonSection(plan, context({ view: compareView }));
  const visits = rows.filter((row) => row.measure === "visits");
  // Ranked: the unit with more visits first; the reference (the organisation) last.
  assert.deepEqual(
    visits.map((row) => [row.section, row.scope, row.value]),
    [
      ["compare", "unit:u2", 30],
      ["compare", "unit:u1", 10],
      ["compare_reference", "org:o1", 40],
    ],
  );
  assert.deepEqual(
    sources.map((source) => source.scope),
    ["unit:u2", "unit:u1", "org:o1"],
  );
  assert.deepEqual(comparisonPlan({ ...view, scope: "all", compare: "units" }, scopes).needOrg, true);
  assert.equal(comparisonPlan(view, scopes), null);
});
