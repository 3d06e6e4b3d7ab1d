// Organisation admins: units, members and roles, goals, reflection questions,
// the organisation's export, and all units side by side.

import { barChart } from "../../shared/charts.js";
import { h, replace, uid } from "../../shared/dom.js";
import { periodOf } from "../../shared/periods.js";
import { MAX_TITLE } from "../../shared/vocabulary.js";
import { structureSections } from "./admin-structure.js";
import { call, download, downloadViaLink } from "./api.js";
import { forgetUnits, isOrgAdmin, loadMe, orgUnits } from "./context.js";
import { barItems, fetchStats, periodPicker, statsUnavailable } from "./figures-view.js";
import { formatNumber, formatPercent, t } from "./i18n.js";
import {
  announce,
  explainError,
  failurePage,
  loading,
  notice,
  pageHeading,
  pendingSection,
  problemText,
} from "./ui.js";

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const ROLES = ["org_admin", "worker", "partner"];

function adminProblem(field, problem, code) {
  if (field === "email") return t("err.email");
  if (field === "unit_ids") return code === "units_needed" ? t("err.unitsNeeded") : t("err.units");
  if (["name", "title", "text"].includes(field)) return t("err.required");
  if (field === "role") return t("err.role");
  return t("err.generic", { problem: problemText({ problem, code }) });
}

/** Run `send` for a form; show the API's problems beside the inputs named like the fields. */
async function submit(form, send, done) {
  for (const p of form.querySelectorAll(".field-error")) {
    p.hidden = true;
    p.textContent = "";
  }
  for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
  const banner = form.querySelector(".form-banner");
  replace(banner);
  try {
    const result = await send();
    done(result);
  } catch (error) {
    const unplaced = [];
    for (const { field, problem, code } of error.errors || []) {
      const input = form.querySelector(`[data-field="${CSS.escape(field)}"]`);
      const slot = input?.closest(".field, fieldset")?.querySelector(".field-error");
      if (slot) {
        slot.textContent = adminProblem(field, problem, code);
        slot.hidden = false;
        if (input.matches("input, select, textarea")) input.setAttribute("aria-invalid", "true");
      } else {
        unplaced.push(adminProblem(field, problem, code));
      }
    }
    replace(
      banner,
      notice(
        "error",
        h("p", {}, explainError(error)),
        unplaced.map((m) => h("p", {}, m)),
      ),
    );
  }
}

function field(label, input) {
  const errorId = uid("e");
  input.setAttribute("aria-describedby", errorId);
  if (!input.id) input.id = uid("i");
  return h(
    "div",
    { className: "field" },
    h("label", { htmlFor: input.id }, label),
    input,
    h("p", { className: "field-error", id: errorId, hidden: true }),
  );
}

function unitChecks(units, chosen, legend) {
  return h(
    "fieldset",
    { className: "unit-checks", "data-field": "unit_ids" },
    h("legend", {}, legend),
    units.map((u) => {
      const id = uid("u");
      return h(
        "div",
        { className: "choice" },
        h("input", { type: "checkbox", id, name: "unit_ids", value: u.id, checked: chosen.includes(u.id) }),
        h("label", { htmlFor: id }, u.name),
      );
    }),
    h("p", { className: "field-error", hidden: true }),
  );
}

// The evaluation pages (evaluation.js, loaded on demand).
function evaluationTabs(orgId) {
  const base = `#/orgs/${encodeURIComponent(orgId)}`;
  return [
    h("a", { href: `${base}/campaigns` }, t("home.campaigns")),
    h("a", { href: `${base}/targets` }, t("home.targets")),
  ];
}

const checkedUnits = (form) => [...form.querySelectorAll('input[name="unit_ids"]:checked')].map((i) => i.value);

/**
 * The organisation page. The heading, the tabs and every section's heading come at
 * once; each section fills in when its own calls answer, and a failed call leaves its
 * notice in that section only (a slow or failing call never holds the whole page).
 */
export async function orgPage(main, orgId) {
  replace(main, loading());
  let me;
  try {
    me = await loadMe();
  } catch (error) {
    replace(main, ...failurePage(error, t("admin.refused")));
    return;
  }
  if (!isOrgAdmin(me, orgId)) {
    replace(main, ...failurePage({ status: 403 }, t("admin.refused")));
    return;
  }
  const base = `/orgs/${encodeURIComponent(orgId)}`;
  // Every call starts now, side by side; the sections wait only for what they show.
  const orgAnswer = call("GET", base);
  const unitsAnswer = orgUnits(orgId, true);
  const membersAnswer = call("GET", `${base}/members`);
  const goalsAnswer = call("GET", `${base}/goals`);
  const questionsAnswer = call("GET", `${base}/reflection-questions`);
  const reload = () => {
    forgetUnits(orgId);
    orgPage(main, orgId);
  };
  const year = String(new Date().getFullYear());
  const exportBanner = h("div");
  const exportFile = async (format) => {
    try {
      await download(
        `${base}/activity-export?format=${format}&period=${year}`,
        `activities-${year}.${format}`,
        format === "xlsx" ? XLSX : "text/csv",
      );
    } catch (error) {
      replace(exportBanner, notice("error", h("p", {}, explainError(error))));
    }
  };

  // Everything of the organisation as a data package (docs/data.md).
  const exportPackage = async () => {
    try {
      // A link, not the file: large packages come from the export bucket (docs/data.md).
      await downloadViaLink(`${base}/export.zip?link=1`);
    } catch (error) {
      replace(exportBanner, notice("error", h("p", {}, explainError(error))));
    }
  };

  // ---------------------------------------------------------------- units
  const unitList = (units) => [
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
  const memberList = ([units, members]) => {
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
  const goalForm = (units, goal) => {
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
          goal
            ? call("PUT", `${base}/goals/${encodeURIComponent(goal.id)}`, body)
            : call("POST", `${base}/goals`, body),
        () => {
          announce(t("admin.saved"));
          reload();
        },
      );
    });
    return form;
  };
  const goalList = ([units, goals]) => [
    h(
      "ul",
      { className: "admin-list" },
      goals.items.map((g) => h("li", {}, goalForm(units, g))),
    ),
    goalForm(units, null),
  ];

  // ---------------------------------------------------------------- questions
  const questionForm = (question) => {
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
  const questionList = (questions) => [
    h(
      "ul",
      { className: "admin-list" },
      questions.items.map((q) => h("li", {}, questionForm(q))),
    ),
    questionForm(null),
  ];

  // The heading names the organisation: from the sign-in's memberships when the caller
  // is a member (at once), else (a platform admin) from the organisation's own answer.
  const known = me.memberships.find((m) => m.org_id === orgId)?.org_name;
  const crumbName = h("span", {}, known || "");
  const headingSlot = h("div", {}, known ? pageHeading(t("admin.title", { org: known })) : loading());
  const view = main;
  orgAnswer.then(
    (org) => {
      crumbName.textContent = org.name;
      if (!known) {
        replace(headingSlot, pageHeading(t("admin.title", { org: org.name })));
        if (view.isConnected && !view.contains(document.activeElement)) document.getElementById("page-title")?.focus();
      }
    },
    (error) => {
      // No organisation to manage (gone, or refused): the page says so, as a whole. Any
      // other failure stays in the organisation's own section; the heading names the id.
      if (error.status === 403 || error.status === 404) {
        if (view.isConnected) replace(view, ...failurePage(error, t("admin.refused")));
      } else if (!known) {
        replace(headingSlot, pageHeading(t("admin.title", { org: orgId })));
      }
    },
  );
  const both = (first, second) => Promise.all([first, second]);

  replace(
    main,
    h("p", { className: "crumbs" }, h("a", { href: "#/" }, t("nav.home")), " › ", crumbName),
    headingSlot,
    h(
      "nav",
      { className: "tabs", "aria-label": t("admin.nav") },
      h("a", { href: `#/orgs/${encodeURIComponent(orgId)}`, "aria-current": "page" }, t("admin.manage")),
      h("a", { href: `#/orgs/${encodeURIComponent(orgId)}/figures` }, t("home.sideBySide")),
      evaluationTabs(orgId),
    ),
    h(
      "div",
      { className: "button-row" },
      h("span", {}, t("list.exportOrg", { year })),
      h("button", { type: "button", onclick: () => exportFile("csv") }, "CSV"),
      h("button", { type: "button", onclick: () => exportFile("xlsx") }, "XLSX"),
      h("button", { type: "button", onclick: exportPackage }, t("admin.exportPackage")),
      h("a", { className: "button", href: `#/orgs/${encodeURIComponent(orgId)}/import` }, t("admin.importPackage")),
    ),
    exportBanner,
    pendingSection("units-h", t("admin.units"), unitsAnswer, unitList),
    pendingSection("members-h", t("admin.members"), both(unitsAnswer, membersAnswer), memberList),
    pendingSection(
      "goals-h",
      t("admin.goals"),
      both(unitsAnswer, goalsAnswer),
      goalList,
      h("p", { className: "hint" }, t("admin.goalsHint")),
    ),
    pendingSection("questions-h", t("admin.questions"), questionsAnswer, questionList),
    ...structureSections(orgId, orgAnswer, reload),
  );
}

// ------------------------------------------------------------------ side by side
export async function orgFiguresPage(main, orgId, period) {
  replace(main, loading());
  let name;
  let unitsAnswer;
  try {
    const me = await loadMe();
    if (!isOrgAdmin(me, orgId)) {
      replace(main, ...failurePage({ status: 403 }, t("admin.refused")));
      return;
    }
    unitsAnswer = orgUnits(orgId, true);
    unitsAnswer.catch(() => {}); // answered below, in the page's body
    // The heading at once from the sign-in's memberships; a platform admin's from the organisation.
    name =
      me.memberships.find((m) => m.org_id === orgId)?.org_name ||
      (await call("GET", `/orgs/${encodeURIComponent(orgId)}`)).name;
  } catch (error) {
    replace(main, ...failurePage(error, t("admin.refused")));
    return;
  }
  period = period || periodOf(new Date(), "month");
  const go = (next) => {
    window.location.hash = `#/orgs/${encodeURIComponent(orgId)}/figures?period=${next}`;
  };
  const body = h("div", { "aria-busy": "true" }, loading());
  replace(
    main,
    h("p", { className: "crumbs" }, h("a", { href: "#/" }, t("nav.home")), " › ", name),
    pageHeading(t("side.title", { org: name })),
    h(
      "nav",
      { className: "tabs", "aria-label": t("admin.nav") },
      h("a", { href: `#/orgs/${encodeURIComponent(orgId)}` }, t("admin.manage")),
      h("a", { href: `#/orgs/${encodeURIComponent(orgId)}/figures`, "aria-current": "page" }, t("home.sideBySide")),
      evaluationTabs(orgId),
    ),
    periodPicker(period, go),
    body,
  );
  let units;
  try {
    units = await unitsAnswer;
  } catch (error) {
    body.setAttribute("aria-busy", "false");
    replace(body, notice("error", h("p", {}, explainError(error))));
    return;
  }
  const scopes = [...units.map((u) => [u.name, `unit:${u.id}`]), [t("side.total"), `org:${orgId}`]];
  const results = await Promise.allSettled(scopes.map(([, scope]) => fetchStats(scope, period)));
  const failed = results.find((r) => r.status === "rejected");
  if (failed && results.every((r) => r.status === "rejected")) {
    body.setAttribute("aria-busy", "false");
    replace(body, statsUnavailable(failed.reason));
    return;
  }
  const rows = scopes.map(([name], index) => {
    const r = results[index];
    if (r.status !== "fulfilled") return [name, "–", "–", "–", "–", "–", "–"];
    const s = r.value;
    return [
      name,
      formatNumber(s.activities.count),
      formatNumber(s.activities.hours, { maximumFractionDigits: 1 }),
      formatNumber(s.participation.visits),
      formatPercent(s.activities.youth_led_share || 0),
      formatNumber(s.participation.new),
      formatNumber(s.responses || 0),
    ];
  });
  const visits = scopes
    .slice(0, -1)
    .map(([name], index) => [
      name,
      results[index].status === "fulfilled" ? results[index].value.participation.visits : 0,
    ]);
  body.setAttribute("aria-busy", "false");
  replace(
    body,
    h(
      "figure",
      { className: "figure" },
      h("figcaption", {}, t("side.visitsChart")),
      barChart(barItems(visits), { title: t("side.visitsChart") }),
    ),
    h(
      "div",
      { className: "table-scroll", tabindex: "0", role: "region", "aria-label": t("side.table") },
      h(
        "table",
        {},
        h("caption", {}, t("side.table")),
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            [
              t("side.unit"),
              t("fig.activities"),
              t("fig.hours"),
              t("fig.visits"),
              t("fig.youthLedShare"),
              t("fig.new"),
              t("fig.responses"),
            ].map((text, i) => h("th", { scope: "col", className: i ? "num" : null }, text)),
          ),
        ),
        h(
          "tbody",
          {},
          rows.map((cells, r) =>
            h(
              "tr",
              { className: r === rows.length - 1 ? "total-row" : null },
              cells.map((cell, i) => (i ? h("td", { className: "num" }, cell) : h("th", { scope: "row" }, cell))),
            ),
          ),
        ),
      ),
    ),
  );
}
