"""Idempotency over real HTTP: a replay returns the first answer, concurrent twins create one payment."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from devkit.merchant import Merchant

pytestmark = pytest.mark.integration


def test_a_replay_returns_the_first_response_and_a_changed_body_is_rejected(merchant: Merchant) -> None:
    # GIVEN a payment created with an idempotency key
    order = merchant.create_order()
    key = {"Idempotency-Key": f"key-{uuid.uuid4()}"}
    first = merchant.pay_upi(order["id"], headers=key)
    assert first.status_code == 201, first.text

    # WHEN the same request is sent again
    replay = merchant.pay_upi(order["id"], headers=key)

    # THEN the first answer comes back unchanged, marked as replayed
    assert replay.status_code == 201
    assert replay.json() == first.json()
    assert replay.headers.get("Idempotent-Replayed") == "true"
    # AND the same key with another body is a 422
    other = merchant.request(
        "POST",
        "/api/v1/payments",
        json={"order_id": order["id"], "method": "upi", "vpa": "someone.else@upi"},
        headers=key,
    )
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "IDEMPOTENCY_ERROR"


def test_twelve_parallel_identical_requests_create_exactly_one_payment(merchant: Merchant) -> None:
    # GIVEN one order and one idempotency key
    order = merchant.create_order()
    key = {"Idempotency-Key": f"key-{uuid.uuid4()}"}

    # WHEN twelve identical requests race
    def send(_: int) -> requests.Response:
        return merchant.pay_upi(order["id"], headers=key)

    with ThreadPoolExecutor(12) as pool:
        responses = list(pool.map(send, range(12)))

    # THEN each answer is the payment or "in progress", and only one payment exists
    assert {r.status_code for r in responses} <= {201, 409}, [r.text for r in responses]
    created_ids = {r.json()["id"] for r in responses if r.status_code == 201}
    assert len(created_ids) == 1
    for conflict in (r for r in responses if r.status_code == 409):
        assert conflict.json()["error"]["code"] == "IDEMPOTENCY_ERROR"
    listed = merchant.request("GET", "/api/v1/payments").json()
    assert [p["id"] for p in listed if p["order_id"] == order["id"]] == list(created_ids)
