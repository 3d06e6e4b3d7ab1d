"""The survey page in Chromium against the live local stack: nothing lost, nothing doubled.

Requests are dropped on the way out and on the way back, the browser goes offline
and comes back, the page is reloaded with answers still waiting; each submission
must end up in DynamoDB Local exactly once.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
import urllib.error
import urllib.request
import uuid
from typing import Any

import boto3
import pytest
from boto3.dynamodb.conditions import Attr

from chalicelib.settings import get_settings

pytestmark = pytest.mark.e2e

ADMIN = "admin@logbook.local"
SHOTS = os.environ.get("SURVEY_SCREENSHOTS")  # a folder, to look at the page by eye


def call(stack: Any, method: str, path: str, body: Any = None, token: str | None = None) -> Any:
    request = urllib.request.Request(
        stack.api_url + path,
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={
            "Content-Type": "application/json",
            **({"Authorization": f"Bearer {token}"} if token else {}),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.load(answer)
    except urllib.error.HTTPError as error:
        raise AssertionError(f"{method} {path}: {error.code} {error.read()!r}") from error


@pytest.fixture(scope="module")
def unit(live_stack: Any) -> dict[str, str]:
    token = call(live_stack, "POST", "/auth/local-login", {"email": ADMIN})["token"]
    org = call(live_stack, "POST", "/orgs", {"name": "Helsinki", "country": "FI"}, token)
    unit = call(live_stack, "POST", f"/orgs/{org['id']}/units", {"name": "Kallio"}, token)
    return {"id": unit["id"], "token": token, "org_id": org["id"]}


def new_collection(stack: Any, unit: dict[str, str], body: dict[str, Any]) -> str:
    made = call(stack, "POST", f"/units/{unit['id']}/collections", body, unit["token"])
    return str(made["code"])


def stored(stack: Any, code: str) -> list[dict[str, Any]]:
    """Every response or check-in item of a collection, read straight from DynamoDB Local
    with a consistent scan (no index in between)."""
    table = boto3.resource(
        "dynamodb", endpoint_url=stack.ddb_endpoint, region_name="eu-north-1"
    ).Table(get_settings().data_table)
    found: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {
        "ConsistentRead": True,
        "FilterExpression": Attr("type").is_in(["response", "checkin"])
        & Attr("collection_code").eq(code),
    }
    while True:
        page = table.scan(**kwargs)
        found += page["Items"]
        if "LastEvaluatedKey" not in page:
            return found
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def open_survey(page: Any, stack: Any, code: str, lang: str = "en") -> None:
    page.goto(f"{stack.site_url}/s/?c={code}&lang={lang}")
    page.wait_for_selector("#form:not([hidden])")


def answer_scale(page: Any, question: str, value: int) -> None:
    page.locator(f"input[name='{question}'][value='{value}']").check()


def shot(page: Any, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def status(page: Any) -> str:
    return str(page.locator("#status").inner_text())


def test_every_submission_is_stored_once_whatever_the_network_does(
    live_stack: Any, unit: dict[str, str], page: Any
) -> None:
    code = new_collection(live_stack, unit, {"template_id": "annual"})
    page.set_viewport_size({"width": 360, "height": 740})
    open_survey(page, live_stack, code)
    shot(page, "survey-en")

    # 1. The first POST is dropped before it leaves; the second reaches the API but its
    #    answer is lost on the way back. The page retries; the API counts it once.
    posts = {"n": 0}

    def flaky(route: Any) -> None:
        posts["n"] += 1
        if posts["n"] == 1:
            route.abort("internetdisconnected")
        elif posts["n"] == 2:
            route.fetch()  # the API stores it ...
            route.abort("connectionreset")  # ... and the phone never hears back
        else:
            route.continue_()

    page.route("**/public/responses", flaky)
    answer_scale(page, "safety_1", 5)
    answer_scale(page, "influence_2", 2)
    page.locator("input[name='gender'][value='girls']").check()
    page.fill("textarea[name='comment']", "More board games")
    page.click("#send")
    page.wait_for_function(
        "document.querySelector('#status').className.includes('wait')", timeout=10_000
    )
    shot(page, "survey-waiting")
    page.wait_for_function(
        "document.querySelector('#status').className.includes('ok')", timeout=30_000
    )
    assert "Thank you" in status(page)
    assert posts["n"] >= 3
    page.unroute("**/public/responses")
    shot(page, "survey-sent")

    # 2. Offline while sending: the answers wait on the phone and go when it is back.
    page.click("#again")
    answer_scale(page, "fairness_1", 4)
    page.context.set_offline(True)
    page.click("#send")
    page.wait_for_function(
        "document.querySelector('#status').className.includes('wait')", timeout=10_000
    )
    assert "saved on this phone" in status(page)
    page.context.set_offline(False)
    page.wait_for_function(
        "document.querySelector('#status').className.includes('ok')", timeout=30_000
    )

    # 3. Every request fails, the young person gives up and closes the page; opening it
    #    again later sends what was waiting.
    page.click("#again")
    answer_scale(page, "future_1", 3)
    page.route("**/public/responses", lambda route: route.abort("timedout"))
    page.click("#send")
    page.wait_for_function(
        "document.querySelector('#status').className.includes('wait')", timeout=10_000
    )
    waiting = page.evaluate("JSON.parse(localStorage.getItem('logbook.outbox.v1'))")
    assert len(waiting) == 1 and waiting[0]["body"]["answers"] == {"future_1": 3}
    page.unroute("**/public/responses")
    page.reload()
    page.wait_for_function(
        "document.querySelector('#status').className.includes('ok')", timeout=30_000
    )
    assert page.evaluate("JSON.parse(localStorage.getItem('logbook.outbox.v1'))") == []

    items = stored(live_stack, code)
    assert len(items) == 3
    assert len({item["submission_id"] for item in items}) == 3
    by_answers = sorted((sorted(item["items"].items()), item.get("gender")) for item in items)
    assert by_answers == sorted(
        [
            ([("influence_2", 2), ("safety_1", 5)], "girls"),
            ([("fairness_1", 4)], None),
            ([("future_1", 3)], None),
        ]
    )
    assert page.script_errors == []


def test_many_answers_in_a_row_are_each_counted_once(
    live_stack: Any, unit: dict[str, str], page: Any
) -> None:
    code = new_collection(live_stack, unit, {"template_id": "feedback"})
    open_survey(page, live_stack, code, "fi")
    calls = {"n": 0}

    def every_other_lost(route: Any) -> None:
        calls["n"] += 1
        if calls["n"] % 2:
            route.fetch()
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/public/responses", every_other_lost)
    for value in (1, 2, 3, 4, 5):
        answer_scale(page, "enjoyed", value)
        page.click("#send")
        page.wait_for_function(
            "document.querySelector('#status').className.includes('ok')", timeout=30_000
        )
        page.click("#again")
    assert sorted(int(item["items"]["enjoyed"]) for item in stored(live_stack, code)) == [
        1,
        2,
        3,
        4,
        5,
    ]
    assert page.script_errors == []


def test_language_switch_keeps_answers(live_stack: Any, unit: dict[str, str], page: Any) -> None:
    code = new_collection(live_stack, unit, {"template_id": "annual"})
    open_survey(page, live_stack, code, "en")
    answer_scale(page, "belonging_1", 4)
    page.click("nav button[lang='sv']")
    page.wait_for_function("document.documentElement.lang === 'sv'")
    assert page.locator("h1").inner_text() == "Ungdomsenkät"
    assert page.locator("input[name='belonging_1'][value='4']").is_checked()
    assert page.locator("#send").inner_text() == "Skicka svaren"
    shot(page, "survey-sv")


def test_sending_nothing_asks_for_an_answer(
    live_stack: Any, unit: dict[str, str], page: Any
) -> None:
    code = new_collection(live_stack, unit, {"template_id": "feedback"})
    open_survey(page, live_stack, code)
    page.click("#send")
    assert "at least one" in status(page)
    assert stored(live_stack, code) == []


def test_keyboard_alone_answers_the_survey(
    live_stack: Any, unit: dict[str, str], page: Any
) -> None:
    code = new_collection(live_stack, unit, {"template_id": "feedback"})
    open_survey(page, live_stack, code)
    page.locator("input[name='safety'][value='1']").focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")  # radios in a group move with arrows
    page.keyboard.press("Tab")  # to the next question
    page.keyboard.press("Space")
    page.locator("#send").focus()
    page.keyboard.press("Enter")
    page.wait_for_function(
        "document.querySelector('#status').className.includes('ok')", timeout=15_000
    )
    (item,) = stored(live_stack, code)
    assert item["items"] == {"safety": 4, "belonging": 1}


def test_unknown_and_closed_codes_say_so(live_stack: Any, unit: dict[str, str], page: Any) -> None:
    page.goto(f"{live_stack.site_url}/s/?c=abcdefghjk&lang=en")
    page.wait_for_function("document.querySelector('#status').className.includes('error')")
    assert "couldn't find" in status(page)
    code = new_collection(live_stack, unit, {"template_id": "annual"})
    call(live_stack, "POST", f"/units/{unit['id']}/collections/{code}/close", None, unit["token"])
    page.goto(f"{live_stack.site_url}/s/?c={code}&lang=sl")
    page.wait_for_function("document.querySelector('#status').className.includes('error')")
    assert "zaprta" in status(page)
    page.goto(f"{live_stack.site_url}/s/")
    page.wait_for_function("document.querySelector('#status').className.includes('error')")
    assert page.script_errors == []


def test_checkin_sends_only_a_hash_and_a_shared_phone_shows_nobody(
    live_stack: Any, unit: dict[str, str], page: Any
) -> None:
    code = new_collection(live_stack, unit, {"kind": "checkin"})
    bodies: list[str] = []
    page.on(
        "request",
        lambda request: (
            bodies.append(request.post_data or "") if request.method == "POST" else None
        ),
    )
    checked_in = "document.querySelector('#status').className.includes('ok')"
    page.goto(f"{live_stack.site_url}/s/?c={code}&lang=en")
    page.wait_for_selector("#form:not([hidden])")
    page.fill("#nickname", "Purple Otter")
    page.locator("input[name='age_band'][value='13_15']").check()
    page.locator("input[name='gender'][value='nonbinary']").check()
    shot(page, "checkin")
    page.click("#send")
    page.wait_for_function(checked_in, timeout=15_000)
    # The next person on this phone finds nothing of the last one: not after "Check in
    # again", not after a reload.
    page.click("#again")
    assert page.input_value("#nickname") == ""
    page.reload()
    page.wait_for_selector("#form:not([hidden])")
    assert page.input_value("#nickname") == ""
    assert page.locator("input[name='gender']:checked").count() == 0
    assert page.locator("input[name='age_band']:checked").count() == 0
    assert page.locator("#remembered").count() == 0
    # On their own phone, someone may ask to be remembered: the next visit is one tap,
    # and the page still shows nothing of them.
    page.fill("#nickname", "purple otter ")
    page.locator("input[name='gender'][value='nonbinary']").check()
    page.check("#remember")
    page.click("#send")
    page.wait_for_function(checked_in, timeout=15_000)
    page.reload()
    page.wait_for_selector("#remembered:not([hidden])")
    assert page.locator("#form").is_hidden()
    assert "Otter" not in page.inner_text("body") and "nonbinary" not in page.inner_text("body")
    page.click("#its-me")
    page.wait_for_function(checked_in, timeout=15_000)
    kept = page.evaluate("JSON.stringify(localStorage)")
    assert "Otter" not in kept and "otter" not in kept
    assert bodies and all("Otter" not in body and "otter" not in body for body in bodies)
    items = sorted(stored(live_stack, code), key=lambda item: len(item["first_visit"]["unit"]))
    assert len(items) == 3
    assert items[0]["first_visit"] == items[1]["first_visit"] == {"unit": [], "org": []}
    assert len(items[2]["first_visit"]["unit"]) == 3
    assert items[2]["gender"] == "nonbinary" and items[2]["age_band"] == "13_15"
    assert [item.get("gender") for item in items[:2]] == ["nonbinary", "nonbinary"]
    assert page.script_errors == []


def test_first_load_is_small(live_stack: Any, unit: dict[str, str], page: Any) -> None:
    code = new_collection(live_stack, unit, {"template_id": "annual"})
    seen: list[Any] = []
    page.on("requestfinished", lambda request: seen.append(request))
    page.on("requestfailed", lambda request: seen.append(request))
    open_survey(page, live_stack, code)
    page.wait_for_load_state("networkidle")
    total = 0
    for request in seen:
        sizes = request.sizes()
        total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
    hosts = {request.url.split("/")[2] for request in seen}
    assert hosts <= {live_stack.site_url.split("/")[2], live_stack.api_url.split("/")[2]}
    assert len(seen) <= 6, [request.url for request in seen]
    assert total <= 50 * 1024, total
    print(f"survey page first load: {len(seen)} requests, {total} bytes")


def test_poster_shows_the_qr_code_and_every_language(
    live_stack: Any, unit: dict[str, str], page: Any
) -> None:
    code = new_collection(live_stack, unit, {"template_id": "annual"})
    page.goto(f"{live_stack.site_url}/s/poster.html?c={code}")
    page.wait_for_selector("#qr:not([hidden])")
    page.wait_for_function("document.querySelector('#qr').naturalWidth > 100")
    assert page.locator("h1").inner_text() == "Kallio"
    assert [page.locator("li").nth(i).get_attribute("lang") for i in range(4)] == [
        "en",
        "sl",
        "fi",
        "sv",
    ]
    assert page.locator("#url").inner_text().endswith(f"/s/?c={code}")
    shot(page, "poster")
    assert page.script_errors == []


def test_the_phone_language_is_used_and_a_second_visit_is_recognised(
    live_stack: Any, unit: dict[str, str], browser: Any
) -> None:
    code = new_collection(live_stack, unit, {"template_id": "feedback"})
    context = browser.new_context(locale="sv-SE")
    try:
        page = context.new_page()
        page.goto(f"{live_stack.site_url}/s/?c={code}")
        page.wait_for_selector("#form:not([hidden])")
        assert page.evaluate("document.documentElement.lang") == "sv"
        assert page.locator("h1").inner_text() == "Hur var det?"
        answer_scale(page, "enjoyed", 5)
        page.click("#send")
        page.wait_for_function(
            "document.querySelector('#status').className.includes('ok')", timeout=15_000
        )
        assert "Tack" in status(page)
        page.reload()
        page.wait_for_function(
            "document.querySelector('#status').className.includes('ok')", timeout=15_000
        )
        assert "redan svarat" in status(page)
        assert page.locator("#form").is_hidden() and page.locator("#again").is_visible()
    finally:
        context.close()
    assert len(stored(live_stack, code)) == 1


def test_after_a_first_answer_the_page_opens_and_works_offline(
    live_stack: Any, unit: dict[str, str], page: Any
) -> None:
    code = new_collection(live_stack, unit, {"template_id": "feedback"})
    open_survey(page, live_stack, code)
    assert page.evaluate("navigator.serviceWorker.controller") is None  # none on a first visit
    answer_scale(page, "safety", 4)
    page.click("#send")
    page.wait_for_function(
        "document.querySelector('#status').className.includes('ok')", timeout=15_000
    )
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15_000)

    # No connection at all, and the young person opens the survey again from the QR code.
    page.context.set_offline(True)
    page.goto(f"{live_stack.site_url}/s/?c={code}&lang=en")
    page.wait_for_function(
        "document.querySelector('#status').className.includes('ok')", timeout=15_000
    )
    assert page.evaluate("navigator.onLine") is False
    page.click("#again")
    answer_scale(page, "influence", 2)
    page.click("#send")
    page.wait_for_function(
        "document.querySelector('#status').className.includes('wait')", timeout=10_000
    )
    page.context.set_offline(False)
    page.wait_for_function(
        "document.querySelector('#status').className.includes('ok')", timeout=30_000
    )
    assert sorted(sorted(item["items"]) for item in stored(live_stack, code)) == [
        ["influence"],
        ["safety"],
    ]
    assert page.script_errors == []


def test_answers_and_check_ins_reach_the_public_statistics(
    live_stack: Any, unit: dict[str, str], page: Any
) -> None:
    fresh = call(
        live_stack, "POST", f"/orgs/{unit['org_id']}/units", {"name": "Sörnäinen"}, unit["token"]
    )
    here = {**unit, "id": fresh["id"]}
    survey = new_collection(live_stack, here, {"template_id": "annual"})
    checkin = new_collection(live_stack, here, {"kind": "checkin"})
    for values in ((5, 4), (4, 4), (2, 3)):
        call(
            live_stack,
            "POST",
            "/public/responses",
            {
                "submission_id": str(uuid.uuid4()),
                "collection_code": survey,
                "lang": "en",
                "answers": {"safety_1": values[0], "safety_2": values[1]},
            },
        )
    # Two visits by one young person, one by another, through the page.
    for nickname in ("Fox", "Fox", "Lynx"):
        page.goto(f"{live_stack.site_url}/s/?c={checkin}&lang=en")
        page.wait_for_selector("#form:not([hidden])")
        page.fill("#nickname", nickname)
        page.click("#send")
        page.wait_for_function(
            "document.querySelector('#status').className.includes('ok')", timeout=15_000
        )
    year = dt.datetime.now(dt.UTC).strftime("%Y")
    deadline = time.monotonic() + 15
    while True:
        stats = call(live_stack, "GET", f"/public/stats?scope=unit:{here['id']}&period={year}")
        participation = stats["participation"]
        if (
            stats["responses"] == 3 and participation["checkins"] == 3
        ) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert stats["responses"] == 3
    # Unique visitors are published only once their period has ended (docs/privacy.md):
    # read live, a count that moves within seconds would tell whether a nickname visited.
    assert participation["checkins"] == 3 and participation["unique_visitors"] is None
    safety = stats["indicators"]["safety"]
    # Three respondents are fewer than the publication threshold: suppressed, with why,
    # and nothing else (no n, mean or distribution to subtract).
    assert safety == {"suppressed": True, "reason": "too_few_respondents"}
