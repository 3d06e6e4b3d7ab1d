"""The live stack fixture itself answers over HTTP."""

import json
import urllib.request

import pytest

pytestmark = pytest.mark.e2e


def test_health_and_site_config(live_stack):
    with urllib.request.urlopen(f"{live_stack.api_url}/health") as answer:
        assert json.load(answer) == {"status": "ok"}
    with urllib.request.urlopen(f"{live_stack.site_url}/config.js") as answer:
        assert live_stack.api_url in answer.read().decode()
