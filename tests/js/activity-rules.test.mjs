// The activity form's own rules (static_site/app/js/activity-rules.js): a new activity's
// starting values, the checks (the API's rules, docs/architecture.md) and their messages.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  activityDefaults,
  activityProblems,
  ageBandsTotal,
  participantsTotal,
  problemMessageKey,
} from "../../static_site/app/js/activity-rules.js";

const valid = () => ({
  ...activityDefaults(null, "2026-03-14"),
  title: "Friday open house",
  participants: { girls: 5, boys: 7, nonbinary: 1, undisclosed: 0 },
  new_participants: 2,
  youth_leaders: 2,
});
const fields = (v) => activityProblems(v).map((p) => `${p.field}:${p.code}`);

test("a new activity starts from the last one's kind, time, title and staff, with counts at zero", () => {
  const last = {
    kind: "group",
    categories: ["sport"],
    start_time: "17:00",
    duration_minutes: 90,
    title: "Football",
    staff: 3,
    volunteers: 2,
    youth_led: true,
    participants: { girls: 9, boys: 9, nonbinary: 0, undisclosed: 0 },
    notes: "diary",
    new_participants: 4,
  };
  const fresh = activityDefaults(last, "2026-03-15");
  assert.equal(fresh.date, "2026-03-15");
  assert.deepEqual(
    [fresh.kind, fresh.start_time, fresh.duration_minutes, fresh.title, fresh.staff, fresh.volunteers, fresh.youth_led],
    ["group", "17:00", 90, "Football", 3, 2, true],
  );
  assert.deepEqual(fresh.participants, { girls: 0, boys: 0, nonbinary: 0, undisclosed: 0 });
  assert.equal(fresh.notes, "");
  assert.equal(fresh.new_participants, 0);
  assert.equal(fresh.status, "done");
  fresh.categories.push("culture"); // a copy: the last activity is not changed
  assert.deepEqual(last.categories, ["sport"]);
});

test("without a last activity: an open activity of two hours, one staff", () => {
  const fresh = activityDefaults(undefined, "2026-01-01");
  assert.deepEqual([fresh.kind, fresh.duration_minutes, fresh.staff, fresh.age_bands], ["open", 120, 1, null]);
});

test("a complete activity has no problems", () => {
  assert.deepEqual(activityProblems(valid()), []);
  assert.equal(participantsTotal(valid()), 13);
});

test("missing date, title and kind, and a duration out of range, are each named", () => {
  const v = { ...valid(), date: "", title: "", kind: null, duration_minutes: 0 };
  assert.deepEqual(fields(v), ["date:missing", "duration_minutes:out_of_range", "title:missing", "kind:missing"]);
  assert.deepEqual(fields({ ...valid(), duration_minutes: 1441 }), ["duration_minutes:out_of_range"]);
  assert.deepEqual(fields({ ...valid(), duration_minutes: 1440 }), []);
});

test("counts must be whole numbers from 0 up to the maximum", () => {
  const v = valid();
  v.participants = { ...v.participants, girls: -1, boys: 2.5, nonbinary: Number.NaN };
  v.staff = 10001;
  assert.deepEqual(fields(v), [
    "participants.girls:count",
    "participants.boys:count",
    "participants.nonbinary:count",
    "staff:count",
  ]);
});

test("sums are checked only once every count is whole", () => {
  const v = { ...valid(), new_participants: 99, staff: -1 };
  assert.deepEqual(fields(v), ["staff:count"]);
});

test("age bands, when given, sum to the total; new participants and youth leaders do not exceed it", () => {
  const v = { ...valid(), new_participants: 14, youth_leaders: 14 };
  v.age_bands = { under_13: 0, "13_15": 6, "16_18": 5, "19_24": 1, "25_29": 0, over_29: 0 };
  assert.deepEqual(fields(v), [
    "age_bands:age_bands_total",
    "new_participants:exceeds_total",
    "youth_leaders:exceeds_total",
  ]);
  assert.equal(ageBandsTotal(v), 12);
  v.age_bands["19_24"] = 2;
  v.new_participants = 13;
  v.youth_leaders = 0;
  assert.deepEqual(fields(v), []);
});

test("a plan's intentions are limited in length", () => {
  assert.deepEqual(fields({ ...valid(), intentions: "x".repeat(5001) }), ["intentions:string_too_long"]);
});

test("each problem has its message; the code picks between two for new participants and youth leaders", () => {
  assert.equal(problemMessageKey("age_bands", "age_bands_total"), "err.ageBands");
  assert.equal(problemMessageKey("new_participants", "exceeds_total"), "err.exceedsTotal");
  assert.equal(problemMessageKey("youth_leaders", "less_than_equal"), "err.count");
  assert.equal(problemMessageKey("new_participants", "count"), "err.count");
  assert.equal(problemMessageKey("participants.girls", "count"), "err.count");
  assert.equal(problemMessageKey("age_bands.13_15", "count"), "err.count");
  assert.equal(problemMessageKey("staff", "count"), "err.count");
  assert.equal(problemMessageKey("goal_ids.0", undefined), "err.goal");
  assert.equal(problemMessageKey("goal_ratings.g1", "less_than_equal"), "err.goal");
  assert.equal(problemMessageKey("reflection.q1", "string_too_long"), "err.reflection");
  assert.equal(problemMessageKey("categories.0", "literal_error"), "err.categories");
  assert.equal(problemMessageKey("start_time", undefined), "err.time");
  assert.equal(problemMessageKey("something_new", "missing"), "err.generic");
});
