// The comparison on /stats/: which cells a view compares (units of an organisation,
// organisations, or a time series) and the section that shows them ranked, with the
// reference (the whole they belong to) and the peers' average row. The section is a
// pure builder like sections.js: `(plan, context) → {node, rows, sources}`.

import { barChart, columnChart } from "../shared/charts.js";
import { h } from "../shared/dom.js";
import { seriesPeriods } from "../shared/periods.js";
import { COMPARE_COLUMNS, rankAndQuintile, readMeasure, row } from "./figures.js";
import { figuresTable, scrollable, section, th } from "./layout.js";
import { averageOf } from "./peers.js";

// Counts that add up: a total is no yardstick for its parts.
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

/**
 * What a view compares: {rows: [{scope, period, current}], reference, series?}, or
 * {needOrg: true} (units need an organisation), or null when it compares nothing.
 */
export function comparisonPlan(view, scopes, now = new Date()) {
  const scope = scopes.get(view.scope);
  if (view.compare === "units") {
    if (!scope || !["org", "unit"].includes(scope.kind)) return { needOrg: true, rows: [], reference: null };
    const org = scope.kind === "org" ? scope : scopes.get(`org:${scope.org.id}`);
    return {
      rows: org.org.units.map((unit) => ({
        scope: `unit:${unit.id}`,
        period: view.period,
        current: `unit:${unit.id}` === view.scope,
      })),
      reference: { scope: org.key, period: view.period },
    };
  }
  if (view.compare === "orgs") {
    // A network or a country compares its own organisations, against its total.
    const group = scope && (scope.kind === "network" || scope.kind === "country") ? scope : null;
    const orgs = [...scopes.values()].filter(
      (item) => item.kind === "org" && (!group || group.orgIds.includes(item.org.id)),
    );
    return {
      rows: orgs.map((org) => ({ scope: org.key, period: view.period, current: org.key === view.scope })),
      reference: { scope: group ? group.key : "all", period: view.period },
    };
  }
  if (["months", "quarters", "years"].includes(view.compare)) {
    return {
      series: true,
      rows: seriesPeriods(view.compare, view.period, now).map((period) => ({
        scope: view.scope,
        period,
        current: period === view.period,
      })),
      reference: null,
    };
  }
  return null;
}

/** The averages a comparison's average row needs: [group, level] (units: their organisation's; organisations: all). */
export function comparisonAveragesOf(view, plan, scopes) {
  if (!plan || plan.series || plan.needOrg) return null;
  const scope = scopes.get(view.scope);
  if (view.compare === "units") return [`org:${scope && scope.kind !== "all" ? scope.org.id : null}`, "unit"];
  return ["all", "org"];
}

/** The figures of one measure (a column) of a statistics answer, as a tidy row's extras. */
function indicatorExtras(stats, column) {
  if (!column.startsWith("indicator:") || !stats) return {};
  const cell = stats.indicators?.[column.slice(10)];
  if (!cell) return {};
  return {
    n: cell.n,
    suppressed: !!cell.suppressed,
    reason: cell.reason,
    ci95_low: cell.ci95?.[0],
    ci95_high: cell.ci95?.[1],
    agree_share: cell.agree_share,
  };
}

/** The comparison of a loaded plan (each row and the reference with its `stats`, `average`). */
export function comparisonSection(plan, context) {
  const { names, view } = context;
  const { tr, scopes } = names;
  if (plan.needOrg)
    return {
      node: section("compare", tr.t("s.compare"), [
        h("p", { className: "notice", textContent: tr.t("compare.needOrg") }),
      ]),
      rows: [],
      sources: [],
    };
  const metric = view.metric;
  const items = plan.rows.map((item) => {
    const scope = scopes.get(item.scope);
    const population = scope ? scope.population : null;
    return {
      ...item,
      population,
      // Units of one organisation need no "(organisation)" after their names.
      label: plan.series ? tr.period(item.period) : view.compare === "units" ? scope.name : names.scopeName(item.scope),
      name: names.scopeName(item.scope),
      value: readMeasure(item.stats, metric, population),
    };
  });
  const perCapita = items.some((item) => item.population);
  const columns = COMPARE_COLUMNS.filter((column) => column !== "visits_per_1000" || perCapita);
  if (!columns.includes(metric)) columns.push(metric);
  if (!plan.series) {
    const ranks = rankAndQuintile(items.map((item) => item.value));
    items.forEach((item, index) => {
      Object.assign(item, ranks[index]);
    });
    items.sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || tr.compare(a.label, b.label));
  }
  const reference = plan.reference
    ? {
        ...plan.reference,
        name: names.scopeName(plan.reference.scope),
        population: scopes.get(plan.reference.scope)?.population ?? null,
      }
    : null;
  if (reference) reference.value = readMeasure(reference.stats, metric, reference.population);

  const rows = [];
  const sources = [];
  const tableRow = (item, isReference) => {
    sources.push({ scope: item.scope, period: item.period, stats: item.stats ?? null });
    const cells = columns.map((column) => {
      const value = readMeasure(item.stats, column, item.population);
      const extra = indicatorExtras(item.stats, column);
      rows.push(
        row(isReference ? "compare_reference" : "compare", item.scope, item.name, item.period, column, value, extra),
      );
      const text = item.stats
        ? extra.suppressed
          ? tr.t("suppressed")
          : names.formatValue(column, value)
        : tr.t("nodata.cell");
      const shade = column === metric && !isReference && item.quintile ? `q${item.quintile}` : null;
      return h("td", {
        textContent: text,
        className: [shade, column === metric ? "metric" : null].filter(Boolean).join(" ") || null,
        dataset: { measure: column, value: value === null ? "" : String(value) },
      });
    });
    const labelCell = h("th", { scope: "row" }, item.current ? h("strong", { textContent: item.label }) : item.label);
    if (item.current) labelCell.append(" ", h("span", { className: "sr-only", textContent: tr.t("compare.selected") }));
    return h(
      "tr",
      { className: isReference ? "reference-row" : null, dataset: { scope: item.scope, period: item.period } },
      labelCell,
      plan.series ? null : h("td", { textContent: isReference || item.rank == null ? "–" : tr.int(item.rank) }),
      ...cells,
    );
  };

  // A total is no yardstick for its parts: the reference line is drawn only for rates,
  // shares and means, which the whole and its parts share a scale with.
  const referenceLine = reference && reference.value !== null && !ADDITIVE.has(metric);
  const title = `${tr.t(`compare.${view.compare}`)} · ${names.metricName(metric)}`;
  const headers = [
    th(tr.t(plan.series ? "col.period" : "col.name")),
    plan.series ? null : th(tr.t("col.rank")),
    ...columns.map((column) => th(names.metricName(column), { className: column === metric ? "metric" : null })),
  ];
  const body = items.map((item) => tableRow(item, false));
  const average = plan.average ? averageRow(plan.average, columns, plan.series, names) : null;
  const foot =
    reference || average
      ? h(
          "tfoot",
          {},
          reference ? tableRow({ ...reference, label: reference.name, current: false }, true) : null,
          average ? average.node : null,
        )
      : null;
  if (average) rows.push(...average.rows);
  const table = figuresTable(title, headers, body, { attrs: { className: "figures compare" }, foot });

  const width = context.widths.wide;
  const chart = plan.series
    ? columnChart(
        items.map((item) => ({
          label: tr.period(item.period, true),
          value: item.value,
          display: names.formatValue(metric, item.value),
        })),
        { width },
      )
    : barChart(
        items.map((item) => ({
          label: item.label,
          value: item.value,
          display: item.value === null ? tr.t("nodata.cell") : names.formatValue(metric, item.value),
          tone: item.quintile ? `q${item.quintile}` : "",
        })),
        { reference: referenceLine ? reference : null, width },
      );
  const notes = [];
  if (referenceLine)
    notes.push(
      h(
        "p",
        { className: "note" },
        h("span", { className: "legend-line", "aria-hidden": "true" }),
        ` ${tr.t("compare.reference", { name: `${reference.name}, ${names.formatValue(metric, reference.value)}` })}`,
      ),
    );
  if (!plan.series && items.length > 1) {
    notes.push(
      h(
        "p",
        { className: "note" },
        tr.t("compare.quintiles", { metric: names.metricName(metric) }),
        " ",
        h(
          "span",
          { className: "legend", "aria-hidden": "true" },
          [1, 2, 3, 4, 5].map((q) => h("span", { className: `swatch q${q}` })),
        ),
      ),
    );
  }
  if (columns.includes("visits_per_1000"))
    notes.push(h("p", { className: "note", textContent: tr.t("compare.perCapita") }));
  const node = section("compare", tr.t("s.compare"), [
    h(
      "figure",
      { className: "figure wide" },
      h("figcaption", { textContent: title }),
      chart,
      ...notes,
      scrollable(table, title),
    ),
  ]);
  return { node, rows, sources };
}

/** The comparison's average row: each column's unweighted mean over the members reporting it. */
function averageRow(averages, columns, series, names) {
  const { tr } = names;
  const label =
    averages.level === "unit"
      ? tr.t("avg.units", { org: names.scopes.get(averages.group)?.name ?? averages.group })
      : tr.t("avg.allOrgs");
  const rows = [];
  const cells = columns.map((column) => {
    const average = averageOf(averages, column);
    rows.push(row("compare_average", averages.group, label, averages.period, column, average ? average.mean : null));
    return h("td", {
      dataset: { measure: column, value: average ? String(average.mean) : "" },
      textContent: average ? names.formatAverage(column, average.mean) : "–",
    });
  });
  const node = h(
    "tr",
    { className: "average-row", dataset: { scope: averages.group, period: averages.period } },
    h("th", { scope: "row", textContent: label }),
    series ? null : h("td", { textContent: "–" }),
    ...cells,
  );
  return { node, rows };
}
