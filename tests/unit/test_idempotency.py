"""Idempotency keys: a repeat gets the first answer and creates nothing, a different body is refused, a
validation error is not kept, keys are scoped and expire, and parallel repeats make one payment."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from gateway.data.models import IdempotencyRecordModel


def payment_body(order_id):
    return {"order_id": order_id, "method": "upi", "vpa": "user@paytm"}


def payments_of(api):
    status, body, _ = api.call("GET", "/api/v1/payments")
    assert status == 200
    return body


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
