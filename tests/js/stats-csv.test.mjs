// One CSV layout: the /stats/ page's Download CSV of a view, made by the very section
// builders and writer the page uses, equals the checked-in file that GET /public/stats.csv
// writes from the same answer (tests/golden/; the API's side: tests/unit/test_stats_table.py).
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { test } from "node:test";

import { installFakeDocument } from "./fake-dom.mjs";

installFakeDocument();
const { toCsv } = await import("../../static_site/shared/csv.js");
const { loadTables, translator } = await import("../../static_site/shared/i18n.js");
const { withCodes } = await import("../../static_site/stats/downloads.js");
const { CSV_COLUMNS, directory } = await import("../../static_site/stats/figures.js");
const { names } = await import("../../static_site/stats/names.js");
const { scopeSections } = await import("../../static_site/stats/sections.js");

const read = (path) => readFile(new URL(path, import.meta.url), "utf8");
const golden = JSON.parse(await read("../golden/stats-view.json"));
const expected = await read("../golden/stats-view.csv");

async function pageCsv(lang, { by = golden.view.by } = {}) {
  const readBundle = async (file) => JSON.parse(await read(`../../static_site/shared/i18n/${file}`));
  const tr = translator(lang, await loadTables(["common", "stats"], lang, readBundle));
  const scopes = directory(golden.orgs, golden.networks);
  const pageNames = names(tr, scopes);
  const view = { ...golden.view, by, compare: "none", metric: "visits", notices: [] };
  // As stats.js loads it: the scope's document, and the groups from the answer with `by`.
  const { groups, ...main } = golden.statistics;
  const context = {
    names: pageNames,
    view,
    name: pageNames.scopeName(view.scope),
    peers: null,
    groups: by === "none" ? null : groups,
    widths: { wide: 640, pair: 320 },
  };
  const rows = scopeSections(main, context).flatMap((part) => part.rows);
  return toCsv(CSV_COLUMNS, withCodes(rows, scopes));
}

test("the page's CSV of the golden view is byte for byte the API's", async () => {
  assert.equal(await pageCsv("en"), expected);
});

test("the file does not depend on the page's language", async () => {
  assert.equal(await pageCsv("sl"), expected);
  assert.equal(await pageCsv("sv"), expected);
});

test("without by the file is the same rows without the groups", async () => {
  const withoutGroups = expected
    .split("\r\n")
    .filter((line) => !line.startsWith("gender="))
    .join("\r\n");
  assert.equal(await pageCsv("en", { by: "none" }), withoutGroups);
});

test("every scope is named in the file as the API names it, in no language", async () => {
  const readBundle = async (file) => JSON.parse(await read(`../../static_site/shared/i18n/${file}`));
  const tr = translator("sl", await loadTables(["common", "stats"], "sl", readBundle));
  const scopes = directory(golden.orgs, golden.networks);
  const pageNames = names(tr, scopes);
  const named = Object.fromEntries(
    ["all", "unit:u1", "country:SI", "network:n1", "org:o2"].map((scope) => {
      const [item] = withCodes([{ scope, scope_name: pageNames.scopeName(scope) }], scopes);
      return [scope, [item.scope_name, item.municipality_code]];
    }),
  );
  // The same names and codes as chalicelib/domain/stats_table.py scope_facts (test_stats_table.py).
  assert.deepEqual(named, {
    all: ["All", null],
    "unit:u1": ['Kotel, "MC"', "061"],
    "country:SI": ["SI", null],
    "network:n1": ["@Network", null],
    "org:o2": ["Tampere", "837"],
  });
});
