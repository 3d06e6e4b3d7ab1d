"""An ideas round in Chromium against the live local stack: propose, approve, vote.

Young people propose on the page (online and offline), a worker approves in the app
with one tap each, then two phones vote (one losing the API's answer, one offline);
every proposal and every vote is counted exactly once.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.e2e.test_worker_app import api, assert_accessible, created, sign_in, token_for

pytestmark = pytest.mark.e2e

ADMIN = "admin@logbook.local"
FIRST = "I can talk to an adult here when things are hard."
SECOND = "There is enough to do here for people my age."


def wait_ok(page: Any) -> None:
    page.wait_for_function(
        "document.querySelector('#status').className.includes('ok')", timeout=30_000
    )


def wait_waiting(page: Any) -> None:
    page.wait_for_function(
        "document.querySelector('#status').className.includes('wait')", timeout=10_000
    )


def new_page(browser: Any, errors: list[str]) -> Any:
    """A page of its own (another phone, another person), its script errors collected."""
    page = browser.new_context().new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page


def test_an_ideas_round_counts_each_proposal_and_vote_once(
    live_stack: Any, browser: Any, page: Any
) -> None:
    admin = token_for(live_stack, ADMIN)
    tag = uuid.uuid4().hex[:8]
    org = created(live_stack, "/orgs", {"name": f"Espoo {tag}", "country": "FI"}, admin)
    unit = created(live_stack, f"/orgs/{org['id']}/units", {"name": "Tapiola"}, admin)
    worker = f"worker-{tag}@example.org"
    created(
        live_stack,
        f"/orgs/{org['id']}/members",
        {"email": worker, "role": "worker", "unit_ids": [unit["id"]]},
        admin,
    )
    point = created(
        live_stack,
        f"/units/{unit['id']}/collections",
        {"kind": "ideas", "prompt": "What should we ask next year?"},
        token_for(live_stack, worker),
    )
    code = point["code"]
    ideas_path = f"/units/{unit['id']}/collections/{code}/ideas"

    # A young person proposes online, then offline (it waits on the phone and goes later).
    # The ideas module fails to load once (a dropped connection): the page says so and
    # loads it when asked again.
    page.set_viewport_size({"width": 360, "height": 740})
    page.route("**/s/ideas.js*", lambda route: route.abort("internetdisconnected"))
    page.goto(f"{live_stack.site_url}/s/?c={code}&lang=en")
    page.wait_for_selector("#retry:not([hidden])")
    page.unroute("**/s/ideas.js*")
    page.click("#retry")
    page.wait_for_selector("#form:not([hidden])")
    assert page.locator("#intro").inner_text() == "What should we ask next year?"
    page.get_by_label("Your idea").fill(FIRST)
    page.click("#send")
    wait_ok(page)
    page.click("#again")
    page.context.set_offline(True)
    page.get_by_label("Your idea").fill(SECOND)
    page.click("#send")
    wait_waiting(page)
    page.context.set_offline(False)
    wait_ok(page)

    # A worker approves both in the app, one tap each.
    errors: list[str] = []
    app = new_page(browser, errors)
    sign_in(app, live_stack, worker)
    app.get_by_role("heading", name=f"Log an activity – {unit['name']}").wait_for()
    app.goto(f"{live_stack.site_url}/app/#/units/{unit['id']}/ideas/{code}")
    app.get_by_role("heading", name="Waiting for a decision (2)").wait_for()
    assert_accessible(app, "ideas moderation", {})
    for text in (FIRST, SECOND):
        app.get_by_role("button", name=f"Approve: {text}").click()
        app.get_by_role("button", name=f"Reject: {text}").wait_for()
    app.get_by_role("heading", name="Approved, most votes first (2)").wait_for()

    # Phone 1 votes for both; the API's first answer is lost on the way back.
    page.reload()
    page.wait_for_selector("input[name='vote']")
    posts = {"n": 0}

    def lose_first_answer(route: Any) -> None:
        posts["n"] += 1
        if posts["n"] == 1:
            route.fetch()  # stored ...
            route.abort("connectionreset")  # ... but the phone never hears back
        else:
            route.continue_()

    page.route("**/public/votes", lose_first_answer)
    page.get_by_label(FIRST).check()
    page.get_by_label(SECOND).check()
    page.click("#send")
    wait_ok(page)
    assert "vote was counted" in page.locator("#status").inner_text()
    assert posts["n"] >= 2
    page.click("#again")
    assert page.locator("input[name='vote']").count() == 0  # one vote per phone

    # Phone 2 votes offline, in Finnish; the vote goes when the phone is back online.
    phone = new_page(browser, errors)
    phone.goto(f"{live_stack.site_url}/s/?c={code}&lang=fi")
    phone.wait_for_selector("input[name='vote']")
    phone.context.set_offline(True)
    phone.get_by_label(FIRST).check()
    phone.click("#send")
    wait_waiting(phone)
    phone.context.set_offline(False)
    wait_ok(phone)

    status, listed = api(live_stack, "GET", ideas_path, token=token_for(live_stack, worker))
    assert status == 200, listed
    assert [(i["text"], i["status"], i["votes"]) for i in listed["items"]] == [
        (FIRST, "approved", 2),
        (SECOND, "approved", 1),
    ]
    # The organisation's admin adopts the favourite into a new template, as a new indicator.
    boss = f"boss-{tag}@example.org"
    created(live_stack, f"/orgs/{org['id']}/members", {"email": boss, "role": "org_admin"}, admin)
    board = new_page(browser, errors)
    sign_in(board, live_stack, boss)
    board.get_by_role("heading").first.wait_for()
    board.goto(f"{live_stack.site_url}/app/#/units/{unit['id']}/ideas/{code}")
    board.get_by_role("heading", name="Adopt into next year's survey").wait_for()
    adopt = board.locator("form.adopt")
    adopt.get_by_label(FIRST).check()
    adopt.get_by_label("Indicator").first.select_option(label="A new indicator, named:")
    adopt.get_by_label("A new indicator, named:").first.fill("Trusted adults")
    adopt.get_by_role("button", name="Create the template").click()
    board.get_by_text("In the survey template").wait_for()
    _, templates = api(live_stack, "GET", "/survey-templates", token=token_for(live_stack, boss))
    made = next(tpl for tpl in templates["items"] if tpl.get("org_id") == org["id"])
    question = made["questions"][-1]
    assert (question["text"]["en"], question["indicator"]) == (FIRST, "trusted_adults")
    assert question["from_idea"] == listed["items"][0]["id"]

    assert page.script_errors == []
    assert errors == []
    for other in (app, phone, board):
        other.context.close()
