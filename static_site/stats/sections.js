// The sections of /stats/ as pure builders: `(statistics, context) → {node, rows}`, each
// returning its DOM and the tidy rows of what it shows (the CSV and JSON downloads are
// made of those rows, never filled as a side effect of drawing). `context` holds the
// view, the scope's name, `names` (names.js), the peers' averages and the chart widths.

import { barChart, intervalChart } from "../shared/charts.js";
import { h } from "../shared/dom.js";
import { INDICATORS, orderedKeys, readMeasure, row, SUMMARY_MEASURES } from "./figures.js";
import {
  activityCounts,
  figuresTable,
  participationCounts,
  scrollable,
  section,
  shownIndicators,
  th,
} from "./layout.js";
import { averageOf, reports, tone, versus, versusText } from "./peers.js";
import { GROUPINGS } from "./view.js";

/** A row of the downloads for the context's scope and period. */
function rowOf(context, sectionName, measure, value, extra = {}) {
  return row(sectionName, context.view.scope, context.name, context.view.period, measure, value, extra);
}

const SMALL_COUNT = { suppressed: true, reason: "small_count" };

/** The key figures as cards, each against the peers' average where there is one. */
export function summarySection(statistics, context) {
  const { names, peers } = context;
  const { tr } = names;
  const population = names.scopes.get(context.view.scope)?.population;
  const rows = [];
  const cards = [];
  for (const measure of SUMMARY_MEASURES) {
    const value = readMeasure(statistics, measure, population);
    // A count the publication layer suppressed is said plainly, not left out or shown as 0.
    const counted = measure === "visits_per_1000" ? "visits" : measure;
    const suppressed = value === null && (statistics.participation?.suppressed || []).includes(counted);
    if (value === null && !suppressed) continue; // e.g. per-capita without a population
    rows.push(rowOf(context, "summary", measure, value, suppressed ? SMALL_COUNT : {}));
    const average = averageOf(peers, measure);
    const comparison = average && reports(statistics, measure, value) ? versus(measure, value, average.mean) : null;
    cards.push(
      h(
        "div",
        { className: suppressed ? "card suppressed" : "card" },
        h("dt", { textContent: tr.t(`m.${measure}`) }),
        h("dd", {
          textContent: suppressed ? tr.t("suppressed") : names.formatValue(measure, value),
          dataset: { measure, value: suppressed ? "" : String(value) },
        }),
        comparison
          ? h("dd", {
              className: `vs ${tone(measure, comparison)}`,
              dataset: { peerMeasure: measure, average: String(average.mean) },
              textContent: versusText(tr, comparison, names.formatAverage(measure, average.mean)),
            })
          : null,
      ),
    );
  }
  const notes = peers
    ? [
        h("p", {
          className: "note",
          id: "peers-note",
          textContent: `${peersName(peers, names)}. ${tr.t("avg.note", { total: tr.int(peers.members) })}`,
        }),
      ]
    : [];
  const node = section("summary", tr.t("s.summary"), [
    h("dl", { className: "cards" }, cards),
    ...notes,
    reportLink(context.view, tr),
  ]);
  return { node, rows };
}

/** Who the peers are: "Average of organisations in Slovenia", "Average of X's units". */
export function peersName(peers, names) {
  const { tr } = names;
  if (peers.level === "unit") return tr.t("avg.units", { org: names.scopes.get(peers.group)?.name ?? peers.group });
  if (peers.group === "all") return tr.t("avg.allOrgs");
  return tr.t("avg.orgs", { country: names.country(peers.group.slice(8)) });
}

/** The printable annual report of the view's scope and year (report.html). */
function reportLink(view, tr) {
  const year = view.period.slice(0, 4);
  const query = new URLSearchParams({ scope: view.scope, year });
  return h(
    "p",
    { className: "report-link" },
    h("a", { href: `report.html?${query}`, id: "report-link", textContent: tr.t("report.link", { year }) }),
  );
}

/** A chart and a table of one breakdown (kind, category, gender, age band), and its rows. */
function breakdownFigure(context, { id, titleKey, columnKey, prefix, measurePrefix, values, withShare, sectionName }) {
  const { names } = context;
  const { tr } = names;
  const keys = Object.keys(values);
  // A null value was suppressed by the publication layer: said plainly, never drawn as 0.
  const hidden = keys.some((key) => values[key] === null);
  const total = keys.reduce((sum, key) => sum + (values[key] ?? 0), 0);
  const title = tr.t(titleKey);
  const items = keys.map((key) =>
    values[key] === null
      ? { label: names.labelFor(prefix, key), value: 0, display: tr.t("suppressed") }
      : { label: names.labelFor(prefix, key), value: values[key], display: tr.int(values[key]) },
  );
  const rows = [];
  const body = keys.map((key) => {
    const measure = `${measurePrefix}:${key}`;
    const suppressed = values[key] === null;
    rows.push(rowOf(context, sectionName, measure, values[key], suppressed ? SMALL_COUNT : {}));
    const share = !hidden && total > 0 ? values[key] / total : null;
    return h(
      "tr",
      { className: suppressed ? "suppressed" : null, dataset: suppressed ? { measure } : {} },
      h("th", { scope: "row", textContent: names.labelFor(prefix, key) }),
      h("td", {
        textContent: suppressed
          ? tr.t("suppressed.reason", { reason: tr.t("reason.small_count") })
          : tr.int(values[key]),
        dataset: { measure, value: suppressed ? "" : String(values[key]) },
      }),
      withShare ? h("td", { textContent: share === null ? "–" : tr.pct(share) }) : null,
    );
  });
  const headers = [
    th(tr.t(columnKey)),
    th(tr.t(measurePrefix === "kind" || measurePrefix === "category" ? "col.count" : "col.visits")),
    withShare ? th(tr.t("col.share")) : null,
  ];
  const node = h(
    "figure",
    { id, className: "figure" },
    h("figcaption", { textContent: title }),
    barChart(items, { width: context.widths.pair }),
    scrollable(figuresTable(title, headers, body), title),
  );
  return { node, rows };
}

/** Two figures side by side, and both figures' rows. */
function pair(id, title, figures) {
  return {
    node: section(id, title, [
      h(
        "div",
        { className: "pair" },
        figures.map((figure) => figure.node),
      ),
    ]),
    rows: figures.flatMap((figure) => figure.rows),
  };
}

/** Activities by kind and by category. */
export function activitiesSection(statistics, context) {
  const { byKind, byCategory } = activityCounts(statistics);
  const common = { sectionName: "activities", withShare: false };
  return pair("activities", context.names.tr.t("s.activities"), [
    breakdownFigure(context, {
      ...common,
      id: "by-kind",
      titleKey: "h.kind",
      columnKey: "col.kind",
      prefix: "k",
      measurePrefix: "kind",
      values: byKind,
    }),
    breakdownFigure(context, {
      ...common,
      id: "by-category",
      titleKey: "h.category",
      columnKey: "col.category",
      prefix: "c",
      measurePrefix: "category",
      values: byCategory,
    }),
  ]);
}

/** Visits by gender and by age band. */
export function participationSection(statistics, context) {
  const { genders, bands } = participationCounts(statistics);
  const common = { sectionName: "participation", withShare: true };
  return pair("participation", context.names.tr.t("s.participation"), [
    breakdownFigure(context, {
      ...common,
      id: "by-gender",
      titleKey: "h.gender",
      columnKey: "col.gender",
      prefix: "g",
      measurePrefix: "gender",
      values: genders,
    }),
    breakdownFigure(context, {
      ...common,
      id: "by-age",
      titleKey: "h.age",
      columnKey: "col.age",
      prefix: "a",
      measurePrefix: "age_band",
      values: bands,
    }),
  ]);
}

/** The tidy row of an indicator's published figure (or its suppression). */
export function indicatorRow(sectionName, scope, name, period, key, cell) {
  if (cell.suppressed)
    return row(sectionName, scope, name, period, `indicator:${key}`, null, { suppressed: true, reason: cell.reason });
  const [low, high] = cell.ci95 || [null, null];
  return row(sectionName, scope, name, period, `indicator:${key}`, cell.mean, {
    n: cell.n,
    ci95_low: low,
    ci95_high: high,
    agree_share: cell.agree_share,
  });
}

/** Young people's assessments: each indicator's mean with its interval, n and share agreeing. */
export function indicatorsSection(statistics, context) {
  const { names, peers, view } = context;
  const { tr } = names;
  const indicators = statistics.indicators || {};
  const keys = shownIndicators(indicators);
  const title = tr.t("s.indicators");
  if (keys.length === 0)
    return {
      node: section("indicators", title, [h("p", { className: "notice", textContent: tr.t("noIndicators") })]),
      rows: [],
    };
  const items = [];
  const rows = keys.map((key) =>
    indicatorRow("indicators", view.scope, context.name, view.period, key, indicators[key]),
  );
  const body = keys.map((key) => {
    const cell = indicators[key];
    const label = names.indicatorName(key);
    const measure = `indicator:${key}`;
    if (cell.suppressed) {
      items.push({ label, suppressed: true, display: tr.t("suppressed") });
      const average = averageOf(peers, measure);
      return h(
        "tr",
        { className: "suppressed", dataset: { measure } },
        h("th", { scope: "row", textContent: label }),
        h("td", { colspan: "2", textContent: tr.t("suppressed.reason", { reason: names.reasonText(cell.reason) }) }),
        h("td", { textContent: "–" }),
        h("td", { textContent: "–" }),
        peers ? h("td", { textContent: average ? tr.dec2(average.mean) : "–" }) : null,
      );
    }
    const [low, high] = cell.ci95 || [null, null];
    items.push({ label, mean: cell.mean, low, high, display: tr.dec2(cell.mean) });
    return h(
      "tr",
      { dataset: { measure } },
      h("th", { scope: "row", textContent: label }),
      h("td", { textContent: tr.dec2(cell.mean), dataset: { measure, value: String(cell.mean) } }),
      h("td", { textContent: low == null ? "–" : `${tr.dec2(low)}–${tr.dec2(high)}` }),
      h("td", { textContent: tr.int(cell.n) }),
      h("td", { textContent: cell.agree_share == null ? "–" : tr.pct(cell.agree_share) }),
      peers ? peerCell(measure, cell.mean, peers, names) : null,
    );
  });
  const headers = ["col.indicator", "col.mean", "col.ci", "col.n", "col.agree", ...(peers ? ["avg.col"] : [])].map(
    (key) => th(tr.t(key)),
  );
  const node = section("indicators", title, [
    h("p", { textContent: tr.t("indicatorsNote") }),
    h(
      "figure",
      { className: "figure wide" },
      intervalChart(items, { width: context.widths.wide }),
      scrollable(figuresTable(title, headers, body), title),
    ),
  ]);
  return { node, rows };
}

/** "4.10 (0.12 above)": the peers' average of a measure and where the figure stands. */
function peerCell(measure, value, peers, names) {
  const average = averageOf(peers, measure);
  if (!average) return h("td", { textContent: "–" });
  const comparison = versus(measure, value, average.mean);
  const averageText = names.formatAverage(measure, average.mean);
  return h("td", {
    className: comparison ? `vs ${tone(measure, comparison)}` : null,
    dataset: { peerMeasure: measure, average: String(average.mean) },
    textContent: comparison ? versusText(names.tr, comparison, averageText) : averageText,
  });
}

/** Each indicator per group (context.groups, by gender or age band); suppressed cells said plainly. */
export function groupsSection(statistics, context) {
  const { names, view, groups } = context;
  const { tr } = names;
  const by = view.by;
  const prefix = by === "gender" ? "g" : "a";
  const keys = GROUPINGS[by].filter((group) => group in groups);
  const cellOf = (group, key) => groups[group].indicators?.[key] || { suppressed: true, reason: "no_respondents" };
  const title = tr.t(`s.groups.${by}`);
  const wanted = orderedKeys(INDICATORS, statistics.indicators || {}).filter((key) =>
    keys.some((group) => {
      const cell = groups[group].indicators?.[key];
      return cell && cell.reason !== "no_respondents";
    }),
  );
  if (wanted.length === 0)
    return {
      node: section("groups", title, [h("p", { className: "notice", textContent: tr.t("noIndicators") })]),
      rows: [],
    };
  const rows = wanted.flatMap((key) =>
    keys.map((group) => indicatorRow(`${by}=${group}`, view.scope, context.name, view.period, key, cellOf(group, key))),
  );
  const body = wanted.map((key) =>
    h(
      "tr",
      { dataset: { measure: `indicator:${key}` } },
      h("th", { scope: "row", textContent: names.indicatorName(key) }),
      ...keys.map((group) => {
        const cell = cellOf(group, key);
        if (cell.suppressed)
          return h("td", {
            className: "suppressed",
            dataset: { group },
            title: names.reasonText(cell.reason),
            textContent: cell.reason === "no_respondents" ? "–" : tr.t("suppressed"),
          });
        return h("td", {
          dataset: { group, value: String(cell.mean) },
          textContent: `${tr.dec2(cell.mean)} (${tr.int(cell.n)})`,
        });
      }),
    ),
  );
  const headers = [th(tr.t("col.indicator")), ...keys.map((group) => th(names.labelFor(prefix, group)))];
  const reasons = [
    ...new Set(
      keys.flatMap((group) =>
        Object.values(groups[group].indicators || {})
          .filter((cell) => cell.suppressed && cell.reason !== "no_respondents")
          .map((cell) => cell.reason),
      ),
    ),
  ];
  const node = section("groups", title, [
    h("p", { textContent: tr.t("groupsNote") }),
    scrollable(figuresTable(title, headers, body), title),
    reasons.length
      ? h(
          "ul",
          { className: "note" },
          reasons.map((reason) =>
            h("li", { textContent: tr.t("suppressed.reason", { reason: names.reasonText(reason) }) }),
          ),
        )
      : null,
  ]);
  return { node, rows };
}

/**
 * The sections of one scope's figures in the page's order, and their rows: the summary,
 * then `between` (a comparison: what the reader asked for comes before the breakdowns),
 * activities, participation, indicators and, asked with `by`, the groups. Without a
 * comparison their rows are exactly GET /public/stats.csv of the view
 * (chalicelib/domain/stats_table.py; tests/js/stats-csv.test.mjs).
 */
export function scopeSections(statistics, context, between = []) {
  const built = [summarySection(statistics, context), ...between];
  built.push(
    activitiesSection(statistics, context),
    participationSection(statistics, context),
    indicatorsSection(statistics, context),
  );
  if (context.groups) built.push(groupsSection(statistics, context));
  else if (context.view.by !== "none")
    built.push({
      node: h("p", { id: "groups", className: "notice", textContent: context.names.tr.t("groupsNotHere") }),
      rows: [],
    });
  return built;
}
