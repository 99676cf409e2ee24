"""Idempotency keys, refund totals under races, webhook config and logs, and tenancy."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from botocore.awsrequest import AWSResponse
from gateway.data import dynamo
from gateway.data.jobs import read_job_counters
from gateway.data.models import IdempotencyRecordModel, PaymentModel
from gateway.data.payments import get_payment
from gateway.data.webhook_logs import get_webhook_log
from moto.core.botocore_stubber import BotocoreStubber

from tests.unit.conftest import settle


def payment_body(order_id):
    return {"order_id": order_id, "method": "upi", "vpa": "user@paytm"}


def payments_of(api):
    status, body, _ = api.call("GET", "/api/v1/payments")
    assert status == 200
    return body


# ---------------------------------------------------------------- idempotency


def test_replay_returns_the_first_response_and_creates_nothing(api):
    order = api.create_order()
    key = {"Idempotency-Key": "k-1"}
    first = api.call("POST", "/api/v1/payments", payment_body(order["id"]), headers=key)
    again = api.call("POST", "/api/v1/payments", payment_body(order["id"]), headers=key)
    assert first[0] == again[0] == 201
    assert again[1] == first[1]
    assert again[2].get("Idempotent-Replayed") == "true" and "Idempotent-Replayed" not in first[2]
    assert len(payments_of(api)) == 1


def test_same_key_with_a_different_body_is_422(api):
    order = api.create_order()
    key = {"Idempotency-Key": "k-2"}
    api.call("POST", "/api/v1/payments", payment_body(order["id"]), headers=key)
    status, body, _ = api.call(
        "POST", "/api/v1/payments", {**payment_body(order["id"]), "vpa": "x@y"}, headers=key
    )
    assert status == 422 and body["error"]["code"] == "IDEMPOTENCY_ERROR"


def test_validation_errors_are_not_stored(api):
    order = api.create_order()
    key = {"Idempotency-Key": "k-3"}
    status, _, _ = api.call(
        "POST", "/api/v1/payments", {**payment_body(order["id"]), "vpa": "bad"}, headers=key
    )
    assert status == 400
    status, body, headers = api.call("POST", "/api/v1/payments", payment_body(order["id"]), headers=key)
    assert status == 201 and "Idempotent-Replayed" not in headers


def test_keys_are_scoped_per_endpoint_and_merchant(api, other_api):
    key = {"Idempotency-Key": "shared"}
    order = api.call("POST", "/api/v1/orders", {"amount": 1000}, headers=key)[1]
    status, _, _ = api.call("POST", "/api/v1/payments", payment_body(order["id"]), headers=key)
    assert status == 201
    status, other_order, headers = other_api.call("POST", "/api/v1/orders", {"amount": 1000}, headers=key)
    assert status == 201 and other_order["id"] != order["id"] and "Idempotent-Replayed" not in headers


def test_expired_keys_are_ignored_on_read(api):
    key = {"Idempotency-Key": "k-expiring"}
    first = api.call("POST", "/api/v1/orders", {"amount": 1000}, headers=key)[1]
    for record in IdempotencyRecordModel.scan():  # test-only inspection of the table
        if record.response_body.find(first["id"]) >= 0:
            record.update(actions=[IdempotencyRecordModel.expires_at.set(int(time.time()) - 1)])
    status, second, headers = api.call("POST", "/api/v1/orders", {"amount": 1000}, headers=key)
    assert status == 201 and second["id"] != first["id"] and "Idempotent-Replayed" not in headers


def test_records_carry_a_ttl_and_a_body_hash_not_the_body(api):
    order = api.create_order()
    api.call("POST", "/api/v1/payments", payment_body(order["id"]), headers={"Idempotency-Key": "k-ttl"})
    records = [r for r in IdempotencyRecordModel.scan() if order["id"] in r.response_body]
    assert len(records) == 1
    assert 86000 < records[0].expires_at - time.time() <= 86400
    assert len(records[0].request_hash) == 64 and "user@paytm" not in records[0].request_hash


def test_twelve_parallel_identical_requests_create_exactly_one_payment(api):
    order = api.create_order()
    key = {"Idempotency-Key": "k-parallel"}
    with ThreadPoolExecutor(max_workers=12) as pool:
        results = list(
            pool.map(
                lambda _: api.call("POST", "/api/v1/payments", payment_body(order["id"]), headers=key),
                range(12),
            )
        )
    statuses = [status for status, _, _ in results]
    assert set(statuses) <= {201, 409}
    created_ids = {body["id"] for status, body, _ in results if status == 201}
    assert len(created_ids) == 1
    assert all(body["error"]["code"] == "IDEMPOTENCY_ERROR" for status, body, _ in results if status == 409)
    assert [p["id"] for p in payments_of(api)] == list(created_ids)


def test_an_overlong_key_is_400(api):
    status, body, _ = api.call(
        "POST", "/api/v1/orders", {"amount": 1000}, headers={"Idempotency-Key": "x" * 256}
    )
    assert status == 400 and body["error"]["code"] == "BAD_REQUEST_ERROR"


# ---------------------------------------------------------------- refunds


def test_refund_needs_a_successful_payment(api):
    payment = api.create_upi_payment()
    status, body, _ = api.call("POST", f"/api/v1/payments/{payment['id']}/refunds", {"amount": 100})
    assert status == 400 and body["error"]["description"] == "Payment not in refundable state"


def test_partial_refunds_up_to_the_payment_amount(api, successful_payment):
    path = f"/api/v1/payments/{successful_payment['id']}/refunds"
    status, refund, _ = api.call("POST", path, {"amount": 20000, "reason": "damaged"})
    assert status == 201
    assert set(refund) == {"id", "payment_id", "amount", "reason", "status", "version", "created_at"}
    assert (
        refund["id"].startswith("rfnd_") and refund["status"] == "pending" and refund["reason"] == "damaged"
    )
    status, body, _ = api.call("POST", path, {"amount": 30001})
    assert status == 400 and body["error"]["description"] == "Refund amount exceeds available amount"
    assert api.call("POST", path, {"amount": 30000})[0] == 201
    status, listed, _ = api.call("GET", path)
    assert status == 200 and sorted(r["amount"] for r in listed) == [20000, 30000]
    status, one, _ = api.call("GET", f"/api/v1/refunds/{refund['id']}")
    assert status == 200 and one["processed_at"] is None and one["payment_id"] == successful_payment["id"]
    status, payment, _ = api.call("GET", f"/api/v1/payments/{successful_payment['id']}")
    assert payment["status"] == "success"  # refunds never change the payment's status


@pytest.mark.parametrize("amount", [0, -5, "100", 10.5, None])
def test_refund_amount_must_be_a_positive_integer(api, successful_payment, amount):
    status, body, _ = api.call(
        "POST", f"/api/v1/payments/{successful_payment['id']}/refunds", {"amount": amount}
    )
    assert status == 400 and body["error"]["code"] == "BAD_REQUEST_ERROR"


def test_refund_404s(api):
    status, body, _ = api.call("POST", "/api/v1/payments/pay_missing00000000/refunds", {"amount": 100})
    assert status == 404 and body["error"]["description"] == "Payment not found"
    status, body, _ = api.call("GET", "/api/v1/payments/pay_missing00000000/refunds")
    assert status == 404
    status, body, _ = api.call("GET", "/api/v1/refunds/rfnd_missing0000000")
    assert status == 404 and body["error"]["description"] == "Refund not found"


def test_parallel_refunds_never_exceed_the_payment(api, successful_payment):
    path = f"/api/v1/payments/{successful_payment['id']}/refunds"
    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(lambda _: api.call("POST", path, {"amount": 15000}), range(10)))
    created = [body for status, body, _ in results if status == 201]
    refused = [body for status, body, _ in results if status != 201]
    assert len(created) == 3  # 3 x 15000 <= 50000 < 4 x 15000
    assert all(body["error"]["description"] == "Refund amount exceeds available amount" for body in refused)
    assert int(get_payment(successful_payment["id"]).refunded_amount) == 45000


class ConflictingTransactions:
    """DynamoDB's answer when a concurrent transaction holds an item, for the next `times` matching calls.

    moto never produces it, real DynamoDB does under contention; the fault is injected where moto's mock
    answers botocore, so botocore and pynamodb parse it exactly as they would AWS's response.
    """

    def __init__(self, operation: str, times: int) -> None:
        self.target = f"DynamoDB_20120810.{operation}"
        self.operation = operation
        self.remaining = times
        self.calls = 0

    def answer(self, request):
        item_count = len(json.loads(request.body).get("TransactItems", [None]))
        if self.operation == "TransactWriteItems":
            body = {
                "__type": "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
                "message": "Transaction cancelled, please refer cancellation reasons for specific reasons",
                "CancellationReasons": [{"Code": "TransactionConflict"}]
                + [{"Code": "None"}] * (item_count - 1),
            }
        else:
            body = {
                "__type": "com.amazonaws.dynamodb.v20120810#TransactionConflictException",
                "message": "Transaction is ongoing for the item",
            }
        return AWSResponse(
            request.url, 400, {"x-amzn-requestid": "conflict"}, _Raw(json.dumps(body).encode())
        )


class _Raw:
    def __init__(self, content: bytes) -> None:
        self.content = content

    def stream(self, **_):
        yield self.content


@pytest.fixture
def conflicting(monkeypatch):
    injected: list[ConflictingTransactions] = []
    real_answer = BotocoreStubber.__call__

    def answer(stubber, event_name, request, **kwargs):
        for fault in injected:
            if request.headers.get("X-Amz-Target", b"").decode() == fault.target:
                fault.calls += 1
                if fault.remaining > 0:
                    fault.remaining -= 1
                    return fault.answer(request)
        return real_answer(stubber, event_name, request, **kwargs)

    monkeypatch.setattr(BotocoreStubber, "__call__", answer)
    # The fault is injected where moto's stubber answers; the in-process bridge answers before that.
    monkeypatch.setenv("LOCAL_AWS_BRIDGE", "off")

    def inject(operation: str, times: int) -> ConflictingTransactions:
        injected.append(ConflictingTransactions(operation, times))
        return injected[-1]

    return inject


def test_a_refund_that_loses_to_a_concurrent_transaction_is_tried_again(api, successful_payment, conflicting):
    # GIVEN DynamoDB cancels the next two refund transactions for a conflicting concurrent transaction
    conflicts = conflicting("TransactWriteItems", times=2)
    # WHEN the merchant refunds
    status, body, _ = api.call(
        "POST", f"/api/v1/payments/{successful_payment['id']}/refunds", {"amount": 1000}
    )
    # THEN the third attempt lands: one refund, counted once
    assert status == 201, body
    assert conflicts.calls == 3
    assert int(get_payment(successful_payment["id"]).refunded_amount) == 1000
    status, refunds, _ = api.call("GET", f"/api/v1/payments/{successful_payment['id']}/refunds")
    assert [refund["id"] for refund in refunds] == [body["id"]]


def test_a_state_change_that_loses_to_a_concurrent_transaction_is_tried_again(api, conflicting):
    # GIVEN a pending payment the bank will decline (settled by a single-item update), and DynamoDB refusing
    # the next single-item update for a concurrent transaction
    payment = api.create_upi_payment(vpa="failure@upi")
    completed_before, _ = read_job_counters()
    conflicts = conflicting("UpdateItem", times=1)
    # WHEN the payment worker settles it
    settle(payment["id"])
    # THEN the retried transition landed, and the job was counted once (transition, retry, counter)
    assert get_payment(payment["id"]).status == "failed"
    assert conflicts.calls == 3
    assert read_job_counters()[0] == completed_before + 1


def test_a_transaction_that_keeps_conflicting_is_not_retried_forever(api, successful_payment, conflicting):
    conflicts = conflicting("TransactWriteItems", times=100)
    status, body, _ = api.call(
        "POST", f"/api/v1/payments/{successful_payment['id']}/refunds", {"amount": 1000}
    )
    assert status == 500 and body["error"]["code"] == "INTERNAL_SERVER_ERROR"
    assert conflicts.calls == dynamo.CONFLICT_ATTEMPTS
    assert int(get_payment(successful_payment["id"]).refunded_amount) == 0


# ---------------------------------------------------------------- webhook config and logs


def test_webhook_config_roundtrip_and_validation(api):
    status, config, _ = api.call("GET", "/api/v1/webhooks/config")
    assert status == 200 and config["webhook_url"] == "" and config["webhook_secret"].startswith("whsec_")
    status, body, _ = api.call(
        "PUT", "/api/v1/webhooks/config", {"webhook_url": "https://shop.example.com/hook"}
    )
    assert status == 200 and body["webhook_url"] == "https://shop.example.com/hook"
    for bad in ({"webhook_url": "ftp://x.example.com"}, {"webhook_url": "not a url"}, {"webhook_url": 5}, {}):
        status, body, _ = api.call("PUT", "/api/v1/webhooks/config", bad)
        assert status == 400 and body["error"]["code"] == "BAD_REQUEST_ERROR"
    assert api.call("PUT", "/api/v1/webhooks/config", {"webhook_url": ""})[1]["webhook_url"] == ""


def test_regenerate_secret_makes_a_whsec_base64_secret(api):
    import base64

    before = api.call("GET", "/api/v1/webhooks/config")[1]["webhook_secret"]
    status, body, _ = api.call("POST", "/api/v1/webhooks/regenerate-secret")
    assert status == 200 and body["webhook_secret"] != before
    assert len(base64.b64decode(body["webhook_secret"].removeprefix("whsec_"), validate=True)) == 32


def test_test_webhook_needs_a_url_then_records_a_pending_log(api):
    status, body, _ = api.call("POST", "/api/v1/webhooks/test")
    assert status == 400
    api.call("PUT", "/api/v1/webhooks/config", {"webhook_url": "https://shop.example.com/hook"})
    status, log, _ = api.call("POST", "/api/v1/webhooks/test")
    assert (
        status == 200
        and log["event"] == "webhook.test"
        and log["status"] == "pending"
        and log["attempts"] == 0
    )
    status, listed, _ = api.call("GET", "/api/v1/webhooks?limit=10&offset=0")
    assert (
        listed["total"] == 1
        and listed["data"][0]["id"] == log["id"]
        and listed["data"][0]["response_code"] is None
    )
    status, detail, _ = api.call("GET", f"/api/v1/webhooks/{log['id']}")
    assert status == 200 and '"event":"webhook.test"' in detail["payload"]


def test_webhook_logs_paginate_newest_first(api):
    api.call("PUT", "/api/v1/webhooks/config", {"webhook_url": "https://shop.example.com/hook"})
    made = [api.call("POST", "/api/v1/webhooks/test")[1]["id"] for _ in range(3)]
    page = api.call("GET", "/api/v1/webhooks?limit=2&offset=0")[1]
    assert [row["id"] for row in page["data"]] == made[::-1][:2] and page["total"] == 3 and page["limit"] == 2
    page = api.call("GET", "/api/v1/webhooks?limit=2&offset=2")[1]
    assert [row["id"] for row in page["data"]] == [made[0]] and page["offset"] == 2


def test_retry_resets_attempts_and_starts_a_new_round(api):
    api.call("PUT", "/api/v1/webhooks/config", {"webhook_url": "https://shop.example.com/hook"})
    log = api.call("POST", "/api/v1/webhooks/test")[1]
    status, body, _ = api.call("POST", f"/api/v1/webhooks/{log['id']}/retry")
    assert status == 200 and body == {
        "id": log["id"],
        "status": "pending",
        "message": "Webhook retry scheduled",
    }
    assert int(get_webhook_log(log["id"]).round) == 2
    status, body, _ = api.call("POST", "/api/v1/webhooks/00000000-0000-4000-8000-000000000000/retry")
    assert status == 404 and body["error"]["description"] == "Webhook log not found"


# ---------------------------------------------------------------- tenancy


def test_another_merchant_cannot_see_or_touch_my_resources(api, other_api, successful_payment):
    api.call("PUT", "/api/v1/webhooks/config", {"webhook_url": "https://shop.example.com/hook"})
    log = api.call("POST", "/api/v1/webhooks/test")[1]
    refund = api.call("POST", f"/api/v1/payments/{successful_payment['id']}/refunds", {"amount": 100})[1]
    pid = successful_payment["id"]
    probes = [
        ("GET", f"/api/v1/orders/{successful_payment['order_id']}", None, "Order not found"),
        ("GET", f"/api/v1/payments/{pid}", None, "Payment not found"),
        ("POST", f"/api/v1/payments/{pid}/capture", {"amount": 50000}, "Payment not found"),
        ("POST", f"/api/v1/payments/{pid}/refunds", {"amount": 100}, "Payment not found"),
        ("GET", f"/api/v1/payments/{pid}/refunds", None, "Payment not found"),
        ("GET", f"/api/v1/refunds/{refund['id']}", None, "Refund not found"),
        ("GET", f"/api/v1/webhooks/{log['id']}", None, "Webhook log not found"),
        ("POST", f"/api/v1/webhooks/{log['id']}/retry", None, "Webhook log not found"),
        ("POST", "/api/v1/payments", payment_body(successful_payment["order_id"]), "Order not found"),
    ]
    for method, path, body, description in probes:
        status, answer, _ = other_api.call(method, path, body)
        assert (status, answer["error"]["description"]) == (404, description), path
    assert other_api.call("GET", "/api/v1/payments")[1] == []
    assert other_api.call("GET", "/api/v1/webhooks")[1]["total"] == 0


# ---------------------------------------------------------------- card data never stored


def test_card_number_and_cvv_never_reach_storage(api, aws):
    from datetime import date

    order = api.create_order()
    card = {
        "number": "5555555555554444",
        "expiry_month": 12,
        "expiry_year": date.today().year + 1,
        "cvv": "987",
        "holder_name": "Card Holder",
    }
    status, payment, _ = api.call(
        "POST",
        "/api/v1/payments",
        {"order_id": order["id"], "method": "card", "card": card},
        headers={"Idempotency-Key": "card-key"},
    )
    assert status == 201 and payment["card_network"] == "mastercard" and payment["card_last4"] == "4444"
    import boto3

    dynamodb = boto3.client("dynamodb")
    for table in dynamodb.list_tables()["TableNames"]:
        dump = str(dynamodb.scan(TableName=table)["Items"])  # test-only full scan
        assert "5555555555554444" not in dump and "555555555555" not in dump and "'987'" not in dump
    stored = PaymentModel.get(payment["id"])
    assert stored.card_last4 == "4444"


def test_card_data_reaches_no_table_queue_log_or_webhook_in_any_form(
    api, pipeline, receiver, monkeypatch, caplog
):
    import hashlib
    import logging

    import boto3
    from gateway.data import queues

    from tests.unit.test_pipeline import with_webhooks

    # GIVEN every queue message, log line and webhook recorded, and a card payment made with a key
    caplog.set_level(logging.DEBUG)
    sent: list[str] = []
    real_send = queues.send

    def recording_send(queue_url, body, *args, **kwargs):
        sent.append(json.dumps(body))
        real_send(queue_url, body, *args, **kwargs)

    monkeypatch.setattr(queues, "send", recording_send)
    with_webhooks(api, receiver, rotate=False)
    order = api.create_order()
    pan, cvv = "4012888888881881", "7391"
    card = {
        "number": "4012 8888 8888 1881",
        "expiry_month": 12,
        "expiry_year": 2099,
        "cvv": cvv,
        "holder_name": "C",
    }
    body = {"order_id": order["id"], "method": "card", "card": card}
    raw = json.dumps(body)
    status, payment, _ = api.call(
        "POST", "/api/v1/payments", raw=raw, headers={"Idempotency-Key": "scan-card"}
    )
    assert status == 201 and payment["card_last4"] == "1881"
    # WHEN it settles and every event is delivered
    pipeline.run_until(lambda: "order.paid" in receiver.events() and "payment.success" in receiver.events())
    pipeline.settle()
    # THEN neither the number nor the CVV is anywhere, nor an unkeyed SHA-256 of either or of the request
    dynamodb = boto3.client("dynamodb")
    tables = [str(dynamodb.scan(TableName=t)["Items"]) for t in dynamodb.list_tables()["TableNames"]]
    webhooks = [d["body"].decode() + str(d["headers"]) for d in receiver.deliveries]
    everything = "\n".join([*tables, *sent, caplog.text, *webhooks])
    assert sent and webhooks and caplog.text
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    digests = [
        hashlib.sha256(value.encode()).hexdigest() for value in (pan, card["number"], cvv, raw, canonical)
    ]
    forbidden = [pan, card["number"], pan[:12], f'"{cvv}"', f"'{cvv}'", f":{cvv}", *digests]
    assert [value for value in forbidden if value in everything] == []
