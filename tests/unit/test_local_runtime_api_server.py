"""The local API server matches routes and builds events the way API Gateway (REST, proxy) does."""

from __future__ import annotations

import base64
import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from local_runtime.api_server import ApiServer, RouteTable, build_event
from local_runtime.template import FunctionSpec

ROUTES = RouteTable(
    [
        ("/api/v1/payments", "GET"),
        ("/api/v1/payments", "POST"),
        ("/api/v1/payments/stats", "GET"),
        ("/api/v1/payments/{payment_id}", "GET"),
        ("/api/v1/payments/{payment_id}/refunds", "POST"),
        ("/health", "GET"),
    ]
)


def test_static_segment_beats_a_parameter() -> None:
    assert ROUTES.match("/api/v1/payments/stats") == ("/api/v1/payments/stats", {})


def test_parameters_are_extracted_and_decoded() -> None:
    assert ROUTES.match("/api/v1/payments/pay_abc%20x/refunds") == (
        "/api/v1/payments/{payment_id}/refunds",
        {"payment_id": "pay_abc x"},
    )


@pytest.mark.parametrize("path", ["/nope", "/api/v1/payments/a/b/c", "/api/v1/payments//refunds", "/"])
def test_unknown_paths_do_not_match(path: str) -> None:
    assert ROUTES.match(path) is None


def test_proxy_event_has_the_shape_chalice_expects() -> None:
    event = build_event(
        method="GET",
        raw_path="/api/v1/payments/pay_1?limit=5&tag=a&tag=b",
        resource="/api/v1/payments/{payment_id}",
        path_parameters={"payment_id": "pay_1"},
        headers=[("X-Api-Key", "k"), ("Accept", "a"), ("Accept", "b")],
        body=b"",
        source_ip="127.0.0.1",
        stage="prod",
    )
    assert event["resource"] == "/api/v1/payments/{payment_id}"
    assert event["path"] == "/api/v1/payments/pay_1"
    assert event["httpMethod"] == "GET"
    assert event["headers"] == {"X-Api-Key": "k", "Accept": "b"}
    assert event["multiValueHeaders"]["Accept"] == ["a", "b"]
    assert event["queryStringParameters"] == {"limit": "5", "tag": "b"}
    assert event["multiValueQueryStringParameters"] == {"limit": ["5"], "tag": ["a", "b"]}
    assert event["pathParameters"] == {"payment_id": "pay_1"}
    assert event["stageVariables"] is None
    context = event["requestContext"]
    assert context["resourcePath"] == "/api/v1/payments/{payment_id}"
    assert context["httpMethod"] == "GET"
    assert context["stage"] == "prod"
    assert context["path"] == "/prod/api/v1/payments/pay_1"
    assert context["identity"]["sourceIp"] == "127.0.0.1"
    assert context["requestId"]
    assert event["body"] is None
    assert event["isBase64Encoded"] is False


def test_missing_query_and_parameters_are_null_and_binary_bodies_base64() -> None:
    event = build_event(
        method="POST",
        raw_path="/health",
        resource="/health",
        path_parameters={},
        headers=[],
        body=b"\xff\x00",
        source_ip="127.0.0.1",
        stage="prod",
    )
    assert event["queryStringParameters"] is None
    assert event["pathParameters"] is None
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == b"\xff\x00"


# ---------------------------------------------------------------------- over HTTP, with a fake function
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
