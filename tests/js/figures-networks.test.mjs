// The /stats/ directory's network and country scopes (static_site/stats/figures.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { directory } from "../../static_site/stats/figures.js";

const orgs = [
  { id: "lj", name: "Ljubljana", country: "SI", youth_population: 40000, units: [{ id: "u1", name: "A" }] },
  { id: "mb", name: "Maribor", country: "SI", youth_population: 15000, units: [] },
  { id: "tre", name: "Tampere", country: "FI", units: [] },
];

test("a network is a scope with its known members and their population", () => {
  const scopes = directory(orgs, [{ id: "n1", name: "MaMa", org_ids: ["lj", "mb", "gone"], countries: ["SI"] }]);
  const network = scopes.get("network:n1");
  assert.equal(network.kind, "network");
  assert.equal(network.name, "MaMa");
  assert.deepEqual(network.orgIds, ["lj", "mb"]);
  assert.equal(network.population, 55000);
});

test("every country with an organisation is a scope; population only when all give it", () => {
  const scopes = directory(orgs);
  assert.deepEqual(
    [...scopes.keys()].filter((key) => key.startsWith("country:")),
    ["country:FI", "country:SI"],
  );
  assert.equal(scopes.get("country:SI").population, 55000);
  assert.equal(scopes.get("country:FI").population, null);
  assert.deepEqual(scopes.get("country:FI").orgIds, ["tre"]);
});

test("without networks the directory is as before, plus countries", () => {
  const scopes = directory(orgs);
  assert.ok(scopes.has("org:lj") && scopes.has("unit:u1") && scopes.has("all"));
  assert.equal([...scopes.keys()].filter((key) => key.startsWith("network:")).length, 0);
});
