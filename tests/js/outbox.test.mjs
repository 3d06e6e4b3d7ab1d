// The outbox's ordering and retry rules (static_site/app/js/outbox-core.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  applyAnswer,
  backoff,
  classify,
  markSending,
  newEntry,
  nextToSend,
  nextWake,
  overwrite,
  pruneSent,
  rebaseOnOwnEdits,
  recover,
  remove,
  summary,
  unsent,
  wakeAll,
} from "../../static_site/app/js/outbox-core.js";

const T0 = 1_000_000;
const create = (key, title = key) => newEntry({ key, kind: "create", unitId: "u1", title, body: { title } }, T0);
const update = (key, id, version = 1) =>
  newEntry({ key, kind: "update", unitId: "u1", activityId: id, title: key, body: { title: key }, version }, T0);
const del = (key, id) => newEntry({ key, kind: "delete", unitId: "u1", activityId: id, title: key }, T0);

function send(entries, now, status, body) {
  const next = nextToSend(entries, now);
  assert.ok(next, "something to send");
  return { key: next.key, entries: applyAnswer(markSending(entries, next.key), next.key, status, body, now) };
}

test("saves go in the order they were made, one at a time", () => {
  let entries = [create("a"), create("b"), create("c")];
  const order = [];
  for (let i = 0; i < 3; i += 1) {
    const next = nextToSend(entries, T0);
    order.push(next.key);
    entries = markSending(entries, next.key);
    assert.equal(nextToSend(entries, T0), null, "nothing else while one is on the wire");
    entries = applyAnswer(entries, next.key, 201, { id: `id-${next.key}`, version: 1 }, T0);
  }
  assert.deepEqual(order, ["a", "b", "c"]);
  assert.equal(nextToSend(entries, T0), null);
  assert.deepEqual(summary(entries), { waiting: 0, problems: 0, sent: 3 });
});

test("no answer: the same entry is resent later with the same key, and holds back the rest", () => {
  let entries = [create("a"), create("b")];
  ({ entries } = send(entries, T0, 0, null));
  assert.equal(entries[0].state, "waiting");
  assert.equal(entries[0].attempts, 1);
  assert.equal(nextToSend(entries, T0), null, "b does not overtake a");
  assert.equal(nextWake(entries), T0);
  const later = T0 + backoff(1);
  assert.equal(nextToSend(entries, later).key, "a");
});

test("back-off doubles from a second up to a minute", () => {
  assert.deepEqual([1, 2, 3, 4].map(backoff), [1000, 2000, 4000, 8000]);
  assert.equal(backoff(30), 60_000);
  assert.equal(backoff(0), 0);
});

test("server trouble, rate limits and a key still in progress are retried", () => {
  for (const [status, body] of [
    [500, {}],
    [503, {}],
    [429, {}],
    [408, {}],
    [409, { error: "in_progress" }],
  ]) {
    assert.equal(classify("create", status, body), "retry", String(status));
  }
});

test("an expired sign-in keeps the save waiting for the next sign-in", () => {
  const { entries } = send([create("a")], T0, 401, { error: "unauthenticated" });
  assert.equal(entries[0].state, "waiting");
  assert.equal(classify("update", 401, {}), "signin");
});

test("a refusal is kept with its reason and text, and does not block other activities", () => {
  let entries = [create("a"), update("b", "x1")];
  ({ entries } = send(entries, T0, 400, { error: "invalid_input", errors: [{ field: "title", problem: "too long" }] }));
  assert.equal(entries[0].state, "refused");
  assert.equal(entries[0].error.errors[0].field, "title");
  assert.deepEqual(entries[0].body, { title: "a" }, "the text is kept to fix it");
  assert.equal(nextToSend(entries, T0).key, "b");
  assert.deepEqual(summary(entries), { waiting: 1, problems: 1, sent: 0 });
});

test("a conflict with a colleague's edit holds back later saves of that activity only", () => {
  let entries = [update("u1", "x1", 1), del("d1", "x1"), update("u2", "y1", 3)];
  ({ entries } = send(entries, T0, 409, { error: "conflict", current_version: 2 }));
  assert.equal(entries[0].state, "conflict");
  assert.equal(nextToSend(entries, T0).key, "u2", "the delete of x1 waits for the worker");
  entries = overwrite(entries, "u1", 2, T0 + 5);
  assert.equal(entries[0].version, 2);
  assert.equal(nextToSend(entries, T0 + 5).key, "u1");
});

test("a delete whose first answer was lost is done when the activity is gone", () => {
  assert.equal(classify("delete", 404, {}), "sent");
  assert.equal(classify("update", 404, {}), "refused");
  assert.equal(classify("create", 409, { error: "conflict" }), "refused");
});

test("after the app was closed mid-send the entry is sent again", () => {
  let entries = markSending([create("a")], "a");
  assert.equal(nextToSend(entries, T0), null);
  entries = recover(entries);
  assert.equal(nextToSend(entries, T0).key, "a");
});

test("a created activity remembers its server id", () => {
  const { entries } = send([create("a")], T0, 201, { id: "srv1", version: 1 });
  assert.equal(entries[0].activity_id, "srv1");
  assert.deepEqual(entries[0].result, { id: "srv1", version: 1 });
});

test("sent entries keep no text and only the newest are kept", () => {
  let entries = [];
  for (let i = 0; i < 25; i += 1) entries.push(create(`k${i}`));
  entries = entries.map((e) => applyAnswer([e], e.key, 201, { id: e.key, version: 1 }, T0)[0]);
  entries.push(create("late"));
  const kept = pruneSent(entries, 20);
  assert.equal(kept.filter((e) => e.state === "sent").length, 20);
  assert.equal(kept[0].key, "k5");
  assert.ok(kept.filter((e) => e.state === "sent").every((e) => e.body === null));
  assert.deepEqual(kept.at(-1).body, { title: "late" });
  assert.deepEqual(
    unsent(kept).map((e) => e.key),
    ["late"],
  );
});

test("entries need a key, a known kind, and an id to change", () => {
  assert.throws(() => newEntry({ kind: "create", unitId: "u" }, T0));
  assert.throws(() => newEntry({ key: "k", kind: "patch", unitId: "u" }, T0));
  assert.throws(() => newEntry({ key: "k", kind: "update", unitId: "u" }, T0));
  assert.deepEqual(
    remove([create("a"), create("b")], "a").map((e) => e.key),
    ["b"],
  );
});

test("two edits of one activity made offline do not conflict with each other", () => {
  let entries = [update("first", "x1", 4), update("second", "x1", 4), update("other", "y1", 4)];
  ({ entries } = send(entries, T0, 200, { id: "x1", version: 5 }));
  assert.equal(entries[1].version, 5, "the next edit builds on the stored one");
  assert.equal(entries[2].version, 4, "another activity keeps its version");
  ({ entries } = send(entries, T0, 200, { id: "x1", version: 6 }));
  assert.equal(entries[1].state, "sent");
});

test("an edit from a form opened before the worker's own edit was stored builds on it", () => {
  let entries = [update("first", "x1", 4)];
  ({ entries } = send(entries, T0, 200, { id: "x1", version: 5 }));
  const again = rebaseOnOwnEdits(entries, update("again", "x1", 4));
  assert.equal(again.version, 5);
  const colleagues = rebaseOnOwnEdits(entries, update("later", "x1", 7));
  assert.equal(colleagues.version, 7, "a newer version read from the server stays");
});

test("Send now and a returning connection end the back-off, in the same order", () => {
  let entries = [create("a"), create("b")];
  ({ entries } = send(entries, T0, 0, null));
  ({ entries } = send(entries, T0 + backoff(1), 503, {}));
  assert.equal(nextToSend(entries, T0 + 1500), null);
  entries = wakeAll(entries, T0 + 1500);
  assert.equal(nextToSend(entries, T0 + 1500).key, "a");
});
