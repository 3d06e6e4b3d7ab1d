// The activity form: quick to fill on a phone, nothing typed is ever lost.
//
// New activities start from the unit's last one (kind, categories, time, title,
// staff, volunteers, youth-led); counts start at zero. Every keystroke is kept as a draft in
// localStorage until the API confirms the save, so a dropped connection costs
// nothing. Problems are shown beside their fields in the user's language, both
// from the form's own checks and from the API's errors[].field.

import { ApiError, call } from "./api.js";

// The outbox (and its texts) loads on the first save, not with the sign-in page.
const loadOutbox = () => import("./outbox.js");

import { h, replace, uid } from "../../shared/dom.js";
import {
  AGE_BANDS,
  CATEGORIES,
  GENDERS,
  KINDS,
  MAX_COUNT,
  MAX_REFLECTION as MAX_INTENTIONS,
  MAX_TITLE,
  STATUSES,
} from "../../shared/vocabulary.js";
import { tokenEmail } from "./auth.js";
import { today } from "./context.js";
import { formatNumber, lang, t } from "./i18n.js";
import { announce, explainError, notice, problemText } from "./ui.js";

// The core words, for when the organisation's vocabulary cannot be read (offline on a
// first visit); the form otherwise builds from GET /orgs/{org}/vocabulary.
export { AGE_BANDS, CATEGORIES, GENDERS, KINDS, STATUSES } from "../../shared/vocabulary.js";

const OTHER_COUNTS = ["new_participants", "youth_leaders", "volunteers", "staff"];
// Fields carried over from the unit's last activity into a new one.
const CARRIED = ["kind", "categories", "start_time", "duration_minutes", "title", "staff", "volunteers", "youth_led"];

// Drafts are per person: on a shared device a colleague does not get your diary.
function draftKey(unitId, activityId) {
  return `logbook.draft.${tokenEmail() || "-"}.${unitId}${activityId ? `.${activityId}` : ""}`;
}

export function readDraft(unitId, activityId) {
  try {
    return JSON.parse(localStorage.getItem(draftKey(unitId, activityId)) || "null");
  } catch {
    return null;
  }
}

function writeDraft(unitId, activityId, values) {
  try {
    localStorage.setItem(draftKey(unitId, activityId), JSON.stringify({ values, kept_at: new Date().toISOString() }));
  } catch {
    // Storage full or blocked: the form still works, only the safety net is gone.
  }
}

/** Keep `values` as the form's draft (the outbox gives a refused save back this way). */
export function writeDraftFor(unitId, activityId, values) {
  writeDraft(unitId, activityId, values);
}

function dropDraft(unitId, activityId) {
  localStorage.removeItem(draftKey(unitId, activityId));
}

/** A fresh activity for this unit, starting from its last one. */
export function newActivityDefaults(last) {
  const base = {
    date: today(),
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

// ------------------------------------------------------------------ controls
function fieldError(id) {
  return h("p", { className: "field-error", id, hidden: true });
}

function stepper(name, label, { step = 1, max = MAX_COUNT, hint } = {}) {
  const id = uid("n");
  const errorId = `${id}-error`;
  const input = h("input", {
    id,
    name,
    type: "number",
    inputmode: "numeric",
    min: 0,
    max,
    step,
    value: "0",
    "data-field": name,
    "aria-describedby": errorId,
    required: true,
  });
  const bump = (delta) => {
    const next = Math.min(max, Math.max(0, (Number(input.value) || 0) + delta));
    input.value = String(next);
    input.dispatchEvent(new Event("input", { bubbles: true }));
  };
  // The buttons are for thumbs; keyboards use the field's own arrow keys, so the
  // buttons stay out of the tab order and the form keeps few tab stops.
  return h(
    "div",
    { className: "field stepper" },
    h("label", { htmlFor: id }, label),
    hint ? h("span", { className: "hint" }, hint) : null,
    h(
      "div",
      { className: "stepper-row" },
      h(
        "button",
        {
          type: "button",
          tabindex: "-1",
          className: "step",
          "aria-label": t("stepper.less", { label }),
          onclick: () => bump(-step),
        },
        "−",
      ),
      input,
      h(
        "button",
        {
          type: "button",
          tabindex: "-1",
          className: "step",
          "aria-label": t("stepper.more", { label }),
          onclick: () => bump(step),
        },
        "+",
      ),
    ),
    fieldError(errorId),
  );
}

function textField(name, label, attrs = {}) {
  const id = uid("t");
  const errorId = `${id}-error`;
  return h(
    "div",
    { className: "field" },
    h("label", { htmlFor: id }, label),
    h("input", { id, name, "data-field": name, "aria-describedby": errorId, ...attrs }),
    fieldError(errorId),
  );
}

function areaField(name, label, hint) {
  const id = uid("a");
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  return h(
    "div",
    { className: "field" },
    h("label", { htmlFor: id }, label),
    hint ? h("span", { className: "hint", id: hintId }, hint) : null,
    h("textarea", {
      id,
      name,
      rows: 3,
      "data-field": name,
      "aria-describedby": hint ? `${hintId} ${errorId}` : errorId,
    }),
    fieldError(errorId),
  );
}

/** A vocabulary entry's label in the user's language, else English, else any. */
export function vocabularyLabel(entry) {
  const labels = entry.labels || {};
  return labels[lang()] || labels.en || Object.values(labels)[0] || entry.id;
}

/**
 * The kinds or categories to offer: the organisation's vocabulary as the API serves
 * it (core + own, in the organisation's words), else the core words.
 */
export function vocabularyChoices(vocabulary, which) {
  if (vocabulary && Array.isArray(vocabulary[which])) {
    return vocabulary[which].map((entry) => ({ value: entry.id, label: vocabularyLabel(entry) }));
  }
  const [ids, prefix] = which === "kinds" ? [KINDS, "kind"] : [CATEGORIES, "category"];
  return ids.map((value) => ({ value, label: t(`${prefix}.${value}`) }));
}

function choiceGroup(name, legend, options, type, hint) {
  const errorId = `${uid("g")}-error`;
  return h(
    "fieldset",
    { className: `choices choices-${type}`, "data-field": name, "aria-describedby": errorId },
    h("legend", {}, legend),
    hint ? h("p", { className: "hint" }, hint) : null,
    h(
      "div",
      { className: "choice-list" },
      options.map(({ value, label }) => {
        const id = uid("c");
        return h(
          "div",
          { className: "choice" },
          h("input", { id, type, name, value }),
          h("label", { htmlFor: id }, label),
        );
      }),
    ),
    fieldError(errorId),
  );
}

function goalRating(goal) {
  const name = `goal.${goal.id}`;
  const errorId = `${uid("r")}-error`;
  const options = ["", "1", "2", "3", "4", "5"];
  return h(
    "fieldset",
    { className: "rating", "data-field": `goal_ratings.${goal.id}`, "data-goal": goal.id, "aria-describedby": errorId },
    h("legend", {}, goal.title),
    h(
      "div",
      { className: "rating-row" },
      options.map((value) => {
        const id = uid("r");
        return h(
          "span",
          { className: "rating-option" },
          h("input", { id, type: "radio", name, value, checked: value === "" }),
          h(
            "label",
            { htmlFor: id, title: value ? t(`rating.${value}`) : "" },
            value
              ? h("span", {}, value, h("span", { className: "visually-hidden" }, ` – ${t(`rating.${value}`)}`))
              : t("rating.none"),
          ),
        );
      }),
    ),
    fieldError(errorId),
  );
}

/**
 * Delete through the outbox: "deleted", or "queued" (sent when the connection
 * returns); throws the API's refusal.
 */
export async function deleteActivity(unitId, activityId, title) {
  const outbox = await loadOutbox();
  const key = outbox.enqueue({ kind: "delete", unitId, activityId, title });
  const entry = await outbox.sendNow(key);
  if (entry && entry.state === "sent") return "deleted";
  if (entry && (entry.state === "refused" || entry.state === "conflict")) {
    outbox.forget(key);
    throw new ApiError(entry.error.status, entry.error);
  }
  return "queued";
}

// ------------------------------------------------------------------ the form
/**
 * Render the form into `container`.
 * options: unit, goals, questions, vocabulary, activity (edit) or defaults (new),
 * complete (log a planned activity as done, starting from the plan), onSaved(activity),
 * onQueued(values) (kept on the device, sent when the connection returns), onDeleted(queued).
 */
export function activityForm(container, options) {
  const { unit, goals, questions, vocabulary } = options;
  const editing = options.activity || null;
  let version = editing ? editing.version : null;
  const activityId = editing ? editing.id : null;
  const startValues = editing && options.complete ? { ...editing, status: "done" } : editing || options.defaults;
  // A logged activity cannot become a plan again: the choice is offered to new ones and plans.
  const statusChoice = !editing || editing.status === "planned";

  const status = h("p", { className: "save-state", role: "status", "aria-live": "polite" });
  const summary = h("div", { className: "error-summary", tabindex: "-1", hidden: true });
  const banner = h("div", { className: "form-banner" });
  const totalOut = h("output", { className: "total" });
  const ageCheck = h("p", { className: "hint age-check", "aria-live": "polite" });

  const form = h(
    "form",
    { className: "activity-form", novalidate: true, "aria-labelledby": "page-title" },
    banner,
    summary,
    h(
      "div",
      { className: "row" },
      textField("date", t("field.date"), { type: "date", required: true }),
      textField("start_time", t("field.start_time"), { type: "time" }),
    ),
    stepper("duration_minutes", t("field.duration_minutes"), { step: 15, max: 1440 }),
    textField("title", t("field.title"), { type: "text", maxlength: MAX_TITLE, required: true, autocomplete: "off" }),
    statusChoice
      ? choiceGroup(
          "status",
          t("field.status"),
          STATUSES.map((value) => ({ value, label: t(`status.${value}`) })),
          "radio",
          t("status.planned.hint"),
        )
      : null,
    choiceGroup("kind", t("field.kind"), vocabularyChoices(vocabulary, "kinds"), "radio"),
    h("div", { className: "plan-only" }, areaField("intentions", t("field.intentions"), t("field.intentions.hint"))),
    h(
      "fieldset",
      { className: "counts done-only", "data-field": "participants" },
      h("legend", {}, t("field.participants"), " ", totalOut),
      h(
        "div",
        { className: "grid" },
        GENDERS.map((g) => stepper(`participants.${g}`, t(`gender.${g}`))),
      ),
    ),
    h(
      "details",
      { className: "age-bands done-only", "data-field": "age_bands" },
      h("summary", {}, t("field.age_bands")),
      ageCheck,
      h(
        "div",
        { className: "grid" },
        AGE_BANDS.map((b) => stepper(`age_bands.${b}`, t(`age.${b}`))),
      ),
      fieldError("age_bands-error"),
    ),
    h(
      "fieldset",
      { className: "counts done-only" },
      h("legend", {}, t("field.people")),
      h(
        "div",
        { className: "grid" },
        OTHER_COUNTS.map((n) => stepper(n, t(`field.${n}`))),
      ),
    ),
    h(
      "div",
      { className: "field toggle" },
      h("input", { type: "checkbox", id: "youth_led", name: "youth_led", "data-field": "youth_led", role: "switch" }),
      h("label", { htmlFor: "youth_led" }, t("field.youth_led")),
    ),
    choiceGroup("categories", t("field.categories"), vocabularyChoices(vocabulary, "categories"), "checkbox"),
    goals.length
      ? h(
          "fieldset",
          { className: "goals done-only" },
          h("legend", {}, t("field.goals")),
          h("p", { className: "hint" }, t("field.goals.hint")),
          goals.map(goalRating),
        )
      : null,
    goals.length
      ? h(
          "div",
          { className: "plan-only" },
          choiceGroup(
            "plan_goals",
            t("field.goals"),
            goals.map((goal) => ({ value: goal.id, label: goal.title })),
            "checkbox",
          ),
        )
      : null,
    h("div", { className: "done-only" }, areaField("notes", t("field.notes"), t("field.notes.hint"))),
    questions.length
      ? h(
          "fieldset",
          { className: "reflection done-only" },
          h("legend", {}, t("field.reflection")),
          questions.map((q) => areaField(`reflection.${q.id}`, q.text)),
        )
      : null,
    h(
      "div",
      { className: "actions" },
      h("button", { type: "submit", className: "primary" }, editing ? t("form.saveChanges") : t("form.save")),
      status,
      editing ? h("button", { type: "button", className: "danger", onclick: onDelete }, t("form.delete")) : null,
    ),
  );
  replace(container, form);

  const control = (name) => form.querySelector(`[name="${CSS.escape(name)}"]`);
  let storedStatus = editing ? editing.status || "done" : "done";

  /** The status the form would save: the choice, else what is stored. */
  function statusValue() {
    const picked = form.querySelector('input[name="status"]:checked');
    return picked ? picked.value : storedStatus;
  }

  /** A plan shows what is intended; a log shows the counts, ratings, diary and reflection. */
  function showStatus() {
    const planned = statusValue() === "planned";
    for (const el of form.querySelectorAll(".plan-only")) el.hidden = !planned;
    for (const el of form.querySelectorAll(".done-only")) el.hidden = planned;
    const intentions = control("intentions");
    if (!planned && intentions.value.trim()) intentions.closest(".plan-only").hidden = false;
    const submit = form.querySelector('button[type="submit"]');
    if (planned) submit.textContent = t("form.savePlan");
    else if (editing && storedStatus === "planned") submit.textContent = t("form.complete");
    else submit.textContent = editing ? t("form.saveChanges") : t("form.save");
  }

  // ---------------------------------------------------------------- values
  // What the form cannot show but an edit must not lose: goals worked on without a
  // rating, and goals or reflection questions that are no longer active.
  let kept = { goalIds: new Set(), ratings: {}, reflection: {} };
  const shownGoals = new Set(goals.map((g) => g.id));
  const shownQuestions = new Set(questions.map((q) => q.id));

  function setValues(values) {
    const ratings = values.goal_ratings || {};
    kept = {
      goalIds: new Set((values.goal_ids || []).filter((id) => !(id in ratings))),
      ratings: Object.fromEntries(Object.entries(ratings).filter(([id]) => !shownGoals.has(id))),
      reflection: Object.fromEntries(Object.entries(values.reflection || {}).filter(([id]) => !shownQuestions.has(id))),
    };
    for (const input of form.querySelectorAll('input[name="status"]'))
      input.checked = input.value === (values.status || "done");
    control("intentions").value = values.intentions || "";
    for (const input of form.querySelectorAll('input[name="plan_goals"]'))
      input.checked = (values.goal_ids || []).includes(input.value);
    control("date").value = values.date || today();
    control("start_time").value = values.start_time || "";
    control("duration_minutes").value = values.duration_minutes ?? 120;
    control("title").value = values.title || "";
    for (const input of form.querySelectorAll('input[name="kind"]')) input.checked = input.value === values.kind;
    for (const input of form.querySelectorAll('input[name="categories"]'))
      input.checked = (values.categories || []).includes(input.value);
    for (const g of GENDERS) control(`participants.${g}`).value = values.participants?.[g] ?? 0;
    for (const b of AGE_BANDS) control(`age_bands.${b}`).value = values.age_bands?.[b] ?? 0;
    if (values.age_bands && Object.values(values.age_bands).some((n) => n > 0))
      form.querySelector(".age-bands").open = true;
    for (const n of OTHER_COUNTS) control(n).value = values[n] ?? 0;
    control("youth_led").checked = Boolean(values.youth_led);
    for (const goal of goals) {
      const rating = values.goal_ratings?.[goal.id];
      for (const input of form.querySelectorAll(`input[name="goal.${CSS.escape(goal.id)}"]`)) {
        input.checked = input.value === (rating ? String(rating) : "");
      }
    }
    control("notes").value = values.notes || "";
    for (const q of questions) control(`reflection.${q.id}`).value = values.reflection?.[q.id] || "";
    updateTotals();
    showStatus();
  }

  function count(name) {
    const value = control(name).value.trim();
    return value === "" ? NaN : Number(value);
  }

  /** The form as the API's activity body. */
  function values() {
    const ageBands = Object.fromEntries(AGE_BANDS.map((b) => [b, count(`age_bands.${b}`)]));
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
      const text = control(`reflection.${q.id}`).value;
      if (text.trim()) reflection[q.id] = text;
    }
    const status = statusValue();
    if (status === "planned") {
      // A plan names the goals to work on; ratings come when it is logged as done.
      const picked = [...form.querySelectorAll('input[name="plan_goals"]:checked')].map((i) => i.value);
      const hiddenGoals = [...kept.goalIds, ...Object.keys(kept.ratings)].filter((id) => !shownGoals.has(id));
      goalIds.splice(0, goalIds.length, ...new Set([...hiddenGoals, ...picked]));
      for (const id of Object.keys(ratings)) delete ratings[id];
    }
    return {
      status,
      intentions: control("intentions").value,
      date: control("date").value,
      start_time: control("start_time").value || null,
      duration_minutes: count("duration_minutes"),
      kind: form.querySelector('input[name="kind"]:checked')?.value || null,
      categories: [...form.querySelectorAll('input[name="categories"]:checked')].map((i) => i.value),
      title: control("title").value.trim(),
      participants: Object.fromEntries(GENDERS.map((g) => [g, count(`participants.${g}`)])),
      // Not filled in means not recorded: the API takes null, not a row of zeros.
      age_bands: anyAge ? ageBands : null,
      new_participants: count("new_participants"),
      youth_led: control("youth_led").checked,
      youth_leaders: count("youth_leaders"),
      volunteers: count("volunteers"),
      staff: count("staff"),
      goal_ids: goalIds,
      goal_ratings: ratings,
      notes: control("notes").value,
      reflection,
    };
  }

  function total(v) {
    return GENDERS.reduce((sum, g) => sum + (Number.isFinite(v.participants[g]) ? v.participants[g] : 0), 0);
  }

  function updateTotals() {
    const v = values();
    const participants = total(v);
    totalOut.textContent = `(${formatNumber(participants)})`;
    const ages = AGE_BANDS.reduce((sum, b) => sum + (Number(control(`age_bands.${b}`).value) || 0), 0);
    ageCheck.textContent = t("form.ageCheck", { ages: formatNumber(ages), total: formatNumber(participants) });
    ageCheck.classList.toggle("mismatch", ages !== 0 && ages !== participants);
  }

  // ---------------------------------------------------------------- problems
  function localized(field, problem, v, code) {
    const participants = total(v);
    if (field === "age_bands") {
      const ages = AGE_BANDS.reduce((sum, b) => sum + (v.age_bands ? v.age_bands[b] || 0 : 0), 0);
      return t("err.ageBands", { ages: formatNumber(ages), total: formatNumber(participants) });
    }
    if (field === "new_participants" || field === "youth_leaders") {
      if (code === "exceeds_total") return t("err.exceedsTotal", { total: formatNumber(participants) });
      return t("err.count");
    }
    if (field === "title") return t("err.title");
    if (field === "date") return t("err.date");
    if (field === "start_time") return t("err.time");
    if (field === "duration_minutes") return t("err.duration");
    if (field === "kind") return t("err.kind");
    if (field.startsWith("categories")) return t("err.categories");
    if (field.startsWith("goal_ids") || field.startsWith("goal_ratings")) return t("err.goal");
    if (field.startsWith("reflection")) return t("err.reflection");
    if (field === "notes") return t("err.notes");
    if (field === "status") return t("err.status");
    if (field === "intentions") return t("err.intentions");
    if (/^(participants|age_bands)\.|^(volunteers|staff)$/.test(field)) return t("err.count");
    return t("err.generic", { problem });
  }

  /** The element a field path belongs to: exact, then its nearest named parent. */
  function slotFor(field) {
    let path = field;
    while (path) {
      const target = form.querySelector(`[data-field="${CSS.escape(path)}"]`);
      if (target) return target;
      if (path.startsWith("goal_ids.")) path = path.replace("goal_ids.", "goal_ratings.");
      else path = path.includes(".") ? path.slice(0, path.lastIndexOf(".")) : "";
    }
    return null;
  }

  function clearProblems() {
    for (const p of form.querySelectorAll(".field-error")) {
      p.hidden = true;
      p.textContent = "";
    }
    for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
    summary.hidden = true;
    replace(summary);
  }

  function showProblems(problems) {
    clearProblems();
    if (!problems.length) return;
    const links = [];
    for (const { field, message } of problems) {
      const target = slotFor(field);
      let errorEl = null;
      let focusTarget = target;
      if (target) {
        const errorId = target.getAttribute("aria-describedby");
        errorEl = errorId ? document.getElementById(errorId.split(" ").pop()) : null;
        if (!errorEl)
          errorEl = target.querySelector(".field-error") || target.parentElement.querySelector(".field-error");
        if (target.matches("input, textarea")) target.setAttribute("aria-invalid", "true");
        else focusTarget = target.querySelector("input, textarea, summary") || target;
      }
      if (errorEl) {
        errorEl.hidden = false;
        errorEl.textContent = errorEl.textContent ? `${errorEl.textContent} ${message}` : message;
      }
      links.push(
        h(
          "li",
          {},
          focusTarget
            ? h(
                "a",
                {
                  href: "#",
                  onclick: (event) => {
                    event.preventDefault();
                    if (focusTarget.closest("details")) focusTarget.closest("details").open = true;
                    focusTarget.focus();
                  },
                },
                message,
              )
            : message,
        ),
      );
    }
    replace(summary, h("h2", {}, t("form.problems", { n: problems.length })), h("ul", {}, links));
    summary.hidden = false;
    summary.setAttribute("role", "alert");
    if (problems.some((p) => p.field.startsWith("age_bands"))) form.querySelector(".age-bands").open = true;
    summary.focus();
  }

  /** The form's own checks, the same rules as the API's (docs/architecture.md). */
  function check(v) {
    const problems = [];
    const add = (field) => problems.push({ field, message: localized(field, "", v, "exceeds_total") });
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
      if (!Number.isInteger(n) || n < 0 || n > MAX_COUNT) problems.push({ field, message: t("err.count") });
    }
    if (problems.length) return problems;
    const participants = total(v);
    if (v.age_bands && AGE_BANDS.reduce((s, b) => s + v.age_bands[b], 0) !== participants) add("age_bands");
    if (v.new_participants > participants) add("new_participants");
    if (v.youth_leaders > participants) add("youth_leaders");
    return problems;
  }

  // ---------------------------------------------------------------- state
  function setStatus(kind, text) {
    status.className = `save-state state-${kind}`;
    status.textContent = text;
  }

  form.addEventListener("input", () => {
    updateTotals();
    writeDraft(unit.id, activityId, values());
    setStatus("dirty", t("form.notSaved"));
  });
  form.addEventListener("change", (event) => {
    // Touching a goal's rating decides it: an unrated goal kept from before is now
    // either rated or, with "Not this time", no longer worked on.
    const name = event.target.name || "";
    if (name.startsWith("goal.")) kept.goalIds.delete(name.slice(5));
    if (name === "plan_goals") {
      if (event.target.checked) kept.goalIds.add(event.target.value);
      else kept.goalIds.delete(event.target.value);
    }
    if (name === "status") showStatus();
    writeDraft(unit.id, activityId, values());
    setStatus("dirty", t("form.notSaved"));
  });

  async function save(event) {
    if (event) event.preventDefault();
    replace(banner);
    const v = values();
    const problems = check(v);
    if (problems.length) {
      showProblems(problems);
      setStatus("dirty", t("form.notSaved"));
      return;
    }
    clearProblems();
    writeDraft(unit.id, activityId, v);
    setStatus("saving", t("form.saving"));
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    try {
      // The save gets its Idempotency-Key now, and is on the device before it is sent.
      const outbox = await loadOutbox();
      let key;
      try {
        key = outbox.enqueue({
          kind: editing ? "update" : "create",
          unitId: unit.id,
          activityId,
          title: v.title,
          body: v,
          version,
        });
      } catch {
        // The device cannot keep it (storage full or blocked): send it directly.
        key = null;
      }
      if (key === null) {
        const path = `/units/${encodeURIComponent(unit.id)}/activities`;
        const saved = editing
          ? await call("PUT", `${path}/${encodeURIComponent(activityId)}`, { ...v, version })
          : await call("POST", path, v);
        dropDraft(unit.id, activityId);
        version = saved.version;
        setStatus("saved", t("form.saved"));
        options.onSaved(saved);
        return;
      }
      dropDraft(unit.id, activityId); // the outbox holds the text now
      const entry = await outbox.sendNow(key);
      if (entry && entry.state === "sent") {
        version = entry.result ? entry.result.version : version;
        storedStatus = v.status;
        setStatus("saved", t("form.saved"));
        options.onSaved({ ...v, ...(entry.result || {}) });
      } else if (entry && (entry.state === "refused" || entry.state === "conflict")) {
        // The worker is here: the problem goes back into the form, not into the outbox.
        outbox.forget(key);
        writeDraft(unit.id, activityId, v);
        onSaveFailed(new ApiError(entry.error.status, entry.error), v);
      } else {
        setStatus("queued", t("outbox.keptToSend"));
        if (options.onQueued) options.onQueued(v);
      }
    } catch (error) {
      onSaveFailed(error, v);
    } finally {
      button.disabled = false;
    }
  }

  function onSaveFailed(error, v) {
    setStatus("failed", t("form.notSaved"));
    if (error instanceof ApiError && error.status === 400 && error.errors.length) {
      showProblems(
        error.errors.map(({ field, problem, code, limit }) => ({
          field,
          message: localized(field, problemText({ problem, code, limit }), v, code),
        })),
      );
      return;
    }
    if (error instanceof ApiError && error.status === 409) {
      const theirs = error.body.current_version;
      replace(
        banner,
        notice(
          "error",
          h("p", {}, t("form.conflict")),
          h(
            "div",
            { className: "button-row" },
            h("button", { type: "button", onclick: reloadTheirs }, t("form.conflict.reload")),
            h(
              "button",
              {
                type: "button",
                onclick: () => {
                  version = theirs;
                  save();
                },
              },
              t("form.conflict.overwrite"),
            ),
          ),
        ),
      );
      banner.querySelector("button").focus();
      return;
    }
    const keptOnDevice = error instanceof ApiError && (error.offline || error.status >= 500 || error.status === 401);
    replace(
      banner,
      notice("error", h("p", {}, explainError(error)), keptOnDevice ? h("p", {}, t("form.keptOnDevice")) : null),
    );
    banner.querySelector(".notice").focus?.();
  }

  async function reloadTheirs() {
    try {
      const current = await call(
        "GET",
        `/units/${encodeURIComponent(unit.id)}/activities/${encodeURIComponent(activityId)}`,
      );
      dropDraft(unit.id, activityId);
      version = current.version;
      setValues(current);
      replace(banner, notice("info", h("p", {}, t("form.conflict.reloaded"))));
      setStatus("saved", t("form.saved"));
    } catch (error) {
      replace(banner, notice("error", h("p", {}, explainError(error))));
    }
  }

  async function onDelete() {
    if (!window.confirm(t("form.confirmDelete", { title: control("title").value }))) return;
    try {
      const outcome = await deleteActivity(unit.id, activityId, control("title").value);
      dropDraft(unit.id, activityId);
      announce(outcome === "queued" ? t("outbox.deleteKept") : t("list.deleted"));
      options.onDeleted(outcome === "queued");
    } catch (error) {
      replace(banner, notice("error", h("p", {}, explainError(error))));
    }
  }

  form.addEventListener("submit", save);

  // ---------------------------------------------------------------- start
  const draft = readDraft(unit.id, activityId);
  if (draft?.values) {
    setValues(draft.values);
    setStatus("dirty", t("form.notSaved"));
    replace(
      banner,
      notice(
        "info",
        h("p", {}, t("form.draftRestored")),
        h(
          "button",
          {
            type: "button",
            onclick: () => {
              dropDraft(unit.id, activityId);
              setValues(startValues);
              replace(banner);
              setStatus("idle", "");
            },
          },
          t("form.discardDraft"),
        ),
      ),
    );
  } else {
    setValues(startValues);
    // Right after a save the new blank form says so: the last entry is safe.
    if (options.justSaved) setStatus("saved", t("form.saved"));
    else setStatus("idle", editing ? t("form.savedVersion", { version }) : "");
  }
  return { form, setValues };
}
