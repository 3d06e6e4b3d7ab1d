"""The pages read the config deploy writes: public reads go through the CDN.

``infra/deploy.py`` writes ``config.js`` with ``apiUrl`` (API Gateway) and
``publicApiUrl`` (the CloudFront site, whose ``/public/*`` is cached). Here the
deployed config, the site's own files and both origins are played by Playwright
routes on made-up https origins (no server, nothing leaves the machine), and the test
records which origin each page asked for what.
"""

from __future__ import annotations

import json
import mimetypes
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from infra.deploy import SITE_DIR, config_script
from tools.site_build import build_site

pytestmark = pytest.mark.e2e

SITE = "https://site.logbook.test"
API = "https://abc123.execute-api.eu-north-1.amazonaws.com/api"
OUTPUTS = {
    "ApiUrl": API,
    "SiteUrl": SITE,
    "HostedUiDomain": "logbook-prod.auth.eu-north-1.amazoncognito.com",
    "UserPoolClientId": "client",
    "UserPoolId": "eu-north-1_pool",
    "Region": "eu-north-1",
}
CODE = "k7q2m9"
COLLECTION = {
    "code": CODE,
    "kind": "survey",
    "title": "Feedback",
    "unit_name": "MC Šiška",
    "languages": ["en"],
    "lang": "en",
    "questions": [
        {
            "id": "q1",
            "type": "scale",
            "indicator": "safety",
            "text": "I feel safe",
            "options": [{"value": n, "text": str(n)} for n in range(1, 6)],
        }
    ],
}


def canned(path: str) -> object:
    if path.startswith("/public/collections/"):
        return COLLECTION
    if path.startswith("/public/orgs"):
        return {"items": []}
    return {"error": "not_found", "message": "no such figures", "errors": []}


@pytest.fixture(scope="module")
def deployed_site() -> Path:
    """The files `make deploy` uploads: build/site/, built as the deploy builds it."""
    build_site()
    return SITE_DIR


@pytest.fixture
def seen(page, deployed_site: Path) -> list[tuple[str, str, str]]:
    """(origin, method, path) of every request the page made to the site or the API."""
    requests: list[tuple[str, str, str]] = []
    config = config_script(OUTPUTS, "prod")
    assert json.loads(config.split("=", 1)[1].strip().rstrip(";"))["publicApiUrl"] == SITE

    def handle(route, request) -> None:
        url = request.url
        path = urlsplit(url).path
        if url.startswith(API):
            requests.append(("api", request.method, path[len(urlsplit(API).path) :]))
            route.fulfill(
                status=201 if request.method == "POST" else 200,
                content_type="application/json",
                headers={"Access-Control-Allow-Origin": "*"},
                body=json.dumps(canned(path[len("/api") :])),
            )
        elif url.startswith(SITE):
            if path.startswith("/public/"):
                requests.append(("cdn", request.method, path))
                route.fulfill(content_type="application/json", body=json.dumps(canned(path)))
            elif path == "/config.js":
                route.fulfill(content_type="text/javascript", body=config)
            else:
                file = deployed_site / path.lstrip("/")
                if file.is_dir():
                    file = file / "index.html"
                if not file.is_file():
                    route.fulfill(status=404, body="")
                    return
                content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
                if file.suffix == ".js":
                    content_type = "text/javascript"
                route.fulfill(content_type=content_type, body=file.read_bytes())
        else:
            route.abort()

    page.route("**/*", handle)
    return requests


@pytest.mark.parametrize(
    "address",
    ["/stats/", "/stats/?scope=all&period=2025", f"/s/?c={CODE}", f"/s/poster.html?c={CODE}"],
)
def test_public_reads_go_through_the_cdn_from_the_deployed_config(page, seen, address):
    page.goto(SITE + address)
    page.wait_for_load_state("networkidle")
    public_reads = [(origin, path) for origin, method, path in seen if method == "GET"]
    assert public_reads, "the page read nothing from the public API"
    assert all(origin == "cdn" for origin, _ in public_reads), public_reads


def test_survey_answers_still_go_to_the_api(page, seen):
    page.goto(f"{SITE}/s/?c={CODE}")
    page.get_by_role("radio").first.check()
    page.get_by_role("button", name="Send").click()
    page.wait_for_load_state("networkidle")
    posts = [(origin, path) for origin, method, path in seen if method == "POST"]
    assert posts == [("api", "/public/responses")], seen
