"""The local API server over real HTTP, with a fake function: routing, CORS and methods as API Gateway."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from local_runtime.api_server import ApiServer, RouteTable
from local_runtime.template import FunctionSpec

pytestmark = pytest.mark.integration

ROUTES = RouteTable(
    [
        ("/api/v1/payments", "GET"),
        ("/api/v1/payments", "POST"),
        ("/api/v1/payments/{payment_id}", "GET"),
        ("/health", "GET"),
    ]
)


@pytest.fixture
def server() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    received: list[dict[str, Any]] = []

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        received.append(event)
        return {
            "statusCode": 201,
            "headers": {"Content-Type": "application/json"},
            "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"]},
            "body": json.dumps({"ok": True}),
        }

    spec = FunctionSpec("ApiFunction", "functions.api.app", "app", 10, 1024, {})
    cors = {
        "AllowOrigin": "*",
        "AllowMethods": "GET,POST,OPTIONS",
        "AllowHeaders": "Content-Type",
        "MaxAge": "600",
    }
    api = ApiServer(0, ROUTES, spec, handler, "prod", cors)
    thread = threading.Thread(target=api.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{api.server_address[1]}", received
    api.shutdown()
    api.server_close()


def _request(url: str, method: str = "GET", body: bytes | None = None) -> tuple[int, Any, bytes]:
    request = urllib.request.Request(url, data=body, method=method)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_a_request_reaches_the_function_and_its_response_is_written_back(server: Any) -> None:
    url, received = server
    status, headers, body = _request(f"{url}/api/v1/payments", "POST", b'{"amount":100}')
    assert (status, json.loads(body)) == (201, {"ok": True})
    assert headers.get_all("Set-Cookie") == ["a=1", "b=2"]
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert received[0]["body"] == '{"amount":100}'
    assert received[0]["requestContext"]["resourcePath"] == "/api/v1/payments"


def test_unknown_path_is_404_route_not_found(server: Any) -> None:
    url, received = server
    status, _, body = _request(f"{url}/api/v1/nothing")
    assert status == 404
    assert json.loads(body) == {"error": {"code": "NOT_FOUND_ERROR", "description": "Route not found"}}
    assert received == []


def test_known_path_with_other_method_is_400_method_not_allowed(server: Any) -> None:
    url, _ = server
    status, _, body = _request(f"{url}/api/v1/payments/stats", "DELETE")
    assert status == 400
    assert json.loads(body) == {"error": {"code": "BAD_REQUEST_ERROR", "description": "Method not allowed"}}


def test_preflight_is_answered_from_the_cors_settings(server: Any) -> None:
    url, received = server
    status, headers, _ = _request(f"{url}/api/v1/payments", "OPTIONS")
    assert status == 200
    assert headers["Access-Control-Allow-Methods"] == "GET,POST,OPTIONS"
    assert headers["Access-Control-Max-Age"] == "600"
    assert received == []


def test_trace_on_a_known_path_is_a_bad_request_not_501(server: Any) -> None:
    url, _ = server
    status, _, body = _request(f"{url}/health", "TRACE")
    assert status == 400
    assert json.loads(body)["error"]["code"] == "BAD_REQUEST_ERROR"


def test_head_is_answered_as_get_without_a_body(server: Any) -> None:
    url, received = server
    status, headers, body = _request(f"{url}/health", "HEAD")
    assert (status, body) == (201, b"")
    assert received[0]["httpMethod"] == "GET"
