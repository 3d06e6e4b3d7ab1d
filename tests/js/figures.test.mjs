// The open statistics' pure figures module (static_site/stats/figures.js): periods,
// ranks, reading measures, the CSV (with the formula guard) and the public API client.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  CSV_COLUMNS,
  countOf,
  MAX_COMPARE_CELLS,
  orderedKeys,
  PublicApi,
  parsePeriod,
  periodKey,
  rankAndQuintile,
  readMeasure,
  row,
  seriesPeriods,
  toCsv,
} from "../../static_site/stats/figures.js";

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

/** A fetcher that answers from a table of paths and records what was asked. */
function fakeFetcher(answers) {
  const asked = [];
  const fetcher = async (url) => {
    const path = url.replace("https://api.example", "");
    asked.push(path);
    const [status, body] = (typeof answers === "function" ? answers(path) : answers[path]) || [
      404,
      { error: "not_found" },
    ];
    return { status, ok: status >= 200 && status < 300, json: async () => body };
  };
  return { fetcher, asked };
}

test("the API client asks once per path, answers 404 as nothing, and retries a failure", async () => {
  let failures = 1;
  const { fetcher, asked } = fakeFetcher((path) => {
    if (path === "/public/orgs") return [200, { items: [{ id: "o1" }] }];
    if (path.startsWith("/public/stats?scope=org%3Ao1")) {
      if (failures > 0) {
        failures -= 1;
        return [503, { message: "try again" }];
      }
      return [200, { scope: "org:o1" }];
    }
    return [404, null];
  });
  const api = new PublicApi("https://api.example/", fetcher);
  assert.deepEqual(await api.orgs(), [{ id: "o1" }]);
  assert.deepEqual(await api.orgs(), [{ id: "o1" }]);
  assert.equal(await api.stats("unit:none", "2025"), null);
  await assert.rejects(api.stats("org:o1", "2025"), /try again/);
  await new Promise((resolve) => setImmediate(resolve)); // the failed answer leaves the cache
  assert.deepEqual(await api.stats("org:o1", "2025"), { scope: "org:o1" });
  assert.equal(asked.filter((p) => p === "/public/orgs").length, 1);
  assert.equal(asked.filter((p) => p.startsWith("/public/stats?scope=org%3Ao1")).length, 2);
});

test("many cells are one compare request per MAX_COMPARE_CELLS, kept as if asked one by one", async () => {
  const periods = Array.from({ length: 12 }, (_, i) => `2025-${String(i + 1).padStart(2, "0")}`);
  const scopes = Array.from({ length: 20 }, (_, i) => `unit:u${i}`);
  const pairs = scopes.flatMap((scope) => periods.map((period) => [scope, period]));
  const { fetcher, asked } = fakeFetcher((path) => {
    const query = new URLSearchParams(path.split("?")[1]);
    const items = query
      .get("scopes")
      .split(",")
      .flatMap((scope) =>
        query
          .get("periods")
          .split(",")
          .map((period) => ({ scope, period, activities: { count: 1 } })),
      );
    return [200, { items }];
  });
  const api = new PublicApi("https://api.example", fetcher);
  const results = await api.many(pairs);
  assert.equal(results.length, pairs.length);
  assert.ok(results.every((r, i) => r.scope === pairs[i][0] && r.period === pairs[i][1]));
  assert.ok(asked.every((path) => path.startsWith("/public/compare?")));
  const perRequest = Math.floor(MAX_COMPARE_CELLS / periods.length);
  assert.equal(asked.length, Math.ceil(scopes.length / perRequest));
});

test("when the compare route fails, the cells are asked one by one", async () => {
  const { fetcher, asked } = fakeFetcher((path) => {
    if (path.startsWith("/public/compare?")) return [429, { message: "slow down" }];
    const query = new URLSearchParams(path.split("?")[1]);
    return [200, { scope: query.get("scope"), period: query.get("period") }];
  });
  const api = new PublicApi("https://api.example", fetcher);
  const results = await api.many([
    ["org:a", "2025"],
    ["org:b", "2025"],
  ]);
  assert.deepEqual(
    results.map((r) => r.scope),
    ["org:a", "org:b"],
  );
  assert.equal(asked.filter((p) => p.startsWith("/public/stats?")).length, 2);
});

test("the statistics address asks for groups only when a grouping is chosen", () => {
  assert.equal(PublicApi.statsPath("org:o1", "2026"), "/public/stats?scope=org%3Ao1&period=2026");
  assert.equal(PublicApi.statsPath("org:o1", "2026", "gender"), "/public/stats?scope=org%3Ao1&period=2026&by=gender");
  assert.equal(PublicApi.statsPath("all", "2026-Q4", null), "/public/stats?scope=all&period=2026-Q4");
});
