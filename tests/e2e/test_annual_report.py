"""The annual report in Chromium against the live local stack (issue #15 item 5).

An organisation with two centres records this year's and last year's activities, sets
targets and publishes its analysis; the report page draws it in the reader's
language, its charts carry exactly the numbers of the tables beside them, and it
prints to a short A4 document without the page's navigation. /stats/ links to it and
sets each figure against the peers' average.
"""

from __future__ import annotations

import datetime as dt
import re
import time
import uuid
from typing import Any

import pytest

from tests.e2e.test_worker_app import ADMIN, api, created, token_for

pytestmark = pytest.mark.e2e


def _activity(date: dt.date, girls: int, boys: int, kind: str = "open") -> dict[str, Any]:
    return {
        "date": date.isoformat(),
        "duration_minutes": 90,
        "kind": kind,
        "title": "Open evening",
        "participants": {"girls": girls, "boys": boys},
        "youth_led": kind == "event",
    }


def _published(stack: Any, scope: str, period: str, activities: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status, body = api(stack, "GET", f"/public/stats?scope={scope}&period={period}")
        if status == 200 and body["activities"]["count"] == activities:
            return
        time.sleep(0.5)
    pytest.fail(f"{scope} {period} never showed {activities} activities")


@pytest.fixture
def organisation(live_stack: Any) -> dict[str, Any]:
    admin = token_for(live_stack, ADMIN)
    tag = uuid.uuid4().hex[:6]
    org = created(live_stack, "/orgs", {"name": f"Kranj {tag}", "country": "SI"}, admin)
    peer = created(live_stack, "/orgs", {"name": f"Koper {tag}", "country": "SI"}, admin)
    units = [
        created(live_stack, f"/orgs/{org['id']}/units", {"name": name}, admin)
        for name in ("MC Kranj", "Mladinski center Primskovo")
    ]
    peer_unit = created(live_stack, f"/orgs/{peer['id']}/units", {"name": "MC Koper"}, admin)
    today = dt.date.today()
    last_year = dt.date(today.year - 1, 6, 15)
    for unit, date, girls, boys, kind in (
        (units[0], today, 12, 8, "open"),
        (units[0], today, 5, 9, "event"),
        (units[1], today, 7, 7, "group"),
        (units[0], last_year, 6, 6, "open"),
        (peer_unit, today, 30, 30, "open"),
    ):
        created(
            live_stack, f"/units/{unit['id']}/activities", _activity(date, girls, boys, kind), admin
        )
    year = str(today.year)
    for scope, body in (
        ("targets", {"scope": f"org:{org['id']}", "targets": {"activities": 2, "visits": 1000}}),
        (
            "analyses",
            {"scope": f"org:{org['id']}", "text": "Več mladih je vodilo dogodke.", "public": True},
        ),
    ):
        status, answer = api(live_stack, "PUT", f"/orgs/{org['id']}/{scope}/{year}", body, admin)
        assert status == 200, answer
    for scope, count in (
        (f"org:{org['id']}", 3),
        (f"unit:{units[0]['id']}", 2),
        (f"unit:{units[1]['id']}", 1),
        (f"org:{peer['id']}", 1),
    ):
        _published(live_stack, scope, year, count)
    return {"org": org, "year": year, "units": [unit["id"] for unit in units]}


def _texts(page: Any, selector: str) -> list[str]:
    return [
        text.strip()
        for text in page.eval_on_selector_all(selector, "nodes => nodes.map(n => n.textContent)")
    ]


def test_the_annual_report_renders_prints_and_matches_its_tables(
    page: Any, live_stack: Any, organisation: dict[str, Any]
) -> None:
    org, year = organisation["org"], organisation["year"]
    page.goto(f"{live_stack.site_url}/stats/report.html?scope=org:{org['id']}&year={year}&lang=en")
    page.wait_for_selector("#glance-table")

    assert page.inner_text("h1") == f"Annual report {year}"
    assert org["name"] in page.inner_text(".report-subtitle")
    activities_row = page.locator("#glance-table tr[data-measure='activities'] td")
    assert activities_row.nth(0).inner_text() == "3"  # this year
    assert activities_row.nth(1).inner_text() == "1"  # last year
    # Charts say the tables' numbers: the index against the average, visits by gender.
    indexes = [text for text in _texts(page, "#glance-table td.index") if text != "–"]
    assert indexes and _texts(page, "#glance-chart svg text.value") == indexes
    assert _texts(page, "#by-gender svg text.value") == _texts(page, "#by-gender td.count")
    assert _texts(page, "#by-gender td.count")[:2] == ["24", "24"]
    # Targets met or missed, the public analysis.
    results = dict(
        zip(
            _texts(page, "#targets-table th[scope='row']"),
            _texts(page, "#targets-table td.result"),
            strict=True,
        )
    )
    assert results == {"Activities": "✓ Met", "Visits": "✗ Missed"}
    assert page.inner_text("#analysis blockquote") == "Več mladih je vodilo dogodke."

    # Printed: A4, no navigation or form, a few pages.
    page.emulate_media(media="print")
    assert not page.is_visible("#report-form") and not page.is_visible(".site-header")
    pdf = page.pdf(format="A4", prefer_css_page_size=True, print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    print(f"annual report: {pages} A4 pages, {len(pdf) / 1024:.0f} KiB PDF")
    assert 1 <= pages <= 6
    page.emulate_media(media="screen")

    # In the reader's language.
    page.goto(f"{live_stack.site_url}/stats/report.html?scope=org:{org['id']}&year={year}&lang=sl")
    page.wait_for_selector("#glance-table")
    assert page.inner_text("h1") == f"Letno poročilo {year}"
    assert page.script_errors == []


def test_stats_links_the_report_and_sets_figures_against_the_peers(
    page: Any, live_stack: Any, organisation: dict[str, Any]
) -> None:
    org, year = organisation["org"], organisation["year"]
    page.goto(f"{live_stack.site_url}/stats/?scope=org:{org['id']}&period={year}&lang=en")
    page.wait_for_selector("#summary .card dd.vs")
    href = page.get_attribute("#report-link", "href")
    assert href == f"report.html?scope=org%3A{org['id']}&year={year}"
    visits = page.locator("#summary dd.vs[data-peer-measure='visits']")
    assert re.search(r"(above|below|at) the average", visits.inner_text())
    assert "Average of organisations in Slovenia" in page.inner_text("#peers-note")
    page.goto(
        f"{live_stack.site_url}/stats/?scope=org:{org['id']}&period={year}&compare=units&lang=en"
    )
    page.wait_for_selector("section#compare tfoot tr.average-row")
    assert (
        page.locator("section#compare tr.average-row td[data-measure='activities']").inner_text()
        == "1.5"
    )
    assert page.script_errors == []
