"""The open statistics page in Chromium, against the live local stack.

Demo-like data is recorded through the API (two organisations, five youth centres, a
year and a half of activities). The figures the page shows come from
``GET /public/stats`` (and ``/public/compare``) once the stream has folded them in;
every expectation below is computed from the seeded records by a reference
recomputation of exactly the seeded activities (and generated survey respondents),
never typed in.
"""

from __future__ import annotations

import csv
import io
import json
import math
import random
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

pytestmark = pytest.mark.e2e

KINDS = ("open", "group", "event", "outreach", "digital")
CATEGORIES = ("learning_support", "socialising", "culture", "sport", "information", "other")
GENDERS = ("girls", "boys", "nonbinary", "undisclosed")
BANDS = ("under_13", "13_15", "16_18", "19_24")
INDICATORS = ("safety", "belonging", "influence", "fairness")
THRESHOLD = 15
PAGE_BUDGET = 200 * 1024


# ---------------------------------------------------------------- HTTP helpers
def call(base: str, method: str, path: str, body: Any = None, token: str | None = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{base}{path}", data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            text = answer.read().decode()
            return json.loads(text) if text else None
    except urllib.error.HTTPError as error:
        raise AssertionError(f"{method} {path} → {error.code} {error.read()!r}") from error


# ---------------------------------------------------------------- demo data
@dataclass
class Demo:
    orgs: list[dict[str, Any]]
    unit_org: dict[str, str]
    activities: list[dict[str, Any]]
    respondents: list[dict[str, Any]]

    def org(self, name: str) -> dict[str, Any]:
        return next(org for org in self.orgs if org["name"] == name)


def _in_scope(unit_id: str, scope: str, unit_org: dict[str, str]) -> bool:
    if scope == "all":
        return True
    kind, _, ident = scope.partition(":")
    return unit_id == ident if kind == "unit" else unit_org.get(unit_id) == ident


def _in_period(date: str, period: str) -> bool:
    if "-Q" in period:
        year, quarter = period.split("-Q")
        return date[:4] == year and (int(date[5:7]) - 1) // 3 + 1 == int(quarter)
    return date.startswith(period)


def reference_stats(demo: Demo, scope: str, period: str) -> dict[str, Any]:
    """The public statistics (docs/stats.md), recomputed from the seeded records."""
    chosen = [
        a
        for a in demo.activities
        if _in_scope(a["unit_id"], scope, demo.unit_org) and _in_period(a["date"], period)
    ]
    count = len(chosen)
    youth_led = sum(1 for a in chosen if a["youth_led"])
    genders = {g: sum(a["participants"].get(g, 0) for a in chosen) for g in GENDERS}
    bands: Counter[str] = Counter()
    for a in chosen:
        bands.update(a.get("age_bands") or {})
    indicators: dict[str, Any] = {}
    answered = [
        r
        for r in demo.respondents
        if _in_scope(r["unit_id"], scope, demo.unit_org) and _in_period(r["date"], period)
    ]
    for name in INDICATORS:
        scores = [r["scores"][name] for r in answered if name in r["scores"]]
        if not scores:
            continue
        n = len(scores)
        if n < THRESHOLD:
            indicators[name] = {
                "n": n,
                "suppressed": True,
                "reason": f"fewer than {THRESHOLD} respondents",
            }
            continue
        mean = sum(scores) / n
        sd = math.sqrt(sum((s - mean) ** 2 for s in scores) / (n - 1))
        half = 1.96 * sd / math.sqrt(n)
        indicators[name] = {
            "n": n,
            "mean": round(mean, 2),
            "ci95": [round(mean - half, 2), round(mean + half, 2)],
            "agree_share": round(sum(1 for s in scores if s >= 4) / n, 3),
        }
    return {
        "scope": scope,
        "period": period,
        "activities": {
            "count": count,
            "hours": round(sum(a["duration_minutes"] for a in chosen) / 60, 2),
            "youth_led": youth_led,
            "youth_led_share": round(youth_led / count, 4) if count else 0.0,
            "by_kind": dict(Counter(a["kind"] for a in chosen)),
            "by_category": dict(Counter(c for a in chosen for c in a["categories"])),
        },
        "participation": {
            "visits": sum(genders.values()),
            **genders,
            "age_bands": dict(bands),
            "new": sum(a["new_participants"] for a in chosen),
            "volunteers": sum(a["volunteers"] for a in chosen),
            "youth_leaders": sum(a["youth_leaders"] for a in chosen),
            "checkins": 0,
            "unique_visitors": 0,
        },
        "responses": len(answered),
        "indicators": indicators,
        "updated_at": "2026-11-20T12:00:00Z",
    }


def _activity(rng: random.Random, date: str) -> dict[str, Any]:
    participants = {g: rng.randint(0, 9) for g in GENDERS[:2]} | {
        "nonbinary": rng.randint(0, 1),
        "undisclosed": rng.randint(0, 2),
    }
    total = sum(participants.values())
    bands = dict.fromkeys(BANDS, 0)
    for _ in range(total):
        bands[rng.choice(BANDS[1:3]) if rng.random() < 0.8 else rng.choice(BANDS)] += 1
    leaders = rng.randint(0, min(2, total))
    return {
        "date": date,
        "start_time": "17:00",
        "duration_minutes": rng.choice((60, 90, 120, 180)),
        "kind": rng.choice(KINDS),
        "categories": rng.sample(CATEGORIES, rng.randint(1, 2)),
        "title": "Open evening",
        "participants": participants,
        "age_bands": bands,
        "new_participants": rng.randint(0, min(2, total)),
        "youth_led": leaders > 0,
        "youth_leaders": leaders,
        "volunteers": rng.randint(0, 2),
        "staff": 2,
        "notes": "diary text that must stay private",
    }


@pytest.fixture(scope="module")
def demo(live_stack: Any) -> Demo:
    base = live_stack.api_url
    token = call(base, "POST", "/auth/local-login", {"email": "admin@logbook.local"})["token"]
    rng = random.Random(20251)
    plan = [
        ("Ljubljana", "SI", 42000, ["MC Šiška", "MC Bežigrad", "Mladinski center Vič"]),
        ("Espoo", "FI", 31000, ["Nuorisotila Tapiola", "Nuorisotila Leppävaara"]),
    ]
    orgs: list[dict[str, Any]] = []
    unit_org: dict[str, str] = {}
    activities: list[dict[str, Any]] = []
    respondents: list[dict[str, Any]] = []
    for name, country, population, units in plan:
        org = call(
            base,
            "POST",
            "/orgs",
            {"name": name, "country": country, "youth_population": population},
            token,
        )
        org["units"] = []
        for index, unit_name in enumerate(units):
            unit = call(base, "POST", f"/orgs/{org['id']}/units", {"name": unit_name}, token)
            org["units"].append(unit)
            unit_org[unit["id"]] = org["id"]
            for _ in range(14 + 6 * index):
                month = rng.randint(1, 22)  # 2025-01 .. 2026-10
                year, month = (2025, month) if month <= 12 else (2026, month - 12)
                date = f"{year}-{month:02d}-{rng.randint(1, 28):02d}"
                made = call(
                    base, "POST", f"/units/{unit['id']}/activities", _activity(rng, date), token
                )
                activities.append(made)
            # Respondents: the first centre of each organisation has enough to publish,
            # the others too few (suppressed at unit level, published once pooled).
            for _ in range(22 if index == 0 else 6 + index):
                respondents.append(
                    {
                        "unit_id": unit["id"],
                        "date": f"2025-{rng.randint(1, 12):02d}-15",
                        "scores": {i: rng.choice((2, 3, 4, 4, 5)) for i in INDICATORS},
                    }
                )
        orgs.append(org)
    _record_survey_responses(live_stack, unit_org, respondents)
    return Demo(orgs=orgs, unit_org=unit_org, activities=activities, respondents=respondents)


def _record_survey_responses(
    live_stack: Any, unit_org: dict[str, str], respondents: list[dict[str, Any]]
) -> None:
    """Store the respondents' scores as the survey API stores responses.

    Survey answers are dated when they arrive, and the demo needs a past year: the
    items are written with the aggregator's own builder, and the stream pump folds
    them into the indicators exactly as it folds answers from the survey page.
    """
    import boto3

    from chalicelib.settings import get_settings
    from tools.stream_events import response_item

    settings = get_settings()
    table = boto3.resource(
        "dynamodb", endpoint_url=live_stack.ddb_endpoint, region_name=settings.region
    ).Table(settings.data_table)
    with table.batch_writer() as batch:
        for index, respondent in enumerate(respondents):
            unit_id = respondent["unit_id"]
            batch.put_item(
                Item=response_item(
                    f"demo{index:04d}{unit_id[:6]}",
                    unit_id,
                    unit_org[unit_id],
                    respondent["date"],
                    respondent["scores"],
                )
            )


def expected_stats(live_stack: Any, demo: Demo, scope: str, period: str) -> dict[str, Any]:
    """What the page should show for a scope no other test's data reaches into (``all``)."""
    found: dict[str, Any] = call(
        live_stack.api_url, "GET", f"/public/stats?scope={scope}&period={period}"
    )
    return found


@pytest.fixture(scope="module")
def stats_source(live_stack: Any, demo: Demo) -> str:
    """Wait until the public routes serve the seeded figures (the stream folded them in);
    the page's figures always come from the API ("api")."""
    base = live_stack.api_url

    # This demo's organisations and units only: other tests add to "all". Every scope is
    # checked: the aggregate writes each statistics item on its own, so an organisation
    # can be complete a moment before one of its units.
    def folded_scope(scope: str) -> bool:
        want = reference_stats(demo, scope, "2025")
        got = call(base, "GET", f"/public/stats?scope={scope}&period=2025")
        return bool(
            got
            and got["activities"]["count"] == want["activities"]["count"]
            and got["responses"] == want["responses"]
        )

    def folded(org: dict[str, Any]) -> bool:
        return folded_scope(f"org:{org['id']}") and all(
            folded_scope(f"unit:{unit['id']}") for unit in org["units"]
        )

    deadline = time.monotonic() + 90  # seconds normally; a loaded CI machine is slower
    while time.monotonic() < deadline:
        if all(folded(org) for org in demo.orgs):
            return "api"
        time.sleep(0.5)
    pytest.fail("public statistics did not follow the recorded activities within 90 s")


@pytest.fixture
def stats_page(page: Any, live_stack: Any, demo: Demo, stats_source: str) -> Iterator[Any]:
    """The page, once the public routes serve the seeded figures."""
    yield page


def open_view(page: Any, site: str, query: str) -> None:
    page.goto(f"{site}/stats/{query}")
    page.wait_for_selector("#open-data")
    page.wait_for_function("!document.querySelector('#results').hasAttribute('aria-busy')")


def cell_values(page: Any, selector: str) -> dict[str, float]:
    """data-measure → data-value of the cells under ``selector``."""
    pairs = page.eval_on_selector_all(
        f"{selector} [data-measure][data-value]",
        "cells => cells.map(c => [c.dataset.measure, c.dataset.value])",
    )
    return {measure: float(value) for measure, value in pairs if value != ""}


# ---------------------------------------------------------------- tests
def test_an_organisation_year_shows_charts_and_tables_of_the_recorded_figures(
    stats_page: Any, live_stack: Any, demo: Demo
) -> None:
    org = demo.org("Ljubljana")
    expected = reference_stats(demo, f"org:{org['id']}", "2025")
    open_view(stats_page, live_stack.site_url, f"?scope=org:{org['id']}&period=2025")

    # The publication layer decides what is shown (docs/privacy.md): exact figures
    # where published, suppressed ones said plainly.
    published = call(live_stack.api_url, "GET", f"/public/stats?scope=org:{org['id']}&period=2025")
    assert stats_page.inner_text("#view-title") == "Ljubljana · 2025"
    summary = cell_values(stats_page, "#summary")
    assert summary["activities"] == expected["activities"]["count"] > 0
    if published["participation"]["visits"] is not None:
        assert summary["visits"] == expected["participation"]["visits"]
        assert summary["visits_per_1000"] == pytest.approx(
            expected["participation"]["visits"] * 1000 / 42000
        )
    kinds = cell_values(stats_page, "#by-kind")
    assert {k: v for k, v in kinds.items() if v} == {
        f"kind:{k}": v for k, v in expected["activities"]["by_kind"].items()
    }
    genders = cell_values(stats_page, "#by-gender")
    assert genders == {
        f"gender:{g}": expected["participation"][g]
        for g in GENDERS
        if published["participation"][g] is not None
    }
    # A chart beside every table.
    assert stats_page.locator("#results svg.chart").count() >= 5
    assert stats_page.locator("#results table").count() >= 5
    # Indicators pooled over the organisation are published with their interval (in
    # steps of k answers: the published document, not the live answers).
    # Whatever the publication layer decided, the page shows exactly that.
    safety = published["indicators"]["safety"]
    row = stats_page.locator("#indicators tr[data-measure='indicator:safety']")
    if "mean" in safety:
        assert row.locator("td").nth(0).inner_text() == f"{safety['mean']:.2f}"
        assert row.locator("td").nth(2).inner_text() == str(safety["n"])
    else:
        assert row.inner_text().split("\t")[1].startswith("Suppressed: ")
        assert row.locator("[data-value]").count() == 0
    assert stats_page.script_errors == []


def test_a_suppressed_indicator_shows_the_reason_and_no_figure(
    stats_page: Any, live_stack: Any, demo: Demo
) -> None:
    unit = demo.org("Ljubljana")["units"][1]
    path = f"/public/stats?scope=unit:{unit['id']}&period=2025"
    expected = call(live_stack.api_url, "GET", path)["indicators"]["safety"]
    assert expected == {"suppressed": True, "reason": "too_few_respondents"}
    open_view(stats_page, live_stack.site_url, f"?scope=unit:{unit['id']}&period=2025")
    row = stats_page.locator("#indicators tr[data-measure='indicator:safety']")
    assert row.inner_text().split("\t")[1].startswith("Suppressed: too few respondents")
    assert row.locator("[data-value]").count() == 0
    assert stats_page.script_errors == []


def test_the_address_reproduces_a_comparison_and_the_form_writes_it(
    stats_page: Any, live_stack: Any, demo: Demo
) -> None:
    org = demo.org("Ljubljana")
    query = f"?scope=org:{org['id']}&period=2025&compare=units&metric=hours"
    open_view(stats_page, live_stack.site_url, query)
    assert stats_page.input_value("#scope") == f"org:{org['id']}"
    assert stats_page.input_value("#compare") == "units"
    assert stats_page.input_value("#metric") == "hours"
    rows = stats_page.locator("#compare tbody tr")
    assert rows.count() == len(org["units"])
    hours = {
        u["id"]: reference_stats(demo, f"unit:{u['id']}", "2025")["activities"]["hours"]
        for u in org["units"]
    }
    ranked = sorted(hours, key=lambda unit_id: -hours[unit_id])
    assert [rows.nth(i).get_attribute("data-scope") for i in range(rows.count())] == [
        f"unit:{unit_id}" for unit_id in ranked
    ]
    first_rank_cell = rows.nth(0).locator("td").nth(0)
    assert first_rank_cell.inner_text() == "1"
    assert "q1" in (rows.nth(0).locator("td.metric").get_attribute("class") or "")

    # Change the view through the form: the address follows, and reproduces it.
    stats_page.select_option("#grain", "quarter")
    stats_page.select_option("#sub", "2")
    stats_page.select_option("#compare", "months")
    stats_page.click("button[type=submit]")
    stats_page.wait_for_url("**compare=months**")
    stats_page.wait_for_function("!document.querySelector('#results').hasAttribute('aria-busy')")
    url = stats_page.url
    assert parse_qs(urlparse(url).query) == {
        "scope": [f"org:{org['id']}"],
        "period": ["2025-Q2"],
        "compare": ["months"],
        "metric": ["hours"],
    }
    shown = stats_page.inner_text("#results")
    months = stats_page.locator("#compare tbody tr")
    assert months.count() == 12
    assert cell_values(stats_page, "#compare tbody tr[data-period='2025-03']")[
        "hours"
    ] == pytest.approx(reference_stats(demo, f"org:{org['id']}", "2025-03")["activities"]["hours"])

    again = stats_page.context.new_page()
    again.goto(url)
    again.wait_for_selector("#open-data")
    again.wait_for_function("!document.querySelector('#results').hasAttribute('aria-busy')")
    assert again.inner_text("#results") == shown
    assert stats_page.script_errors == []


def test_organisations_compare_per_capita_with_the_figure_for_all(
    stats_page: Any, live_stack: Any, demo: Demo
) -> None:
    open_view(
        stats_page,
        live_stack.site_url,
        "?scope=all&period=2025&compare=orgs&metric=visits_per_1000",
    )
    for org in demo.orgs:
        expected = reference_stats(demo, f"org:{org['id']}", "2025")["participation"]["visits"]
        cells = cell_values(stats_page, f"#compare tr[data-scope='org:{org['id']}']")
        assert cells["visits_per_1000"] == pytest.approx(expected * 1000 / org["youth_population"])
    # Other tests of this session add organisations too: "all" is whatever the API holds.
    total = expected_stats(live_stack, demo, "all", "2025")["participation"]["visits"]
    orgs = call(live_stack.api_url, "GET", "/public/orgs")["items"]
    reference = cell_values(stats_page, "#compare tfoot tr.reference-row[data-scope='all']")
    assert reference["visits"] == total
    if all(org.get("youth_population") for org in orgs):
        population = sum(org["youth_population"] for org in orgs)
        assert reference["visits_per_1000"] == pytest.approx(total * 1000 / population)
    else:  # per capita for all only when every organisation gives its young residents
        assert "visits_per_1000" not in reference
    assert stats_page.script_errors == []


def test_the_pages_csv_is_the_apis_csv_of_the_view(
    stats_page: Any, live_stack: Any, demo: Demo
) -> None:
    # One layout (docs/stats.md): the page's Download CSV of a view is, byte for byte,
    # GET /public/stats.csv of the same scope, period and grouping.
    scope = f"org:{demo.org('Ljubljana')['id']}"
    open_view(stats_page, live_stack.site_url, f"?scope={scope}&period=2025&by=gender")
    with stats_page.expect_download() as download:
        stats_page.click("#download-csv")
    from_page = Path(download.value.path()).read_bytes()
    address = f"{live_stack.api_url}/public/stats.csv?scope={scope}&period=2025&by=gender"
    with urllib.request.urlopen(address, timeout=30) as answer:
        from_api = answer.read()
    assert from_page == from_api
    rows = list(csv.DictReader(io.StringIO(from_api.decode("utf-8"))))
    assert {"summary", "activities", "participation", "indicators"} <= {r["section"] for r in rows}
    assert stats_page.script_errors == []


def test_downloads_hold_exactly_the_figures_shown(
    stats_page: Any, live_stack: Any, demo: Demo
) -> None:
    org = demo.org("Espoo")
    open_view(stats_page, live_stack.site_url, f"?scope=org:{org['id']}&period=2025&compare=units")
    # Every figure on screen: cells with a value, cells without one ("–", no data) and
    # suppressed indicators (shown with their reason, never with a value).
    shown = stats_page.eval_on_selector_all(
        "#results td[data-measure], #results dd[data-measure], #results tr.suppressed",
        """cells => cells.map(c => {
             const row = c.closest('[data-scope]');
             const footer = c.closest('tfoot') ? (c.closest('tr.average-row') ? '_average' : '_reference') : '';
             const section = c.closest('section').id + footer;
             return [section, row ? row.dataset.scope : null, row ? row.dataset.period : null,
                     c.dataset.measure, c.dataset.value ?? ''];
           })""",
    )
    with stats_page.expect_download() as csv_download:
        stats_page.click("#download-csv")
    rows = list(csv.DictReader(io.StringIO(Path(csv_download.value.path()).read_text("utf-8"))))
    with stats_page.expect_download() as json_download:
        stats_page.click("#download-json")
    document = json.loads(Path(json_download.value.path()).read_text("utf-8"))

    assert csv_download.value.suggested_filename.endswith(".csv")
    assert document["licence"] == "CC BY 4.0"
    assert document["view"] == {
        "scope": f"org:{org['id']}",
        "period": "2025",
        "compare": "units",
        "metric": "visits",
    }
    assert len(document["rows"]) == len(rows)
    in_file = {(r["section"], r["scope"], r["period"], r["measure"]): r["value"] for r in rows}
    on_screen = {
        (section, scope or f"org:{org['id']}", period or "2025", measure): value
        for section, scope, period, measure, value in shown
    }
    assert on_screen.keys() == in_file.keys()
    for key, value in on_screen.items():
        if value:
            assert float(in_file[key]) == pytest.approx(float(value)), key
        else:  # nothing to show ("–", suppressed): no value in the files either
            assert in_file[key] == "", key
    for item, line in zip(document["rows"], rows, strict=True):
        assert (item["scope"], item["measure"]) == (line["scope"], line["measure"])
    assert stats_page.script_errors == []


def test_language_follows_the_browser_and_the_choice_is_remembered(
    browser: Any, live_stack: Any, demo: Demo, stats_source: str
) -> None:
    context = browser.new_context(locale="fi-FI")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        org = demo.org("Ljubljana")
        open_view(page, live_stack.site_url, f"?scope=org:{org['id']}&period=2025-03")
        assert page.inner_text("h1") == "Avoin tilasto"
        assert page.get_attribute("html", "lang") == "fi"
        assert "maaliskuu 2025" in page.inner_text("#view-title")
        visits = reference_stats(demo, f"org:{org['id']}", "2025-03")["participation"]["visits"]
        shown = page.inner_text("#summary [data-measure='visits']")
        path = f"/public/stats?scope=org:{org['id']}&period=2025-03"
        if call(live_stack.api_url, "GET", path)["participation"]["visits"] is not None:
            assert shown.replace("\u00a0", " ") == f"{visits:,}".replace(",", " ")
        else:  # suppressed by the publication layer: said plainly, in Finnish
            assert shown == "Ei julkaista"

        page.select_option("#lang", "sl")
        # The chosen language's texts load on demand (only the chosen one and English).
        page.wait_for_function(
            "() => document.querySelector('h1').textContent === 'Odprta statistika'"
        )
        assert page.inner_text("h1") == "Odprta statistika"
        assert "marec 2025" in page.inner_text("#view-title")
        page.reload()
        page.wait_for_selector("#open-data")
        assert page.inner_text("h1") == "Odprta statistika"
        assert page.get_attribute("html", "lang") == "sl"
        assert errors == []
    finally:
        context.close()


def test_first_load_stays_within_the_page_budget(
    stats_page: Any, live_stack: Any, demo: Demo
) -> None:
    sizes: list[int] = []
    stats_page.on("response", lambda response: sizes.append(len(response.body())))
    open_view(stats_page, live_stack.site_url, "?scope=all&period=2025")
    # The page, its styles, its modules (small, and preloaded all at once:
    # tests/unit/test_page_modules.py, so their number adds no round trip), its texts
    # in English (+ the reader's language), and the API's answers.
    assert 5 <= len(sizes) <= 30
    assert sum(sizes) <= PAGE_BUDGET, f"{sum(sizes)} bytes in {len(sizes)} requests"


SCREENSHOT_VIEWS = {  # name: (address, width, what to scroll to)
    "stats-organisation": ("?scope=org:{lj}&period=2025", 1280, None),
    "stats-compare-units": ("?scope=org:{lj}&period=2025&compare=units&metric=visits", 1280, None),
    "stats-compare-orgs": (
        "?scope=all&period=2025&compare=orgs&metric=visits_per_1000",
        1280,
        None,
    ),
    "stats-months": ("?scope=org:{es}&period=2025&compare=months", 1280, None),
    "stats-phone": ("?scope=org:{lj}&period=2025", 390, "#summary"),
}


def test_views_fit_their_screens_and_are_captured(
    stats_page: Any, live_stack: Any, demo: Demo, tmp_path: Any
) -> None:
    """Each README view renders without horizontal overflow, down to a phone's width.

    The PNGs go to ``LOGBOOK_SCREENSHOT_DIR`` when set (``make screenshots`` sets it
    to docs/screenshots), otherwise to a temporary directory.
    """
    import os

    target = Path(os.environ.get("LOGBOOK_SCREENSHOT_DIR") or tmp_path)
    target.mkdir(parents=True, exist_ok=True)
    ids = {"lj": demo.org("Ljubljana")["id"], "es": demo.org("Espoo")["id"]}
    for name, (query, width, focus) in SCREENSHOT_VIEWS.items():
        stats_page.set_viewport_size({"width": width, "height": 1400 if width > 600 else 844})
        open_view(stats_page, live_stack.site_url, query.format(**ids))
        overflow = stats_page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name}: {overflow}px wider than the screen"
        if focus:
            stats_page.locator(focus).scroll_into_view_if_needed()
            stats_page.evaluate(f"document.querySelector('{focus}').scrollIntoView()")
        path = target / f"{name}.png"
        # The first screenful: what a README reader needs, at a fraction of the bytes.
        stats_page.screenshot(path=str(path))
        assert path.stat().st_size > 10_000
    assert stats_page.script_errors == []


# ---------------------------------------------------------------- Lighthouse
@pytest.mark.parametrize(
    "view",
    [
        "?scope=org:{lj}&period=2025&compare=units",
        "?scope=org:{lj}&period=2025&compare=months",
        "report.html?scope=org:{lj}&year=2025",
    ],
    ids=["units-side-by-side", "month-by-month", "annual-report"],
)
def test_lighthouse_scores_and_page_weight_meet_the_budget(
    live_stack: Any, demo: Demo, stats_source: str, view: str
) -> None:
    from tools.lighthouse_stats import best_of

    query = view.format(lj=demo.org("Ljubljana")["id"])
    report = best_of(f"{live_stack.site_url}/stats/{query}")
    print("\n".join(report.lines()))
    assert report.within_budget(), report.lines()


def test_the_landing_page_leads_to_the_app_and_the_statistics(page: Any, live_stack: Any) -> None:
    page.goto(f"{live_stack.site_url}/")
    hrefs = page.eval_on_selector_all("main a", "links => links.map(a => a.getAttribute('href'))")
    assert {"/app/", "/stats/", "/stats/about.html#api"} <= set(hrefs)
    page.click("main a[href='/stats/']")
    page.wait_for_selector("#view-form")
    assert urlparse(page.url).path == "/stats/"
    assert page.script_errors == []


def test_the_analysts_guide_shows_this_deployments_api(page: Any, live_stack: Any) -> None:
    page.goto(f"{live_stack.site_url}/stats/about.html")
    page.wait_for_function("document.querySelector('.api-base').textContent.startsWith('http')")
    assert f'API = "{live_stack.api_url}"' in page.inner_text("main")
    assert page.get_attribute(".api-link", "href") == f"{live_stack.api_url}/openapi.json"
    assert "CC BY 4.0" in page.inner_text("#licence + p")
    assert page.script_errors == []


def test_a_broken_address_is_corrected_and_said_so(
    stats_page: Any, live_stack: Any, demo: Demo
) -> None:
    open_view(stats_page, live_stack.site_url, "?scope=org:nosuchorg&period=2025-13")
    alert = stats_page.inner_text("#alert")
    assert "does not exist" in alert
    assert "not valid" in alert
    assert stats_page.input_value("#scope") == "all"
    assert stats_page.inner_text("#view-title").startswith("All organisations · ")
    assert stats_page.script_errors == []


def test_every_text_is_translated_into_every_language(page: Any, live_stack: Any) -> None:
    # The statistics pages' texts as the site serves them: the shared words and their own.
    page.goto(f"{live_stack.site_url}/stats/about.html")
    missing = page.evaluate(
        """async () => {
          const { LANGUAGE_NAMES } = await import('/shared/i18n.js');
          const read = async (name) => (await fetch(`/shared/i18n/${name}.json`)).json();
          const out = {};
          for (const bundle of ['common', 'stats']) {
            const keys = Object.keys(await read(`${bundle}.en`));
            for (const lang of Object.keys(LANGUAGE_NAMES)) {
              const texts = await read(`${bundle}.${lang}`);
              out[lang] = [...(out[lang] || []), ...keys.filter((key) => !(key in texts))];
              const extra = Object.keys(texts).filter((key) => !keys.includes(key));
              if (extra.length) out[`${lang} extra`] = extra;
            }
          }
          return out;
        }"""
    )
    assert missing == {"en": [], "sl": [], "fi": [], "sv": []}


def test_indicators_nobody_answered_are_left_out(
    stats_page: Any, live_stack: Any, demo: Demo
) -> None:
    # 2026: activities but no survey answers in the demo.
    org = demo.org("Ljubljana")
    assert reference_stats(demo, f"org:{org['id']}", "2026")["responses"] == 0
    open_view(stats_page, live_stack.site_url, f"?scope=org:{org['id']}&period=2026")
    assert stats_page.locator("#indicators table").count() == 0
    assert stats_page.inner_text("#indicators .notice") == "No survey answers for this period yet."
    assert stats_page.script_errors == []


def test_a_comparison_is_one_request_for_all_its_cells(
    stats_page: Any, live_stack: Any, demo: Demo, stats_source: str
) -> None:
    asked: list[str] = []
    stats_page.on(
        "request",
        lambda request: (
            asked.append(urlparse(request.url).path)
            if request.url.startswith(live_stack.api_url)
            else None
        ),
    )
    org = demo.org("Espoo")
    open_view(stats_page, live_stack.site_url, f"?scope=org:{org['id']}&period=2025&compare=months")
    assert asked.count("/public/compare") == 1
    assert asked.count("/public/stats") == 0
    march = cell_values(stats_page, "#compare tbody tr[data-period='2025-03']")
    expected = reference_stats(demo, f"org:{org['id']}", "2025-03")
    path = f"/public/stats?scope=org:{org['id']}&period=2025-03"
    if call(live_stack.api_url, "GET", path)["participation"]["visits"] is None:
        assert "visits" not in march  # suppressed by the publication layer: no value shown
    else:
        assert march["visits"] == expected["participation"]["visits"]
    assert stats_page.script_errors == []


def test_without_the_compare_route_the_page_asks_cell_by_cell(
    stats_page: Any, live_stack: Any, demo: Demo
) -> None:
    # An API without /public/compare (as API Gateway answers an unknown route).
    stats_page.route(
        f"{live_stack.api_url}/public/compare?*",
        lambda route: route.fulfill(
            status=403,
            headers={"Access-Control-Allow-Origin": "*", "Content-Type": "application/json"},
            body='{"message": "Missing Authentication Token"}',
        ),
    )
    org = demo.org("Ljubljana")
    open_view(stats_page, live_stack.site_url, f"?scope=org:{org['id']}&period=2025&compare=units")
    for unit in org["units"]:
        cells = cell_values(stats_page, f"#compare tr[data-scope='unit:{unit['id']}']")
        expected = reference_stats(demo, f"unit:{unit['id']}", "2025")
        path = f"/public/stats?scope=unit:{unit['id']}&period=2025"
        if call(live_stack.api_url, "GET", path)["participation"]["visits"] is None:
            assert "visits" not in cells  # suppressed: no value on screen
        else:
            assert cells["visits"] == expected["participation"]["visits"]
    assert stats_page.inner_text("#alert") == ""
    assert stats_page.script_errors == []


def test_survey_results_by_gender_show_what_the_api_publishes(
    stats_page: Any, live_stack: Any, demo: Demo
) -> None:
    # Given 18 girls, 16 boys and 2 young people who skipped the question answering in
    # one month at a centre (a month of its own: the other tests' figures stay as they were)
    import boto3

    from chalicelib.settings import get_settings
    from tools.stream_events import response_item

    unit = demo.org("Espoo")["units"][1]
    table = boto3.resource(
        "dynamodb", endpoint_url=live_stack.ddb_endpoint, region_name=get_settings().region
    ).Table(get_settings().data_table)
    rng = random.Random(15)
    path = f"/public/stats?scope=unit:{unit['id']}&period=2026-11&by=gender"
    # The girls first, then the others: each arrival is a step of at least k answers
    # however the stream batches them, so girls or boys are published at the end.
    waves = [["girls"] * 18, ["boys"] * 16 + [None] * 2]
    for wave, genders in enumerate(waves):
        with table.batch_writer() as batch:
            for index, gender in enumerate(genders):
                item = response_item(
                    f"bygender{wave}{index:03d}", unit["id"], demo.unit_org[unit["id"]],
                    "2026-11-03", {i: rng.choice((2, 3, 4, 5)) for i in INDICATORS},
                )  # fmt: skip
                batch.put_item(Item={**item, **({"gender": gender} if gender else {})})
        expected = sum(len(w) for w in waves[: wave + 1])
        deadline = time.monotonic() + 60
        while (published := call(live_stack.api_url, "GET", path))["responses"] < expected:
            assert time.monotonic() < deadline, "the answers were not published within 60 s"
            time.sleep(0.5)
    groups = published["groups"]
    # The two who skipped are pending: girls or boys are suppressed besides, not both
    assert any("mean" in groups[g]["indicators"]["safety"] for g in ("girls", "boys"))

    # When the page shows the centre's November by gender (the address says so)
    open_view(stats_page, live_stack.site_url, f"?scope=unit:{unit['id']}&period=2026-11&by=gender")
    assert stats_page.input_value("#by") == "gender"
    headers = stats_page.locator("#groups thead th").all_inner_texts()
    assert headers == ["Indicator", "Girls", "Boys", "Non-binary", "Not stated", "Did not answer"]

    # Then each cell is what the API published: the mean, or "Suppressed" with its reason
    for group in ("girls", "boys", "not_answered"):
        figure = groups[group]["indicators"]["safety"]
        cell = stats_page.locator(
            f"#groups tr[data-measure='indicator:safety'] td[data-group='{group}']"
        )
        if "mean" in figure:
            assert cell.inner_text() == f"{figure['mean']:.2f} ({figure['n']})"
        else:
            assert cell.inner_text() == "Suppressed"
            assert cell.get_attribute("title")
    assert stats_page.script_errors == []


def test_no_small_group_is_derivable_from_the_live_figures(live_stack: Any, demo: Demo) -> None:
    # Last in this file: after every write above, the attacker's linear programs over
    # every published figure of the live stack pin no small group down (docs/privacy.md).
    from tools.privacy_audit import main as privacy_audit

    assert privacy_audit(["--endpoint", live_stack.ddb_endpoint]) == 0
