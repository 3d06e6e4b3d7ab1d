// The app's API client (static_site/app/js/api.js): a read that gets no answer ends,
// so a page section waiting on it shows its problem (or the answer kept for offline use)
// instead of loading for ever; a write is never cut short.
import assert from "node:assert/strict";
import { test } from "node:test";

class MemoryStorage {
  constructor() {
    this.items = new Map();
  }
  getItem(key) {
    return this.items.has(key) ? this.items.get(key) : null;
  }
  setItem(key, value) {
    this.items.set(key, String(value));
  }
  removeItem(key) {
    this.items.delete(key);
  }
  key(index) {
    return [...this.items.keys()][index] ?? null;
  }
  get length() {
    return this.items.size;
  }
}

globalThis.window = { LOGBOOK_CONFIG: { apiUrl: "https://api.example" }, dispatchEvent() {} };
globalThis.localStorage = new MemoryStorage();
const claims = { email: "worker@example.org", exp: Math.floor(Date.now() / 1000) + 3600 };
localStorage.setItem("logbook.token", `x.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.y`);

const asked = [];
let answer = () => new Promise(() => {}); // the network never answers
globalThis.fetch = (url, options = {}) => {
  asked.push({ url, method: options.method, signal: options.signal });
  if (!options.signal) return answer();
  return new Promise((resolve, reject) => {
    options.signal.addEventListener("abort", () => reject(options.signal.reason));
    answer().then(resolve, reject);
  });
};

const { ApiError, call } = await import("../../static_site/app/js/api.js");
// Node does not wait for an AbortSignal.timeout by itself (its timer is unref'd).
async function keepingTheLoopAlive(run) {
  const alive = setInterval(() => {}, 1000);
  try {
    return await run();
  } finally {
    clearInterval(alive);
  }
}
const json = (status, body) => ({
  status,
  ok: status < 300,
  headers: new Map([["Content-Type", "application/json"]]),
  json: async () => body,
});

test("a read without an answer ends as 'no connection' after its time", { timeout: 5000 }, async () => {
  const started = Date.now();
  await assert.rejects(
    keepingTheLoopAlive(() => call("GET", "/orgs/o1/goals", undefined, { timeout: 50 })),
    (error) => {
      assert.ok(error instanceof ApiError);
      assert.equal(error.status, 0);
      return true;
    },
  );
  assert.ok(Date.now() - started < 2000);
});

test("a read without an answer falls back to what was kept for offline use", { timeout: 5000 }, async () => {
  answer = async () => json(200, { items: [{ id: "g1" }] });
  assert.deepEqual(await call("GET", "/orgs/o1/goals"), { items: [{ id: "g1" }] });
  answer = () => new Promise(() => {});
  const kept = await keepingTheLoopAlive(() => call("GET", "/orgs/o1/goals", undefined, { timeout: 50 }));
  assert.deepEqual(kept, { items: [{ id: "g1" }] });
});

test("every read has a deadline by default; a write has none", async () => {
  answer = async () => json(201, { id: "a1" });
  asked.length = 0;
  await call("POST", "/units/u1/activities", { title: "x" });
  await call("GET", "/me");
  assert.equal(asked[0].method, "POST");
  assert.equal(asked[0].signal, undefined);
  assert.equal(asked[1].method, "GET");
  assert.ok(asked[1].signal, "a GET carries an AbortSignal");
});
