// The view of /stats/ and its address (docs/stats.md): scope and period always, the
// comparison, its measure and the survey grouping when set. Pure: no DOM, unit-tested
// with node --test (tests/js/stats-view.test.mjs).

import { parsePeriod } from "../shared/periods.js";
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
