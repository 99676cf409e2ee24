"""The issue's flow over real HTTP: order -> payment -> settlement -> signed webhooks; refunds."""

from __future__ import annotations

import pytest

from devkit.live_stack import LiveStack
from devkit.merchant import Merchant, wait_for
from tests.cards import VALID_CARD

pytestmark = pytest.mark.integration


def test_a_payment_succeeds_and_the_merchant_receives_signed_events(merchant: Merchant) -> None:
    # GIVEN a merchant whose webhook URL points at a receiver verifying both signatures
    receiver = merchant.use_receiver()
    order = merchant.create_order(50000)

    # WHEN the shopper pays by UPI
    response = merchant.pay_upi(order["id"])

    # THEN the payment is pending at once, then succeeds
    assert response.status_code == 201, response.text
    payment = response.json()
    assert payment["status"] == "pending"
    settled = merchant.wait_for_payment_status(payment["id"])
    assert settled["status"] == "success"
    # AND the receiver accepted (signatures valid) created, pending and success for this payment
    expected = {"payment.created", "payment.pending", "payment.success"}
    events = wait_for(
        lambda: (found := receiver.events()) and expected <= {e["event"] for e in found} and found,
        30,
        "the three payment events",
    )
    for event in events:
        assert event["payload"]["data"]["payment"]["id"] == payment["id"]
        assert isinstance(event["payload"]["timestamp"], int)
    success = next(e for e in events if e["event"] == "payment.success")
    assert success["payload"]["data"]["payment"]["status"] == "success"
    assert all(d["status"] == 200 for d in receiver.deliveries())


def test_a_declined_card_payment_fails_with_payment_failed(failing_stack: LiveStack) -> None:
    # GIVEN a stack whose simulated bank declines (TEST_PAYMENT_SUCCESS=false)
    merchant = Merchant.of(failing_stack)
    receiver = merchant.use_receiver()
    order = merchant.create_order(12345)

    # WHEN the shopper pays by card
    response = merchant.request(
        "POST", "/api/v1/payments", json={"order_id": order["id"], "method": "card", "card": VALID_CARD}
    )

    # THEN the payment fails with the documented error and the merchant hears payment.failed
    assert response.status_code == 201, response.text
    assert response.json()["card_network"] == "visa"
    settled = merchant.wait_for_payment_status(response.json()["id"])
    assert settled["status"] == "failed"
    assert (settled["error_code"], settled["error_description"]) == (
        "PAYMENT_FAILED",
        "Payment processing failed",
    )
    failed = wait_for(lambda: receiver.events("payment.failed"), 30, "payment.failed")
    assert failed[0]["payload"]["data"]["payment"]["id"] == settled["id"]


def test_a_refund_is_processed_and_announced(merchant: Merchant) -> None:
    # GIVEN a successful payment of 500.00
    receiver = merchant.use_receiver()
    order = merchant.create_order(50000)
    payment = merchant.pay_upi(order["id"]).json()
    assert merchant.wait_for_payment_status(payment["id"])["status"] == "success"

    # WHEN the merchant refunds 100.00
    response = merchant.request(
        "POST", f"/api/v1/payments/{payment['id']}/refunds", json={"amount": 10000, "reason": "damaged"}
    )

    # THEN the refund is pending, then processed with a processed_at, and both events arrive
    assert response.status_code == 201, response.text
    refund = response.json()
    assert (refund["status"], refund["amount"], refund["payment_id"]) == ("pending", 10000, payment["id"])
    processed = wait_for(
        lambda: (
            (r := merchant.request("GET", f"/api/v1/refunds/{refund['id']}").json())["status"] == "processed"
            and r
        ),
        30,
        "the refund to be processed",
    )
    assert processed["processed_at"]
    wait_for(
        lambda: {"refund.created", "refund.processed"} <= {e["event"] for e in receiver.events()},
        30,
        "refund.created and refund.processed",
    )
    refund_events = [e for e in receiver.events() if e["event"].startswith("refund.")]
    assert {e["payload"]["data"]["refund"]["id"] for e in refund_events} == {refund["id"]}
    # AND the payment keeps its status, and what is left to refund is enforced
    assert merchant.payment(payment["id"])["status"] == "success"
    too_much = merchant.request("POST", f"/api/v1/payments/{payment['id']}/refunds", json={"amount": 40001})
    assert too_much.status_code == 400
    assert too_much.json()["error"]["description"] == "Refund amount exceeds available amount"
