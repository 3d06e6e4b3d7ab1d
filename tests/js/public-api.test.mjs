// The public API's client (static_site/shared/api.js): one request per path, 404 as
// nothing, a failure retried, many cells in few /public/compare requests.
import assert from "node:assert/strict";
import { test } from "node:test";

import { ApiError, PublicApi } from "../../static_site/shared/api.js";
import { MAX_COMPARE_CELLS } from "../../static_site/shared/vocabulary.js";

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

test("a failed public read keeps the API's error shape and status", async () => {
  const { fetcher } = fakeFetcher({ "/public/orgs": [400, { error: "bad_request", message: "scope: unknown" }] });
  await assert.rejects(new PublicApi("https://api.example", fetcher).orgs(), (error) => {
    assert.ok(error instanceof ApiError);
    assert.equal(error.status, 400);
    assert.equal(error.message, "scope: unknown");
    return true;
  });
});

test("a public read without a network ends as status 0", async () => {
  const fetcher = async () => {
    throw new TypeError("Failed to fetch");
  };
  await assert.rejects(new PublicApi("https://api.example", fetcher).report("all", "2025"), (error) => {
    assert.equal(error.status, 0);
    assert.ok(error.offline);
    return true;
  });
});
