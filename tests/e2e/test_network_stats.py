"""/stats/ with a network scope (docs/networks.md): one lean Chromium check on the live
local stack: the picker offers the network and its figures are the published ones."""

from __future__ import annotations

import time
from typing import Any

from tests.e2e.test_stats_site import call, cell_values, open_view
from tests.e2e.test_worker_app import axe_violations


def test_a_network_scope_shows_its_figures(page: Any, live_stack: Any) -> None:
    # Given two organisations of a network, with an activity each
    base = live_stack.api_url
    token = call(base, "POST", "/auth/local-login", {"email": "admin@logbook.local"})["token"]
    org_ids = []
    for name, country, girls in (("Kranj", "SI", 6), ("Turku", "FI", 9)):
        org = call(base, "POST", "/orgs", {"name": name, "country": country}, token)
        unit = call(base, "POST", f"/orgs/{org['id']}/units", {"name": f"{name} centre"}, token)
        activity = {
            "date": "2025-05-14",
            "duration_minutes": 120,
            "kind": "open",
            "title": "Open evening",
            "participants": {"girls": girls, "boys": 5},
        }
        call(base, "POST", f"/units/{unit['id']}/activities", activity, token)
        org_ids.append(org["id"])
    coordinator = "coordinator@baltic.test"
    network = call(
        base,
        "POST",
        "/networks",
        {"name": "Baltic ring", "org_ids": org_ids, "coordinators": [coordinator]},
        token,
    )
    scope = f"network:{network['id']}"

    # When the network's figures are published (the stream pump, within seconds)
    deadline = time.monotonic() + 60
    while True:
        figures = call(base, "GET", f"/public/stats?scope={scope}&period=2025")
        if figures["activities"]["count"] == 2 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert figures["participation"]["visits"] == 25

    # Then /stats/ offers the network in its picker and shows those figures
    open_view(page, live_stack.site_url, f"?scope={scope}&period=2025")
    assert page.eval_on_selector("#scope", "select => select.value") == scope
    assert "Baltic ring" in page.inner_text("#scope")
    cells = cell_values(page, "#summary")
    assert cells["visits"] == 25
    assert cells["activities"] == 2
    assert page.script_errors == []

    # And its coordinator sees the organisations' units side by side in the app
    page.goto(f"{live_stack.site_url}/app/")
    page.get_by_label("Your e-mail address").fill(coordinator)
    page.get_by_role("button", name="Sign in").click()
    page.click("#networks-link")
    page.wait_for_selector("#network-figures")
    page.goto(f"{live_stack.site_url}/app/#/networks/{network['id']}?period=2025")
    page.wait_for_selector("#network-figures")
    total = page.locator("#network-figures tbody tr").last
    assert "Network total" in total.inner_text()
    assert "25" in total.inner_text()
    assert axe_violations(page) == []
    # And opens a campaign in both organisations at once
    page.get_by_role("button", name="Open in every organisation").click()
    page.wait_for_function(
        "document.querySelectorAll('.campaign-results li').length === 2", timeout=15000
    )
    assert page.locator(".campaign-results a").count() == 2, page.inner_text(".campaign-results")
    assert page.script_errors == []


def test_a_platform_admin_makes_a_network_in_the_app(page: Any, live_stack: Any) -> None:
    base = live_stack.api_url
    token = call(base, "POST", "/auth/local-login", {"email": "admin@logbook.local"})["token"]
    org = call(base, "POST", "/orgs", {"name": "Lahti", "country": "FI"}, token)
    page.goto(f"{live_stack.site_url}/app/")
    page.get_by_label("Your e-mail address").fill("admin@logbook.local")
    page.get_by_role("button", name="Sign in").click()
    page.click("#networks-link")
    form = page.locator("#new-network")
    form.get_by_label("Name").fill("Päijät-Häme")
    form.get_by_label("Lahti (FI)").check()
    form.get_by_label("Coordinators (e-mail addresses, one per line)").fill("Coord@Lahti.test")
    form.get_by_role("button", name="Create network").click()
    page.wait_for_selector("#network-figures")
    assert page.inner_text("#page-title") == "Päijät-Häme"
    listed = call(base, "GET", "/networks", token=token)["items"]
    made = next(n for n in listed if n["name"] == "Päijät-Häme")
    assert made["org_ids"] == [org["id"]] and made["coordinators"] == ["coord@lahti.test"]
    assert page.script_errors == []
