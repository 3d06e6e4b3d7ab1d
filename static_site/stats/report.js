// The annual report (/stats/report.html?scope=&year=): one GET /public/report, drawn
// as a printable document — the year against last year, against the peers' average
// and against the targets, young people's assessments with their intervals, who took
// part, and the team's published analysis. Every chart has a table with the same
// numbers beside it. Print (or Save as PDF) gives the A4 document (report.css).

import { initialLanguage, LANGUAGE_NAMES as LANGUAGES, loadTranslator, rememberLanguage } from "../shared/i18n.js";
import { barChart, intervalChart, setChartWidth } from "./charts.js";
import { $, h } from "./dom.js";
import {
  AGE_BANDS,
  countOf,
  directory,
  GENDERS,
  INDICATORS,
  KINDS,
  MEASURES,
  orderedKeys,
  readMeasure,
} from "./figures.js";
import { averageOf, differenceText, reports, tone, versus } from "./peers.js";

const config = window.LOGBOOK_CONFIG || {};
const apiBase = (config.publicApiUrl || config.apiUrl || "").replace(/\/$/, "");
const YEARS_BACK = 9;
// The year at a glance: what the report says first.
const GLANCE = [
  "activities",
  "hours",
  "youth_led_share",
  "visits",
  "new",
  "volunteers",
  "youth_leaders",
  "responses",
  "checkins",
  "visits_per_1000",
  "cost_per_visit",
  "visits_per_open_week",
];

// The page's texts: the shared words and the statistics pages' own (shared/i18n/).
const TEXTS = ["common", "stats"];
let tr = await loadTranslator(initialLanguage(), TEXTS);
let scopes = new Map([["all", { key: "all", kind: "all", population: null }]]);
let report = null;
let failure = null;

// ------------------------------------------------------------------ the view
function readView() {
  const params = new URLSearchParams(location.search);
  const thisYear = new Date().getFullYear();
  const asked = Number(params.get("year"));
  const year = Number.isInteger(asked) && asked >= 2000 && asked <= thisYear ? asked : thisYear;
  return { scope: params.get("scope") || "all", year: String(year) };
}

function countryName(code) {
  try {
    return new Intl.DisplayNames([tr.lang], { type: "region" }).of(code) || code;
  } catch {
    return code;
  }
}

function scopeName(key) {
  const scope = scopes.get(key);
  if (!scope || scope.kind === "all") return tr.t("scope.all");
  if (scope.kind === "unit") return tr.t("scope.unitOf", { unit: scope.name, org: scope.org.name });
  return scope.name;
}

function indicatorName(name) {
  return tr.has(`i.${name}`) ? tr.t(`i.${name}`) : name.replace(/_/g, " ");
}

function measureName(measure) {
  if (measure.startsWith("indicator:")) return indicatorName(measure.slice(10));
  return tr.has(`m.${measure}`) ? tr.t(`m.${measure}`) : measure.replace(/_/g, " ");
}

function labelFor(prefix, key) {
  if (prefix === "a") {
    if (key === "under_13" || key === "over_29") return tr.t(`a.${key}`);
    const [from, to] = key.split("_");
    return to ? tr.t("a.range", { from, to }) : key;
  }
  return tr.has(`${prefix}.${key}`) ? tr.t(`${prefix}.${key}`) : key.replace(/_/g, " ");
}

function format(measure, value) {
  if (value === null || value === undefined) return "–";
  if (measure.startsWith("indicator:")) return tr.dec2(value);
  if (measure.endsWith("_share") || measure.startsWith("age_share:")) return tr.pct(value);
  return tr[(MEASURES[measure] || { format: "dec2" }).format](value);
}

/** An average of counts has decimals worth showing (1.5 activities per centre). */
function formatAverage(measure, value) {
  if (MEASURES[measure]?.format === "int") return tr.dec1(value);
  return format(measure, value);
}

function signedPercent(value) {
  return new Intl.NumberFormat(tr.lang, {
    style: "percent",
    maximumFractionDigits: 0,
    signDisplay: "exceptZero",
  }).format(value);
}

function value(stats, measure) {
  return readMeasure(stats, measure, null);
}

// ------------------------------------------------------------------ loading
async function load() {
  const view = readView();
  report = null;
  failure = null;
  $("#status").textContent = tr.t("r.loading");
  const query = new URLSearchParams({ scope: view.scope, year: view.year });
  try {
    const answer = await fetch(`${apiBase}/public/report?${query}`, { headers: { Accept: "application/json" } });
    const body = await answer.json().catch(() => null);
    if (answer.status === 404) failure = tr.t("r.unknownScope");
    else if (!answer.ok) failure = tr.t("r.error", { message: body?.message || `HTTP ${answer.status}` });
    else report = body;
  } catch (error) {
    failure = tr.t("r.error", { message: error.message });
  }
  $("#status").textContent = "";
  render();
}

// ------------------------------------------------------------------ rendering
function applyStaticTexts() {
  document.documentElement.lang = tr.lang;
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = tr.t(node.dataset.i18n);
  const select = $("#lang");
  select.replaceChildren(
    ...Object.entries(LANGUAGES).map(([code, name]) =>
      h("option", { value: code, lang: code, text: name, selected: code === tr.lang }),
    ),
  );
}

function syncForm() {
  const view = readView();
  const options = [h("option", { value: "all", text: tr.t("scope.all"), selected: view.scope === "all" })];
  for (const org of [...scopes.values()].filter((scope) => scope.kind === "org")) {
    const group = h("optgroup", { label: org.name });
    group.append(h("option", { value: org.key, text: org.name, selected: org.key === view.scope }));
    for (const unit of org.org.units) {
      const key = `unit:${unit.id}`;
      group.append(h("option", { value: key, text: `${org.name} › ${unit.name}`, selected: key === view.scope }));
    }
    options.push(group);
  }
  $("#scope").replaceChildren(...options);
  const thisYear = new Date().getFullYear();
  $("#year").replaceChildren(
    ...Array.from({ length: YEARS_BACK + 1 }, (_, i) => String(thisYear - i)).map((year) =>
      h("option", { value: year, text: year, selected: year === view.year }),
    ),
  );
}

function section(id, title, ...children) {
  return h(
    "section",
    { id, class: "report-section", "aria-labelledby": `${id}-title` },
    h("h2", { id: `${id}-title`, text: title }),
    ...children,
  );
}

function table(caption, headers, rows, attrs = {}) {
  return h(
    "div",
    { class: "scroll", tabindex: "0", role: "region", "aria-label": caption },
    h(
      "table",
      { class: "figures", ...attrs },
      h("caption", { text: caption }),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          headers.map((text) => h("th", { scope: "col", text })),
        ),
      ),
      h("tbody", {}, rows),
    ),
  );
}

function render() {
  const view = readView();
  const target = $("#report");
  $("#alert").textContent = failure || "";
  const name = scopeName(view.scope);
  document.title = tr.t("r.page.title", { year: view.year, scope: name });
  if (!report) {
    target.replaceChildren(h("h1", { id: "report-title", text: tr.t("r.title", { year: view.year }) }));
    return;
  }
  const width = Math.min(640, Math.max(320, $("#main").clientWidth - 32));
  setChartWidth(width);
  const parts = [
    h(
      "header",
      { class: "report-cover" },
      h("p", { class: "report-kicker", text: "Logbook" }),
      h("h1", { id: "report-title", text: tr.t("r.title", { year: report.year }) }),
      h("p", { class: "report-subtitle", text: tr.t("r.subtitle", { scope: name }) }),
      h("p", {
        class: "note",
        text: tr.t("r.generated", {
          date: tr.date(new Date()),
          url: new URL(`report.html?${new URLSearchParams({ scope: report.scope, year: report.year })}`, location.href)
            .href,
        }),
      }),
    ),
  ];
  if (!report.has_data)
    parts.push(h("p", { class: "notice", id: "no-data", text: tr.t("r.nodata", { scope: name, year: report.year }) }));
  parts.push(
    glanceSection(),
    targetsSection(),
    indicatorsSection(),
    participationSection(),
    activitiesSection(),
    analysisSection(),
    aboutSection(name),
  );
  target.replaceChildren(...parts.filter(Boolean));
}

function peersText() {
  const averages = report.averages;
  if (!averages) return tr.t("r.peers.none");
  if (averages.level === "unit") {
    const org = scopes.get(averages.group);
    return tr.t("r.peers.unit", { org: org ? org.name : averages.group.slice(4), members: tr.int(averages.members) });
  }
  return tr.t("r.peers.org", { country: countryName(averages.group.slice(8)), members: tr.int(averages.members) });
}

function glanceSection() {
  const year = report.year;
  const previousYear = String(Number(year) - 1);
  const items = [];
  const rows = [];
  for (const measure of GLANCE) {
    const current = value(report.figures, measure);
    const previous = value(report.previous, measure);
    const average = averageOf(report.averages, measure);
    if (current === null && previous === null && !average) continue;
    const change = current !== null && previous ? (current - previous) / Math.abs(previous) : null;
    const comparison =
      average && reports(report.figures, measure, current) ? versus(measure, current, average.mean) : null;
    const index = comparison && average.mean > 0 ? Math.round((current / average.mean) * 100) : null;
    if (index !== null) items.push({ label: measureName(measure), value: index, display: tr.int(index) });
    rows.push(
      h(
        "tr",
        { dataset: { measure } },
        h("th", { scope: "row", text: measureName(measure) }),
        h("td", { text: format(measure, current), dataset: { value: current ?? "" } }),
        h("td", { text: format(measure, previous) }),
        h("td", { text: change === null ? "–" : signedPercent(change) }),
        h("td", { text: average ? formatAverage(measure, average.mean) : "–" }),
        h("td", {
          class: comparison ? `vs ${tone(measure, comparison)}` : null,
          text: comparison ? differenceText(tr, comparison) : "–",
        }),
        h("td", { class: "index", text: index === null ? "–" : tr.int(index) }),
      ),
    );
  }
  const caption = tr.t("r.s.glance");
  const headers = [
    tr.t("r.col.measure"),
    year,
    previousYear,
    tr.t("r.col.change"),
    tr.t("r.col.average"),
    tr.t("r.col.vsAverage"),
    tr.t("r.col.index"),
  ];
  const chart = items.length
    ? h(
        "figure",
        { class: "figure", id: "glance-chart" },
        h("figcaption", { text: tr.t("r.indexCaption") }),
        barChart(items, { reference: { value: 100 } }),
      )
    : null;
  return section(
    "glance",
    caption,
    h("p", { class: "note", text: peersText() }),
    table(caption, headers, rows, { id: "glance-table" }),
    chart,
  );
}

function targetsSection() {
  const entries = Object.entries(report.targets || {});
  const title = tr.t("r.s.targets", { year: report.year });
  if (!entries.length) return section("targets", title, h("p", { text: tr.t("r.noTargets", { year: report.year }) }));
  const met = entries.filter(([, result]) => result.met === true).length;
  const rows = entries.map(([measure, result]) => {
    const outcome = result.met === null ? "unknown" : result.met ? "met" : "missed";
    return h(
      "tr",
      { class: `target ${outcome}`, dataset: { measure } },
      h("th", { scope: "row", text: measureName(measure) }),
      h("td", { text: format(measure, result.target) }),
      h("td", { text: format(measure, result.actual) }),
      h("td", {
        class: "result",
        text: `${outcome === "met" ? "✓ " : outcome === "missed" ? "✗ " : ""}${tr.t(`r.${outcome}`)}`,
      }),
    );
  });
  return section(
    "targets",
    title,
    h("p", {
      class: "targets-summary",
      text: tr.t("r.targetsSummary", { met: tr.int(met), count: tr.int(entries.length) }),
    }),
    table(title, [tr.t("r.col.measure"), tr.t("r.col.target"), tr.t("r.col.actual"), tr.t("r.col.result")], rows, {
      id: "targets-table",
    }),
  );
}

function indicatorsSection() {
  const indicators = report.figures.indicators || {};
  const previous = report.previous.indicators || {};
  const title = tr.t("r.s.indicators");
  const keys = orderedKeys(INDICATORS, indicators).filter(
    (key) => key in indicators && indicators[key].reason !== "no_respondents" && indicators[key].n !== 0,
  );
  if (!keys.length)
    return section("indicators", title, h("p", { text: tr.t("r.noIndicators", { year: report.year }) }));
  const items = [];
  const rows = keys.map((key) => {
    const cell = indicators[key];
    const measure = `indicator:${key}`;
    const label = indicatorName(key);
    const last = previous[key] && !previous[key].suppressed ? previous[key].mean : null;
    const average = averageOf(report.averages, measure);
    if (cell.suppressed) {
      items.push({ label, suppressed: true, display: tr.t("suppressed") });
      return h(
        "tr",
        { class: "suppressed", dataset: { measure } },
        h("th", { scope: "row", text: label }),
        h("td", {
          colspan: "4",
          text: tr.t("suppressed.reason", {
            reason: tr.has(`reason.${cell.reason}`) ? tr.t(`reason.${cell.reason}`) : cell.reason,
          }),
        }),
        h("td", { text: last === null ? "–" : tr.dec2(last) }),
        h("td", { text: average ? tr.dec2(average.mean) : "–" }),
        h("td", { text: "–" }),
      );
    }
    const [low, high] = cell.ci95 || [null, null];
    items.push({ label, mean: cell.mean, low, high, display: tr.dec2(cell.mean) });
    const comparison = average ? versus(measure, cell.mean, average.mean) : null;
    return h(
      "tr",
      { dataset: { measure } },
      h("th", { scope: "row", text: label }),
      h("td", { class: "mean", text: tr.dec2(cell.mean) }),
      h("td", { text: low == null ? "–" : `${tr.dec2(low)}–${tr.dec2(high)}` }),
      h("td", { text: tr.int(cell.n) }),
      h("td", { text: cell.agree_share == null ? "–" : tr.pct(cell.agree_share) }),
      h("td", { text: last === null ? "–" : tr.dec2(last) }),
      h("td", { text: average ? tr.dec2(average.mean) : "–" }),
      h("td", {
        class: comparison ? `vs ${tone(measure, comparison)}` : null,
        text: comparison ? differenceText(tr, comparison) : "–",
      }),
    );
  });
  const headers = [
    tr.t("col.indicator"),
    tr.t("col.mean"),
    tr.t("col.ci"),
    tr.t("col.n"),
    tr.t("col.agree"),
    String(Number(report.year) - 1),
    tr.t("r.col.average"),
    tr.t("r.col.vsAverage"),
  ];
  return section(
    "indicators",
    title,
    h("p", { class: "note", text: tr.t("indicatorsNote") }),
    h("figure", { class: "figure", id: "indicators-chart" }, intervalChart(items)),
    table(title, headers, rows, { id: "indicators-table" }),
  );
}

function breakdown(id, titleKey, prefix, keys, values, shareMeasure) {
  const title = tr.t(titleKey);
  const hidden = keys.some((key) => values[key] === null);
  const total = keys.reduce((sum, key) => sum + (values[key] ?? 0), 0);
  const items = keys.map((key) =>
    values[key] === null
      ? { label: labelFor(prefix, key), value: null, display: tr.t("suppressed") }
      : { label: labelFor(prefix, key), value: values[key], display: tr.int(values[key]) },
  );
  const rows = keys.map((key) => {
    const average = shareMeasure ? averageOf(report.averages, shareMeasure(key)) : null;
    const share = !hidden && total > 0 && values[key] !== null ? values[key] / total : null;
    return h(
      "tr",
      { class: values[key] === null ? "suppressed" : null },
      h("th", { scope: "row", text: labelFor(prefix, key) }),
      h("td", { class: "count", text: values[key] === null ? tr.t("suppressed") : tr.int(values[key]) }),
      shareMeasure ? h("td", { text: share === null ? "–" : tr.pct(share) }) : null,
      shareMeasure ? h("td", { text: average ? tr.pct(average.mean) : "–" }) : null,
    );
  });
  const headers = [
    tr.t(prefix === "g" ? "col.gender" : prefix === "a" ? "col.age" : "col.kind"),
    tr.t(prefix === "k" ? "col.count" : "col.visits"),
  ];
  if (shareMeasure) headers.push(tr.t("col.share"), tr.t("r.col.avgShare"));
  return h(
    "figure",
    { class: "figure", id },
    prefix === "k" ? null : h("figcaption", { text: title }),
    barChart(items),
    table(title, headers, rows),
  );
}

function participationSection() {
  const participation = report.figures.participation || {};
  const count = (entry) => (entry === null ? null : entry || 0);
  const genders = Object.fromEntries(GENDERS.map((key) => [key, count(participation[key])]));
  const bands = Object.fromEntries(
    orderedKeys(AGE_BANDS, participation.age_bands).map((key) => [key, count(participation.age_bands?.[key])]),
  );
  return section(
    "participation",
    tr.t("r.s.participation"),
    breakdown("by-gender", "h.gender", "g", GENDERS, genders, (key) => `${key}_share`),
    breakdown("by-age", "h.age", "a", Object.keys(bands), bands, (key) => `age_share:${key}`),
  );
}

function activitiesSection() {
  const activities = report.figures.activities || {};
  const byKind = Object.fromEntries(
    orderedKeys(KINDS, activities.by_kind).map((key) => [key, countOf(activities.by_kind?.[key])]),
  );
  const keys = Object.keys(byKind).filter((key) => byKind[key] > 0);
  if (!keys.length) return null;
  return section("activities", tr.t("r.s.activities"), breakdown("by-kind", "h.kind", "k", keys, byKind, null));
}

function analysisSection() {
  const title = tr.t("r.s.analysis");
  if (!report.analysis)
    return section("analysis", title, h("p", { text: tr.t("r.noAnalysis", { year: report.year }) }));
  const paragraphs = report.analysis.split(/\n\s*\n/).map((text) => h("p", { text: text.trim() }));
  return section("analysis", title, h("blockquote", { class: "analysis" }, paragraphs));
}

function aboutSection() {
  return section(
    "about",
    tr.t("r.s.about"),
    h("p", { text: tr.t("r.about") }),
    h("p", {
      text: tr.t("cite", {
        view: `${scopeName(report.scope)}, ${report.year}`,
        url: location.href,
        date: tr.date(new Date()),
      }),
    }),
  );
}

// ------------------------------------------------------------------ start
async function start() {
  applyStaticTexts();
  try {
    const answer = await fetch(`${apiBase}/public/orgs`, { headers: { Accept: "application/json" } });
    if (answer.ok) scopes = directory((await answer.json()).items || []);
  } catch {
    // Names are a nicety: the report itself still loads.
  }
  syncForm();
  await load();
  $("#report-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const query = new URLSearchParams({ scope: $("#scope").value, year: $("#year").value });
    if (new URLSearchParams(location.search).get("lang")) query.set("lang", tr.lang);
    history.pushState(null, "", `?${query}`);
    load();
  });
  $("#print").addEventListener("click", () => window.print());
  $("#lang").addEventListener("change", async () => {
    tr = await loadTranslator($("#lang").value, TEXTS);
    rememberLanguage(tr.lang);
    applyStaticTexts();
    syncForm();
    render();
  });
  window.addEventListener("popstate", () => {
    syncForm();
    load();
  });
}

start();
