// The organisation page's set-up lists (admin.js): units, members and their roles, goals,
// reflection questions. Each is a list of inline forms plus a form to add one; `page` is
// {base: the organisation's API path, reload: draw the page again after a change}.

import { h } from "../../shared/dom.js";
import { MAX_TITLE } from "../../shared/vocabulary.js";
import { call } from "./api.js";
import { checkedUnits, field, submitForm, unitChecks } from "./forms.js";
import { t } from "./i18n.js";
import { announce, problemText } from "./ui.js";

const ROLES = ["org_admin", "worker", "partner"];

/** An API problem with an admin form, in the user's language. */
function adminProblem({ field, problem, code }) {
  if (field === "email") return t("err.email");
  if (field === "unit_ids") return code === "units_needed" ? t("err.unitsNeeded") : t("err.units");
  if (["name", "title", "text"].includes(field)) return t("err.required");
  if (field === "role") return t("err.role");
  return t("err.generic", { problem: problemText({ problem, code }) });
}

/** Send a form; the API's problems are said in the user's language beside their inputs. */
const submit = (form, send, done) => submitForm(form, send, done, { placed: adminProblem, unplaced: adminProblem });

// ---------------------------------------------------------------- units
export const unitList = ({ base, reload }, units) => [
  h(
    "ul",
    { className: "admin-list" },
    units.map((unit) => {
      const form = h(
        "form",
        { className: "inline-form" },
        h("div", { className: "form-banner" }),
        field(
          t("admin.unitName"),
          h("input", { name: "name", "data-field": "name", value: unit.name, required: true, maxlength: 120 }),
        ),
        h("button", { type: "submit", "aria-label": `${t("admin.save")}: ${unit.name}` }, t("admin.save")),
        " ",
        h("a", { href: `#/units/${encodeURIComponent(unit.id)}` }, t("admin.openUnit")),
      );
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        submit(
          form,
          () =>
            call("PUT", `/units/${encodeURIComponent(unit.id)}`, {
              name: form.elements.name.value,
              description: unit.description ?? null,
            }),
          () => {
            announce(t("admin.saved"));
            reload();
          },
        );
      });
      return h("li", {}, form);
    }),
  ),
  (() => {
    const form = h(
      "form",
      { className: "inline-form" },
      h("h3", {}, t("admin.addUnit")),
      h("div", { className: "form-banner" }),
      field(t("admin.unitName"), h("input", { name: "name", "data-field": "name", required: true, maxlength: 120 })),
      h("button", { type: "submit" }, t("admin.create")),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      submit(
        form,
        () => call("POST", `${base}/units`, { name: form.elements.name.value }),
        () => {
          announce(t("admin.saved"));
          reload();
        },
      );
    });
    return form;
  })(),
];

// ---------------------------------------------------------------- members
const roleSelect = (value) =>
  h(
    "select",
    { name: "role", "data-field": "role" },
    ROLES.map((r) => h("option", { value: r, selected: r === value }, t(`role.${r}`))),
  );
export const memberList = ({ base, reload }, [units, members]) => {
  const unitName = new Map(units.map((u) => [u.id, u.name]));
  return [
    h(
      "ul",
      { className: "admin-list" },
      members.items.map((member) => {
        const form = h(
          "form",
          { className: "inline-form member" },
          h("h3", {}, member.email),
          h("div", { className: "form-banner" }),
          field(t("admin.role"), roleSelect(member.role)),
          unitChecks(units, member.unit_ids, t("admin.memberUnits")),
          h(
            "div",
            { className: "button-row" },
            h("button", { type: "submit", "aria-label": `${t("admin.save")}: ${member.email}` }, t("admin.save")),
            h(
              "button",
              {
                type: "button",
                className: "danger",
                "aria-label": `${t("admin.remove")}: ${member.email}`,
                onclick: () => {
                  if (!window.confirm(t("admin.confirmRemove", { email: member.email }))) return;
                  submit(
                    form,
                    () => call("DELETE", `${base}/members/${encodeURIComponent(member.email)}`),
                    () => {
                      announce(t("admin.removed"));
                      reload();
                    },
                  );
                },
              },
              t("admin.remove"),
            ),
          ),
        );
        form.addEventListener("submit", (event) => {
          event.preventDefault();
          const role = form.elements.role.value;
          submit(
            form,
            () =>
              call("PUT", `${base}/members/${encodeURIComponent(member.email)}`, {
                role,
                unit_ids: role === "org_admin" ? [] : checkedUnits(form),
              }),
            () => {
              announce(t("admin.saved"));
              reload();
            },
          );
        });
        return h(
          "li",
          {},
          form,
          member.unit_ids.length
            ? h("p", { className: "meta" }, member.unit_ids.map((id) => unitName.get(id) || id).join(", "))
            : null,
        );
      }),
    ),
    (() => {
      const form = h(
        "form",
        { className: "inline-form" },
        h("h3", {}, t("admin.addMember")),
        h("div", { className: "form-banner" }),
        field(
          t("admin.email"),
          h("input", { name: "email", "data-field": "email", type: "email", required: true, autocomplete: "off" }),
        ),
        field(t("admin.role"), roleSelect("worker")),
        unitChecks(units, [], t("admin.memberUnits")),
        h("p", { className: "hint" }, t("admin.partnerHint")),
        h("button", { type: "submit" }, t("admin.add")),
      );
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        const role = form.elements.role.value;
        submit(
          form,
          () =>
            call("POST", `${base}/members`, {
              email: form.elements.email.value,
              role,
              unit_ids: role === "org_admin" ? [] : checkedUnits(form),
            }),
          () => {
            announce(t("admin.saved"));
            reload();
          },
        );
      });
      return form;
    })(),
  ];
};

// ---------------------------------------------------------------- goals
const goalForm = ({ base, reload }, units, goal) => {
  const form = h(
    "form",
    { className: "inline-form" },
    goal ? null : h("h3", {}, t("admin.addGoal")),
    h("div", { className: "form-banner" }),
    field(
      t("admin.goalTitle"),
      h("input", {
        name: "title",
        "data-field": "title",
        value: goal ? goal.title : "",
        required: true,
        maxlength: MAX_TITLE,
      }),
    ),
    unitChecks(units, goal?.unit_ids ? goal.unit_ids : [], t("admin.goalUnits")),
    h(
      "div",
      { className: "choice" },
      h("input", {
        type: "checkbox",
        name: "active",
        id: `active-${goal ? goal.id : "new"}`,
        checked: goal ? goal.active : true,
      }),
      h("label", { htmlFor: `active-${goal ? goal.id : "new"}` }, t("admin.active")),
    ),
    h(
      "button",
      { type: "submit", "aria-label": goal ? `${t("admin.save")}: ${goal.title}` : null },
      goal ? t("admin.save") : t("admin.add"),
    ),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const chosen = checkedUnits(form);
    const body = {
      title: form.elements.title.value,
      unit_ids: chosen.length ? chosen : null,
      active: form.elements.active.checked,
    };
    if (goal?.description) body.description = goal.description;
    submit(
      form,
      () =>
        goal ? call("PUT", `${base}/goals/${encodeURIComponent(goal.id)}`, body) : call("POST", `${base}/goals`, body),
      () => {
        announce(t("admin.saved"));
        reload();
      },
    );
  });
  return form;
};
export const goalList = (page, [units, goals]) => [
  h(
    "ul",
    { className: "admin-list" },
    goals.items.map((g) => h("li", {}, goalForm(page, units, g))),
  ),
  goalForm(page, units, null),
];

// ---------------------------------------------------------------- questions
const questionForm = ({ base, reload }, question) => {
  const form = h(
    "form",
    { className: "inline-form" },
    question ? null : h("h3", {}, t("admin.addQuestion")),
    h("div", { className: "form-banner" }),
    field(
      t("admin.questionText"),
      h("input", {
        name: "text",
        "data-field": "text",
        value: question ? question.text : "",
        required: true,
        maxlength: 500,
      }),
    ),
    h(
      "div",
      { className: "choice" },
      h("input", {
        type: "checkbox",
        name: "active",
        id: `qactive-${question ? question.id : "new"}`,
        checked: question ? question.active : true,
      }),
      h("label", { htmlFor: `qactive-${question ? question.id : "new"}` }, t("admin.active")),
    ),
    h("button", { type: "submit" }, question ? t("admin.save") : t("admin.add")),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = { text: form.elements.text.value, active: form.elements.active.checked };
    submit(
      form,
      () =>
        question
          ? call("PUT", `${base}/reflection-questions/${encodeURIComponent(question.id)}`, body)
          : call("POST", `${base}/reflection-questions`, body),
      () => {
        announce(t("admin.saved"));
        reload();
      },
    );
  });
  return form;
};
export const questionList = (page, questions) => [
  h(
    "ul",
    { className: "admin-list" },
    questions.items.map((q) => h("li", {}, questionForm(page, q))),
  ),
  questionForm(page, null),
];
