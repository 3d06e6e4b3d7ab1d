// Statistics periods as the API names them: a year "YYYY", a quarter "YYYY-Qn", a month
// "YYYY-MM" (docs/stats.md; the server's rules are chalicelib/domain/periods.py). The one
// period module of the worker app and the statistics pages. Pure: no DOM, unit-tested
// with node --test (tests/js/periods.test.mjs).

import { PERIOD_PATTERN } from "./vocabulary.js";

/** How many years a series of years shows (the year asked for and those before it). */
export const YEARS_IN_SERIES = 5;

/** Parse "YYYY", "YYYY-Qn" or "YYYY-MM" into {grain, year, sub, key}; null when it is none of them. */
export function parsePeriod(value) {
  const match = PERIOD_PATTERN.exec(value || "");
  if (!match) return null;
  const year = Number(match[1]);
  if (match[2]) return { grain: "quarter", year, sub: Number(match[2]), key: value };
  if (match[3]) return { grain: "month", year, sub: Number(match[3]), key: value };
  return { grain: "year", year, sub: null, key: value };
}

/** The key of a period: periodKey("quarter", 2026, 2) is "2026-Q2". */
export function periodKey(grain, year, sub) {
  if (grain === "quarter") return `${year}-Q${sub}`;
  if (grain === "month") return `${year}-${String(sub).padStart(2, "0")}`;
  return String(year);
}

/** The period containing `date` (in the device's time zone) at a grain: "YYYY", "YYYY-Qn" or "YYYY-MM". */
export function periodOf(date, grain) {
  const month = date.getMonth() + 1;
  return periodKey(grain, date.getFullYear(), grain === "quarter" ? Math.ceil(month / 3) : month);
}

/** The first and last month (1–12) of a parsed period. */
function months(period) {
  if (period.grain === "quarter") return [(period.sub - 1) * 3 + 1, period.sub * 3];
  if (period.grain === "month") return [period.sub, period.sub];
  return [1, 12];
}

/** The first and last day (YYYY-MM-DD) of a period. */
export function periodBounds(key) {
  const period = parsePeriod(key);
  const [first, last] = months(period);
  const pad = (n) => String(n).padStart(2, "0");
  const lastDay = new Date(Date.UTC(period.year, last, 0)).getUTCDate();
  return [`${period.year}-${pad(first)}-01`, `${period.year}-${pad(last)}-${pad(lastDay)}`];
}

/** The period `step` periods of the same grain after (negative: before) `key`. */
export function shiftPeriod(key, step) {
  const { grain, year, sub } = parsePeriod(key);
  if (grain === "year") return String(year + step);
  const perYear = grain === "quarter" ? 4 : 12;
  const index = year * perYear + sub - 1 + step;
  return periodKey(grain, Math.floor(index / perYear), (index % perYear) + 1);
}

/** "year", "quarter" or "month". */
export function grainOf(key) {
  return parsePeriod(key).grain;
}

/** The first day of a period as a UTC time value, to leave out periods that have not begun yet. */
function periodStart(key) {
  const period = parsePeriod(key);
  return Date.UTC(period.year, months(period)[0] - 1, 1);
}

/**
 * The periods of a time series around `key` ("months" and "quarters": those of its
 * year; "years": it and the years before it), never one that has not begun by `now`.
 */
export function seriesPeriods(compare, key, now = new Date()) {
  const { year } = parsePeriod(key);
  let keys = [];
  if (compare === "months") keys = Array.from({ length: 12 }, (_, i) => periodKey("month", year, i + 1));
  if (compare === "quarters") keys = Array.from({ length: 4 }, (_, i) => periodKey("quarter", year, i + 1));
  if (compare === "years")
    keys = Array.from({ length: YEARS_IN_SERIES }, (_, i) => String(year - YEARS_IN_SERIES + 1 + i));
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return keys.filter((item) => periodStart(item) <= today);
}
