"""The local API server matches routes and builds events the way API Gateway (REST, proxy) does."""

from __future__ import annotations

import base64

import pytest

from local_runtime.api_server import RouteTable, build_event

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
