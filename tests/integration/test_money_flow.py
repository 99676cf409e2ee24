"""Money a merchant can reconcile, over real HTTP: a refund before capture, the capture, a refund after it;
every figure in the payment view, the stats, the webhook bodies and the dashboard's CSV export agree.
And a capture racing refunds, as parallel requests, never captures refunded money."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from devkit.merchant import Merchant, wait_for

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
AMOUNT, BEFORE_CAPTURE, AFTER_CAPTURE = 129900, 10000, 20000  # ₹1,299.00, ₹100.00, ₹200.00
MONEY_FIELDS = (
    "amount",
    "captured",
    "amount_captured",
    "amount_refunded",
    "amount_capturable",
    "amount_refundable",
    "amount_net",
    "refund_status",
)
STATS_FIELDS = ("total_amount", "captured_amount", "refunded_amount", "net_amount", "capturable_amount")


def dashboard_csv(payment: dict[str, Any]) -> dict[str, str]:
    """The CSV row the dashboard's export writes for this payment view (its own code, run by node)."""
    script = (
        "import { paymentsCsv } from './dashboard_site/src/lib/payments.js';"
        "const payment = JSON.parse(process.argv[1]);"
        "process.stdout.write(paymentsCsv([{ payment, refunds: null, orderStatus: 'paid' }]));"
    )
    text = subprocess.run(
        ["node", "--input-type=module", "-e", script, json.dumps(payment)],
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
        timeout=30,
    ).stdout
    [row] = list(csv.DictReader(io.StringIO(text)))
    return row


def money_of(view: dict[str, Any]) -> dict[str, Any]:
    return {name: view[name] for name in MONEY_FIELDS}


def test_refund_before_capture_capture_then_refund_every_figure_agrees(merchant: Merchant) -> None:
    # GIVEN a merchant with a receiver and a successful ₹1,299.00 UPI payment
    receiver = merchant.use_receiver()
    order = merchant.create_order(AMOUNT)
    payment_id = merchant.create_upi_payment(order["id"]).body["id"]
    assert merchant.wait_for_payment_status(payment_id)["status"] == "success"
    path = f"/api/v1/payments/{payment_id}"

    # WHEN ₹100.00 is refunded before capture
    assert merchant.call("POST", f"{path}/refunds", {"amount": BEFORE_CAPTURE}).status == 201
    before = merchant.payment(payment_id)
    # THEN a capture of the full amount is refused, and the capture takes ₹1,199.00
    refused = merchant.call("POST", f"{path}/capture", {"amount": AMOUNT})
    assert refused.status == 400 and refused.body["error"]["description"].startswith(
        "Capture amount must equal"
    )
    captured = merchant.call("POST", f"{path}/capture", {})
    assert captured.status == 200, captured.body
    # AND a refund of ₹200.00 after capture lowers net
    assert merchant.call("POST", f"{path}/refunds", {"amount": AFTER_CAPTURE}).status == 201

    view = merchant.payment(payment_id)
    stats = merchant.ok("GET", "/api/v1/payments/stats")
    expected = {
        "amount": AMOUNT,
        "captured": True,
        "amount_captured": AMOUNT - BEFORE_CAPTURE,
        "amount_refunded": BEFORE_CAPTURE + AFTER_CAPTURE,
        "amount_capturable": 0,
        "amount_refundable": AMOUNT - BEFORE_CAPTURE - AFTER_CAPTURE,
        "amount_net": AMOUNT - BEFORE_CAPTURE - AFTER_CAPTURE,
        "refund_status": "partial",
    }
    assert (before["amount_capturable"], before["amount_refunded"]) == (
        AMOUNT - BEFORE_CAPTURE,
        BEFORE_CAPTURE,
    )
    assert money_of(captured.body) == expected | {
        "amount_refunded": BEFORE_CAPTURE,
        "amount_refundable": AMOUNT - BEFORE_CAPTURE,
        "amount_net": AMOUNT - BEFORE_CAPTURE,
    }
    assert money_of(view) == expected
    assert {name: stats[name] for name in STATS_FIELDS} == {
        "total_amount": AMOUNT,
        "captured_amount": AMOUNT - BEFORE_CAPTURE,
        "refunded_amount": BEFORE_CAPTURE + AFTER_CAPTURE,
        "net_amount": AMOUNT - BEFORE_CAPTURE - AFTER_CAPTURE,
        "capturable_amount": 0,
    }

    # AND the webhooks carry the same figures: payment.captured once, with what the capture took
    wanted = {"payment.success", "payment.captured", "order.paid", "refund.created"}
    events = wait_for(
        lambda: (
            wanted <= {e["event"] for e in receiver.events()} and len(receiver.events("refund.created")) == 2
        ),
        30,
        "the payment's webhooks",
    )
    assert events
    [captured_event] = receiver.events("payment.captured")
    sent = captured_event["payload"]["data"]["payment"]
    assert money_of(sent) == money_of(captured.body)
    [success_event] = receiver.events("payment.success")
    assert success_event["payload"]["data"]["payment"]["captured"] is False
    refunds_sent = sorted(e["payload"]["data"]["refund"]["amount"] for e in receiver.events("refund.created"))
    assert refunds_sent == [BEFORE_CAPTURE, AFTER_CAPTURE]

    # AND the dashboard's CSV export of the payment says the same
    row = dashboard_csv(view)
    assert {name: row[name] for name in ("currency", "minor_unit", "amount", "amount_captured")} == {
        "currency": "INR",
        "minor_unit": "2",
        "amount": str(AMOUNT),
        "amount_captured": str(AMOUNT - BEFORE_CAPTURE),
    }
    assert (row["amount_refunded"], row["amount_net"], row["refund_status"]) == (
        str(BEFORE_CAPTURE + AFTER_CAPTURE),
        str(AMOUNT - BEFORE_CAPTURE - AFTER_CAPTURE),
        "partial",
    )
    print(
        "\nmoney scenario (minor units, INR):"
        f"\n  after refund before capture: {json.dumps(money_of(before))}"
        f"\n  capture answer:              {json.dumps(money_of(captured.body))}"
        f"\n  payment view at the end:     {json.dumps(money_of(view))}"
        f"\n  stats:                       {json.dumps({name: stats[name] for name in STATS_FIELDS})}"
        f"\n  payment.captured webhook:    {json.dumps(money_of(sent))}"
        f"\n  CSV row:                     {json.dumps(row)}"
    )


def test_a_capture_racing_refunds_never_captures_refunded_money(merchant: Merchant) -> None:
    # GIVEN successful payments, each to be refunded 3 x ₹70.00 while it is captured, all at once
    payments = []
    for _ in range(5):
        order = merchant.create_order(50000)
        payments.append(merchant.create_upi_payment(order["id"]).body["id"])
    for payment_id in payments:
        assert merchant.wait_for_payment_status(payment_id)["status"] == "success"

    outcomes = []
    for position, payment_id in enumerate(payments):
        path = f"/api/v1/payments/{payment_id}"
        calls: list[tuple[str, str, dict[str, int]]] = [("POST", f"{path}/refunds", {"amount": 7000})] * 3
        # the capture goes out first, second, ... so the race is run with every order of departure
        calls.insert(position % 4, ("POST", f"{path}/capture", {}))
        # WHEN the four requests go out in parallel
        with ThreadPoolExecutor(max_workers=len(calls)) as pool:
            replies = list(pool.map(lambda call: merchant.call(*call), calls))
        assert all(reply.status in (200, 201) for reply in replies), [reply.body for reply in replies]
        # THEN the capture took exactly what had not been refunded when it landed, and net is what is left
        view = merchant.payment(payment_id)
        assert view["amount_refunded"] == 21000 and view["captured"] is True
        assert view["amount_captured"] in (50000, 43000, 36000, 29000)
        assert view["amount_net"] == 50000 - 21000
        outcomes.append(50000 - view["amount_captured"])
    stats = merchant.ok("GET", "/api/v1/payments/stats")
    assert stats["net_amount"] == 5 * 29000 and stats["refunded_amount"] == 5 * 21000
    assert stats["captured_amount"] == sum(50000 - refunded for refunded in outcomes)
    print(f"\nrace: refunded before the capture landed, per payment: {outcomes}")


def test_payment_capture_sends_a_captured_success_then_payment_captured(merchant: Merchant) -> None:
    # GIVEN an order that asks for its payment to be captured when it succeeds
    receiver = merchant.use_receiver()
    order = merchant.ok("POST", "/api/v1/orders", {"amount": 50000, "payment_capture": True}, expect=201)
    assert order["payment_capture"] is True

    # WHEN it is paid
    payment_id = merchant.create_upi_payment(order["id"]).body["id"]
    assert merchant.wait_for_payment_status(payment_id)["status"] == "success"

    # THEN the receiver's payment.success already says captured, and payment.captured follows, once
    wait_for(lambda: receiver.events("payment.captured"), 30, "the payment.captured webhook")
    [success] = receiver.events("payment.success")
    assert (
        success["payload"]["data"]["payment"]["captured"],
        success["payload"]["data"]["payment"]["version"],
    ) == (
        True,
        2,
    )
    [captured] = receiver.events("payment.captured")
    assert captured["payload"]["data"]["payment"]["amount_captured"] == 50000
    stats = merchant.ok("GET", "/api/v1/payments/stats")
    assert (stats["captured_amount"], stats["net_amount"], stats["capturable_amount"]) == (50000, 50000, 0)
