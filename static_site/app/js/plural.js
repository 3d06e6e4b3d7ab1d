// Plural forms: a message may be one text or one per plural category of its language
// ({one, two, few, other}: Slovenian has four, English, Finnish and Swedish two), chosen
// with Intl.PluralRules by the count. Pure: unit-tested with node --test
// (tests/js/plural.test.mjs).

/** The text of `entry` for `count` in `lang`: the entry itself when it has no forms. */
export function pluralForm(entry, count, lang) {
  if (typeof entry !== "object" || entry === null) return entry;
  const number = typeof count === "number" ? count : Number(count);
  const category = Number.isFinite(number) ? new Intl.PluralRules(lang).select(number) : "other";
  return entry[category] ?? entry.other;
}
