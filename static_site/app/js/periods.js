// Statistics periods as the API names them: a year "YYYY", a quarter "YYYY-Qn", a month
// "YYYY-MM" (docs/stats.md; the server's rules are chalicelib/domain/periods.py). Pure:
// no DOM, unit-tested with node --test (tests/js/periods.test.mjs).

/** The period containing `date` at a grain: "YYYY", "YYYY-Qn" or "YYYY-MM". */
export function periodOf(date, grain) {
  const year = date.getFullYear();
  const month = date.getMonth() + 1;
  if (grain === "year") return String(year);
  if (grain === "quarter") return `${year}-Q${Math.ceil(month / 3)}`;
  return `${year}-${String(month).padStart(2, "0")}`;
}

/** The first and last day (YYYY-MM-DD) of a period. */
export function periodBounds(period) {
  const [yearText, part] = period.split("-");
  const year = Number(yearText);
  let first = 1;
  let last = 12;
  if (part?.startsWith("Q")) {
    first = (Number(part.slice(1)) - 1) * 3 + 1;
    last = first + 2;
  } else if (part) {
    first = Number(part);
    last = first;
  }
  const pad = (n) => String(n).padStart(2, "0");
  const lastDay = new Date(Date.UTC(year, last, 0)).getUTCDate();
  return [`${year}-${pad(first)}-01`, `${year}-${pad(last)}-${pad(lastDay)}`];
}

/** The period `step` periods of the same grain after (negative: before) `period`. */
export function shiftPeriod(period, step) {
  const [yearText, part] = period.split("-");
  const year = Number(yearText);
  if (!part) return String(year + step);
  if (part.startsWith("Q")) {
    const index = year * 4 + Number(part.slice(1)) - 1 + step;
    return `${Math.floor(index / 4)}-Q${(index % 4) + 1}`;
  }
  const index = year * 12 + Number(part) - 1 + step;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
}

/** "year", "quarter" or "month". */
export function grainOf(period) {
  if (!period.includes("-")) return "year";
  return period.includes("Q") ? "quarter" : "month";
}
