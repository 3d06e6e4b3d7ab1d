// What the signed-in person may do, loaded once per sign-in: /me, and the units
// of their organisations. Used to show only what they can open, and to refuse a
// unit page plainly before any call when they have no role there.

import { call } from "./api.js";

let me = null;
const unitsByOrg = new Map();

export function clearContext() {
  me = null;
  unitsByOrg.clear();
}

export async function loadMe(force = false) {
  if (!me || force) me = await call("GET", "/me");
  return me;
}

export async function orgUnits(orgId, force = false) {
  if (!unitsByOrg.has(orgId) || force) {
    const answer = await call("GET", `/orgs/${encodeURIComponent(orgId)}/units`);
    unitsByOrg.set(orgId, answer.items);
  }
  return unitsByOrg.get(orgId);
}

export function forgetUnits(orgId) {
  unitsByOrg.delete(orgId);
}

/** The caller's role in a unit: platform_admin, org_admin, worker, partner or null. */
export function unitRole(person, unit) {
  if (person.platform_admin) return "platform_admin";
  const membership = person.memberships.find((m) => m.org_id === unit.org_id);
  if (!membership) return null;
  if (membership.role === "org_admin") return "org_admin";
  return membership.unit_ids.includes(unit.id) ? membership.role : null;
}

export function isOrgAdmin(person, orgId) {
  return person.platform_admin || person.memberships.some((m) => m.org_id === orgId && m.role === "org_admin");
}

/** Today's date as YYYY-MM-DD in the device's time zone (the evening's date). */
export function today() {
  const now = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
