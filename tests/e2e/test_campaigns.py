"""An org admin opens a survey campaign for all centres and follows it live (Chromium)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import pytest

from chalicelib.domain.surveys import ANNUAL
from tests.e2e.test_worker_app import (
    ADMIN,
    api,
    assert_accessible,
    created,
    sign_in,
    token_for,
)

pytestmark = pytest.mark.e2e
SCALE_IDS = [q.id for q in ANNUAL.questions if q.type == "scale"]


def test_an_admin_opens_a_campaign_and_follows_it(live_stack: Any, page: Any) -> None:
    # Given an organisation with two centres and its admin
    admin = token_for(live_stack, ADMIN)
    tag = uuid.uuid4().hex[:8]
    org = created(live_stack, "/orgs", {"name": f"Celje {tag}", "country": "SI"}, admin)
    for name in ("MC Celje", "Točka Hudinja"):
        created(live_stack, f"/orgs/{org['id']}/units", {"name": name}, admin)
    boss = f"boss-{tag}@example.org"
    created(live_stack, f"/orgs/{org['id']}/members", {"email": boss, "role": "org_admin"}, admin)

    # When the admin opens this year's survey for all centres from the app
    page.clock.install()
    sign_in(page, live_stack, boss)
    page.get_by_role("link", name="Campaigns").first.click()
    page.get_by_role("heading", name=f"Survey campaigns of {org['name']}").wait_for()
    assert_accessible(page, "campaigns", {})
    page.get_by_role("button", name="Open the campaign").click()

    # Then it shows every centre's QR point with no answers yet
    table = page.locator("#campaign-progress")
    table.wait_for()
    assert table.locator("tbody tr").count() == 2
    status, campaigns = api(live_stack, "GET", f"/orgs/{org['id']}/campaigns", token=admin)
    assert status == 200
    [campaign] = campaigns["items"]
    assert (
        page.get_by_role("link", name="Print the posters of all centres").get_attribute("href")
        == campaign["posters_url"]
    )
    assert_accessible(page, "campaign progress", {})

    # When 15 young people answer in one centre
    celje = next(unit for unit in campaign["units"] if unit["unit_name"] == "MC Celje")
    for number in range(15):
        answers: dict[str, Any] = dict.fromkeys(SCALE_IDS, 4)
        answers["gender"] = "girls" if number % 2 else "boys"
        status, body = api(
            live_stack,
            "POST",
            "/public/responses",
            {
                "submission_id": str(uuid.uuid4()),
                "collection_code": celje["code"],
                "lang": "sl",
                "answers": answers,
            },
        )
        assert status == 201, body

    # Then the page shows it by itself at its next update: the minimum is reached
    page.clock.fast_forward("00:16")
    row = table.locator(f"tr[data-unit='{celje['unit_id']}']")
    row.get_by_text("Yes").wait_for()
    assert "15" in row.inner_text()
    assert "15 answers · 1 of 2 centres reached the minimum" in page.inner_text("#campaign-summary")

    # And the admin sets a target for the year and writes the year's analysis
    page.get_by_role("link", name="Targets and analysis").first.click()
    org_targets = page.locator("form.targets-form").first
    org_targets.get_by_label("Safety (1–5)").fill("4.2")
    org_targets.get_by_label("Youth-led share (%)").fill("15")
    org_targets.get_by_role("button").click()
    analysis = page.locator("form.analysis-form").first
    analysis.get_by_label("The team's analysis").fill("Safety rose in both centres.")
    analysis.get_by_label("Public: show it in the annual report").check()
    analysis.get_by_role("button").click()
    assert_accessible(page, "targets", {})
    # The page opens on the device's current year (the browser runs on this machine).
    targets_path = f"/orgs/{org['id']}/targets/{datetime.now().year}"
    # Both saves have come back once their buttons are enabled again.
    page.wait_for_function(
        "() => [...document.querySelectorAll('form button[type=submit]')].every(b => !b.disabled)"
    )
    status, targets = api(live_stack, "GET", targets_path, token=admin)
    assert status == 200
    assert targets["items"][0]["targets"] == {"indicator:safety": 4.2, "youth_led_share": 0.15}
    status, analyses = api(
        live_stack, "GET", targets_path.replace("targets", "analyses"), token=admin
    )
    assert [(a["text"], a["public"]) for a in analyses["items"]] == [
        ("Safety rose in both centres.", True)
    ]
    # Each scope links its printable annual report on the open statistics site.
    report = page.locator(".scope-section .report-link a").first
    assert report.get_attribute("href") == (
        f"/stats/report.html?scope=org%3A{org['id']}&year={datetime.now().year}"
    )

    # And the posters of both centres print as one document
    page.goto(campaign["posters_url"])
    page.wait_for_function(
        "document.querySelectorAll('img[data-part=qr]:not([hidden])').length === 2"
    )
    names = page.locator("[data-part=unit]").all_inner_texts()
    assert sorted(names) == ["MC Celje", "Točka Hudinja"]
    assert page.script_errors == []
