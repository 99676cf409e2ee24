"""Request ids, structured log lines and business metrics: what an operator and support engineer rely on."""

from __future__ import annotations

import contextvars
import json
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
from chalice.local import LambdaContext
from gateway.data.payments import get_payment
from gateway.telemetry.logs import JsonFormatter, request_scope
from gateway.telemetry.metrics import emf_document, put_metric

CARD_NUMBER = "4111111111111111"
CVV = "737"


class LineCapture(logging.Handler):
    """Every line the product logger writes, exactly as it is written (JSON)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))

    def records(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.lines]

    def metrics(self) -> list[dict[str, Any]]:
        return [record for record in self.records() if "_aws" in record]


@pytest.fixture
def lines() -> Iterator[LineCapture]:
    product = logging.getLogger("gateway")
    capture = LineCapture()
    product.addHandler(capture)
    level = product.level
    product.setLevel(logging.DEBUG)
    yield capture
    product.setLevel(level)
    product.removeHandler(capture)


def with_webhooks(api, receiver):
    api.call("PUT", "/api/v1/webhooks/config", {"webhook_url": receiver.url})


def pay_by_card(api) -> tuple[dict[str, Any], str]:
    order = api.create_order()
    card = {"number": CARD_NUMBER, "expiry_month": 12, "expiry_year": 2099, "cvv": CVV, "holder_name": "A B"}
    status, body, headers = api.call(
        "POST", "/api/v1/payments", {"order_id": order["id"], "method": "card", "card": card}
    )
    assert status == 201, body
    return body, headers["Request-Id"]


# ---------------------------------------------------------------- request ids


def test_every_answer_carries_a_generated_request_id_when_the_event_has_none(api):
    # GIVEN requests without an API Gateway request id (the in-process test client sends none)
    # WHEN a success and an error are answered
    _, _, ok = api.call("GET", "/api/v1/payments")
    status, body, missing = api.call("GET", "/api/v1/payments/pay_0000000000000000")
    # THEN each carries its own CSPRNG id, and the error body repeats it
    assert re.fullmatch(r"[0-9a-f]{32}", ok["Request-Id"]) and ok["Request-Id"] != missing["Request-Id"]
    assert status == 404 and body["error"]["request_id"] == missing["Request-Id"]
    assert body["error"]["code"] == "NOT_FOUND_ERROR" and body["error"]["description"] == "Payment not found"


def test_api_gateway_request_id_is_the_one_answered_and_logged(aws, lines):
    from functions.api.app import app

    # GIVEN an API Gateway event with its request id
    event = {
        "resource": "/api/v1/orders/{order_id}",
        "path": "/api/v1/orders/order_0000000000000000",
        "httpMethod": "GET",
        "headers": {"x-api-key": "key_nobody", "x-api-secret": "nope"},
        "multiValueHeaders": None,
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": {"order_id": "order_0000000000000000"},
        "stageVariables": None,
        "requestContext": {
            "resourcePath": "/api/v1/orders/{order_id}",
            "httpMethod": "GET",
            "path": "/prod/api/v1/orders/order_0000000000000000",
            "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
            "identity": {"sourceIp": "203.0.113.9"},
        },
        "body": None,
        "isBase64Encoded": False,
    }
    # WHEN the Lambda handler answers it (401: unknown key)
    response = app(event, LambdaContext("api", 1024, 10_000))
    # THEN the header, the error body and the request's log line all carry API Gateway's id
    assert response["statusCode"] == 401
    assert response["headers"]["Request-Id"] == "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"
    assert json.loads(response["body"])["error"]["request_id"] == "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"
    request_line = next(r for r in lines.records() if r.get("message") == "api request")
    assert request_line["request_id"] == "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"
    assert request_line["status"] == 401 and request_line["merchant_id"] is None


def test_browsers_may_read_the_request_id_header(api):
    # GIVEN the API as Chalice serves it (SAM's Cors has no ExposeHeaders: the function's answers say it)
    _, _, headers = api.call("GET", "/api/v1/payments")
    # THEN it exposes Request-Id (with Idempotent-Replayed) to browser scripts
    assert set(headers["Access-Control-Expose-Headers"].split(",")) == {"Idempotent-Replayed", "Request-Id"}


def test_health_failure_keeps_its_own_shape_with_the_request_id_header(api, monkeypatch):
    from gateway.data import jobs as job_store
    from gateway.errors import DatabaseUnavailableError

    def unreachable() -> None:
        raise DatabaseUnavailableError("2026-01-15T10:31:00.000Z")

    monkeypatch.setattr(job_store, "ping", unreachable)
    status, body, headers = api.call("GET", "/health")
    assert status == 503 and body["database"] == "disconnected" and "error" not in body
    assert headers["Request-Id"]


# ---------------------------------------------------------------- structured logs


def test_a_request_and_every_job_it_causes_log_its_request_id(api, pipeline, receiver, lines):
    # GIVEN a merchant with a webhook URL
    with_webhooks(api, receiver)
    # WHEN a card payment is created and the pipeline settles it and delivers its events
    payment, request_id = pay_by_card(api)
    pipeline.run_until(lambda: len(receiver.deliveries) == 4)
    records = lines.records()
    # THEN the request's own line has its route, status, latency and merchant
    request_line = next(
        r for r in records if r.get("message") == "api request" and r["request_id"] == request_id
    )
    assert request_line["method"] == "POST" and request_line["route"] == "/api/v1/payments"
    assert request_line["status"] == 201 and request_line["latency_ms"] >= 0
    assert request_line["merchant_id"] == api.merchant["id"]
    # AND the payment keeps the id, and the outbox, the settlement and all four deliveries log it
    assert get_payment(payment["id"]).request_id == request_id
    jobs = [r for r in records if r.get("message") == "job" and r.get("request_id") == request_id]
    functions = [job["function"] for job in jobs]
    assert "dispatch_change" in functions and "process_payment" in functions
    assert all(job["outcome"] == "done" and job["latency_ms"] >= 0 for job in jobs)
    settled = next(job for job in jobs if job["function"] == "process_payment")
    assert settled["resource_id"] == payment["id"]
    # AND the webhook log stores it too, and the delivery jobs name every log they attempted
    logs = api.call("GET", "/api/v1/webhooks?limit=100")[1]["data"]
    from gateway.data.webhook_logs import get_webhook_log

    assert {get_webhook_log(log["id"]).request_id for log in logs} == {request_id}
    deliveries = [job["resource_id"] for job in jobs if job["function"] == "deliver_webhook"]
    assert sorted(",".join(deliveries).split(",")) == sorted(log["id"] for log in logs)


def test_no_log_line_holds_card_data_or_secrets(api, pipeline, receiver, lines):
    # GIVEN a merchant with webhooks (and so a webhook secret)
    with_webhooks(api, receiver)
    webhook_secret = api.call("GET", "/api/v1/webhooks/config")[1]["webhook_secret"]
    # WHEN card payments are made, fail validation, settle and are delivered
    pay_by_card(api)
    order = api.create_order()
    bad_card = {"number": "4111111111111112", "expiry_month": 12, "expiry_year": 2099, "cvv": CVV}
    api.call("POST", "/api/v1/payments", {"order_id": order["id"], "method": "card", "card": bad_card})
    pipeline.run_until(lambda: len(receiver.deliveries) >= 4)
    text = "\n".join(lines.lines)
    # THEN lines were written, and none holds the PAN, the CVV or either secret
    assert "api request" in text and '"job"' in text
    for secret in (CARD_NUMBER, "4111111111111112", f'"{CVV}"', api.merchant["api_secret"], webhook_secret):
        assert secret not in text


def test_a_failing_job_logs_its_outcome_as_retry(aws, lines):
    from gateway.transport.batches import process_sqs_batch

    def explode(job: dict[str, Any]) -> None:
        raise RuntimeError("boom")

    event = {
        "Records": [{"messageId": "m1", "body": json.dumps({"refund_id": "rfnd_x", "request_id": "r-1"})}]
    }
    result = process_sqs_batch(event, explode)
    assert result == {"batchItemFailures": [{"itemIdentifier": "m1"}]}
    job = next(r for r in lines.records() if r.get("message") == "job")
    assert job == {
        **job,
        "function": "explode",
        "resource_id": "rfnd_x",
        "outcome": "retry",
        "request_id": "r-1",
    }


def test_a_message_that_is_not_an_object_is_dropped_and_logged_as_such(aws, lines):
    from gateway.transport.batches import process_sqs_batch

    result = process_sqs_batch({"Records": [{"messageId": "m2", "body": "[1]"}]}, lambda job: None)
    assert result == {"batchItemFailures": []}
    job = next(r for r in lines.records() if r.get("message") == "job")
    assert job["outcome"] == "dropped" and job["resource_id"] is None and "request_id" not in job


def test_a_message_that_is_not_json_goes_back_to_the_queue(aws, lines):
    from gateway.transport.batches import process_sqs_batch

    result = process_sqs_batch({"Records": [{"messageId": "m3", "body": "{not json"}]}, lambda job: None)
    assert result == {"batchItemFailures": [{"itemIdentifier": "m3"}]}
    assert next(r for r in lines.records() if r.get("message") == "job")["outcome"] == "retry"


def test_a_line_outside_any_request_has_no_request_id_and_scopes_do_not_leak(lines):
    logger = logging.getLogger("gateway.test")

    def write() -> None:
        with request_scope("inner"):
            logger.info("inside", extra={"payment_id": "pay_1"})
        logger.info("outside")

    contextvars.Context().run(write)  # a fresh thread's context: no request bound yet
    inside, outside = lines.records()
    assert inside["request_id"] == "inner" and inside["payment_id"] == "pay_1" and inside["level"] == "INFO"
    assert "request_id" not in outside


def test_an_exception_is_logged_with_its_traceback_in_the_line(lines):
    try:
        raise ValueError("bad")
    except ValueError:
        logging.getLogger("gateway.test").exception("failed")
    (record,) = lines.records()
    assert record["level"] == "ERROR" and "ValueError: bad" in record["exception"]


# ---------------------------------------------------------------- metrics


def test_emf_document_declares_its_metric_and_dimensions():
    document = emf_document("PaymentsSettled", 1, "Count", {"outcome": "success", "method": "upi"}, 1700)
    assert document == {
        "_aws": {
            "Timestamp": 1700,
            "CloudWatchMetrics": [
                {
                    "Namespace": "PaymentGateway",
                    "Dimensions": [["method", "outcome"]],
                    "Metrics": [{"Name": "PaymentsSettled", "Unit": "Count"}],
                }
            ],
        },
        "method": "upi",
        "outcome": "success",
        "PaymentsSettled": 1,
    }


def test_a_metric_is_written_as_a_bare_emf_line(lines):
    put_metric("RefundsCreated", 1)
    (line,) = lines.lines
    parsed = json.loads(line)
    assert parsed["RefundsCreated"] == 1 and parsed["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [[]]
    assert "message" not in parsed and "level" not in parsed


def emf_points(lines: LineCapture) -> list[tuple[str, float, str, dict[str, str]]]:
    """(metric, value, unit, dimensions) for each EMF line, read as CloudWatch reads them."""
    points = []
    for document in lines.metrics():
        for directive in document["_aws"]["CloudWatchMetrics"]:
            assert directive["Namespace"] == "PaymentGateway"
            dimensions = {name: document[name] for name in directive["Dimensions"][0]}
            for metric in directive["Metrics"]:
                points.append((metric["Name"], document[metric["Name"]], metric["Unit"], dimensions))
    return points


def test_the_pipeline_writes_its_business_metrics(api, pipeline, receiver, lines):
    # GIVEN a merchant whose receiver fails the first delivery once
    with_webhooks(api, receiver)
    receiver.answers = [500]
    # WHEN a UPI payment is created, settles, its events are delivered, and it is refunded and processed
    payment = api.create_upi_payment()
    pipeline.run_until(lambda: "payment.success" in receiver.events())
    status, _, _ = api.call("POST", f"/api/v1/payments/{payment['id']}/refunds", {"amount": 100})
    assert status == 201
    pipeline.run_until(lambda: "refund.processed" in receiver.events())
    points = emf_points(lines)
    # THEN each business metric was written with its dimensions
    assert ("PaymentsCreated", 1, "Count", {"method": "upi"}) in points
    assert ("PaymentsSettled", 1, "Count", {"method": "upi", "outcome": "success"}) in points
    assert ("RefundsCreated", 1, "Count", {}) in points
    assert ("RefundsProcessed", 1, "Count", {}) in points
    assert ("WebhookAttempts", 1, "Count", {"result": "failed"}) in points
    assert ("WebhookAttempts", 1, "Count", {"result": "delivered"}) in points
    latencies = [value for name, value, unit, _ in points if name == "WebhookFirstAttemptLatency"]
    assert latencies and all(value >= 0 for value in latencies)
    assert all(unit == "Milliseconds" for name, _, unit, _ in points if name == "WebhookFirstAttemptLatency")


def test_configure_logging_installs_one_json_handler_whoever_calls_again(monkeypatch):
    import io

    from gateway.telemetry import logs

    # GIVEN a process whose product logger is not configured yet
    monkeypatch.setattr(logs, "_configured", False)
    product = logging.getLogger("gateway")
    saved_handlers, saved_propagate = list(product.handlers), product.propagate
    first, second = io.StringIO(), io.StringIO()
    try:
        # WHEN it is configured twice and a line is written
        logs.configure_logging(first)
        logs.configure_logging(second)
        logging.getLogger("gateway.check").info("hello", extra={"payment_id": "pay_1"})
        added = len(product.handlers) - len(saved_handlers)
        propagates = product.propagate
    finally:
        product.handlers[:] = saved_handlers
        product.propagate = saved_propagate
    # THEN one handler writes JSON to the first stream only, and nothing goes to the root's handlers twice
    assert added == 1 and propagates is False and second.getvalue() == ""
    line = json.loads(first.getvalue().splitlines()[-1])
    assert line["message"] == "hello" and line["payment_id"] == "pay_1" and line["logger"] == "gateway.check"
