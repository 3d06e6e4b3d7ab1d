// The pages' one CSV writer (static_site/shared/csv.js): RFC 4180 and the formula guard
// of chalicelib/domain/csv_cells.py.
import assert from "node:assert/strict";
import { test } from "node:test";

import { csvCell, toCsv } from "../../static_site/shared/csv.js";

test("every text a spreadsheet would run as a formula gets a leading quote", () => {
  for (const text of ["=1+1", "+1", "-1", "@A1", "\tx", "\rx"])
    assert.equal(csvCell(text).replace(/^"|"$/g, "")[0], "'");
  assert.equal(csvCell("Kallio"), "Kallio");
  assert.equal(csvCell(-3), "-3");
  assert.equal(csvCell(false), "false");
  assert.equal(csvCell(null), "");
  assert.equal(csvCell(undefined), "");
});

test("the header is guarded too, and every line ends in CRLF", () => {
  const csv = toCsv(["a", "=b"], [{ a: 'x "y"', "=b": 2 }]);
  assert.equal(csv, `a,'=b\r\n"x ""y""",2\r\n`);
});
