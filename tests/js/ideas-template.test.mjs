// Young people's proposals adopted into a survey template (static_site/app/js/ideas-template.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { adoptionTemplate, indicatorSlug } from "../../static_site/app/js/ideas-template.js";

const LANGS = ["en", "sl", "fi", "sv"];
const CORE = ["safety", "belonging", "influence"];

test("a new indicator's name becomes an id of plain letters", () => {
  assert.equal(indicatorSlug("Čustvena varnost"), "custvena_varnost");
  assert.equal(indicatorSlug("  Being heard!  "), "being_heard");
  assert.equal(indicatorSlug("Ääni ja vaikutus"), "aani_ja_vaikutus");
  assert.equal(indicatorSlug("x".repeat(60)).length, 40);
});

test("a name that makes no id starting with a letter is refused", () => {
  for (const name of ["", "   ", "2025", "!!!", "_1 x"]) assert.equal(indicatorSlug(name), "");
});

test("each pick becomes a 1-5 statement from its idea, in a template extending the annual survey", () => {
  const picks = [
    { ideaId: "0123456789abcdef", indicator: "influence", newName: "" },
    { ideaId: "fedcba9876543210", indicator: "", newName: "Being heard" },
  ];
  const { body } = adoptionTemplate(picks, "  Ideas 2027 ", LANGS, CORE);
  assert.deepEqual(body.title, { en: "Ideas 2027", sl: "Ideas 2027", fi: "Ideas 2027", sv: "Ideas 2027" });
  assert.equal(body.extends, "annual");
  assert.deepEqual(body.questions, [
    { id: "youth_0123456789ab", type: "scale", indicator: "influence", from_idea: "0123456789abcdef" },
    { id: "youth_fedcba987654", type: "scale", indicator: "being_heard", from_idea: "fedcba9876543210" },
  ]);
  assert.deepEqual(body.indicators, [
    { id: "being_heard", name: Object.fromEntries(LANGS.map((l) => [l, "Being heard"])) },
  ]);
});

test("a new indicator named twice, or named like a known one, is declared at most once", () => {
  const picks = [
    { ideaId: "a1", indicator: "", newName: "Being heard" },
    { ideaId: "a2", indicator: "", newName: "being  HEARD" },
    { ideaId: "a3", indicator: "", newName: "Safety" },
  ];
  const { body } = adoptionTemplate(picks, "T", LANGS, CORE);
  assert.deepEqual(
    body.indicators.map((i) => i.id),
    ["being_heard"],
  );
  assert.deepEqual(
    body.questions.map((q) => q.indicator),
    ["being_heard", "being_heard", "safety"],
  );
});

test("the first pick whose new indicator has no usable name is named, nothing is built", () => {
  const picks = [
    { ideaId: "a1", indicator: "safety", newName: "" },
    { ideaId: "a2", indicator: "", newName: "123" },
    { ideaId: "a3", indicator: "", newName: "" },
  ];
  assert.deepEqual(adoptionTemplate(picks, "T", LANGS, CORE), { invalid: 1 });
});
