// Targets as the form shows them and as the API stores them (pure). Shares are stored
// as fractions (0.35) and typed as percentages (35).

import { INDICATORS } from "../../shared/vocabulary.js";

// Measures a target is usually set for; shares are typed as percentages.
export const MEASURES = [
  ...INDICATORS.map((name) => ({ id: `indicator:${name}`, kind: "score" })),
  { id: "youth_led_share", kind: "percent" },
  { id: "visits", kind: "count" },
  { id: "visits_per_1000", kind: "rate" },
  { id: "new", kind: "count" },
  { id: "activities", kind: "count" },
  { id: "responses", kind: "count" },
];

/** The input's value for a stored target: "" when none, a share as a percentage. */
export function shownTarget(measure, stored) {
  if (stored === undefined) return "";
  return measure.kind === "percent" ? String(Math.round(stored * 1000) / 10) : String(stored);
}

/**
 * The targets to save from the inputs' raw values (by measure id): empty inputs are no
 * target; targets the app does not list (set over the API) are kept as they are.
 */
export function targetsToSave(raw, stored) {
  const chosen = {};
  for (const measure of MEASURES) {
    const text = (raw[measure.id] ?? "").trim();
    if (text === "") continue;
    const number = Number(text);
    chosen[measure.id] = measure.kind === "percent" ? Math.round(number * 10) / 1000 : number;
  }
  for (const [id, value] of Object.entries(stored)) if (!MEASURES.some((m) => m.id === id)) chosen[id] = value;
  return chosen;
}
