// The open statistics' pure figures module (static_site/stats/figures.js): ranks,
// reading measures, and its tidy rows written by the shared CSV writer (with the formula guard).
import assert from "node:assert/strict";
import { test } from "node:test";

import { toCsv as writeCsv } from "../../static_site/shared/csv.js";
import {
  CSV_COLUMNS,
  countOf,
  orderedKeys,
  rankAndQuintile,
  readMeasure,
  row,
} from "../../static_site/stats/figures.js";

const toCsv = (rows) => writeCsv(CSV_COLUMNS, rows);

/** A minimal RFC 4180 reader: enough to read back what toCsv wrote. */
function readCsv(text) {
  const rows = [];
  let cells = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      cells.push(cell);
      cell = "";
    } else if (char === "\r" && text[i + 1] === "\n") {
      cells.push(cell);
      rows.push(cells);
      cells = [];
      cell = "";
      i += 1;
    } else cell += char;
  }
  return rows;
}

test("ties share a rank, absent values get none, quintiles count from the top", () => {
  const ranked = rankAndQuintile([10, 30, 30, null, 5]);
  assert.deepEqual(
    ranked.map((r) => [r.rank, r.quintile]),
    [
      [3, 3],
      [1, 1],
      [1, 1],
      [null, null],
      [4, 4],
    ],
  );
  assert.deepEqual(rankAndQuintile([]), []);
});

test("a suppressed or missing indicator reads as no value, never as zero", () => {
  const stats = {
    indicators: { safety: { suppressed: true, reason: "too_few_respondents" }, belonging: { mean: 3.8 } },
  };
  assert.equal(readMeasure(stats, "indicator:safety"), null);
  assert.equal(readMeasure(stats, "indicator:belonging"), 3.8);
  assert.equal(readMeasure(stats, "indicator:influence"), null);
  assert.equal(readMeasure(null, "indicator:belonging"), null);
  assert.equal(countOf(4), 4);
  assert.equal(countOf({ count: 2 }), 2);
  assert.equal(countOf(undefined), 0);
  assert.deepEqual(orderedKeys(["a", "b"], { z: 1, b: 2, c: 3 }), ["a", "b", "c", "z"]);
});

test("a text a spreadsheet would run as a formula gets a leading quote; numbers stay numbers", () => {
  const names = ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "\tTab", "\rCR", "Kallio"];
  const csv = toCsv(names.map((name) => row("compare", "org:x", name, "2025", "visits", -3)));
  const [header, ...rows] = readCsv(csv);
  assert.deepEqual(header, CSV_COLUMNS);
  const column = (name) => header.indexOf(name);
  assert.deepEqual(
    rows.map((cells) => cells[column("scope_name")]),
    ['\'=HYPERLINK("http://x")', "'+1", "'-2", "'@SUM(A1)", "'\tTab", "'\rCR", "Kallio"],
  );
  // A number is no text: a negative value is written as it is.
  assert.ok(rows.every((cells) => cells[column("value")] === "-3"));
});

test("the CSV round-trips commas, quotes and line breaks, and writes absent values empty", () => {
  const csv = toCsv([row("compare", "org:x", 'Ljubljana, "MC"\nŠiška', "2025", "visits", 1.5, { n: 20 })]);
  assert.ok(csv.endsWith("\r\n"));
  const [header, cells] = readCsv(csv);
  const record = Object.fromEntries(header.map((name, i) => [name, cells[i]]));
  assert.equal(record.scope_name, 'Ljubljana, "MC"\nŠiška');
  assert.equal(record.value, "1.5");
  assert.equal(record.n, "20");
  assert.equal(record.ci95_low, "");
  assert.equal(record.suppressed, "false");
});
