def test_health(api):
    r = api.call("GET", "/health")
    assert r.status == 200 and r.json == {"status": "ok"}


def test_flow(api):
    t = api.token("admin@logbook.local")
    r = api.call("POST", "/orgs", {"name": "Ljubljana", "country": "si"}, token=t)
    assert r.status == 201, r.json
    org = r.json["id"]
    r = api.call("POST", f"/orgs/{org}/units", {"name": "MC Šiška"}, token=t)
    assert r.status == 201, r.json
    unit = r.json["id"]
    r = api.call(
        "POST",
        f"/units/{unit}/activities",
        {
            "date": "2026-03-14",
            "duration_minutes": 120,
            "kind": "open",
            "title": "Fri",
            "participants": {"girls": 3},
        },
        token=t,
    )
    assert r.status == 201, r.json
    print(r.json)
    r = api.call("GET", f"/units/{unit}/activities", token=t)
    assert r.status == 200, r.json
    assert len(r.json["items"]) == 1
    r = api.call("GET", f"/units/{unit}/activities")
    assert r.status == 401, r.json
    r = api.call("GET", f"/units/{unit}/activities", token="abc")
    assert r.status == 401, r.json
