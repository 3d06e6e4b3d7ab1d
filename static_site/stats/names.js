// What the statistics pages call things, in the page's language: scopes, measures,
// indicators, the groups of a breakdown, suppression reasons, and values formatted
// for their measure. No DOM here: `names(tr, scopes)` answers plain text.

import { MEASURES } from "./figures.js";

/** A country's name in the language `lang` (its ISO code where the engine has none). */
export function countryName(lang, code) {
  try {
    return new Intl.DisplayNames([lang], { type: "region" }).of(code) || code;
  } catch {
    return code;
  }
}

/** The names of a page: `tr` its translator, `scopes` the directory (figures.js `directory`). */
export function names(tr, scopes) {
  const indicatorName = (name) =>
    // Organisations may define their own indicators: their ids are shown as they are.
    tr.has(`i.${name}`) ? tr.t(`i.${name}`) : name.replace(/_/g, " ");

  const formatValue = (measure, value) => {
    if (value === null || value === undefined) return "–";
    if (measure.startsWith("indicator:")) return tr.dec2(value);
    return tr[MEASURES[measure].format](value);
  };

  return {
    tr,
    scopes,
    country: (code) => countryName(tr.lang, code),

    scopeName(key) {
      const scope = scopes.get(key);
      if (!scope || scope.kind === "all") return tr.t("scope.all");
      if (scope.kind === "unit") return tr.t("scope.unitOf", { unit: scope.name, org: scope.org.name });
      if (scope.kind === "country") return countryName(tr.lang, scope.country);
      return scope.name;
    },

    indicatorName,

    /** A measure of /stats/'s form and tables ("Visits", "Indicator: Safety"). */
    metricName(metric) {
      if (metric.startsWith("indicator:")) return tr.t("m.indicator", { indicator: indicatorName(metric.slice(10)) });
      return tr.t(`m.${metric}`);
    },

    /** A group of a breakdown: prefix k (kind), c (category), g (gender) or a (age band). */
    labelFor(prefix, key) {
      if (prefix === "a") {
        if (key === "under_13" || key === "over_29") return tr.t(`a.${key}`);
        const [from, to] = key.split("_");
        return to ? tr.t("a.range", { from, to }) : key;
      }
      return tr.has(`${prefix}.${key}`) ? tr.t(`${prefix}.${key}`) : key.replace(/_/g, " ");
    },

    /** A suppression reason code (stable API) in the page's language; an unknown code as given. */
    reasonText(reason) {
      return tr.has(`reason.${reason}`) ? tr.t(`reason.${reason}`) : reason || "";
    },

    formatValue,

    /** An average of counts has decimals worth showing (1.5 activities per unit). */
    formatAverage(measure, value) {
      if (!measure.startsWith("indicator:") && MEASURES[measure]?.format === "int") return tr.dec1(value);
      return formatValue(measure, value);
    },
  };
}
