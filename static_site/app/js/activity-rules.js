// The activity form's rules (pure): starting values, the API's checks (docs/architecture.md),
// and which message says each problem.

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

/** A fresh activity on `date`, starting from the unit's `last` one; counts at zero. */
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

export function participantsTotal(v) {
  return GENDERS.reduce((sum, g) => sum + (Number.isFinite(v.participants[g]) ? v.participants[g] : 0), 0);
}

export function ageBandsTotal(v) {
  return AGE_BANDS.reduce((sum, b) => sum + (v.age_bands ? v.age_bands[b] || 0 : 0), 0);
}

/** `[{field, code}]`, codes as the API's (docs/errors.md); sums are checked only once every count is whole. */
export function activityProblems(v) {
  const problems = [];
  const add = (field, code) => problems.push({ field, code });
  if (!v.date) add("date", "missing");
  if (!Number.isInteger(v.duration_minutes) || v.duration_minutes < 1 || v.duration_minutes > 1440)
    add("duration_minutes", "out_of_range");
  if (!v.title) add("title", "missing");
  if (!v.kind) add("kind", "missing");
  if (v.intentions.length > MAX_INTENTIONS) add("intentions", "string_too_long");
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
  if (v.age_bands && AGE_BANDS.reduce((s, b) => s + v.age_bands[b], 0) !== participants)
    add("age_bands", "age_bands_total");
  if (v.new_participants > participants) add("new_participants", "exceeds_total");
  if (v.youth_leaders > participants) add("youth_leaders", "exceeds_total");
  return problems;
}

/** The message for a problem with `field` and its `code` (the form's, or the API's errors[]); it takes {ages}, {total}, {problem}. */
export function problemMessageKey(field, code) {
  if (field === "age_bands") return "err.ageBands";
  if (field === "new_participants" || field === "youth_leaders") {
    return code === "exceeds_total" ? "err.exceedsTotal" : "err.count";
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
