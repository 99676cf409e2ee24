"""The client's retry, idempotency-key and error-mapping rules, with a scripted transport (no sockets)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC
from typing import Any

import gateway_client
import pytest
import requests
from gateway_client import Client
from gateway_client._transport import RetryPolicy
from requests.adapters import BaseAdapter
from urllib3.exceptions import NewConnectionError

Answer = Callable[[requests.PreparedRequest], requests.Response]


def answer(status: int, body: Any = None, headers: dict[str, str] | None = None) -> Answer:
    def respond(request: requests.PreparedRequest) -> requests.Response:
        response = requests.Response()
        response.status_code = status
        response._content = b"" if body is None else json.dumps(body).encode()
        response.headers.update(headers or {})
        response.request = request
        response.url = request.url or ""
        return response

    return respond


def refused(request: requests.PreparedRequest) -> requests.Response:
    raise requests.ConnectionError(NewConnectionError(None, "Connection refused"))  # type: ignore[arg-type]


def broken(request: requests.PreparedRequest) -> requests.Response:
    raise requests.ConnectionError("Connection aborted: RemoteDisconnected")


class ScriptedAdapter(BaseAdapter):
    """Answers requests from a script, in order, and records them."""

    def __init__(self, script: list[Answer]) -> None:
        super().__init__()
        self.script = list(script)
        self.requests: list[requests.PreparedRequest] = []

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        self.requests.append(request)
        return self.script.pop(0)(request)

    def close(self) -> None:
        """Nothing to release."""


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def scripted_client(*script: Answer, max_retries: int = 3) -> tuple[Client, ScriptedAdapter, Sleeps]:
    session = requests.Session()
    adapter = ScriptedAdapter(list(script))
    session.mount("http://", adapter)
    sdk = Client(
        "key",
        "secret",
        "http://gateway.test",
        retry_policy=RetryPolicy(max_retries=max_retries),
        session=session,
    )
    sleeps = Sleeps()
    sdk._transport.sleep = sleeps
    return sdk, adapter, sleeps


ORDER: dict[str, Any] = {
    "id": "order_AbCdEfGh12345678",
    "amount": 50000,
    "currency": "INR",
    "status": "created",
}
PAYMENT: dict[str, Any] = {
    "id": "pay_AbCdEfGh12345678",
    "order_id": ORDER["id"],
    "amount": 50000,
    "status": "pending",
}


def error(code: str, description: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "description": description, **extra}}


def test_a_post_carries_a_generated_idempotency_key_and_the_credentials() -> None:
    sdk, adapter, _ = scripted_client(answer(201, ORDER))
    sdk.orders.create(amount=50000)
    sent = adapter.requests[0]
    assert sent.headers["X-Api-Key"] == "key" and sent.headers["X-Api-Secret"] == "secret"
    assert len(sent.headers["Idempotency-Key"]) >= 32
    assert json.loads(sent.body or b"") == {"amount": 50000}


def test_a_callers_idempotency_key_is_sent_as_given() -> None:
    sdk, adapter, _ = scripted_client(answer(201, PAYMENT))
    sdk.payments.create_upi(ORDER["id"], "user@paytm", idempotency_key="my-key-1")
    assert adapter.requests[0].headers["Idempotency-Key"] == "my-key-1"


@pytest.mark.parametrize(
    "first_failure",
    [
        refused,
        broken,
        answer(500, error("INTERNAL_SERVER_ERROR", "Internal server error")),
        answer(502, "Bad Gateway"),
        answer(409, error("IDEMPOTENCY_ERROR", "Request in progress")),
    ],
    ids=["refused", "connection-broken", "500", "502-not-json", "409-in-progress"],
)
def test_a_keyed_post_is_retried_with_the_same_key(first_failure: Answer) -> None:
    # GIVEN a first attempt that fails in a way worth retrying
    sdk, adapter, sleeps = scripted_client(first_failure, answer(201, PAYMENT))
    # WHEN a payment is created
    payment = sdk.payments.create_upi(ORDER["id"], "user@paytm")
    # THEN it is sent twice with one key, after a backoff, and the second answer is returned
    assert payment.id == PAYMENT["id"]
    keys = {request.headers["Idempotency-Key"] for request in adapter.requests}
    assert len(adapter.requests) == 2 and len(keys) == 1
    assert len(sleeps) == 1 and 0.25 <= sleeps[0] <= 0.5


def test_a_429_waits_as_long_as_retry_after_says() -> None:
    limited = answer(429, error("RATE_LIMIT_ERROR", "Too many requests"), {"Retry-After": "3"})
    sdk, adapter, sleeps = scripted_client(
        limited, answer(200, {"total_transactions": 0, "total_amount": 0, "success_rate": 0})
    )
    assert sdk.payments.stats().total_transactions == 0
    assert sleeps == [3.0]


def test_retries_are_bounded_and_back_off_exponentially() -> None:
    down = answer(503, error("INTERNAL_SERVER_ERROR", "Unavailable"))
    sdk, adapter, sleeps = scripted_client(down, down, down, down, max_retries=3)
    with pytest.raises(gateway_client.ServerError) as raised:
        sdk.orders.get(ORDER["id"])
    assert len(adapter.requests) == 4
    # each wait between half and all of 0.5 s, 1 s, 2 s (equal jitter)
    assert len(sleeps) == 3
    assert all(0.5 * 2**i / 2 <= waited <= 0.5 * 2**i for i, waited in enumerate(sleeps)), sleeps
    assert raised.value.status == 503


@pytest.mark.parametrize("status", [400, 401, 404, 422])
def test_client_errors_are_not_retried(status: int) -> None:
    sdk, adapter, sleeps = scripted_client(answer(status, error("BAD_REQUEST_ERROR", "nope")))
    with pytest.raises(gateway_client.ApiError):
        sdk.orders.create(amount=50000)
    assert len(adapter.requests) == 1 and sleeps == []


def test_a_get_is_retried_after_a_broken_connection() -> None:
    sdk, adapter, _ = scripted_client(broken, answer(200, ORDER))
    assert sdk.orders.get(ORDER["id"]).status == "created"
    assert len(adapter.requests) == 2


def test_a_post_the_server_cannot_deduplicate_is_repeated_only_if_it_never_left() -> None:
    # GIVEN the test-webhook endpoint, which ignores idempotency keys
    log = {"id": "0b8f", "event": "webhook.test", "status": "pending", "attempts": 0}
    sdk, adapter, _ = scripted_client(refused, answer(200, log))
    assert sdk.webhooks.test().event == "webhook.test"  # refused: nothing was sent, so it is repeated
    sdk, adapter, _ = scripted_client(broken, answer(200, log))
    with pytest.raises(gateway_client.ConnectionError):
        sdk.webhooks.test()  # broken mid-way: it may have run, so it is not repeated
    assert len(adapter.requests) == 1
    sdk, adapter, _ = scripted_client(answer(500, error("INTERNAL_SERVER_ERROR", "x")), answer(200, log))
    with pytest.raises(gateway_client.ServerError):
        sdk.webhooks.test()
    assert len(adapter.requests) == 1


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (401, "AUTHENTICATION_ERROR", gateway_client.AuthenticationError),
        (400, "BAD_REQUEST_ERROR", gateway_client.BadRequestError),
        (400, "INVALID_VPA", gateway_client.InvalidVpaError),
        (400, "INVALID_CARD", gateway_client.InvalidCardError),
        (400, "EXPIRED_CARD", gateway_client.ExpiredCardError),
        (404, "NOT_FOUND_ERROR", gateway_client.NotFoundError),
        (409, "IDEMPOTENCY_ERROR", gateway_client.IdempotencyError),
        (422, "IDEMPOTENCY_ERROR", gateway_client.IdempotencyError),
        (429, "RATE_LIMIT_ERROR", gateway_client.RateLimitError),
        (500, "INTERNAL_SERVER_ERROR", gateway_client.ServerError),
        (418, "SOMETHING_NEW", gateway_client.ApiError),
    ],
)
def test_each_error_code_raises_its_own_exception(status: int, code: str, expected: type[Exception]) -> None:
    body = error(code, "what went wrong", request_id="req_123")
    sdk, _, _ = scripted_client(*[answer(status, body)] * 4, max_retries=0)
    with pytest.raises(expected) as raised:
        sdk.orders.get(ORDER["id"])
    failure = raised.value
    assert isinstance(failure, gateway_client.ApiError)
    assert (failure.code, failure.description, failure.status, failure.request_id) == (
        code,
        "what went wrong",
        status,
        "req_123",
    )


def test_the_request_id_header_is_used_when_the_body_has_none() -> None:
    sdk, _, _ = scripted_client(
        answer(404, error("NOT_FOUND_ERROR", "Order not found"), {"Request-Id": "req_abc"})
    )
    with pytest.raises(gateway_client.NotFoundError) as raised:
        sdk.orders.get(ORDER["id"])
    assert raised.value.request_id == "req_abc"
    assert "req_abc" in str(raised.value) and "Order not found" in str(raised.value)


def test_resources_keep_fields_this_version_does_not_know() -> None:
    sdk, _, _ = scripted_client(answer(200, {**ORDER, "version": 2, "shiny_new_field": {"a": 1}}))
    order = sdk.orders.get(ORDER["id"])
    assert order.version == 2
    assert order.extra == {"shiny_new_field": {"a": 1}}
    assert order.to_dict()["shiny_new_field"] == {"a": 1}


def test_payments_are_iterated_page_after_page() -> None:
    payments = [{**PAYMENT, "id": f"pay_{i:016d}"} for i in range(5)]
    sdk, adapter, _ = scripted_client(
        answer(200, payments[:2]), answer(200, payments[2:4]), answer(200, payments[4:])
    )
    assert [p.id for p in sdk.payments.iterate(page_size=2)] == [p["id"] for p in payments]
    assert [r.url.split("?")[1] for r in adapter.requests] == [
        "limit=2&offset=0",
        "limit=2&offset=2",
        "limit=2&offset=4",
    ]


def test_events_are_iterated_by_starting_after_until_has_more_is_false() -> None:
    events = [
        {"id": f"evt_{i:016d}", "type": "payment.success", "created_at": "2026-01-15T10:31:00Z", "data": {}}
        for i in range(3)
    ]
    sdk, adapter, _ = scripted_client(
        answer(200, {"data": events[:2], "has_more": True}),
        answer(200, {"data": events[2:], "has_more": False}),
    )
    assert [e.id for e in sdk.events.iterate(type=["payment.success", "refund.processed"], page_size=2)] == [
        e["id"] for e in events
    ]
    second = adapter.requests[1].url
    assert "starting_after=evt_0000000000000001" in second
    assert "type=payment.success&type=refund.processed" in second


def test_event_time_filters_accept_aware_datetimes_and_refuse_naive_ones() -> None:
    from datetime import datetime

    sdk, adapter, _ = scripted_client(answer(200, {"data": [], "has_more": False}))
    sdk.events.list(from_=datetime(2026, 1, 15, 10, 0, tzinfo=UTC), to="2026-01-16T00:00:00Z")
    assert "from=2026-01-15T10%3A00%3A00.000Z" in (adapter.requests[0].url or "")
    with pytest.raises(ValueError):
        sdk.events.list(from_=datetime(2026, 1, 15))
