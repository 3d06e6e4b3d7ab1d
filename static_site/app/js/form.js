// The activity form: quick to fill on a phone, nothing typed is ever lost. New activities
// start from the unit's last one; counts start at zero. Every keystroke is kept as a draft
// until the API confirms the save, so a dropped connection costs nothing. Problems are shown
// beside their fields in the user's language, from the form's own checks and the API's
// errors[].field. This module is the form's state and saving; its parts are imported below.

import { ApiError, call } from "./api.js";

// The outbox (and its texts) loads on the first save, not with the sign-in page.
const loadOutbox = () => import("./outbox.js");

import { h, replace } from "../../shared/dom.js";
import { AGE_BANDS, GENDERS, MAX_TITLE, STATUSES } from "../../shared/vocabulary.js";
import {
  activityDefaults,
  activityProblems,
  ageBandsTotal,
  OTHER_COUNTS,
  participantsTotal,
  problemMessageKey,
} from "./activity-rules.js";
import { today } from "./context.js";
import { dropDraft, readDraft, writeDraft } from "./drafts.js";
import {
  areaField,
  choiceGroup,
  fieldError,
  goalRating,
  stepper,
  textField,
  vocabularyChoices,
} from "./form-controls.js";
import { clearProblems, showProblems } from "./form-problems.js";
import { fillForm, keptFrom, readForm } from "./form-values.js";
import { formatNumber, t } from "./i18n.js";
import { announce, explainError, notice, problemText } from "./ui.js";

// The core words, for when the organisation's vocabulary cannot be read (offline on a
// first visit); the form otherwise builds from GET /orgs/{org}/vocabulary.
export { AGE_BANDS, CATEGORIES, GENDERS, KINDS, STATUSES } from "../../shared/vocabulary.js";
// The form's parts, for the pages that use them (unit.js, outbox-page.js, admin-structure.js).
export { readDraft, writeDraftFor } from "./drafts.js";
export { vocabularyChoices, vocabularyLabel } from "./form-controls.js";

/** A fresh activity for this unit, starting from its last one. */
export function newActivityDefaults(last) {
  return activityDefaults(last, today());
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
  // What the form cannot show but an edit must not lose (form-values.js).
  let kept = { goalIds: new Set(), ratings: {}, reflection: {} };
  const shownGoals = new Set(goals.map((g) => g.id));
  const shownQuestions = new Set(questions.map((q) => q.id));

  function setValues(values) {
    kept = keptFrom(values, shownGoals, shownQuestions);
    fillForm(form, values, { goals, questions });
    updateTotals();
    showStatus();
  }

  /** The form as the API's activity body. */
  function values() {
    return readForm(form, { goals, questions, kept, shownGoals, status: statusValue() });
  }

  function updateTotals() {
    const v = values();
    const participants = participantsTotal(v);
    totalOut.textContent = `(${formatNumber(participants)})`;
    const ages = AGE_BANDS.reduce((sum, b) => sum + (Number(control(`age_bands.${b}`).value) || 0), 0);
    ageCheck.textContent = t("form.ageCheck", { ages: formatNumber(ages), total: formatNumber(participants) });
    ageCheck.classList.toggle("mismatch", ages !== 0 && ages !== participants);
  }

  // ---------------------------------------------------------------- problems
  function localized(field, problem, v, code) {
    const vars = { ages: formatNumber(ageBandsTotal(v)), total: formatNumber(participantsTotal(v)), problem };
    return t(problemMessageKey(field, code), vars);
  }

  /** The form's own checks, the same rules as the API's (docs/architecture.md). */
  function check(v) {
    return activityProblems(v).map(({ field, code }) => ({ field, message: localized(field, "", v, code) }));
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
      showProblems(form, summary, problems);
      setStatus("dirty", t("form.notSaved"));
      return;
    }
    clearProblems(form, summary);
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
      const problems = error.errors.map((e) => ({ ...e, message: localized(e.field, problemText(e), v, e.code) }));
      showProblems(form, summary, problems);
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
