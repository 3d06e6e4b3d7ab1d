"""Answers no view gives: undeclared methods, unknown routes, refused tokens, the local server.

The local gateway answers the way the deployed one does (devstack/gateway.py, the same
table as the gateway responses in infra): our error shape, CORS headers, never 5xx.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading

import pytest
from chalice import Chalice

from chalicelib.api.gateway_answers import in_error_shape
from devstack.api import chalice_config
from devstack.gateway import LISTEN_BACKLOG, create_api_server


def assert_error_shape(answer, status: int, code: str) -> None:
    assert answer.status == status, answer.body
    assert set(answer.json) == {"error", "message", "errors"}, answer.json
    assert answer.json["error"] == code
    assert answer.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("method", ["PATCH", "PUT", "DELETE", "HEAD", "TRACE", "QUERY", "PROPFIND"])
def test_a_method_the_route_lacks_is_405_in_our_shape(api, method):
    answer = api.call(method, "/public/orgs")
    assert answer.status == 405
    assert answer.headers["Allow"] == "GET"
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    if method != "HEAD":
        assert_error_shape(answer, 405, "method_not_allowed")
        assert answer.json["errors"][0]["field"] == "method"


def test_a_method_is_405_before_the_authorizer_is_asked(api):
    answer = api.call("PATCH", "/orgs/abc/members/a@b.test")
    assert_error_shape(answer, 405, "method_not_allowed")


def test_an_unknown_route_is_404_in_our_shape(api):
    assert_error_shape(api.call("GET", "/no/such/route"), 404, "not_found")
    assert_error_shape(api.call("GET", "/no/such/route", token="x"), 404, "not_found")


def test_no_token_is_401_in_our_shape_with_cors(api):
    assert_error_shape(api.call("GET", "/me"), 401, "unauthenticated")
    assert_error_shape(api.call("GET", "/me", token="not.a.jwt"), 401, "unauthenticated")


def test_an_unhandled_failure_is_500_in_our_shape_without_details(aws):
    from chalice.test import Client

    probe = Chalice(app_name="probe")
    probe.register_middleware(in_error_shape, "http")

    @probe.route("/boom")
    def boom() -> None:
        raise RuntimeError("secret detail")

    with Client(probe) as client:
        answer = client.http.get("/boom")
    body = json.loads(answer.body)
    assert answer.status_code == 500
    assert body["error"] == "internal_error" and "secret" not in answer.body.decode()
    assert answer.headers["Access-Control-Allow-Origin"] == "*"


# ------------------------------------------------------------------ the local server
@pytest.fixture
def local_server():
    probe = Chalice(app_name="probe")
    probe.register_middleware(in_error_shape, "http")

    @probe.route("/hello", methods=["GET"])
    def hello() -> dict:
        return {"hello": "world"}

    server = create_api_server(probe, chalice_config(), "127.0.0.1", 0)
    port = server.server.server_address[1]
    yield server, port
    server.server.server_close()


def _serve(server) -> threading.Thread:
    thread = threading.Thread(target=server.server.serve_forever, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize("method", ["TRACE", "QUERY", "PROPFIND", "BREW", "PATCH"])
def test_the_local_server_answers_any_method_with_405_json(local_server, method):
    server, port = local_server
    _serve(server)
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request(method, "/hello")
        answer = connection.getresponse()
        body = json.loads(answer.read())
    finally:
        server.server.shutdown()
    assert answer.status == 405
    assert answer.getheader("Content-Type") == "application/json"
    assert body["error"] == "method_not_allowed"


@pytest.mark.parametrize(
    ("request_head", "status"),
    [
        (b"GET /hello?q=" + b"x" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
        # Without a version it understands, the server answers as HTTP/0.9: a bare body.
        (b"GET /hello HTTP/9.9\r\nHost: x\r\n\r\n", None),
        (b"NOT A REQUEST\r\n\r\n", None),
        (b"GET /hello HTTP/1.1\r\n" + b"X-A: b\r\n" * 120 + b"\r\n", 431),
        (b"POST /hello HTTP/1.1\r\nContent-Length: abc\r\n\r\n", 400),
        (b"POST /hello HTTP/1.1\r\nContent-Length: -5\r\n\r\n", 400),
        (b"POST /hello HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n", 413),
    ],
)
def test_what_the_http_server_refuses_itself_is_json_too(local_server, request_head, status):
    server, port = local_server
    _serve(server)
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
            client.sendall(request_head)
            answer = b""
            while chunk := client.recv(65536):
                answer += chunk
    finally:
        server.server.shutdown()
    if status is None:
        body = answer
    else:
        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.split(b" ")[1] == str(status).encode(), head
        assert b"Content-Type: application/json" in head
    assert set(json.loads(body)) == {"error", "message", "errors"}


def test_the_local_server_queues_a_crowd_of_connections(local_server):
    # Nothing accepts yet: every connection waits in the listen backlog. With Python's
    # default backlog of 5, the kernel drops the SYNs of the sixth and later ones.
    _server, port = local_server
    crowd = []
    try:
        for _ in range(100):
            client = socket.create_connection(("127.0.0.1", port), timeout=0.5)
            crowd.append(client)
        assert len(crowd) == 100 <= LISTEN_BACKLOG
    finally:
        for client in crowd:
            client.close()
