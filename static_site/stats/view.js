// The view of /stats/: its address (docs/stats.md) — scope and period always, the
// comparison, its measure and the survey grouping when set — and the form that shows
// it and asks for another. Reading and writing the address are pure (no DOM; unit-tested
// with node --test, tests/js/stats-sections.test.mjs); the form's functions fill and
// read the page's own form.

import { $, h } from "../shared/dom.js";
import { LANGUAGE_NAMES as LANGUAGES } from "../shared/i18n.js";
import { parsePeriod, periodKey } from "../shared/periods.js";
import { AGE_BANDS, COMPARISONS, GENDERS, METRICS } from "./figures.js";

export const DEFAULT_METRIC = "visits";
// Survey results by group (/public/stats?by=): none, or the groups of a grouping.
export const GROUPINGS = {
  gender: [...GENDERS, "not_answered"],
  age_band: [...AGE_BANDS, "not_answered"],
};

/**
 * The view an address asks for (its `location.search`), given the scopes the page
 * knows; `notices` say what had to be corrected, as message keys with their values.
 */
export function readView(search, scopes, now = new Date()) {
  const params = new URLSearchParams(search);
  const notices = [];
  let scope = params.get("scope") || "all";
  if (!scopes.has(scope)) {
    if (params.get("scope")) notices.push({ key: "unknownScope" });
    scope = "all";
  }
  let period = params.get("period");
  if (!parsePeriod(period)) {
    const fallback = String(now.getFullYear());
    if (period) notices.push({ key: "badPeriod", values: { period: fallback } });
    period = fallback;
  }
  const compare = COMPARISONS.includes(params.get("compare")) ? params.get("compare") : "none";
  const metric = METRICS.includes(params.get("metric")) ? params.get("metric") : DEFAULT_METRIC;
  const by = params.get("by") in GROUPINGS ? params.get("by") : "none";
  return { scope, period, compare, metric, by, notices };
}

/** The address of a view: scope and period always, the rest when set. */
export function viewSearch(view) {
  const params = new URLSearchParams({ scope: view.scope, period: view.period });
  if (view.compare !== "none") params.set("compare", view.compare);
  if (view.metric !== DEFAULT_METRIC) params.set("metric", view.metric);
  if (view.by && view.by !== "none") params.set("by", view.by);
  return `?${params}`;
}

/** The name of a view's download files (without the extension). */
export function fileBase(view) {
  const parts = ["logbook-stats", view.scope.replace(":", "-"), view.period];
  if (view.compare !== "none") parts.push(view.compare, view.metric.replace(":", "-"));
  if (view.by !== "none") parts.push(`by-${view.by}`);
  return parts.join("_");
}

// ------------------------------------------------------------------ the form
const YEARS_BACK = 9;

function fillSelect(select, options, selected) {
  select.replaceChildren(
    ...options.map(([value, label, attrs]) =>
      h("option", { value, textContent: label, selected: value === selected, ...attrs }),
    ),
  );
}

/** The page's own texts in its language, its links to bulk downloads and the language menu. */
export function applyStaticTexts(tr, apiBase) {
  document.documentElement.lang = tr.lang;
  document.title = tr.t("page.title");
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = tr.t(node.dataset.i18n);
  // Bulk downloads: the open data package of every public figure (docs/data.md).
  const year = String(new Date().getFullYear());
  for (const link of document.querySelectorAll("[data-api-path]"))
    link.href = apiBase + link.dataset.apiPath.replace("{year}", year);
  fillSelect(
    $("#lang"),
    Object.entries(LANGUAGES).map(([code, name]) => [code, name, { lang: code }]),
    tr.lang,
  );
}

/** Fill the form from a view; `names` (names.js) names its scopes and measures. */
export function syncForm(view, names) {
  const { tr, scopes } = names;
  const period = parsePeriod(view.period);
  const orgGroups = [...scopes.values()]
    .filter((scope) => scope.kind === "org")
    .map((org) => {
      const group = h("optgroup", { label: org.name });
      group.append(h("option", { value: org.key, textContent: org.name, selected: org.key === view.scope }));
      for (const unit of org.org.units) {
        const key = `unit:${unit.id}`;
        group.append(
          h("option", { value: key, textContent: `${org.name} › ${unit.name}`, selected: key === view.scope }),
        );
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
        h("option", { value: item.key, textContent: names.scopeName(item.key), selected: item.key === view.scope }),
      ),
    );
  };
  $("#scope").replaceChildren(
    h("option", { value: "all", textContent: tr.t("scope.all"), selected: view.scope === "all" }),
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
  syncSubPeriod(tr, period.grain, period.year, period.sub);
  fillSelect(
    $("#compare"),
    COMPARISONS.map((name) => [name, tr.t(`compare.${name}`)]),
    view.compare,
  );
  fillSelect(
    $("#metric"),
    METRICS.map((name) => [name, names.metricName(name)]),
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
export function syncMetricField() {
  $("#metric-field").hidden = $("#compare").value === "none";
}

/** The quarter or month picker follows the period type; a year needs neither. */
export function syncSubPeriod(tr, grain, year, sub) {
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

/** The view the form asks for. */
export function viewFromForm() {
  const grain = $("#grain").value;
  const sub = Number($("#sub").value) || 1;
  return {
    scope: $("#scope").value,
    period: periodKey(grain, Number($("#year").value), sub),
    compare: $("#compare").value,
    metric: $("#metric").value,
    by: $("#by").value,
    notices: [],
  };
}

/** Keep the form's dependent fields in step as the reader changes it. */
export function wireForm(tr) {
  $("#compare").addEventListener("change", syncMetricField);
  $("#grain").addEventListener("change", () => syncSubPeriod(tr(), $("#grain").value, Number($("#year").value), 1));
  $("#year").addEventListener("change", () => {
    if ($("#grain").value !== "year")
      syncSubPeriod(tr(), $("#grain").value, Number($("#year").value), Number($("#sub").value));
  });
}
