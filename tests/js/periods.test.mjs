// The pages' one periods module (static_site/shared/periods.js) as the API names them:
// a year "YYYY", a quarter "YYYY-Qn", a month "YYYY-MM" (chalicelib/domain/periods.py).
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  grainOf,
  parsePeriod,
  periodBounds,
  periodKey,
  periodOf,
  seriesPeriods,
  shiftPeriod,
} from "../../static_site/shared/periods.js";

test("a date falls in its month, quarter and year", () => {
  const day = new Date(2026, 2, 14); // local time, as the device's calendar shows it
  assert.equal(periodOf(day, "month"), "2026-03");
  assert.equal(periodOf(day, "quarter"), "2026-Q1");
  assert.equal(periodOf(day, "year"), "2026");
  assert.equal(periodOf(new Date(2026, 11, 31), "quarter"), "2026-Q4");
  assert.equal(periodOf(new Date(2026, 3, 1), "quarter"), "2026-Q2");
});

test("a period's bounds are its first and last day, leap years included", () => {
  assert.deepEqual(periodBounds("2024-02"), ["2024-02-01", "2024-02-29"]);
  assert.deepEqual(periodBounds("2025-02"), ["2025-02-01", "2025-02-28"]);
  assert.deepEqual(periodBounds("2026-Q4"), ["2026-10-01", "2026-12-31"]);
  assert.deepEqual(periodBounds("2026-Q1"), ["2026-01-01", "2026-03-31"]);
  assert.deepEqual(periodBounds("2026"), ["2026-01-01", "2026-12-31"]);
});

test("shifting crosses year ends in both directions and keeps the grain", () => {
  assert.equal(shiftPeriod("2026-Q1", -1), "2025-Q4");
  assert.equal(shiftPeriod("2026-Q4", 1), "2027-Q1");
  assert.equal(shiftPeriod("2026-12", 1), "2027-01");
  assert.equal(shiftPeriod("2026-01", -1), "2025-12");
  assert.equal(shiftPeriod("2026-03", -15), "2024-12");
  assert.equal(shiftPeriod("2026", -1), "2025");
});

test("every month of a year lies inside its quarter and its year, and shifting round-trips", () => {
  for (let month = 1; month <= 12; month += 1) {
    const key = `2026-${String(month).padStart(2, "0")}`;
    const [first, last] = periodBounds(key);
    const quarter = periodOf(new Date(2026, month - 1, 1), "quarter");
    const [qFirst, qLast] = periodBounds(quarter);
    assert.ok(qFirst <= first && last <= qLast, `${key} inside ${quarter}`);
    assert.equal(shiftPeriod(shiftPeriod(key, 7), -7), key);
    assert.equal(grainOf(key), "month");
  }
  assert.equal(grainOf("2026-Q2"), "quarter");
  assert.equal(grainOf("2026"), "year");
});

test("periods parse as the API names them, and nothing else does", () => {
  assert.deepEqual(parsePeriod("2025-Q4"), { grain: "quarter", year: 2025, sub: 4, key: "2025-Q4" });
  assert.deepEqual(parsePeriod("2025-12"), { grain: "month", year: 2025, sub: 12, key: "2025-12" });
  assert.deepEqual(parsePeriod("2025"), { grain: "year", year: 2025, sub: null, key: "2025" });
  for (const bad of ["2025-13", "2025-Q5", "25", "2025-00", "2025-1", "", null, "2025-Q1 "]) {
    assert.equal(parsePeriod(bad), null, String(bad));
  }
  assert.equal(periodKey("month", 2025, 3), "2025-03");
  assert.equal(periodKey("quarter", 2025, 3), "2025-Q3");
  assert.equal(periodKey("year", 2025, null), "2025");
});

test("a series never reaches into the future", () => {
  const march = new Date(Date.UTC(2026, 2, 10));
  assert.deepEqual(seriesPeriods("months", "2026-Q1", march), ["2026-01", "2026-02", "2026-03"]);
  assert.deepEqual(seriesPeriods("quarters", "2026", march), ["2026-Q1"]);
  assert.deepEqual(seriesPeriods("years", "2025", march), ["2021", "2022", "2023", "2024", "2025"]);
  assert.equal(seriesPeriods("months", "2025", march).length, 12);
});
