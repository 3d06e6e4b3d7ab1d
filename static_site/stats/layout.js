// The building blocks the statistics pages' sections share: a titled section, a table
// of figures that scrolls sideways on a narrow screen, and the counts of a breakdown.

import { h } from "../shared/dom.js";
import { AGE_BANDS, CATEGORIES, countOf, GENDERS, INDICATORS, KINDS, orderedKeys } from "./figures.js";

/** A section titled by an h2 that names it for screen readers. */
export function section(id, title, children, attrs = {}) {
  return h(
    "section",
    { id, "aria-labelledby": `${id}-title`, ...attrs },
    h("h2", { id: `${id}-title`, textContent: title }),
    ...children,
  );
}

/** Tables scroll sideways on narrow screens; the region is focusable and named for keyboards. */
export function scrollable(table, title) {
  return h("div", { className: "scroll", tabindex: "0", role: "region", "aria-label": title }, table);
}

/** A table of figures: a caption, one header row, the body's rows (and an optional foot). */
export function figuresTable(caption, headers, body, { attrs = {}, foot = null } = {}) {
  return h(
    "table",
    { className: "figures", ...attrs },
    h("caption", { textContent: caption }),
    h("thead", {}, h("tr", {}, headers)),
    h("tbody", {}, body),
    foot,
  );
}

/** A column header: text, or [text, extra attributes]. */
export function th(text, attrs = {}) {
  return h("th", { scope: "col", textContent: text, ...attrs });
}

// A count the publication layer suppressed is null (said plainly, never drawn as 0).
const count = (value) => (value === null ? null : value || 0);

/** Activities by kind and by category, known ones first, an organisation's own after. */
export function activityCounts(statistics) {
  const activities = statistics.activities || {};
  const of = (known, entries) =>
    Object.fromEntries(orderedKeys(known, entries).map((key) => [key, countOf(entries?.[key])]));
  return { byKind: of(KINDS, activities.by_kind), byCategory: of(CATEGORIES, activities.by_category) };
}

/** Visits by gender and by age band; a suppressed count is null. */
export function participationCounts(statistics) {
  const participation = statistics.participation || {};
  return {
    genders: Object.fromEntries(GENDERS.map((key) => [key, count(participation[key])])),
    bands: Object.fromEntries(
      orderedKeys(AGE_BANDS, participation.age_bands).map((key) => [key, count(participation.age_bands?.[key])]),
    ),
  };
}

/** The indicators worth a row: the API lists every default one, and one nobody answered says nothing. */
export function shownIndicators(indicators) {
  return orderedKeys(INDICATORS, indicators).filter(
    (key) => key in indicators && indicators[key].reason !== "no_respondents" && indicators[key].n !== 0,
  );
}
