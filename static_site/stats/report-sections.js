// The sections of the annual report (report.html): pure builders `(report, context) →
// node` of one GET /public/report answer — the year at a glance against last year and
// the peers, targets, young people's assessments, who took part, the activities, the
// team's analysis. `context` holds `names` (names.js) and the charts' `width`. The
// report reuses /stats/'s building blocks (layout.js), names and charts.

import { barChart, intervalChart } from "../shared/charts.js";
import { h } from "../shared/dom.js";
import { MEASURES, readMeasure } from "./figures.js";
import {
  activityCounts,
  figuresTable,
  participationCounts,
  scrollable,
  section,
  shownIndicators,
  th,
} from "./layout.js";
import { averageOf, differenceText, reports, tone, versus } from "./peers.js";

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

/** The annual report's scope and year the address asks for (this year when the year is missing or out of range). */
export function readReportView(search, now = new Date()) {
  const params = new URLSearchParams(search);
  const thisYear = now.getFullYear();
  const asked = Number(params.get("year"));
  const year = Number.isInteger(asked) && asked >= 2000 && asked <= thisYear ? asked : thisYear;
  return { scope: params.get("scope") || "all", year: String(year) };
}

function reportSection(id, title, ...children) {
  return section(id, title, children, { className: "report-section" });
}

function table(caption, headers, rows, attrs = {}) {
  return scrollable(
    figuresTable(
      caption,
      headers.map((text) => th(text)),
      rows,
      { attrs },
    ),
    caption,
  );
}

/** A measure of a report: a target's shares (girls_share, age_share:13_15) as well as /stats/'s measures. */
function measureName(names, measure) {
  if (measure.startsWith("indicator:")) return names.indicatorName(measure.slice(10));
  return names.tr.has(`m.${measure}`) ? names.tr.t(`m.${measure}`) : measure.replace(/_/g, " ");
}

function format(tr, measure, value) {
  if (value === null || value === undefined) return "–";
  if (measure.startsWith("indicator:")) return tr.dec2(value);
  if (measure.endsWith("_share") || measure.startsWith("age_share:")) return tr.pct(value);
  return tr[(MEASURES[measure] || { format: "dec2" }).format](value);
}

/** An average of counts has decimals worth showing (1.5 activities per centre). */
function formatAverage(tr, measure, value) {
  if (MEASURES[measure]?.format === "int") return tr.dec1(value);
  return format(tr, measure, value);
}

function signedPercent(tr, value) {
  return new Intl.NumberFormat(tr.lang, {
    style: "percent",
    maximumFractionDigits: 0,
    signDisplay: "exceptZero",
  }).format(value);
}

function peersText(report, names) {
  const { tr } = names;
  const averages = report.averages;
  if (!averages) return tr.t("r.peers.none");
  if (averages.level === "unit") {
    const org = names.scopes.get(averages.group);
    return tr.t("r.peers.unit", { org: org ? org.name : averages.group.slice(4), members: tr.int(averages.members) });
  }
  return tr.t("r.peers.org", { country: names.country(averages.group.slice(8)), members: tr.int(averages.members) });
}

export function glanceSection(report, context) {
  const { names } = context;
  const { tr } = names;
  const year = report.year;
  const previousYear = String(Number(year) - 1);
  const items = [];
  const rows = [];
  for (const measure of GLANCE) {
    const current = readMeasure(report.figures, measure, null);
    const previous = readMeasure(report.previous, measure, null);
    const average = averageOf(report.averages, measure);
    if (current === null && previous === null && !average) continue;
    const change = current !== null && previous ? (current - previous) / Math.abs(previous) : null;
    const comparison =
      average && reports(report.figures, measure, current) ? versus(measure, current, average.mean) : null;
    const index = comparison && average.mean > 0 ? Math.round((current / average.mean) * 100) : null;
    if (index !== null) items.push({ label: measureName(names, measure), value: index, display: tr.int(index) });
    rows.push(
      h(
        "tr",
        { dataset: { measure } },
        h("th", { scope: "row", textContent: measureName(names, measure) }),
        h("td", { textContent: format(tr, measure, current), dataset: { value: current ?? "" } }),
        h("td", { textContent: format(tr, measure, previous) }),
        h("td", { textContent: change === null ? "–" : signedPercent(tr, change) }),
        h("td", { textContent: average ? formatAverage(tr, measure, average.mean) : "–" }),
        h("td", {
          className: comparison ? `vs ${tone(measure, comparison)}` : null,
          textContent: comparison ? differenceText(tr, comparison) : "–",
        }),
        h("td", { className: "index", textContent: index === null ? "–" : tr.int(index) }),
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
        { className: "figure", id: "glance-chart" },
        h("figcaption", { textContent: tr.t("r.indexCaption") }),
        barChart(items, { reference: { value: 100 }, width: context.width }),
      )
    : null;
  return reportSection(
    "glance",
    caption,
    h("p", { className: "note", textContent: peersText(report, names) }),
    table(caption, headers, rows, { id: "glance-table" }),
    chart,
  );
}

export function targetsSection(report, context) {
  const { names } = context;
  const { tr } = names;
  const entries = Object.entries(report.targets || {});
  const title = tr.t("r.s.targets", { year: report.year });
  if (!entries.length)
    return reportSection("targets", title, h("p", { textContent: tr.t("r.noTargets", { year: report.year }) }));
  const met = entries.filter(([, result]) => result.met === true).length;
  const rows = entries.map(([measure, result]) => {
    const outcome = result.met === null ? "unknown" : result.met ? "met" : "missed";
    return h(
      "tr",
      { className: `target ${outcome}`, dataset: { measure } },
      h("th", { scope: "row", textContent: measureName(names, measure) }),
      h("td", { textContent: format(tr, measure, result.target) }),
      h("td", { textContent: format(tr, measure, result.actual) }),
      h("td", {
        className: "result",
        textContent: `${outcome === "met" ? "✓ " : outcome === "missed" ? "✗ " : ""}${tr.t(`r.${outcome}`)}`,
      }),
    );
  });
  return reportSection(
    "targets",
    title,
    h("p", {
      className: "targets-summary",
      textContent: tr.t("r.targetsSummary", { met: tr.int(met), count: tr.int(entries.length) }),
    }),
    table(title, [tr.t("r.col.measure"), tr.t("r.col.target"), tr.t("r.col.actual"), tr.t("r.col.result")], rows, {
      id: "targets-table",
    }),
  );
}

export function indicatorsSection(report, context) {
  const { names } = context;
  const { tr } = names;
  const indicators = report.figures.indicators || {};
  const previous = report.previous.indicators || {};
  const title = tr.t("r.s.indicators");
  const keys = shownIndicators(indicators);
  if (!keys.length)
    return reportSection("indicators", title, h("p", { textContent: tr.t("r.noIndicators", { year: report.year }) }));
  const items = [];
  const rows = keys.map((key) => {
    const cell = indicators[key];
    const measure = `indicator:${key}`;
    const label = names.indicatorName(key);
    const last = previous[key] && !previous[key].suppressed ? previous[key].mean : null;
    const average = averageOf(report.averages, measure);
    if (cell.suppressed) {
      items.push({ label, suppressed: true, display: tr.t("suppressed") });
      return h(
        "tr",
        { className: "suppressed", dataset: { measure } },
        h("th", { scope: "row", textContent: label }),
        h("td", {
          colspan: "4",
          textContent: tr.t("suppressed.reason", { reason: names.reasonText(cell.reason) }),
        }),
        h("td", { textContent: last === null ? "–" : tr.dec2(last) }),
        h("td", { textContent: average ? tr.dec2(average.mean) : "–" }),
        h("td", { textContent: "–" }),
      );
    }
    const [low, high] = cell.ci95 || [null, null];
    items.push({ label, mean: cell.mean, low, high, display: tr.dec2(cell.mean) });
    const comparison = average ? versus(measure, cell.mean, average.mean) : null;
    return h(
      "tr",
      { dataset: { measure } },
      h("th", { scope: "row", textContent: label }),
      h("td", { className: "mean", textContent: tr.dec2(cell.mean) }),
      h("td", { textContent: low == null ? "–" : `${tr.dec2(low)}–${tr.dec2(high)}` }),
      h("td", { textContent: tr.int(cell.n) }),
      h("td", { textContent: cell.agree_share == null ? "–" : tr.pct(cell.agree_share) }),
      h("td", { textContent: last === null ? "–" : tr.dec2(last) }),
      h("td", { textContent: average ? tr.dec2(average.mean) : "–" }),
      h("td", {
        className: comparison ? `vs ${tone(measure, comparison)}` : null,
        textContent: comparison ? differenceText(tr, comparison) : "–",
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
  return reportSection(
    "indicators",
    title,
    h("p", { className: "note", textContent: tr.t("indicatorsNote") }),
    h("figure", { className: "figure", id: "indicators-chart" }, intervalChart(items, { width: context.width })),
    table(title, headers, rows, { id: "indicators-table" }),
  );
}

function breakdown(report, context, { id, titleKey, prefix, values, shareMeasure }) {
  const { names } = context;
  const { tr } = names;
  const keys = Object.keys(values);
  const title = tr.t(titleKey);
  const hidden = keys.some((key) => values[key] === null);
  const total = keys.reduce((sum, key) => sum + (values[key] ?? 0), 0);
  const items = keys.map((key) =>
    values[key] === null
      ? { label: names.labelFor(prefix, key), value: null, display: tr.t("suppressed") }
      : { label: names.labelFor(prefix, key), value: values[key], display: tr.int(values[key]) },
  );
  const rows = keys.map((key) => {
    const average = shareMeasure ? averageOf(report.averages, shareMeasure(key)) : null;
    const share = !hidden && total > 0 && values[key] !== null ? values[key] / total : null;
    return h(
      "tr",
      { className: values[key] === null ? "suppressed" : null },
      h("th", { scope: "row", textContent: names.labelFor(prefix, key) }),
      h("td", { className: "count", textContent: values[key] === null ? tr.t("suppressed") : tr.int(values[key]) }),
      shareMeasure ? h("td", { textContent: share === null ? "–" : tr.pct(share) }) : null,
      shareMeasure ? h("td", { textContent: average ? tr.pct(average.mean) : "–" }) : null,
    );
  });
  const headers = [
    tr.t(prefix === "g" ? "col.gender" : prefix === "a" ? "col.age" : "col.kind"),
    tr.t(prefix === "k" ? "col.count" : "col.visits"),
  ];
  if (shareMeasure) headers.push(tr.t("col.share"), tr.t("r.col.avgShare"));
  return h(
    "figure",
    { className: "figure", id },
    prefix === "k" ? null : h("figcaption", { textContent: title }),
    barChart(items, { width: context.width }),
    table(title, headers, rows),
  );
}

export function participationSection(report, context) {
  const { tr } = context.names;
  const { genders, bands } = participationCounts(report.figures);
  return reportSection(
    "participation",
    tr.t("r.s.participation"),
    breakdown(report, context, {
      id: "by-gender",
      titleKey: "h.gender",
      prefix: "g",
      values: genders,
      shareMeasure: (key) => `${key}_share`,
    }),
    breakdown(report, context, {
      id: "by-age",
      titleKey: "h.age",
      prefix: "a",
      values: bands,
      shareMeasure: (key) => `age_share:${key}`,
    }),
  );
}

export function activitiesSection(report, context) {
  const { tr } = context.names;
  const { byKind } = activityCounts(report.figures);
  // Only the kinds the year had.
  const values = Object.fromEntries(Object.entries(byKind).filter(([, count]) => count > 0));
  if (!Object.keys(values).length) return null;
  return reportSection(
    "activities",
    tr.t("r.s.activities"),
    breakdown(report, context, { id: "by-kind", titleKey: "h.kind", prefix: "k", values, shareMeasure: null }),
  );
}

export function analysisSection(report, context) {
  const { tr } = context.names;
  const title = tr.t("r.s.analysis");
  if (!report.analysis)
    return reportSection("analysis", title, h("p", { textContent: tr.t("r.noAnalysis", { year: report.year }) }));
  const paragraphs = report.analysis.split(/\n\s*\n/).map((text) => h("p", { textContent: text.trim() }));
  return reportSection("analysis", title, h("blockquote", { className: "analysis" }, paragraphs));
}

export function aboutSection(report, context) {
  const { names } = context;
  const { tr } = names;
  return reportSection(
    "about",
    tr.t("r.s.about"),
    h("p", { textContent: tr.t("r.about") }),
    h("p", {
      textContent: tr.t("cite", {
        view: `${names.scopeName(report.scope)}, ${report.year}`,
        url: location.href,
        date: tr.date(new Date()),
      }),
    }),
  );
}
