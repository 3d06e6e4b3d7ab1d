"""The live stack fixture itself answers over HTTP."""

import json
import urllib.request

import pytest

from tools.site_build import BUILT_SITE, SITE_SOURCE

pytestmark = pytest.mark.e2e


def test_health_and_site_config(live_stack):
    with urllib.request.urlopen(f"{live_stack.api_url}/health") as answer:
        assert json.load(answer) == {"status": "ok"}
    with urllib.request.urlopen(f"{live_stack.site_url}/config.js") as answer:
        assert live_stack.api_url in answer.read().decode()


def test_the_site_served_is_the_built_one(live_stack):
    # What the browser tests load is what `make deploy` uploads: build/site/, minified.
    with urllib.request.urlopen(f"{live_stack.site_url}/stats/stats.js") as answer:
        served = answer.read()
    assert served == (BUILT_SITE / "stats" / "stats.js").read_bytes()
    assert len(served) < len((SITE_SOURCE / "stats" / "stats.js").read_bytes())
