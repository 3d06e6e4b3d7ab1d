// The open statistics page: reads the view from the address (scope, period,
// compare, metric), fetches the figures from the public API, and shows every figure
// as a chart and as a table with the same numbers. What is shown is also what the
// CSV and JSON downloads contain: both are built from the same tidy rows.

import { initialLanguage, LANGUAGE_NAMES as LANGUAGES, loadTranslator, rememberLanguage } from "../shared/i18n.js";
import { barChart, columnChart, intervalChart, setChartWidth } from "./charts.js";
import { $, h } from "./dom.js";
import {
  AGE_BANDS,
  CATEGORIES,
  COMPARE_COLUMNS,
  COMPARISONS,
  countOf,
  directory,
  GENDERS,
  INDICATORS,
  KINDS,
  MEASURES,
  METRICS,
  orderedKeys,
  PublicApi,
  parsePeriod,
  periodKey,
  rankAndQuintile,
  readMeasure,
  row,
  SUMMARY_MEASURES,
  seriesPeriods,
  toCsv,
} from "./figures.js";
import { averageOf, averagesPath, peerGroup, reports, tone, versus, versusText } from "./peers.js";

const config = window.LOGBOOK_CONFIG || {};
// Public reads go through the CDN (publicApiUrl, written by deploy) where there is one.
const api = new PublicApi(config.publicApiUrl || config.apiUrl || "");
const YEARS_BACK = 9;
const DEFAULT_METRIC = "visits";
// Survey results by group (/public/stats?by=): none, or the groups of a grouping.
const GROUPINGS = {
  gender: [...GENDERS, "not_answered"],
  age_band: [...AGE_BANDS, "not_answered"],
};
const ADDITIVE = new Set([
  "activities",
  "hours",
  "visits",
  "new",
  "volunteers",
  "youth_leaders",
  "youth_led",
  "responses",
  "checkins",
  "unique_visitors",
]);

// The page's texts: the shared words and the statistics pages' own (shared/i18n/).
const TEXTS = ["common", "stats"];
let tr = await loadTranslator(initialLanguage(), TEXTS);
let scopes = new Map([["all", { key: "all", kind: "all", population: null }]]);
let view = null;
let data = null; // the loaded figures of the current view
let shown = { rows: [], sources: [] }; // what the downloads contain
let loadNumber = 0;

// ------------------------------------------------------------------ the view
/** The view the address asks for, with notices for what had to be corrected. */
function readView(search) {
  const params = new URLSearchParams(search);
  const notices = [];
  let scope = params.get("scope") || "all";
  if (!scopes.has(scope)) {
    if (params.get("scope")) notices.push(tr.t("unknownScope"));
    scope = "all";
  }
  let period = params.get("period");
  if (!parsePeriod(period)) {
    const fallback = String(new Date().getFullYear());
    if (period) notices.push(tr.t("badPeriod", { period: fallback }));
    period = fallback;
  }
  const compare = COMPARISONS.includes(params.get("compare")) ? params.get("compare") : "none";
  const metric = METRICS.includes(params.get("metric")) ? params.get("metric") : DEFAULT_METRIC;
  const by = params.get("by") in GROUPINGS ? params.get("by") : "none";
  return { scope, period, compare, metric, by, notices };
}

/** The address of a view: scope and period always (docs/stats.md), the rest when set. */
function viewSearch(target) {
  const params = new URLSearchParams({ scope: target.scope, period: target.period });
  if (target.compare !== "none") params.set("compare", target.compare);
  if (target.metric !== DEFAULT_METRIC) params.set("metric", target.metric);
  if (target.by && target.by !== "none") params.set("by", target.by);
  return `?${params}`;
}

/** A country's name in the page's language (its ISO code where the browser has none). */
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
  if (scope.kind === "country") return countryName(scope.country);
  return scope.name;
}

function metricName(metric) {
  if (metric.startsWith("indicator:")) return tr.t("m.indicator", { indicator: indicatorName(metric.slice(10)) });
  return tr.t(`m.${metric}`);
}

function indicatorName(name) {
  // Organisations may define their own indicators: their ids are shown as they are.
  return tr.has(`i.${name}`) ? tr.t(`i.${name}`) : name.replace(/_/g, " ");
}

function labelFor(prefix, key) {
  if (prefix === "a") {
    if (key === "under_13" || key === "over_29") return tr.t(`a.${key}`);
    const [from, to] = key.split("_");
    return to ? tr.t("a.range", { from, to }) : key;
  }
  return tr.has(`${prefix}.${key}`) ? tr.t(`${prefix}.${key}`) : key.replace(/_/g, " ");
}

/** A suppression reason code (stable API) in the page's language; an unknown code as given. */
function reasonText(reason) {
  return tr.has(`reason.${reason}`) ? tr.t(`reason.${reason}`) : reason || "";
}

function formatValue(measure, value) {
  if (value === null || value === undefined) return "–";
  if (measure.startsWith("indicator:")) return tr.dec2(value);
  return tr[MEASURES[measure].format](value);
}

/** An average of counts has decimals worth showing (1.5 activities per unit). */
function formatAverage(measure, value) {
  if (!measure.startsWith("indicator:") && MEASURES[measure]?.format === "int") return tr.dec1(value);
  return formatValue(measure, value);
}

// ------------------------------------------------------------------ the form
function fillSelect(select, options, selected) {
  select.replaceChildren(
    ...options.map(([value, label, attrs]) =>
      h("option", { value, text: label, selected: value === selected, ...attrs }),
    ),
  );
}

function syncForm() {
  const period = parsePeriod(view.period);
  const orgGroups = [...scopes.values()]
    .filter((scope) => scope.kind === "org")
    .map((org) => {
      const group = h("optgroup", { label: org.name });
      group.append(h("option", { value: org.key, text: org.name, selected: org.key === view.scope }));
      for (const unit of org.org.units) {
        const key = `unit:${unit.id}`;
        group.append(h("option", { value: key, text: `${org.name} › ${unit.name}`, selected: key === view.scope }));
      }
      return group;
    });
  // Networks and countries (docs/networks.md), each the sum of its organisations.
  const groupOf = (kind, label) => {
    const items = [...scopes.values()].filter((scope) => scope.kind === kind);
    if (!items.length) return null;
    return h(
      "optgroup",
      { label: tr.t(label) },
      ...items.map((item) =>
        h("option", { value: item.key, text: scopeName(item.key), selected: item.key === view.scope }),
      ),
    );
  };
  const scopeSelect = $("#scope");
  scopeSelect.replaceChildren(
    h("option", { value: "all", text: tr.t("scope.all"), selected: view.scope === "all" }),
    groupOf("network", "scope.networks"),
    groupOf("country", "scope.countries"),
    ...orgGroups,
  );

  fillSelect(
    $("#grain"),
    ["year", "quarter", "month"].map((grain) => [grain, tr.t(`grain.${grain}`)]),
    period.grain,
  );
  const thisYear = new Date().getFullYear();
  const years = new Set(Array.from({ length: YEARS_BACK + 1 }, (_, i) => thisYear - i));
  years.add(period.year);
  fillSelect(
    $("#year"),
    [...years].sort((a, b) => b - a).map((year) => [String(year), String(year)]),
    String(period.year),
  );
  syncSubPeriod(period.grain, period.year, period.sub);

  fillSelect(
    $("#compare"),
    COMPARISONS.map((name) => [name, tr.t(`compare.${name}`)]),
    view.compare,
  );
  fillSelect(
    $("#metric"),
    METRICS.map((name) => [name, metricName(name)]),
    view.metric,
  );
  fillSelect(
    $("#by"),
    ["none", ...Object.keys(GROUPINGS)].map((name) => [name, tr.t(`by.${name}`)]),
    view.by,
  );
  syncMetricField();
}

/** The measure to compare by matters only when comparing. */
function syncMetricField() {
  $("#metric-field").hidden = $("#compare").value === "none";
}

/** The quarter or month picker follows the period type; a year needs neither. */
function syncSubPeriod(grain, year, sub) {
  const wrapper = $("#sub-field");
  wrapper.hidden = grain === "year";
  if (grain === "year") return;
  const count = grain === "quarter" ? 4 : 12;
  $("#sub-label").textContent = tr.t(grain);
  fillSelect(
    $("#sub"),
    Array.from({ length: count }, (_, i) => [String(i + 1), tr.period(periodKey(grain, year, i + 1))]),
    String(sub || 1),
  );
}

function viewFromForm() {
  const grain = $("#grain").value;
  const year = Number($("#year").value);
  const sub = Number($("#sub").value) || 1;
  return {
    scope: $("#scope").value,
    period: periodKey(grain, year, sub),
    compare: $("#compare").value,
    metric: $("#metric").value,
    by: $("#by").value,
    notices: [],
  };
}

function applyStaticTexts() {
  document.documentElement.lang = tr.lang;
  document.title = tr.t("page.title");
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = tr.t(node.dataset.i18n);
  // Bulk downloads: the open data package of every public figure (docs/data.md).
  const year = String(new Date().getFullYear());
  const base = config.publicApiUrl || config.apiUrl || "";
  for (const link of document.querySelectorAll("[data-api-path]"))
    link.href = base + link.dataset.apiPath.replace("{year}", year);
  fillSelect(
    $("#lang"),
    Object.entries(LANGUAGES).map(([code, name]) => [code, name, { lang: code }]),
    tr.lang,
  );
}

// ------------------------------------------------------------------ loading
/** The rows to compare for a view: [{key, scope, period, label, current}], and a reference. */
function comparisonPlan(target) {
  const scope = scopes.get(target.scope);
  if (target.compare === "units") {
    if (!scope || !["org", "unit"].includes(scope.kind)) return { needOrg: true, rows: [], reference: null };
    const org = scope.kind === "org" ? scope : scopes.get(`org:${scope.org.id}`);
    return {
      rows: org.org.units.map((unit) => ({
        scope: `unit:${unit.id}`,
        period: target.period,
        current: `unit:${unit.id}` === target.scope,
      })),
      reference: { scope: org.key, period: target.period },
    };
  }
  if (target.compare === "orgs") {
    // A network or a country compares its own organisations, against its total.
    const group = scope && (scope.kind === "network" || scope.kind === "country") ? scope : null;
    const orgs = [...scopes.values()].filter(
      (item) => item.kind === "org" && (!group || group.orgIds.includes(item.org.id)),
    );
    return {
      rows: orgs.map((org) => ({ scope: org.key, period: target.period, current: org.key === target.scope })),
      reference: { scope: group ? group.key : "all", period: target.period },
    };
  }
  if (["months", "quarters", "years"].includes(target.compare)) {
    return {
      series: true,
      rows: seriesPeriods(target.compare, target.period).map((period) => ({
        scope: target.scope,
        period,
        current: period === target.period,
      })),
      reference: null,
    };
  }
  return null;
}

async function load() {
  const number = ++loadNumber;
  const target = view;
  setStatus(tr.t("loading"));
  $("#results").setAttribute("aria-busy", "true");
  try {
    const plan = comparisonPlan(target);
    const pairs = [[target.scope, target.period]];
    if (plan) {
      for (const item of plan.rows) pairs.push([item.scope, item.period]);
      if (plan.reference) pairs.push([plan.reference.scope, plan.reference.period]);
    }
    const [answers, peers, rowsAverage, grouped] = await Promise.all([
      api.many(pairs),
      peerAverages(target),
      comparisonAverages(target, plan),
      // The groups come with the scope's own document: one more read, only when asked.
      // (networks and countries publish no groups: their documents are made from members')
      target.by !== "none" && !/^(network|country):/.test(target.scope)
        ? api.stats(target.scope, target.period, target.by)
        : null,
    ]);
    if (number !== loadNumber) return; // a newer view was asked for meanwhile
    let index = 1;
    if (plan) {
      for (const item of plan.rows) item.stats = answers[index++];
      if (plan.reference) plan.reference.stats = answers[index++];
    }
    if (plan) plan.average = rowsAverage;
    data = { view: target, main: answers[0], plan, peers, groups: grouped ? grouped.groups : null };
    render();
  } catch (error) {
    if (number !== loadNumber) return;
    data = null;
    $("#results").replaceChildren();
    setStatus("");
    $("#alert").textContent = tr.t("error", { message: error.message });
  } finally {
    if (number === loadNumber) $("#results").removeAttribute("aria-busy");
  }
}

/** The averages of the view's peers (docs/stats.md); null for ``all`` or if unavailable. */
function peerAverages(target) {
  const peers = peerGroup(scopes.get(target.scope));
  if (!peers) return Promise.resolve(null);
  return api.get(averagesPath(peers.group, peers.level, target.period)).catch(() => null);
}

/** The average row of a comparison of units (their organisation's) or organisations (all). */
function comparisonAverages(target, plan) {
  if (!plan || plan.series || plan.needOrg) return Promise.resolve(null);
  const scope = scopes.get(target.scope);
  const orgId = scope && scope.kind !== "all" ? scope.org.id : null;
  const path =
    target.compare === "units"
      ? averagesPath(`org:${orgId}`, "unit", target.period)
      : averagesPath("all", "org", target.period);
  return api.get(path).catch(() => null);
}

function setStatus(text) {
  $("#status").textContent = text;
}

// ------------------------------------------------------------------ rendering
function render() {
  if (!data) return;
  const { main, plan } = data;
  const target = data.view;
  const name = scopeName(target.scope);
  const periodLabel = tr.period(target.period);
  shown = { rows: [], sources: [] };
  const addSource = (scope, period, stats) => {
    // Each API answer once, however many tables it feeds.
    if (!shown.sources.some((item) => item.scope === scope && item.period === period)) {
      shown.sources.push({ scope, period, stats });
    }
  };
  $("#alert").textContent = target.notices.join(" ");

  const sections = [];
  sections.push(h("h2", { id: "view-title", text: `${name} · ${periodLabel}` }));
  if (main) {
    addSource(target.scope, target.period, main);
    if (main.updated_at) {
      const when = new Date(main.updated_at);
      if (!Number.isNaN(when.getTime()))
        sections.push(h("p", { class: "updated", text: tr.t("updated", { date: tr.dateTime(when) }) }));
    }
    sections.push(summarySection(target, name, main, data.peers));
    // A comparison is what the reader asked for: it comes before the breakdowns.
    if (plan) sections.push(comparisonSection(target, plan, addSource));
    sections.push(activitiesSection(target, name, main));
    sections.push(participationSection(target, name, main));
    sections.push(indicatorsSection(target, name, main, data.peers));
    if (data.groups) sections.push(groupsSection(target, name, main, data.groups));
    else if (target.by !== "none")
      sections.push(h("p", { id: "groups", class: "notice", text: tr.t("groupsNotHere") }));
  } else {
    sections.push(h("p", { class: "notice", text: tr.t("nodata", { scope: name, period: periodLabel }) }));
    if (plan) sections.push(comparisonSection(target, plan, addSource));
  }
  sections.push(openDataSection(target, name, periodLabel));
  $("#results").replaceChildren(...sections);
  setStatus(tr.t("loaded", { scope: name, period: periodLabel }));
}

/** Tables scroll sideways on narrow screens; the region is focusable and named for keyboards. */
function scrollable(table, title) {
  return h("div", { class: "scroll", tabindex: "0", role: "region", "aria-label": title }, table);
}

/** Widths of a chart across the page and of one in a pair of figures (see stats.css). */
function chartWidths() {
  const full = $("#results").clientWidth || 640;
  const gap = 24;
  return { wide: full, pair: full >= 2 * 480 + gap ? (full - gap) / 2 : full };
}

function section(id, titleKey, ...children) {
  return h(
    "section",
    { id, "aria-labelledby": `${id}-title` },
    h("h2", { id: `${id}-title`, text: tr.t(titleKey) }),
    ...children,
  );
}

function summarySection(target, name, stats, peers) {
  const population = scopes.get(target.scope)?.population;
  const cards = [];
  for (const measure of SUMMARY_MEASURES) {
    const value = readMeasure(stats, measure, population);
    // A count the publication layer suppressed is said plainly, not left out or shown as 0.
    const counted = measure === "visits_per_1000" ? "visits" : measure;
    const suppressed = value === null && (stats.participation?.suppressed || []).includes(counted);
    if (value === null && !suppressed) continue; // e.g. per-capita without a population
    shown.rows.push(
      row(
        "summary",
        target.scope,
        name,
        target.period,
        measure,
        value,
        suppressed ? { suppressed: true, reason: "small_count" } : {},
      ),
    );
    const average = averageOf(peers, measure);
    const comparison = average && reports(stats, measure, value) ? versus(measure, value, average.mean) : null;
    cards.push(
      h(
        "div",
        { class: suppressed ? "card suppressed" : "card" },
        h("dt", { text: tr.t(`m.${measure}`) }),
        h("dd", {
          text: suppressed ? tr.t("suppressed") : formatValue(measure, value),
          dataset: { measure, value: suppressed ? "" : String(value) },
        }),
        comparison
          ? h("dd", {
              class: `vs ${tone(measure, comparison)}`,
              dataset: { peerMeasure: measure, average: String(average.mean) },
              text: versusText(tr, comparison, formatAverage(measure, average.mean)),
            })
          : null,
      ),
    );
  }
  const notes = peers
    ? [
        h("p", {
          class: "note",
          id: "peers-note",
          text: `${peersName(peers)}. ${tr.t("avg.note", { total: tr.int(peers.members) })}`,
        }),
      ]
    : [];
  return section("summary", "s.summary", h("dl", { class: "cards" }, cards), ...notes, reportLink(target));
}

/** Who the peers are: "Average of organisations in Slovenia", "Average of X's units". */
function peersName(peers) {
  if (peers.level === "unit") return tr.t("avg.units", { org: scopes.get(peers.group)?.name ?? peers.group });
  if (peers.group === "all") return tr.t("avg.allOrgs");
  let country = peers.group.slice(8);
  try {
    country = new Intl.DisplayNames([tr.lang], { type: "region" }).of(country) || country;
  } catch {
    // An engine without region names shows the code.
  }
  return tr.t("avg.orgs", { country });
}

/** The printable annual report of the view's scope and year (report.html). */
function reportLink(target) {
  const year = target.period.slice(0, 4);
  const query = new URLSearchParams({ scope: target.scope, year });
  return h(
    "p",
    { class: "report-link" },
    h("a", { href: `report.html?${query}`, id: "report-link", text: tr.t("report.link", { year }) }),
  );
}

/** A chart and a table of one breakdown (kind, category, gender, age band). */
function breakdownFigure({
  id,
  titleKey,
  columnKey,
  prefix,
  measurePrefix,
  keys,
  values,
  withShare,
  sectionName,
  target,
  name,
}) {
  // A null value was suppressed by the publication layer: said plainly, never drawn as 0.
  const hidden = keys.some((key) => values[key] === null);
  const total = keys.reduce((sum, key) => sum + (values[key] ?? 0), 0);
  const title = tr.t(titleKey);
  const items = keys.map((key) =>
    values[key] === null
      ? { label: labelFor(prefix, key), value: 0, display: tr.t("suppressed") }
      : { label: labelFor(prefix, key), value: values[key], display: tr.int(values[key]) },
  );
  const body = keys.map((key) => {
    const measure = `${measurePrefix}:${key}`;
    const suppressed = values[key] === null;
    shown.rows.push(
      row(
        sectionName,
        target.scope,
        name,
        target.period,
        measure,
        values[key],
        suppressed ? { suppressed: true, reason: "small_count" } : {},
      ),
    );
    const share = !hidden && total > 0 ? values[key] / total : null;
    return h(
      "tr",
      { class: suppressed ? "suppressed" : null, dataset: suppressed ? { measure } : {} },
      h("th", { scope: "row", text: labelFor(prefix, key) }),
      h("td", {
        text: suppressed ? tr.t("suppressed.reason", { reason: tr.t("reason.small_count") }) : tr.int(values[key]),
        dataset: { measure, value: suppressed ? "" : String(values[key]) },
      }),
      withShare ? h("td", { text: share === null ? "–" : tr.pct(share) }) : null,
    );
  });
  setChartWidth(chartWidths().pair);
  const table = h(
    "table",
    { class: "figures" },
    h("caption", { text: title }),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col", text: tr.t(columnKey) }),
        h("th", {
          scope: "col",
          text: tr.t(measurePrefix === "kind" || measurePrefix === "category" ? "col.count" : "col.visits"),
        }),
        withShare ? h("th", { scope: "col", text: tr.t("col.share") }) : null,
      ),
    ),
    h("tbody", {}, body),
  );
  return h(
    "figure",
    { id, class: "figure" },
    h("figcaption", { text: title }),
    barChart(items),
    scrollable(table, title),
  );
}

function activitiesSection(target, name, stats) {
  const activities = stats.activities || {};
  const byKind = Object.fromEntries(
    orderedKeys(KINDS, activities.by_kind).map((key) => [key, countOf(activities.by_kind?.[key])]),
  );
  const byCategory = Object.fromEntries(
    orderedKeys(CATEGORIES, activities.by_category).map((key) => [key, countOf(activities.by_category?.[key])]),
  );
  const common = { sectionName: "activities", target, name, withShare: false };
  return section(
    "activities",
    "s.activities",
    h(
      "div",
      { class: "pair" },
      breakdownFigure({
        ...common,
        id: "by-kind",
        titleKey: "h.kind",
        columnKey: "col.kind",
        prefix: "k",
        measurePrefix: "kind",
        keys: Object.keys(byKind),
        values: byKind,
      }),
      breakdownFigure({
        ...common,
        id: "by-category",
        titleKey: "h.category",
        columnKey: "col.category",
        prefix: "c",
        measurePrefix: "category",
        keys: Object.keys(byCategory),
        values: byCategory,
      }),
    ),
  );
}

function participationSection(target, name, stats) {
  const participation = stats.participation || {};
  const count = (value) => (value === null ? null : value || 0);
  const genders = Object.fromEntries(GENDERS.map((key) => [key, count(participation[key])]));
  const bands = Object.fromEntries(
    orderedKeys(AGE_BANDS, participation.age_bands).map((key) => [key, count(participation.age_bands?.[key])]),
  );
  const common = { sectionName: "participation", target, name, withShare: true };
  return section(
    "participation",
    "s.participation",
    h(
      "div",
      { class: "pair" },
      breakdownFigure({
        ...common,
        id: "by-gender",
        titleKey: "h.gender",
        columnKey: "col.gender",
        prefix: "g",
        measurePrefix: "gender",
        keys: GENDERS,
        values: genders,
      }),
      breakdownFigure({
        ...common,
        id: "by-age",
        titleKey: "h.age",
        columnKey: "col.age",
        prefix: "a",
        measurePrefix: "age_band",
        keys: Object.keys(bands),
        values: bands,
      }),
    ),
  );
}

function indicatorsSection(target, name, stats, peers) {
  const indicators = stats.indicators || {};
  // The API lists every default indicator; one nobody has answered yet says nothing.
  const keys = orderedKeys(INDICATORS, indicators).filter(
    (key) => key in indicators && indicators[key].reason !== "no_respondents" && indicators[key].n !== 0,
  );
  if (keys.length === 0)
    return section("indicators", "s.indicators", h("p", { class: "notice", text: tr.t("noIndicators") }));
  const items = [];
  const body = keys.map((key) => {
    const cell = indicators[key];
    const label = indicatorName(key);
    const measure = `indicator:${key}`;
    if (cell.suppressed) {
      const text = tr.t("suppressed.reason", { reason: reasonText(cell.reason) });
      shown.rows.push(
        row("indicators", target.scope, name, target.period, measure, null, { suppressed: true, reason: cell.reason }),
      );
      items.push({ label, suppressed: true, display: tr.t("suppressed") });
      return h(
        "tr",
        { class: "suppressed", dataset: { measure } },
        h("th", { scope: "row", text: label }),
        h("td", { colspan: "2", text }),
        h("td", { text: "–" }),
        h("td", { text: "–" }),
        peers ? h("td", { text: averageOf(peers, measure) ? tr.dec2(averageOf(peers, measure).mean) : "–" }) : null,
      );
    }
    const [low, high] = cell.ci95 || [null, null];
    shown.rows.push(
      row("indicators", target.scope, name, target.period, measure, cell.mean, {
        n: cell.n,
        ci95_low: low,
        ci95_high: high,
        agree_share: cell.agree_share,
      }),
    );
    items.push({ label, mean: cell.mean, low, high, display: tr.dec2(cell.mean) });
    return h(
      "tr",
      { dataset: { measure } },
      h("th", { scope: "row", text: label }),
      h("td", { text: tr.dec2(cell.mean), dataset: { measure, value: String(cell.mean) } }),
      h("td", { text: low == null ? "–" : `${tr.dec2(low)}–${tr.dec2(high)}` }),
      h("td", { text: tr.int(cell.n) }),
      h("td", { text: cell.agree_share == null ? "–" : tr.pct(cell.agree_share) }),
      peers ? peerCell(measure, cell.mean, peers) : null,
    );
  });
  const title = tr.t("s.indicators");
  const table = h(
    "table",
    { class: "figures" },
    h("caption", { text: title }),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        ...["col.indicator", "col.mean", "col.ci", "col.n", "col.agree", ...(peers ? ["avg.col"] : [])].map((key) =>
          h("th", { scope: "col", text: tr.t(key) }),
        ),
      ),
    ),
    h("tbody", {}, body),
  );
  setChartWidth(chartWidths().wide);
  return section(
    "indicators",
    "s.indicators",
    h("p", { text: tr.t("indicatorsNote") }),
    h("figure", { class: "figure wide" }, intervalChart(items), scrollable(table, title)),
  );
}

/** Each indicator per group (by gender or age band): a table, suppressed cells said plainly. */
function groupsSection(target, name, stats, groups) {
  const by = target.by;
  const prefix = by === "gender" ? "g" : "a";
  const keys = GROUPINGS[by].filter((group) => group in groups);
  const indicators = orderedKeys(INDICATORS, stats.indicators || {}).filter((key) =>
    keys.some((group) => {
      const cell = groups[group].indicators?.[key];
      return cell && cell.reason !== "no_respondents";
    }),
  );
  const title = tr.t(`s.groups.${by}`);
  if (indicators.length === 0) {
    return h(
      "section",
      { id: "groups", "aria-labelledby": "groups-title" },
      h("h2", { id: "groups-title", text: title }),
      h("p", { class: "notice", text: tr.t("noIndicators") }),
    );
  }
  const body = indicators.map((key) =>
    h(
      "tr",
      { dataset: { measure: `indicator:${key}` } },
      h("th", { scope: "row", text: indicatorName(key) }),
      ...keys.map((group) => {
        const cell = groups[group].indicators?.[key] || { suppressed: true, reason: "no_respondents" };
        const section_ = `${by}=${group}`;
        if (cell.suppressed) {
          shown.rows.push(
            row(section_, target.scope, name, target.period, `indicator:${key}`, null, {
              suppressed: true,
              reason: cell.reason,
            }),
          );
          return h("td", {
            class: "suppressed",
            dataset: { group },
            title: reasonText(cell.reason),
            text: cell.reason === "no_respondents" ? "–" : tr.t("suppressed"),
          });
        }
        const [low, high] = cell.ci95 || [null, null];
        shown.rows.push(
          row(section_, target.scope, name, target.period, `indicator:${key}`, cell.mean, {
            n: cell.n,
            ci95_low: low,
            ci95_high: high,
            agree_share: cell.agree_share,
          }),
        );
        return h("td", {
          dataset: { group, value: String(cell.mean) },
          text: `${tr.dec2(cell.mean)} (${tr.int(cell.n)})`,
        });
      }),
    ),
  );
  const table = h(
    "table",
    { class: "figures" },
    h("caption", { text: title }),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col", text: tr.t("col.indicator") }),
        ...keys.map((group) => h("th", { scope: "col", text: labelFor(prefix, group) })),
      ),
    ),
    h("tbody", {}, body),
  );
  const reasons = [
    ...new Set(
      keys.flatMap((group) =>
        Object.values(groups[group].indicators || {})
          .filter((cell) => cell.suppressed && cell.reason !== "no_respondents")
          .map((cell) => cell.reason),
      ),
    ),
  ];
  return h(
    "section",
    { id: "groups", "aria-labelledby": "groups-title" },
    h("h2", { id: "groups-title", text: title }),
    h("p", { text: tr.t("groupsNote") }),
    scrollable(table, title),
    reasons.length
      ? h(
          "ul",
          { class: "note" },
          reasons.map((reason) => h("li", { text: tr.t("suppressed.reason", { reason: reasonText(reason) }) })),
        )
      : null,
  );
}

/** "4.10 (0.12 above)": the peers' average of a measure and where the figure stands. */
function peerCell(measure, value, peers) {
  const average = averageOf(peers, measure);
  if (!average) return h("td", { text: "–" });
  const comparison = versus(measure, value, average.mean);
  return h("td", {
    class: comparison ? `vs ${tone(measure, comparison)}` : null,
    dataset: { peerMeasure: measure, average: String(average.mean) },
    text: comparison
      ? versusText(tr, comparison, formatAverage(measure, average.mean))
      : formatAverage(measure, average.mean),
  });
}

function comparisonSection(target, plan, addSource) {
  if (plan.needOrg) return section("compare", "s.compare", h("p", { class: "notice", text: tr.t("compare.needOrg") }));
  const metric = target.metric;
  const rows = plan.rows.map((item) => {
    const scope = scopes.get(item.scope);
    const population = scope ? scope.population : null;
    return {
      ...item,
      population,
      // Units of one organisation need no "(organisation)" after their names.
      label: plan.series ? tr.period(item.period) : target.compare === "units" ? scope.name : scopeName(item.scope),
      name: scopeName(item.scope),
      value: readMeasure(item.stats, metric, population),
    };
  });
  const perCapita = rows.some((item) => item.population);
  const columns = COMPARE_COLUMNS.filter((column) => column !== "visits_per_1000" || perCapita);
  if (!columns.includes(metric)) columns.push(metric);
  if (!plan.series) {
    const ranks = rankAndQuintile(rows.map((item) => item.value));
    rows.forEach((item, index) => {
      Object.assign(item, ranks[index]);
    });
    rows.sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || tr.compare(a.label, b.label));
  }
  const reference = plan.reference
    ? {
        ...plan.reference,
        name: scopeName(plan.reference.scope),
        population: scopes.get(plan.reference.scope)?.population ?? null,
      }
    : null;
  if (reference) reference.value = readMeasure(reference.stats, metric, reference.population);

  const tableRow = (item, isReference) => {
    addSource(item.scope, item.period, item.stats ?? null);
    const cells = columns.map((column) => {
      const value = readMeasure(item.stats, column, item.population);
      const extra = {};
      if (column.startsWith("indicator:") && item.stats) {
        const cell = item.stats.indicators?.[column.slice(10)];
        if (cell)
          Object.assign(extra, {
            n: cell.n,
            suppressed: !!cell.suppressed,
            reason: cell.reason,
            ci95_low: cell.ci95?.[0],
            ci95_high: cell.ci95?.[1],
            agree_share: cell.agree_share,
          });
      }
      shown.rows.push(
        row(isReference ? "compare_reference" : "compare", item.scope, item.name, item.period, column, value, extra),
      );
      const text = item.stats
        ? extra.suppressed
          ? tr.t("suppressed")
          : formatValue(column, value)
        : tr.t("nodata.cell");
      const shade = column === metric && !isReference && item.quintile ? `q${item.quintile}` : null;
      return h("td", {
        text,
        class: [shade, column === metric ? "metric" : null].filter(Boolean).join(" ") || null,
        dataset: { measure: column, value: value === null ? "" : String(value) },
      });
    });
    const labelCell = h("th", { scope: "row" }, item.current ? h("strong", { text: item.label }) : item.label);
    if (item.current) labelCell.append(" ", h("span", { class: "sr-only", text: tr.t("compare.selected") }));
    return h(
      "tr",
      { class: isReference ? "reference-row" : null, dataset: { scope: item.scope, period: item.period } },
      labelCell,
      plan.series ? null : h("td", { text: isReference || item.rank == null ? "–" : tr.int(item.rank) }),
      ...cells,
    );
  };

  // A total is no yardstick for its parts: the reference line is drawn only for rates,
  // shares and means, which the whole and its parts share a scale with.
  const referenceLine = reference && reference.value !== null && !ADDITIVE.has(metric);
  const title = `${tr.t(`compare.${target.compare}`)} · ${metricName(metric)}`;
  const table = h(
    "table",
    { class: "figures compare" },
    h("caption", { text: title }),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col", text: tr.t(plan.series ? "col.period" : "col.name") }),
        plan.series ? null : h("th", { scope: "col", text: tr.t("col.rank") }),
        ...columns.map((column) =>
          h("th", { scope: "col", class: column === metric ? "metric" : null, text: metricName(column) }),
        ),
      ),
    ),
    h(
      "tbody",
      {},
      rows.map((item) => tableRow(item, false)),
    ),
    reference || plan.average
      ? h(
          "tfoot",
          {},
          reference ? tableRow({ ...reference, label: reference.name, current: false }, true) : null,
          plan.average ? averageRow(plan.average, columns, plan.series) : null,
        )
      : null,
  );

  setChartWidth(chartWidths().wide);
  const chart = plan.series
    ? columnChart(
        rows.map((item) => ({
          label: tr.period(item.period, true),
          value: item.value,
          display: formatValue(metric, item.value),
        })),
      )
    : barChart(
        rows.map((item) => ({
          label: item.label,
          value: item.value,
          display: item.value === null ? tr.t("nodata.cell") : formatValue(metric, item.value),
          tone: item.quintile ? `q${item.quintile}` : "",
        })),
        { reference: referenceLine ? reference : null },
      );
  const notes = [];
  if (referenceLine)
    notes.push(
      h(
        "p",
        { class: "note" },
        h("span", { class: "legend-line", "aria-hidden": "true" }),
        ` ${tr.t("compare.reference", { name: `${reference.name}, ${formatValue(metric, reference.value)}` })}`,
      ),
    );
  if (!plan.series && rows.length > 1) {
    notes.push(
      h(
        "p",
        { class: "note" },
        tr.t("compare.quintiles", { metric: metricName(metric) }),
        " ",
        h(
          "span",
          { class: "legend", "aria-hidden": "true" },
          [1, 2, 3, 4, 5].map((q) => h("span", { class: `swatch q${q}` })),
        ),
      ),
    );
  }
  if (columns.includes("visits_per_1000")) notes.push(h("p", { class: "note", text: tr.t("compare.perCapita") }));
  return section(
    "compare",
    "s.compare",
    h("figure", { class: "figure wide" }, h("figcaption", { text: title }), chart, ...notes, scrollable(table, title)),
  );
}

/** The comparison's average row: each column's unweighted mean over the members reporting it. */
function averageRow(averages, columns, series) {
  const label =
    averages.level === "unit"
      ? tr.t("avg.units", { org: scopes.get(averages.group)?.name ?? averages.group })
      : tr.t("avg.allOrgs");
  const cells = columns.map((column) => {
    const average = averageOf(averages, column);
    shown.rows.push(
      row("compare_average", averages.group, label, averages.period, column, average ? average.mean : null, {
        members: average ? average.members : 0,
      }),
    );
    return h("td", {
      dataset: { measure: column, value: average ? String(average.mean) : "" },
      text: average ? formatAverage(column, average.mean) : "–",
    });
  });
  return h(
    "tr",
    { class: "average-row", dataset: { scope: averages.group, period: averages.period } },
    h("th", { scope: "row", text: label }),
    series ? null : h("td", { text: "–" }),
    ...cells,
  );
}

function openDataSection(target, name, periodLabel) {
  const url = new URL(viewSearch(target), location.href).href;
  const citation = tr.t("cite", { view: `${name}, ${periodLabel}`, url, date: tr.date(new Date()) });
  return section(
    "open-data",
    "s.open",
    h(
      "p",
      { class: "actions" },
      h("button", { type: "button", id: "download-csv", text: tr.t("download.csv") }),
      h("button", { type: "button", id: "download-json", text: tr.t("download.json") }),
    ),
    h("p", {}, h("a", { href: url, id: "share-link", text: tr.t("share") })),
    h("p", { text: tr.t("licence") }),
    h("blockquote", { id: "citation", text: citation }),
    h("p", {}, h("a", { href: "about.html", text: tr.t("nav.about") })),
  );
}

// ------------------------------------------------------------------ downloads
function fileBase(target) {
  const parts = ["logbook-stats", target.scope.replace(":", "-"), target.period];
  if (target.compare !== "none") parts.push(target.compare, target.metric.replace(":", "-"));
  if (target.by !== "none") parts.push(`by-${target.by}`);
  return parts.join("_");
}

function save(text, type, filename) {
  const link = h("a", { href: URL.createObjectURL(new Blob([text], { type })), download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

// Each row carries its municipality's official code, so analysts can join the
// downloads with SiStat, Sotkanet or Kolada.
function withCodes(rows) {
  return rows.map((item) => ({
    ...item,
    municipality_code: item.municipality_code ?? scopes.get(item.scope)?.org?.municipality_code ?? null,
  }));
}

function downloadJson() {
  const target = data.view;
  const document_ = {
    title: "Logbook open statistics",
    licence: "CC BY 4.0",
    licence_url: "https://creativecommons.org/licenses/by/4.0/",
    url: new URL(viewSearch(target), location.href).href,
    api: config.publicApiUrl || config.apiUrl || location.origin,
    generated_at: new Date().toISOString(),
    view: {
      scope: target.scope,
      period: target.period,
      compare: target.compare,
      metric: target.metric,
      ...(target.by !== "none" ? { by: target.by } : {}),
    },
    rows: withCodes(shown.rows),
    sources: shown.sources,
  };
  save(`${JSON.stringify(document_, null, 2)}\n`, "application/json", `${fileBase(target)}.json`);
}

function downloadCsv() {
  save(toCsv(withCodes(shown.rows)), "text/csv;charset=utf-8", `${fileBase(data.view)}.csv`);
}

// ------------------------------------------------------------------ start
async function start() {
  applyStaticTexts();
  try {
    // An API without networks (404, or a failure) still shows every organisation.
    const [orgs, networks] = await Promise.all([api.orgs(), api.networks().catch(() => [])]);
    scopes = directory(orgs, networks);
  } catch (error) {
    $("#alert").textContent = tr.t("error", { message: error.message });
  }
  view = readView(location.search);
  syncForm();
  await load();

  $("#view-form").addEventListener("submit", (event) => {
    event.preventDefault();
    view = viewFromForm();
    history.pushState(null, "", viewSearch(view));
    load();
  });
  $("#compare").addEventListener("change", syncMetricField);
  $("#grain").addEventListener("change", () => syncSubPeriod($("#grain").value, Number($("#year").value), 1));
  $("#year").addEventListener("change", () => {
    if ($("#grain").value !== "year")
      syncSubPeriod($("#grain").value, Number($("#year").value), Number($("#sub").value));
  });
  $("#lang").addEventListener("change", async () => {
    tr = await loadTranslator($("#lang").value, TEXTS);
    rememberLanguage(tr.lang);
    applyStaticTexts();
    syncForm();
    render();
  });
  // Redraw when the width the charts are drawn for changes (a phone turned, a window resized).
  let drawnFor = chartWidths().pair;
  let pending = 0;
  window.addEventListener("resize", () => {
    clearTimeout(pending);
    pending = setTimeout(() => {
      const now = chartWidths().pair;
      if (Math.abs(now - drawnFor) > 16) {
        drawnFor = now;
        render();
      }
    }, 200);
  });
  window.addEventListener("popstate", () => {
    view = readView(location.search);
    syncForm();
    load();
  });
  $("#results").addEventListener("click", (event) => {
    if (event.target.id === "download-csv") downloadCsv();
    if (event.target.id === "download-json") downloadJson();
  });
}

start();
