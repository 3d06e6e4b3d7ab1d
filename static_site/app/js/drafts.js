// The activity form's drafts in localStorage, kept until the save is confirmed or queued.

import { tokenEmail } from "./auth.js";

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

export function writeDraft(unitId, activityId, values) {
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

export function dropDraft(unitId, activityId) {
  localStorage.removeItem(draftKey(unitId, activityId));
}
