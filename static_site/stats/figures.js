// The figures: reading the public API, naming measures, and turning what is shown
// into tidy rows for the CSV and JSON downloads. No DOM here.

import { INDICATORS, MAX_COMPARE_CELLS, PERIOD_PATTERN } from "../shared/vocabulary.js";

// The words come from the generated vocabulary (one source with the API).
export { AGE_BANDS, CATEGORIES, GENDERS, INDICATORS, KINDS, MAX_COMPARE_CELLS } from "../shared/vocabulary.js";
export const COMPARISONS = ["none", "units", "orgs", "months", "quarters", "years"];
export const YEARS_IN_SERIES = 5;

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
export const SUMMARY_MEASURES = [
  "activities",
  "hours",
  "youth_led_share",
  "visits",
  "visits_per_1000",
  "new",
  "volunteers",
  "youth_leaders",
  "responses",
  "checkins",
  "unique_visitors",
  "cost_per_visit",
  "visits_per_open_week",
];
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

/** Parse ``YYYY``, ``YYYY-Qn`` or ``YYYY-MM``; null when it is none of them. */
export function parsePeriod(value) {
  const match = PERIOD_PATTERN.exec(value || "");
  if (!match) return null;
  const year = Number(match[1]);
  if (match[2]) return { grain: "quarter", year, sub: Number(match[2]), key: value };
  if (match[3]) return { grain: "month", year, sub: Number(match[3]), key: value };
  return { grain: "year", year, sub: null, key: value };
}

export function periodKey(grain, year, sub) {
  if (grain === "quarter") return `${year}-Q${sub}`;
  if (grain === "month") return `${year}-${String(sub).padStart(2, "0")}`;
  return String(year);
}

/** The first day of a period, to leave out periods that have not begun yet. */
function periodStart(key) {
  const period = parsePeriod(key);
  const month = period.grain === "quarter" ? (period.sub - 1) * 3 : period.grain === "month" ? period.sub - 1 : 0;
  return Date.UTC(period.year, month, 1);
}

/** The periods of a time series around ``key``, never in the future. */
export function seriesPeriods(compare, key, now = new Date()) {
  const { year } = parsePeriod(key);
  let keys = [];
  if (compare === "months") keys = Array.from({ length: 12 }, (_, i) => periodKey("month", year, i + 1));
  if (compare === "quarters") keys = Array.from({ length: 4 }, (_, i) => periodKey("quarter", year, i + 1));
  if (compare === "years")
    keys = Array.from({ length: YEARS_IN_SERIES }, (_, i) => String(year - YEARS_IN_SERIES + 1 + i));
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return keys.filter((periodKeyValue) => periodStart(periodKeyValue) <= today);
}

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

/** A small client of the public API with a per-page cache (answers are CDN-cacheable). */
export class PublicApi {
  constructor(baseUrl, fetcher = fetch.bind(globalThis)) {
    this.baseUrl = baseUrl.replace(/\/$/, "");
    this.fetcher = fetcher;
    this.cache = new Map();
    this.requests = 0;
  }

  get(path) {
    if (!this.cache.has(path)) {
      this.requests += 1;
      const pending = this.fetcher(`${this.baseUrl}${path}`, { headers: { Accept: "application/json" } }).then(
        async (answer) => {
          const body = await answer.json().catch(() => null);
          if (answer.status === 404) return null; // nothing recorded for this key
          if (!answer.ok) {
            const message = body?.message || `HTTP ${answer.status}`;
            throw new Error(message);
          }
          return body;
        },
      );
      pending.catch(() => this.cache.delete(path)); // a failure is retried next time
      this.cache.set(path, pending);
    }
    return this.cache.get(path);
  }

  orgs() {
    return this.get("/public/orgs").then((body) => (body ? body.items : []));
  }

  networks() {
    return this.get("/public/networks").then((body) => (body ? body.items : []));
  }

  static statsPath(scope, period, by = null) {
    const params = new URLSearchParams({ scope, period });
    if (by) params.set("by", by); // survey results by gender or age band
    return `/public/stats?${params}`;
  }

  stats(scope, period, by = null) {
    return this.get(PublicApi.statsPath(scope, period, by));
  }

  /**
   * Fetch many cells with ``/public/compare`` (scopes × periods, one request per
   * ``MAX_COMPARE_CELLS``) and keep each as if ``/public/stats`` had answered it.
   * Returns false when that route cannot help (it failed, or a scope it does not know): the
   * cells are then fetched one by one.
   */
  async prefetch(pairs) {
    const scopes = [...new Set(pairs.map(([scope]) => scope))];
    const periods = [...new Set(pairs.map(([, period]) => period))];
    // Only a full grid is asked for; a sparse one would fetch cells nobody needs.
    if (scopes.length * periods.length > pairs.length * 1.5) return false;
    const perRequest = Math.max(1, Math.floor(MAX_COMPARE_CELLS / periods.length));
    const requests = [];
    for (let start = 0; start < scopes.length; start += perRequest) {
      const query = new URLSearchParams({
        scopes: scopes.slice(start, start + perRequest).join(","),
        periods: periods.join(","),
      });
      requests.push(this.get(`/public/compare?${query}`));
    }
    try {
      const answers = await Promise.all(requests);
      if (answers.some((answer) => !answer || !Array.isArray(answer.items))) return false;
      for (const answer of answers) {
        for (const item of answer.items)
          this.cache.set(PublicApi.statsPath(item.scope, item.period), Promise.resolve(item));
      }
      return true;
    } catch {
      return false;
    }
  }

  /** Many statistics at once: one compare request if it can, else ``parallel`` at a time. */
  async many(pairs, parallel = 6) {
    const missing = pairs.filter(([scope, period]) => !this.cache.has(PublicApi.statsPath(scope, period)));
    if (missing.length > 1) await this.prefetch(missing);
    const results = new Array(pairs.length);
    let next = 0;
    const worker = async () => {
      while (next < pairs.length) {
        const index = next++;
        results[index] = await this.stats(pairs[index][0], pairs[index][1]);
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallel, pairs.length) }, worker));
    return results;
  }
}

export const CSV_COLUMNS = [
  "section",
  "scope",
  "scope_name",
  "municipality_code",
  "period",
  "measure",
  "value",
  "n",
  "ci95_low",
  "ci95_high",
  "agree_share",
  "suppressed",
  "reason",
];

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

// A spreadsheet runs a text cell starting with = + - @ (or tab, CR) as a formula: such
// text gets a leading ' (the rule of chalicelib/domain/exports.py, for every CSV).
const FORMULA_START = /^[=+\-@\t\r]/;

function csvCell(value) {
  if (value === null || value === undefined) return "";
  const text = typeof value === "string" && FORMULA_START.test(value) ? `'${value}` : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180 CSV of tidy rows (dot decimals, machine-readable in every language). */
export function toCsv(rows) {
  const lines = [CSV_COLUMNS.join(",")];
  for (const item of rows) lines.push(CSV_COLUMNS.map((column) => csvCell(item[column])).join(","));
  return `${lines.join("\r\n")}\r\n`;
}
