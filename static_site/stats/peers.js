// Peers' averages (GET /public/averages): whom a scope is compared with, and how a
// figure stands against their average. No DOM here.

/**
 * The peers of a scope of the directory (figures.js ``directory``): an organisation's
 * are the organisations of its country, a unit's the units of its organisation;
 * ``all`` has none (null).
 */
export function peerGroup(scope) {
  if (!scope || scope.kind === "all") return null;
  if (scope.kind === "org") return { group: `country:${scope.country}`, level: "org" };
  if (scope.kind === "unit") return { group: `org:${scope.org.id}`, level: "unit" };
  return null;
}

export function averagesPath(group, level, period) {
  return `/public/averages?${new URLSearchParams({ group, level, period })}`;
}

/** ``{mean, members}`` of a measure in an averages answer, or null. */
export function averageOf(averages, measure) {
  const entry = averages?.measures ? averages.measures[measure] : null;
  return entry && typeof entry.mean === "number" ? entry : null;
}

// Counts reported only by members that have at least one (chalicelib/domain/averages.py).
const OPTIONAL = new Set(["responses", "checkins", "unique_visitors"]);

/**
 * Whether a scope's statistics report a measure in the averages' sense: only then is
 * it set against the average (a centre without check-ins is not "100 % below").
 */
export function reports(stats, measure, value) {
  if (typeof value !== "number") return false;
  if (measure.startsWith("indicator:")) return true;
  if (OPTIONAL.has(measure)) return value >= 1;
  return stats?.activities?.count >= 1;
}

/**
 * How ``value`` stands against ``mean``: direction ``above`` / ``below`` / ``same``
 * and by how much — a difference on the 1–5 scale for indicators (``points``), a
 * relative one otherwise (``ratio``). Null when either is missing.
 */
export function versus(measure, value, mean) {
  if (typeof value !== "number" || typeof mean !== "number") return null;
  if (measure.startsWith("indicator:")) {
    const points = value - mean;
    if (Math.abs(points) < 0.005) return { direction: "same", points: 0 };
    return { direction: points > 0 ? "above" : "below", points: Math.abs(points) };
  }
  if (mean === 0) return value === 0 ? { direction: "same", ratio: 0 } : { direction: "above", ratio: null };
  const ratio = (value - mean) / Math.abs(mean);
  if (Math.abs(ratio) < 0.005) return { direction: "same", ratio: 0 };
  return { direction: ratio > 0 ? "above" : "below", ratio: Math.abs(ratio) };
}

// Lower is better for these (as in chalicelib/domain/averages.py LOWER_IS_BETTER).
const LOWER_IS_BETTER = new Set(["cost_per_visit"]);

/** ``better``, ``worse`` or ``same``: the colour of a comparison (above is not always good). */
export function tone(measure, comparison) {
  if (!comparison || comparison.direction === "same") return "same";
  const above = comparison.direction === "above";
  return above !== LOWER_IS_BETTER.has(measure) ? "better" : "worse";
}

/** The sentence "12 % above the average (34)" in the translator's language. */
export function versusText(tr, comparison, averageText) {
  if (!comparison) return "";
  const diff = comparison.direction === "same" ? tr.t("avg.same") : differenceText(tr, comparison);
  return tr.t("avg.vs", { diff, average: averageText });
}

/** Just "12 % above" / "0.25 below" / "at" (where the average has its own column). */
export function differenceText(tr, comparison) {
  if (!comparison) return "";
  if (comparison.direction === "same") return tr.t("avg.level");
  const amount =
    comparison.points != null ? tr.dec2(comparison.points) : comparison.ratio == null ? "" : tr.pct(comparison.ratio);
  return tr.t(`avg.${comparison.direction}`, { pct: amount }).trim();
}
