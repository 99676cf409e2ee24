"""Exactly one payment pays an order, under real parallel requests over HTTP (README, "Orders are paid once").

Eight shoppers' browsers pay the same order at once through the public route. In test mode every bank
outcome is success, so every payment settles `success`: one of them pays the order, and every other one is
refunded in full by the gateway with the reason `Order already paid`. `order.paid` reaches the merchant once.

`RACE_ROUNDS=10 pytest -s tests/integration/test_order_race.py` repeats the race and prints one line of
figures per round.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier
from typing import Any

import pytest
import requests

from devkit.merchant import Merchant, wait_for

pytestmark = pytest.mark.integration

SHOPPERS = 8
ROUNDS = int(os.environ.get("RACE_ROUNDS", "1"))


def _pay_at_once(api_url: str, order_id: str) -> list[requests.Response]:
    start = Barrier(SHOPPERS)

    def pay(shopper: int) -> requests.Response:
        body = {"order_id": order_id, "method": "upi", "vpa": f"shopper{shopper}@upi"}
        start.wait()
        return requests.post(f"{api_url}/api/v1/payments/public", json=body, timeout=30)

    with ThreadPoolExecutor(SHOPPERS) as pool:
        return list(pool.map(pay, range(SHOPPERS)))


def _race_once(merchant: Merchant, receiver: Any) -> dict[str, int]:
    order = merchant.create_order(50000)
    responses = _pay_at_once(merchant.api_url, order["id"])
    created = [response.json() for response in responses if response.status_code == 201]
    refused = [response for response in responses if response.status_code != 201]
    for response in refused:  # a shopper whose payment arrived after the order was paid
        assert response.status_code == 400 and response.json()["error"]["description"] == "Order already paid"
    settled = [merchant.wait_for_payment_status(payment["id"]) for payment in created]

    paid = wait_for(
        lambda: (
            (found := merchant.ok("GET", f"/api/v1/orders/{order['id']}"))
            and found["status"] == "paid"
            and found
        ),
        30,
        "the order to be paid",
    )
    successful = [payment for payment in settled if payment["status"] == "success"]
    refunds = {
        payment["id"]: merchant.ok("GET", f"/api/v1/payments/{payment['id']}/refunds")
        for payment in successful
    }
    kept = [payment_id for payment_id, found in refunds.items() if not found]
    auto_refunded = [payment_id for payment_id, found in refunds.items() if found]
    for payment_id in auto_refunded:
        (refund,) = refunds[payment_id]
        assert refund["reason"] == "Order already paid" and refund["amount"] == order["amount"]
        wait_for(
            lambda pid=payment_id: (
                merchant.ok("GET", f"/api/v1/payments/{pid}/refunds")[0]["status"] == "processed"
            ),
            30,
            "the automatic refund to be processed",
        )
    order_paid = wait_for(
        lambda: [
            e for e in receiver.events("order.paid") if e["payload"]["data"]["order"]["id"] == order["id"]
        ],
        30,
        "order.paid",
    )
    return {
        "created": len(created),
        "refused": len(refused),
        "succeeded": len(successful),
        "kept": len(kept),
        "auto_refunded": len(auto_refunded),
        "amount_paid": int(paid["amount_paid"]),
        "order_amount": int(order["amount"]),
        "order_paid_events": len({e["webhook_id"] for e in order_paid}),
    }


def test_eight_parallel_payments_pay_an_order_exactly_once(merchant: Merchant) -> None:
    receiver = merchant.use_receiver()
    for round_number in range(1, ROUNDS + 1):
        figures = _race_once(merchant, receiver)
        print(f"race round {round_number}: {figures}")
        # THEN one payment counts for the order; every other successful one is refunded in full
        assert figures["created"] + figures["refused"] == SHOPPERS and figures["created"] >= 1
        assert figures["kept"] == 1
        assert figures["auto_refunded"] == figures["succeeded"] - 1
        assert figures["amount_paid"] == figures["order_amount"]
        # AND the merchant hears order.paid once (one event id, however often it is delivered)
        assert figures["order_paid_events"] == 1
