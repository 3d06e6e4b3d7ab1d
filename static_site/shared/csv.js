// The one CSV writer of the pages: RFC 4180, dot decimals (machine-readable in every
// language), and the formula guard. Pure: unit-tested with node --test (tests/js/csv.test.mjs).

// A spreadsheet runs a text cell starting with = + - @ (or tab, CR) as a formula: such
// text gets a leading ' (the rule of chalicelib/domain/csv_cells.py, for every CSV).
const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell: empty for null, a guarded and quoted text where needed. */
export function csvCell(value) {
  if (value === null || value === undefined) return "";
  const text = typeof value === "string" && FORMULA_START.test(value) ? `'${value}` : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A CSV file of `rows` (objects) with a header of `columns`, each line ending in CRLF. */
export function toCsv(columns, rows) {
  const lines = [columns.map(csvCell).join(",")];
  for (const item of rows) lines.push(columns.map((column) => csvCell(item[column])).join(","));
  return `${lines.join("\r\n")}\r\n`;
}
