"""Creating POSTs with an Idempotency-Key: one write per key, whatever the network does."""

from __future__ import annotations

import json
import time
import uuid

import boto3
import pytest

from chalicelib.api import idempotency
from chalicelib.api.errors import json_response
from chalicelib.settings import get_settings
from tests.builders import activity
from tests.functional.world import build_world


@pytest.fixture
def world(api):
    return build_world(api)


def save(api, world, key, body=None, token=None, unit=None):
    return api.call(
        "POST",
        f"/units/{unit or world.unit}/activities",
        activity() if body is None else body,
        token=token or world.worker,
        headers={"Idempotency-Key": key},
    )


def listed(api, world, unit=None):
    answer = api.call("GET", f"/units/{unit or world.unit}/activities", token=world.org_admin)
    return answer.json["items"]


def test_a_save_sent_again_with_its_key_answers_the_first_answer_and_stores_once(api, world):
    key = str(uuid.uuid4())
    first = save(api, world, key)
    again = save(api, world, key)
    assert first.status == again.status == 201
    assert again.json == first.json
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert [item["id"] for item in listed(api, world)] == [first.json["id"]]


def test_the_same_body_in_another_layout_is_the_same_request(api, world):
    key = str(uuid.uuid4())
    body = activity()
    first = save(api, world, key, body)
    reordered = json.dumps(dict(reversed(list(body.items()))), indent=2)
    again = api.call(
        "POST",
        f"/units/{world.unit}/activities",
        raw=reordered,
        token=world.worker,
        headers={"Idempotency-Key": f'"{key}"'},  # as a structured-field string
    )
    assert again.status == 201 and again.json["id"] == first.json["id"]
    assert len(listed(api, world)) == 1


def test_the_same_key_with_another_body_is_422_naming_the_header(api, world):
    key = str(uuid.uuid4())
    assert save(api, world, key, activity(title="Football")).status == 201
    other = save(api, world, key, activity(title="Chess"))
    assert other.status == 422
    assert other.json["errors"] == [
        {"field": "Idempotency-Key", "problem": other.json["errors"][0]["problem"]}
    ]
    assert [item["title"] for item in listed(api, world)] == ["Football"]


def test_the_same_key_on_another_unit_is_another_request(api, world):
    key = str(uuid.uuid4())
    admin = world.org_admin
    assert save(api, world, key, token=admin).status == 201
    assert save(api, world, key, token=admin, unit=world.other_unit).status == 422
    assert listed(api, world, unit=world.other_unit) == []


def test_keys_belong_to_one_person(api, world):
    key = str(uuid.uuid4())
    mine = save(api, world, key, token=world.worker)
    theirs = save(api, world, key, token=world.partner)
    assert mine.status == theirs.status == 201
    assert mine.json["id"] != theirs.json["id"]
    assert theirs.json["created_by"] == "partner@lj.test"


def test_a_refused_save_leaves_its_key_free_for_the_corrected_one(api, world):
    key = str(uuid.uuid4())
    refused = save(api, world, key, activity(participants={"girls": -1}))
    assert refused.status == 400
    forbidden = save(api, world, key, token=world.outsider)
    assert forbidden.status == 403
    corrected = save(api, world, key)
    assert corrected.status == 201
    assert "Idempotent-Replayed" not in corrected.headers


@pytest.mark.parametrize("bad", ["", "a" * 256, "ключ", 'with"quote', "tab\tinside"])
def test_an_unusable_key_is_400_naming_the_header(api, world, bad):
    answer = save(api, world, bad)
    assert answer.status == 400
    assert answer.json["errors"][0]["field"] == "Idempotency-Key"
    assert listed(api, world) == []


def test_without_a_key_every_post_creates(api, world):
    for _ in range(2):
        assert (
            api.call(
                "POST", f"/units/{world.unit}/activities", activity(), token=world.worker
            ).status
            == 201
        )
    assert len(listed(api, world)) == 2


def test_a_key_is_kept_at_least_a_day(api, world):
    before = time.time()
    assert save(api, world, "kept-key").status == 201
    table = boto3.resource("dynamodb", region_name="eu-north-1").Table(
        get_settings().idempotency_table_name
    )
    (record,) = table.scan()["Items"]
    assert record["status"] == "COMPLETED"
    assert int(record["expires_at"]) >= before + 24 * 3600
    # The record's key is a hash of the owner and key, not the e-mail address.
    assert "worker@lj.test" not in record["id"] and "kept-key" not in record["id"]


def test_a_repeat_while_the_first_still_runs_is_409_in_progress(aws):
    request = idempotency.KeyedRequest(
        owner="worker@lj.test", key="k1", method="POST", path="/units/u/activities", body={}
    )
    seen = []

    def slow_first_save():
        # The connection dropped and the phone sent again before this save finished.
        seen.append(idempotency.answer_once(request, lambda: json_response({"id": "x"}, 201)))
        return json_response({"id": "a1"}, 201)

    first = idempotency.answer_once(request, slow_first_save)
    assert first.status_code == 201
    (repeat,) = seen
    assert repeat.status_code == 409
    assert repeat.headers["Retry-After"] == "1"
    assert json.loads(repeat.body)["error"] == "in_progress"
    assert (
        idempotency.answer_once(request, lambda: json_response({"id": "b"}, 201)).body == first.body
    )


def test_a_failed_save_frees_its_key(aws):
    request = idempotency.KeyedRequest(
        owner="w", key="k2", method="POST", path="/units/u/activities", body={}
    )

    def crash():
        raise RuntimeError("DynamoDB went away")

    with pytest.raises(RuntimeError):
        idempotency.answer_once(request, crash)
    answer = idempotency.answer_once(request, lambda: json_response({"id": "ok"}, 201))
    assert json.loads(answer.body) == {"id": "ok"}


def test_an_edit_stays_safe_by_version_and_a_repeated_delete_is_harmless(api, world):
    stored = save(api, world, str(uuid.uuid4())).json
    path = f"/units/{world.unit}/activities/{stored['id']}"
    edit = {**activity(title="Edited"), "version": 1}
    assert api.call("PUT", path, edit, token=world.worker).status == 200
    stale = api.call("PUT", path, edit, token=world.worker)
    assert stale.status == 409
    assert api.call("DELETE", path, token=world.worker).status == 204
    assert api.call("DELETE", path, token=world.worker).status == 404


def test_an_edit_resent_after_its_answer_was_lost_is_not_a_conflict(api, world):
    stored = save(api, world, str(uuid.uuid4())).json
    path = f"/units/{world.unit}/activities/{stored['id']}"
    edit = {**activity(title="Edited"), "version": 1}
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = api.call("PUT", path, edit, token=world.worker, headers=key)
    again = api.call("PUT", path, edit, token=world.worker, headers=key)
    assert first.status == again.status == 200
    assert again.json == first.json and again.json["version"] == 2
    # Without the key the same resend meets its own new version.
    assert api.call("PUT", path, edit, token=world.worker).status == 409
