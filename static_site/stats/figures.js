// The figures: naming measures, reading them from the public API's answers, and the
// tidy rows the CSV and JSON downloads are made of. No DOM here. (The API client is
// shared/api.js, periods shared/periods.js, the CSV writer shared/csv.js.)

import { INDICATORS } from "../shared/vocabulary.js";

// The words come from the generated vocabulary (one source with the API).
export {
  AGE_BANDS,
  CATEGORIES,
  CSV_COLUMNS,
  GENDERS,
  INDICATORS,
  KINDS,
  SUMMARY_MEASURES,
} from "../shared/vocabulary.js";
export const COMPARISONS = ["none", "units", "orgs", "months", "quarters", "years"];

// Measures of the comparison table: how to read each from a statistics answer, and
// how to format it. ``population`` is the organisation's young residents, if given.
export const MEASURES = {
  activities: { read: (s) => s.activities.count, format: "int" },
  hours: { read: (s) => s.activities.hours, format: "dec1" },
  visits: { read: (s) => s.participation.visits, format: "int" },
  visits_per_1000: {
    // From the organisation's population where the page knows it, else the API's own
    // figure of an organisation's year (its key figures: the year's population).
    read: (s, population) => {
      if (population) return s.participation.visits == null ? null : (s.participation.visits * 1000) / population;
      return typeof s.visits_per_1000 === "number" ? s.visits_per_1000 : null;
    },
    format: "dec1",
  },
  // Key figures: the API gives them for an organisation's year where it reported them.
  cost_per_visit: { read: (s) => s.cost_per_visit ?? null, format: "dec2" },
  visits_per_open_week: { read: (s) => s.visits_per_open_week ?? null, format: "dec1" },
  new: { read: (s) => s.participation.new, format: "int" },
  volunteers: { read: (s) => s.participation.volunteers, format: "int" },
  youth_leaders: { read: (s) => s.participation.youth_leaders, format: "int" },
  youth_led: { read: (s) => s.activities.youth_led, format: "int" },
  youth_led_share: { read: (s) => s.activities.youth_led_share, format: "pct" },
  responses: { read: (s) => s.responses, format: "int" },
  checkins: { read: (s) => s.participation.checkins, format: "int" },
  unique_visitors: { read: (s) => s.participation.unique_visitors, format: "int" },
};
export const COMPARE_COLUMNS = [
  "activities",
  "hours",
  "visits",
  "visits_per_1000",
  "new",
  "youth_led_share",
  "responses",
];
export const METRICS = [
  ...COMPARE_COLUMNS,
  "volunteers",
  "cost_per_visit",
  "visits_per_open_week",
  ...INDICATORS.map((name) => `indicator:${name}`),
];

/** Read a measure (or ``indicator:NAME`` mean) from a statistics answer; null when absent. */
export function readMeasure(stats, measure, population) {
  if (!stats) return null;
  if (measure.startsWith("indicator:")) {
    const cell = stats.indicators?.[measure.slice(10)];
    return cell && !cell.suppressed && typeof cell.mean === "number" ? cell.mean : null;
  }
  const value = MEASURES[measure].read(stats, population);
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/** Count of a ``by_kind``/``by_category`` entry: a number, or an object with ``count``. */
export function countOf(entry) {
  if (typeof entry === "number") return entry;
  if (entry && typeof entry === "object" && typeof entry.count === "number") return entry.count;
  return 0;
}

/** Known keys in their canonical order, then any others the data has (custom ones). */
export function orderedKeys(known, present) {
  return [
    ...known,
    ...Object.keys(present || {})
      .filter((key) => !known.includes(key))
      .sort(),
  ];
}

/**
 * Ranks (1 = highest; ties share a rank) and quintiles (1 = top fifth) of values;
 * null values get neither.
 */
export function rankAndQuintile(values) {
  const present = values.filter((value) => value != null);
  const count = present.length;
  return values.map((value) => {
    if (value == null) return { rank: null, quintile: null };
    const rank = 1 + present.filter((other) => other > value).length;
    const quintile = Math.min(5, Math.floor((5 * (rank - 1)) / count) + 1);
    return { rank, quintile };
  });
}

/**
 * The scopes of the organisations' directory, by key (``all``, ``org:ID``, ``unit:ID``,
 * and from ``/public/networks`` ``network:ID``; ``country:CC`` for every country with an
 * organisation). A network's or country's ``orgIds`` are its members (docs/networks.md).
 */
export function directory(orgs, networks = []) {
  const scopes = new Map();
  const allHavePopulation = orgs.length > 0 && orgs.every((org) => org.youth_population > 0);
  scopes.set("all", {
    key: "all",
    kind: "all",
    org: null,
    population: allHavePopulation ? orgs.reduce((sum, org) => sum + org.youth_population, 0) : null,
  });
  for (const org of orgs) {
    scopes.set(`org:${org.id}`, {
      key: `org:${org.id}`,
      kind: "org",
      name: org.name,
      country: org.country,
      org,
      population: org.youth_population > 0 ? org.youth_population : null,
    });
    for (const unit of org.units) {
      scopes.set(`unit:${unit.id}`, {
        key: `unit:${unit.id}`,
        kind: "unit",
        name: unit.name,
        org,
        population: null,
      });
    }
  }
  const byId = new Map(orgs.map((org) => [org.id, org]));
  const population = (members) =>
    members.length > 0 && members.every((org) => org.youth_population > 0)
      ? members.reduce((sum, org) => sum + org.youth_population, 0)
      : null;
  for (const network of networks) {
    const members = network.org_ids.map((id) => byId.get(id)).filter(Boolean);
    scopes.set(`network:${network.id}`, {
      key: `network:${network.id}`,
      kind: "network",
      name: network.name,
      org: null,
      orgIds: members.map((org) => org.id),
      population: population(members),
    });
  }
  for (const country of [...new Set(orgs.map((org) => org.country))].sort()) {
    const members = orgs.filter((org) => org.country === country);
    scopes.set(`country:${country}`, {
      key: `country:${country}`,
      kind: "country",
      name: country,
      country,
      org: null,
      orgIds: members.map((org) => org.id),
      population: population(members),
    });
  }
  return scopes;
}

/** A tidy row: one figure, where it belongs, and for indicators its n and interval. */
export function row(section, scope, scopeName, period, measure, value, extra = {}) {
  return {
    section,
    scope,
    scope_name: scopeName,
    // The official code of the scope's municipality (SI občina, FI kunta, SE kommun).
    municipality_code: extra.municipality_code ?? null,
    period,
    measure,
    value: value ?? null,
    n: extra.n ?? null,
    ci95_low: extra.ci95_low ?? null,
    ci95_high: extra.ci95_high ?? null,
    agree_share: extra.agree_share ?? null,
    suppressed: extra.suppressed ?? false,
    reason: extra.reason ?? null,
  };
}
