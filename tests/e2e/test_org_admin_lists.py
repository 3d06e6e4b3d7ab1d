"""The organisation page's set-up lists in Chromium (static_site/app/js/admin-lists.js).

An organisation admin adds a unit and a goal from the page, and a partner without a
unit, which the API refuses: the refusal is said beside the units, in the user's words,
and nothing is stored. The lists' code loads with the page's calls (not with the app's first
page), so this also shows that the lazily loaded module draws every list.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.e2e.test_worker_app import ADMIN, api, created, sign_in, token_for

pytestmark = pytest.mark.e2e


def test_an_admin_adds_a_unit_and_a_goal_and_is_told_why_a_member_was_refused(
    live_stack: Any, page: Any
) -> None:
    admin = token_for(live_stack, ADMIN)
    tag = uuid.uuid4().hex[:8]
    org = created(live_stack, "/orgs", {"name": f"Maribor {tag}", "country": "SI"}, admin)
    created(live_stack, f"/orgs/{org['id']}/units", {"name": "MC Pekarna"}, admin)
    boss = f"boss-{tag}@example.org"
    created(live_stack, f"/orgs/{org['id']}/members", {"email": boss, "role": "org_admin"}, admin)
    base = f"/orgs/{org['id']}"

    # Given the organisation page with its lists drawn
    sign_in(page, live_stack, boss)
    page.goto(f"{live_stack.site_url}/app/#{base}")
    page.get_by_role("heading", name="Add a unit").wait_for()

    # When the admin adds a unit, the page draws it again with the new unit in its list
    add_unit = page.locator("form", has=page.get_by_role("heading", name="Add a unit"))
    add_unit.get_by_label("Name").fill("MC Tezno")
    add_unit.get_by_role("button", name="Create").click()
    page.get_by_role("button", name="Save: MC Tezno").wait_for()
    units = api(live_stack, "GET", f"{base}/units", token=admin)[1]
    assert sorted(u["name"] for u in units["items"]) == ["MC Pekarna", "MC Tezno"]

    # When a partner is added without a unit, the refusal is beside the units; nothing is stored
    add_member = page.locator("form", has=page.get_by_role("heading", name="Add a member"))
    add_member.get_by_label("E-mail address").fill(f"partner-{tag}@example.org")
    add_member.get_by_label("Role").select_option("partner")
    add_member.get_by_role("button", name="Add").click()
    problem = add_member.locator(".unit-checks .field-error")
    problem.wait_for()
    assert problem.inner_text() == "Workers and partners need at least one unit."
    assert add_member.get_by_role("button", name="Add").is_enabled()
    members = api(live_stack, "GET", f"{base}/members", token=admin)[1]["items"]
    assert [m["email"] for m in members] == [boss]

    # When the admin adds a goal, it is stored for the organisation
    add_goal = page.locator("form", has=page.get_by_role("heading", name="Add a goal"))
    add_goal.get_by_label("Goal").fill("Young people plan their own events")
    add_goal.get_by_role("button", name="Add").click()
    page.get_by_role("button", name="Save: Young people plan their own events").wait_for()
    goals = api(live_stack, "GET", f"{base}/goals", token=admin)[1]["items"]
    assert [g["title"] for g in goals] == ["Young people plan their own events"]
    assert page.script_errors == []
