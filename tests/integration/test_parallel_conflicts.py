"""Requests that lose a race over real HTTP get the answer for what they lost, never a false 409.

409 `IDEMPOTENCY_ERROR` means "your Idempotency-Key is in use"; requests with keys of their own that lose
on the order or the payment must say so (or succeed, when the loss changed nothing that matters).
"""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier
from typing import Any

import pytest
import requests

from devkit.merchant import Merchant

pytestmark = pytest.mark.integration


def _at_once(count: int, send: Any) -> list[requests.Response]:
    start = Barrier(count)

    def one(index: int) -> requests.Response:
        start.wait()
        return send(index)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(one, range(count)))


def _keyed() -> dict[str, str]:
    return {"Idempotency-Key": f"key-{uuid.uuid4()}"}


def test_eight_parallel_payments_on_one_order_with_their_own_keys_are_never_409(merchant: Merchant) -> None:
    # GIVEN one order
    order = merchant.create_order()

    # WHEN eight payments with different keys are made on it at once
    responses = _at_once(8, lambda _: merchant.pay_upi(order["id"], headers=_keyed()))

    # THEN each is created, or (once a settled payment paid the order) refused as paid; none is a 409
    answers = [(r.status_code, r.json()) for r in responses]
    assert all(status in (201, 400) for status, _ in answers), answers
    for status, body in answers:
        if status == 400:
            assert body["error"]["description"] == "Order already paid", body
    created = {body["id"] for status, body in answers if status == 201}
    assert created, answers
    listed = merchant.ok("GET", "/api/v1/payments")
    assert {p["id"] for p in listed if p["order_id"] == order["id"]} == created


def test_six_parallel_full_refunds_give_one_refund_and_five_400s(merchant: Merchant) -> None:
    # GIVEN a successful payment
    order = merchant.create_order(50000)
    payment = merchant.create_upi_payment(order["id"]).body
    assert merchant.wait_for_payment_status(payment["id"])["status"] == "success"

    # WHEN six full refunds with different keys are made at once
    path = f"/api/v1/payments/{payment['id']}/refunds"
    responses = _at_once(
        6, lambda _: merchant.request("POST", path, json={"amount": 50000}, headers=_keyed())
    )

    # THEN exactly one is created and every other one is told the amount is no longer available
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201, 400, 400, 400, 400, 400], [r.text for r in responses]
    for refused in (r for r in responses if r.status_code == 400):
        assert refused.json()["error"]["description"] == "Refund amount exceeds available amount"
    assert len(merchant.ok("GET", path)) == 1
