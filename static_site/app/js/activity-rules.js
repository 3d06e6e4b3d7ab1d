// The activity form's rules (pure: no DOM, no clock): a new activity's starting values,
// the form's own checks — the same rules as the API's (docs/architecture.md, "Activities")
// — and which message says each problem.

import { AGE_BANDS, GENDERS, MAX_COUNT, MAX_REFLECTION as MAX_INTENTIONS } from "../../shared/vocabulary.js";

export const OTHER_COUNTS = ["new_participants", "youth_leaders", "volunteers", "staff"];
// Fields carried over from the unit's last activity into a new one.
export const CARRIED = [
  "kind",
  "categories",
  "start_time",
  "duration_minutes",
  "title",
  "staff",
  "volunteers",
  "youth_led",
];

/** A fresh activity on `date`, starting from the unit's `last` one (kind, time, title, staff, ...; counts at zero). */
export function activityDefaults(last, date) {
  const base = {
    date,
    start_time: null,
    duration_minutes: 120,
    kind: "open",
    categories: [],
    title: "",
    participants: Object.fromEntries(GENDERS.map((g) => [g, 0])),
    age_bands: null,
    new_participants: 0,
    youth_led: false,
    youth_leaders: 0,
    volunteers: 0,
    staff: 1,
    goal_ids: [],
    goal_ratings: {},
    notes: "",
    reflection: {},
    status: "done",
    intentions: "",
  };
  if (last) for (const name of CARRIED) if (last[name] !== undefined) base[name] = structuredClone(last[name]);
  return base;
}

/** The participants' total of an activity body (counts not yet whole numbers count as 0). */
export function participantsTotal(v) {
  return GENDERS.reduce((sum, g) => sum + (Number.isFinite(v.participants[g]) ? v.participants[g] : 0), 0);
}

/** The sum of an activity body's age bands (0 when not recorded). */
export function ageBandsTotal(v) {
  return AGE_BANDS.reduce((sum, b) => sum + (v.age_bands ? v.age_bands[b] || 0 : 0), 0);
}

/**
 * The problems of an activity body as the form has it, `[{field, problem}]`: "count" for
 * a count that is not a whole number from 0 to MAX_COUNT, else "exceeds" (the field
 * breaks its rule). Sums are checked only once every count is a whole number.
 */
export function activityProblems(v) {
  const problems = [];
  const add = (field, problem = "exceeds") => problems.push({ field, problem });
  if (!v.date) add("date");
  if (!Number.isInteger(v.duration_minutes) || v.duration_minutes < 1 || v.duration_minutes > 1440)
    add("duration_minutes");
  if (!v.title) add("title");
  if (!v.kind) add("kind");
  if (v.intentions.length > MAX_INTENTIONS) add("intentions");
  const counts = [
    ...GENDERS.map((g) => [`participants.${g}`, v.participants[g]]),
    ...OTHER_COUNTS.map((n) => [n, v[n]]),
    ...(v.age_bands ? AGE_BANDS.map((b) => [`age_bands.${b}`, v.age_bands[b]]) : []),
  ];
  for (const [field, n] of counts) {
    if (!Number.isInteger(n) || n < 0 || n > MAX_COUNT) add(field, "count");
  }
  if (problems.length) return problems;
  const participants = participantsTotal(v);
  if (v.age_bands && AGE_BANDS.reduce((s, b) => s + v.age_bands[b], 0) !== participants) add("age_bands");
  if (v.new_participants > participants) add("new_participants");
  if (v.youth_leaders > participants) add("youth_leaders");
  return problems;
}

/**
 * The message key that says a problem with `field` (the form's own, or the API's
 * `errors[]` with its English `problem`) in the user's words. The messages take
 * {ages}, {total} and {problem}.
 */
export function problemMessageKey(field, problem) {
  if (field === "age_bands") return "err.ageBands";
  if (field === "new_participants" || field === "youth_leaders") {
    return /exceed/.test(problem) ? "err.exceedsTotal" : "err.count";
  }
  if (field === "title") return "err.title";
  if (field === "date") return "err.date";
  if (field === "start_time") return "err.time";
  if (field === "duration_minutes") return "err.duration";
  if (field === "kind") return "err.kind";
  if (field.startsWith("categories")) return "err.categories";
  if (field.startsWith("goal_ids") || field.startsWith("goal_ratings")) return "err.goal";
  if (field.startsWith("reflection")) return "err.reflection";
  if (field === "notes") return "err.notes";
  if (field === "status") return "err.status";
  if (field === "intentions") return "err.intentions";
  if (/^(participants|age_bands)\.|^(volunteers|staff)$/.test(field)) return "err.count";
  return "err.generic";
}
