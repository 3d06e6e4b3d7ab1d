// A survey template made of young people's proposals (pure: ideas-adopt.js builds the
// form, this builds what is sent). docs/ideas.md: a question may carry `from_idea`.

/** A new indicator's id from the name typed for it: a–z, 0–9 and "_", starting with a letter; "" if none. */
export function indicatorSlug(name) {
  const text = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 40);
  return /^[a-z]/.test(text) ? text : "";
}

/**
 * The body of `POST /orgs/{org}/survey-templates` adopting `picks` — each
 * `{ideaId, indicator, newName}`, where an empty `indicator` asks for a new one named
 * `newName` — as a template extending the annual survey, titled `title` in `languages`.
 * A new indicator is declared once, and never when it is one of `known`.
 * Answers `{body}`, or `{invalid: index}` for the first pick whose new name makes no id.
 */
export function adoptionTemplate(picks, title, languages, known) {
  const indicators = [];
  const questions = [];
  for (const [index, pick] of picks.entries()) {
    let indicator = pick.indicator;
    if (!indicator) {
      indicator = indicatorSlug(pick.newName);
      if (!indicator) return { invalid: index };
      if (!indicators.some((i) => i.id === indicator) && !known.includes(indicator)) {
        const label = pick.newName.trim();
        indicators.push({ id: indicator, name: Object.fromEntries(languages.map((code) => [code, label])) });
      }
    }
    questions.push({ id: `youth_${pick.ideaId.slice(0, 12)}`, type: "scale", indicator, from_idea: pick.ideaId });
  }
  const titles = Object.fromEntries(languages.map((code) => [code, title.trim()]));
  return { body: { title: titles, extends: "annual", indicators, questions } };
}
