// The activity form filled from an activity (or draft), and read back as the API's body.

import { AGE_BANDS, GENDERS } from "../../shared/vocabulary.js";
import { OTHER_COUNTS } from "./activity-rules.js";
import { today } from "./context.js";

const control = (form, name) => form.querySelector(`[name="${CSS.escape(name)}"]`);

// What an edit must not lose that the form cannot show: unrated goals, inactive goals' and questions' entries.
export function keptFrom(values, shownGoals, shownQuestions) {
  const ratings = values.goal_ratings || {};
  return {
    goalIds: new Set((values.goal_ids || []).filter((id) => !(id in ratings))),
    ratings: Object.fromEntries(Object.entries(ratings).filter(([id]) => !shownGoals.has(id))),
    reflection: Object.fromEntries(Object.entries(values.reflection || {}).filter(([id]) => !shownQuestions.has(id))),
  };
}

export function fillForm(form, values, { goals, questions }) {
  for (const input of form.querySelectorAll('input[name="status"]'))
    input.checked = input.value === (values.status || "done");
  control(form, "intentions").value = values.intentions || "";
  for (const input of form.querySelectorAll('input[name="plan_goals"]'))
    input.checked = (values.goal_ids || []).includes(input.value);
  control(form, "date").value = values.date || today();
  control(form, "start_time").value = values.start_time || "";
  control(form, "duration_minutes").value = values.duration_minutes ?? 120;
  control(form, "title").value = values.title || "";
  for (const input of form.querySelectorAll('input[name="kind"]')) input.checked = input.value === values.kind;
  for (const input of form.querySelectorAll('input[name="categories"]'))
    input.checked = (values.categories || []).includes(input.value);
  for (const g of GENDERS) control(form, `participants.${g}`).value = values.participants?.[g] ?? 0;
  for (const b of AGE_BANDS) control(form, `age_bands.${b}`).value = values.age_bands?.[b] ?? 0;
  if (values.age_bands && Object.values(values.age_bands).some((n) => n > 0))
    form.querySelector(".age-bands").open = true;
  for (const n of OTHER_COUNTS) control(form, n).value = values[n] ?? 0;
  control(form, "youth_led").checked = Boolean(values.youth_led);
  for (const goal of goals) {
    const rating = values.goal_ratings?.[goal.id];
    for (const input of form.querySelectorAll(`input[name="goal.${CSS.escape(goal.id)}"]`)) {
      input.checked = input.value === (rating ? String(rating) : "");
    }
  }
  control(form, "notes").value = values.notes || "";
  for (const q of questions) control(form, `reflection.${q.id}`).value = values.reflection?.[q.id] || "";
}

function count(form, name) {
  const value = control(form, name).value.trim();
  return value === "" ? NaN : Number(value);
}

/** The form as the API's activity body (`kept`: from keptFrom; `status`: what it would save). */
export function readForm(form, { goals, questions, kept, shownGoals, status }) {
  const ageBands = Object.fromEntries(AGE_BANDS.map((b) => [b, count(form, `age_bands.${b}`)]));
  const anyAge = Object.values(ageBands).some((n) => n !== 0);
  const ratings = { ...kept.ratings };
  const goalIds = [...kept.goalIds, ...Object.keys(kept.ratings).filter((id) => !kept.goalIds.has(id))];
  for (const goal of goals) {
    const picked = form.querySelector(`input[name="goal.${CSS.escape(goal.id)}"]:checked`);
    if (picked?.value) {
      ratings[goal.id] = Number(picked.value);
      if (!goalIds.includes(goal.id)) goalIds.push(goal.id);
    }
  }
  const reflection = { ...kept.reflection };
  for (const q of questions) {
    const text = control(form, `reflection.${q.id}`).value;
    if (text.trim()) reflection[q.id] = text;
  }
  if (status === "planned") {
    // A plan names the goals to work on; ratings come when it is logged as done.
    const picked = [...form.querySelectorAll('input[name="plan_goals"]:checked')].map((i) => i.value);
    const hiddenGoals = [...kept.goalIds, ...Object.keys(kept.ratings)].filter((id) => !shownGoals.has(id));
    goalIds.splice(0, goalIds.length, ...new Set([...hiddenGoals, ...picked]));
    for (const id of Object.keys(ratings)) delete ratings[id];
  }
  return {
    status,
    intentions: control(form, "intentions").value,
    date: control(form, "date").value,
    start_time: control(form, "start_time").value || null,
    duration_minutes: count(form, "duration_minutes"),
    kind: form.querySelector('input[name="kind"]:checked')?.value || null,
    categories: [...form.querySelectorAll('input[name="categories"]:checked')].map((i) => i.value),
    title: control(form, "title").value.trim(),
    participants: Object.fromEntries(GENDERS.map((g) => [g, count(form, `participants.${g}`)])),
    // Not filled in means not recorded: the API takes null, not a row of zeros.
    age_bands: anyAge ? ageBands : null,
    new_participants: count(form, "new_participants"),
    youth_led: control(form, "youth_led").checked,
    youth_leaders: count(form, "youth_leaders"),
    volunteers: count(form, "volunteers"),
    staff: count(form, "staff"),
    goal_ids: goalIds,
    goal_ratings: ratings,
    notes: control(form, "notes").value,
    reflection,
  };
}
