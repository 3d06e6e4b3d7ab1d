"""Planning a session and logging it as done, in the organisation's own words (issue #17).

A worker plans an individual session with one of the organisation's own categories,
finds it among the upcoming sessions (beside a plan whose date passed: "not yet
logged"), completes it starting from the plan, and the public statistics count it
once, under the core category. The form's planning labels exist in all four languages.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_worker_app import ADMIN, api, created, sign_in, token_for

pytestmark = pytest.mark.e2e

YOUTH_CAFE = {
    "id": "youth_cafe",
    "labels": {
        "en": "Youth café",
        "sl": "Mladinska kavarna",
        "fi": "Nuorisokahvila",
        "sv": "Ungdomscafé",
    },
    "maps_to": "socialising",
}
# The form's planning words in the four languages (static_site/shared/i18n/app.*.json) and
# the core kind the vocabulary serves (chalicelib/domain/vocabulary.py).
LANGUAGES = {
    "sl": ("Načrt za prihodnje srečanje", "Individualno delo", "Mladinska kavarna"),
    "fi": ("Suunnitelma tulevasta kerrasta", "Yksilöohjaus", "Nuorisokahvila"),
    "sv": ("En plan för ett kommande tillfälle", "Individuellt stöd", "Ungdomscafé"),
    "en": ("A plan for a session ahead", "Individual youth work", "Youth café"),
}


def test_a_worker_plans_a_session_and_logs_it_as_done(live_stack: Any, page: Any) -> None:
    admin = token_for(live_stack, ADMIN)
    tag = uuid.uuid4().hex[:8]
    org = created(
        live_stack,
        "/orgs",
        {"name": f"Espoo {tag}", "country": "FI", "municipality_code": "049"},
        admin,
    )
    unit = created(live_stack, f"/orgs/{org['id']}/units", {"name": "Tapiolan nuorisotila"}, admin)
    goal = created(live_stack, f"/orgs/{org['id']}/goals", {"title": "Future plans"}, admin)
    status, _ = api(
        live_stack, "PUT", f"/orgs/{org['id']}/vocabulary", {"categories": [YOUTH_CAFE]}, admin
    )
    assert status == 200
    worker = f"worker-{tag}@example.org"
    created(
        live_stack,
        f"/orgs/{org['id']}/members",
        {"email": worker, "role": "worker", "unit_ids": [unit["id"]]},
        admin,
    )
    today = dt.date.today()
    # A plan from last week that nobody logged.
    created(
        live_stack,
        f"/units/{unit['id']}/activities",
        {
            "status": "planned",
            "date": (today - dt.timedelta(days=7)).isoformat(),
            "duration_minutes": 60,
            "kind": "group",
            "title": "Forgotten workshop",
        },
        admin,
    )

    # Given the worker's form, built from the organisation's vocabulary
    sign_in(page, live_stack, worker)
    page.get_by_role("heading", name="Log an activity – Tapiolan nuorisotila").wait_for()
    for language, (plan_label, individual, own_category) in LANGUAGES.items():
        page.select_option("#lang", language)
        page.get_by_label(plan_label).wait_for()
        assert page.get_by_label(individual).count() == 1, language
        assert page.get_by_label(own_category).count() == 1, language

    # When the worker plans an individual session in the organisation's own words
    page.get_by_label("A plan for a session ahead").check()
    assert not page.get_by_role("spinbutton", name="Girls").is_visible()
    page.get_by_label("Date", exact=True).fill(today.isoformat())
    page.get_by_label("Title").fill("Guidance talk")
    page.get_by_label("Individual youth work").check()
    page.get_by_label("Youth café").check()
    page.get_by_label("What we intend").fill("Talk through the summer job applications.")
    page.get_by_role("checkbox", name="Future plans").check()
    page.get_by_role("button", name="Save the plan").click()
    page.get_by_text("Planned: Guidance talk").wait_for()

    # Then it is among the upcoming sessions, beside the one not yet logged
    upcoming = page.locator(".upcoming")
    upcoming.get_by_text("Guidance talk").wait_for()
    text = upcoming.inner_text()
    assert "not yet logged" in text and "planned" in text
    stats_path = f"/public/stats?scope=unit:{unit['id']}&period={today.year}"
    assert api(live_stack, "GET", stats_path)[1]["activities"]["count"] == 0

    # When the worker logs it as done, starting from the plan
    upcoming.get_by_role("link", name="Log as done: Guidance talk").click()
    page.get_by_role("heading", name="Log what happened – Guidance talk").wait_for()
    assert page.get_by_label("What we intend").input_value().startswith("Talk through")
    page.get_by_role("spinbutton", name="Girls").fill("1")
    page.get_by_role("group", name="Future plans").get_by_label("4 – mostly").check()
    page.get_by_label("Diary").fill("She has two applications ready.")
    page.get_by_role("button", name="Log as done").click()
    page.get_by_text("Changes saved").first.wait_for()

    # Then the stored activity is done, in its own words, with the plan kept
    _, listing = api(live_stack, "GET", f"/units/{unit['id']}/activities?status=done", token=admin)
    [done] = listing["items"]
    assert done["status"] == "done" and done["kind"] == "individual"
    assert done["categories"] == ["youth_cafe"] and done["core_categories"] == ["socialising"]
    assert done["participants"]["girls"] == 1 and done["goal_ratings"] == {goal["id"]: 4}
    assert done["intentions"] == "Talk through the summer job applications."

    # And the public statistics count it once, under the core words
    deadline = time.monotonic() + 15
    while True:
        stats = api(live_stack, "GET", stats_path)[1]
        if stats["activities"]["count"] or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert stats["activities"]["count"] == 1
    assert stats["activities"]["by_kind"] == {"individual": 1}
    assert stats["activities"]["by_category"] == {"socialising": 1}

    # And the open statistics' downloads carry the municipality's official code
    page.goto(f"{live_stack.site_url}/stats/?scope=org:{org['id']}&period={today.year}")
    page.wait_for_selector("#open-data")
    page.wait_for_function("!document.querySelector('#results').hasAttribute('aria-busy')")
    with page.expect_download() as csv_download:
        page.click("#download-csv")
    rows = list(csv.DictReader(io.StringIO(Path(csv_download.value.path()).read_text("utf-8"))))
    assert rows and {row["municipality_code"] for row in rows} == {"049"}
    assert page.script_errors == []


def wait_until(condition: Any, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "never happened"
        time.sleep(0.3)


def public_code(stack: Any, org_id: str) -> str | None:
    orgs = api(stack, "GET", "/public/orgs")[1]["items"]
    return next(o for o in orgs if o["id"] == org_id).get("municipality_code")


def test_an_org_admin_names_categories_and_reports_key_figures(live_stack: Any, page: Any) -> None:
    admin = token_for(live_stack, ADMIN)
    tag = uuid.uuid4().hex[:8]
    org = created(live_stack, "/orgs", {"name": f"Botkyrka {tag}", "country": "SE"}, admin)
    unit = created(live_stack, f"/orgs/{org['id']}/units", {"name": "Fittja fritidsgård"}, admin)
    boss = f"boss-{tag}@example.org"
    created(live_stack, f"/orgs/{org['id']}/members", {"email": boss, "role": "org_admin"}, admin)

    # Given the organisation page
    sign_in(page, live_stack, boss)
    page.goto(f"{live_stack.site_url}/app/#/orgs/{org['id']}")
    page.get_by_role("heading", name="Our categories").wait_for()

    # When the admin gives the official code, a category of their own and the year's figures
    page.get_by_label("Municipality code").fill("0127")
    page.get_by_role("region", name="Official code and young residents").get_by_role(
        "button", name="Save"
    ).click()
    wait_until(lambda: public_code(live_stack, org["id"]) == "0127")
    page.reload()
    page.get_by_role("heading", name="Our categories").wait_for()
    assert page.get_by_label("Municipality code").input_value() == "0127"
    vocabulary = page.get_by_role("region", name="Our categories")
    vocabulary.get_by_label("Short id").fill("homework_club")
    vocabulary.get_by_label("Name in Swedish").fill("Läxklubb")
    vocabulary.get_by_label("Counts in the statistics as").select_option("learning_support")
    vocabulary.get_by_role("button", name="Save").click()
    page.get_by_role("group", name="Läxklubb").wait_for()
    year = dt.date.today().year
    figures = page.get_by_role("region", name=f"Key figures {year}")
    figures.get_by_label("Costs (EUR)").fill("250000")
    figures.get_by_label("Weeks open").fill("44")
    figures.get_by_role("button", name="Save").click()
    key_figures_path = f"/orgs/{org['id']}/key-figures/{year}"
    wait_until(lambda: api(live_stack, "GET", key_figures_path, token=admin)[1]["updated_at"])
    page.reload()
    page.get_by_role("group", name="Läxklubb").wait_for()

    # Then the API holds them, and the code is public
    assert public_code(live_stack, org["id"]) == "0127"
    _, served = api(live_stack, "GET", f"/orgs/{org['id']}/vocabulary", token=admin)
    own = [entry for entry in served["categories"] if not entry["core"]]
    assert own == [
        {
            "id": "homework_club",
            "labels": {"sv": "Läxklubb"},
            "maps_to": "learning_support",
            "core": False,
            "renamed": False,
        }
    ]
    _, stored = api(live_stack, "GET", key_figures_path, token=admin)
    assert stored["costs_eur"] == 250000 and stored["open_weeks"] == 44

    # When an activity uses the category, removing it is refused with the count
    created(
        live_stack,
        f"/units/{unit['id']}/activities",
        {
            "date": f"{year}-01-15",
            "duration_minutes": 60,
            "kind": "group",
            "title": "Läxklubb",
            "categories": ["homework_club"],
        },
        admin,
    )
    page.get_by_role("region", name="Our categories").get_by_label("Remove").check()
    page.get_by_role("region", name="Our categories").get_by_role("button", name="Save").click()
    page.get_by_text("homework_club: 1 activity").wait_for()
    assert page.script_errors == []


def test_offline_the_form_keeps_the_organisations_words_and_its_plans(
    live_stack: Any, page: Any
) -> None:
    from tests.e2e.test_worker_offline import go_offline, go_online

    admin = token_for(live_stack, ADMIN)
    tag = uuid.uuid4().hex[:8]
    org = created(live_stack, "/orgs", {"name": f"Celje {tag}", "country": "SI"}, admin)
    unit = created(live_stack, f"/orgs/{org['id']}/units", {"name": "MC Celje"}, admin)
    api(live_stack, "PUT", f"/orgs/{org['id']}/vocabulary", {"categories": [YOUTH_CAFE]}, admin)
    worker = f"worker-{tag}@example.org"
    created(
        live_stack,
        f"/orgs/{org['id']}/members",
        {"email": worker, "role": "worker", "unit_ids": [unit["id"]]},
        admin,
    )
    plan = {
        "status": "planned",
        "date": dt.date.today().isoformat(),
        "duration_minutes": 60,
        "kind": "group",
        "title": "Board games",
    }
    created(live_stack, f"/units/{unit['id']}/activities", plan, admin)

    # Given the worker's form, once seen online
    sign_in(page, live_stack, worker)
    page.get_by_role("heading", name="Log an activity – MC Celje").wait_for()
    page.locator(".upcoming").get_by_text("Board games").wait_for()
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=15000)

    # When the connection is gone and the app is opened again
    go_offline(page, live_stack)
    page.reload()
    page.get_by_role("heading", name="Log an activity – MC Celje").wait_for()

    # Then the organisation's own words and the planned session are still there
    assert page.get_by_label("Youth café").count() == 1
    page.locator(".upcoming").get_by_text("Board games").wait_for()
    go_online(page.context, live_stack)
