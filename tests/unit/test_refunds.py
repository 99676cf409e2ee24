"""Refunds: only of a successful payment, of a positive integer amount, and never more in total than
the payment, also under parallel requests."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from gateway.data.payments import get_payment


def test_refund_needs_a_successful_payment(api):
    payment = api.create_upi_payment()
    status, body, _ = api.call("POST", f"/api/v1/payments/{payment['id']}/refunds", {"amount": 100})
    assert status == 400 and body["error"]["description"] == "Payment not in refundable state"


def test_partial_refunds_up_to_the_payment_amount(api, successful_payment):
    path = f"/api/v1/payments/{successful_payment['id']}/refunds"
    status, refund, _ = api.call("POST", path, {"amount": 20000, "reason": "damaged"})
    assert status == 201
    assert set(refund) == {
        "id",
        "payment_id",
        "amount",
        "currency",
        "reason",
        "status",
        "version",
        "created_at",
    }
    assert refund["currency"] == "INR"
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
