"""The money rules (`gateway.domain.money`): what is authorized, captured, refunded, capturable and net, on
a payment and in a merchant's running totals; capture events; currencies' minor units; UPI only in INR."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest
from gateway.domain import money
from gateway.domain.currencies import ISO_4217_CODES, minor_units
from gateway.domain.lifecycle import PaymentStatus
from gateway.domain.resources import Payment

from tests.unit.conftest import settle
from tests.unit.test_payment_events import events_of_payment

MONEY_FIELDS = ("amount_captured", "amount_refunded", "amount_capturable", "amount_net", "refund_status")


def a_payment(**changes) -> Payment:
    base = Payment(
        id="pay_x",
        merchant_id="m",
        order_id="order_x",
        amount=129900,
        currency="INR",
        method="upi",
        status=PaymentStatus.SUCCESS,
        created_at="2026-01-01T00:00:00Z",
        updated_at="2026-01-01T00:00:00Z",
    )
    return replace(base, **changes)


# ---------------------------------------------------------------- the rules, one by one


def test_only_a_successful_payment_is_authorized():
    assert money.authorized(a_payment()) == 129900
    assert money.authorized(a_payment(status=PaymentStatus.PENDING)) == 0
    assert money.authorized(a_payment(status=PaymentStatus.FAILED)) == 0
    assert money.capturable(a_payment(status=PaymentStatus.FAILED)) == 0


def test_a_refund_before_capture_reduces_what_can_be_captured():
    refunded = a_payment(refunded_amount=10000)
    assert money.capturable(refunded) == 119900
    captured = refunded.captured_now("2026-01-02T00:00:00Z")
    assert (money.captured(captured), money.net(captured), money.capturable(captured)) == (119900, 119900, 0)


def test_a_refund_after_capture_reduces_net_never_below_zero():
    captured = a_payment().captured_now("2026-01-02T00:00:00Z")
    assert money.net(replace(captured, refunded_amount=29900)) == 100000
    assert money.net(replace(captured, refunded_amount=129900)) == 0
    assert money.net(a_payment(refunded_amount=500)) == 0  # not captured: nothing is the merchant's yet


def test_a_payment_fully_refunded_before_capture_has_nothing_to_capture():
    assert money.capturable(a_payment(refunded_amount=129900)) == 0


def test_refund_status_is_none_partial_or_full():
    assert money.refund_status(a_payment()) is None
    assert money.refund_status(a_payment(refunded_amount=1)) == "partial"
    assert money.refund_status(a_payment(refunded_amount=129900)) == "full"


def test_totals_changes_follow_the_same_rules():
    uncaptured = a_payment(refunded_amount=10000)
    assert money.on_capture(uncaptured) == money.TotalsChange(captured_amount=119900, net_amount=119900)
    assert money.on_refund(uncaptured, 500) == money.TotalsChange(refunded_amount=500)
    assert money.on_refund(uncaptured.captured_now("t"), 500) == money.TotalsChange(
        refunded_amount=500, net_amount=-500
    )
    assert money.MoneyTotals("INR", net_amount=-3).net == 0
    captured_at_settlement = a_payment().with_capture()
    assert money.on_success(captured_at_settlement) == money.TotalsChange(
        succeeded=1, success_amount=129900, captured_amount=129900, net_amount=129900
    )


@pytest.mark.parametrize(("code", "decimals"), [("INR", 2), ("USD", 2), ("JPY", 0), ("KWD", 3), ("BHD", 3)])
def test_currencies_carry_their_iso_4217_minor_unit(code, decimals):
    assert code in ISO_4217_CODES and minor_units(code) == decimals


def test_success_rate_is_a_percent_with_two_decimals():
    assert (money.success_rate(0, 0), money.success_rate(1, 2), money.success_rate(2, 3)) == (0, 50, 66.67)


# ---------------------------------------------------------------- through the API


def payment_of(api, payment_id):
    status, body, _ = api.call("GET", f"/api/v1/payments/{payment_id}")
    assert status == 200, body
    return body


def money_of(api, payment_id):
    body = payment_of(api, payment_id)
    return {name: body[name] for name in MONEY_FIELDS}


def stats_of(api, query=""):
    status, body, _ = api.call("GET", f"/api/v1/payments/stats{query}")
    assert status == 200, body
    return body


def test_refund_then_capture_then_refund_moves_every_figure(api, successful_payment):
    payment_id = successful_payment["id"]
    assert money_of(api, payment_id) == {
        "amount_captured": 0,
        "amount_refunded": 0,
        "amount_capturable": 50000,
        "amount_net": 0,
        "refund_status": None,
    }
    assert api.call("POST", f"/api/v1/payments/{payment_id}/refunds", {"amount": 10000})[0] == 201

    status, captured, _ = api.call("POST", f"/api/v1/payments/{payment_id}/capture", {"amount": 50000})
    assert status == 400 and captured["error"]["description"].startswith("Capture amount must equal")
    status, captured, _ = api.call("POST", f"/api/v1/payments/{payment_id}/capture", {"amount": 40000})
    assert status == 200 and captured["captured"] is True

    assert api.call("POST", f"/api/v1/payments/{payment_id}/refunds", {"amount": 5000})[0] == 201
    assert money_of(api, payment_id) == {
        "amount_captured": 40000,
        "amount_refunded": 15000,
        "amount_capturable": 0,
        "amount_net": 35000,
        "refund_status": "partial",
    }
    stats = stats_of(api)
    assert (
        stats["total_amount"],
        stats["captured_amount"],
        stats["refunded_amount"],
        stats["net_amount"],
    ) == (
        50000,
        40000,
        15000,
        35000,
    )


def test_stats_say_what_uncaptured_payments_still_have_authorized(api, successful_payment):
    assert (
        api.call("POST", f"/api/v1/payments/{successful_payment['id']}/refunds", {"amount": 2000})[0] == 201
    )
    assert stats_of(api)["capturable_amount"] == 48000


def test_a_payment_refunded_in_full_before_capture_cannot_be_captured(api, successful_payment):
    payment_id = successful_payment["id"]
    assert api.call("POST", f"/api/v1/payments/{payment_id}/refunds", {"amount": 50000})[0] == 201
    status, body, _ = api.call("POST", f"/api/v1/payments/{payment_id}/capture", {})
    assert status == 400 and body["error"]["description"] == "Payment not in capturable state"
    assert stats_of(api)["net_amount"] == 0


def test_a_capture_racing_refunds_never_captures_refunded_money(api):
    """Real parallel requests: one capture against several refunds on the same payment, many times."""
    for _ in range(4):
        payment = api.create_upi_payment()
        settle(payment["id"])
        path = f"/api/v1/payments/{payment['id']}"
        calls = [("POST", f"{path}/refunds", {"amount": 7000})] * 3 + [("POST", f"{path}/capture", {})]
        with ThreadPoolExecutor(max_workers=len(calls)) as pool:
            answers = list(pool.map(lambda call: api.call(*call), calls))
        assert all(status in (200, 201) for status, _, _ in answers), answers
        after = payment_of(api, payment["id"])
        assert after["amount_refunded"] == 21000
        refunded_before_capture = after["amount"] - after["amount_captured"]
        assert refunded_before_capture in (0, 7000, 14000, 21000)
        assert after["amount_net"] == after["amount"] - after["amount_refunded"]
    stats = stats_of(api)
    assert stats["net_amount"] == 4 * (50000 - 21000)
    assert stats["refunded_amount"] == 4 * 21000


def test_payment_capture_captures_in_the_settling_write_and_raises_payment_captured(api, pipeline):
    order = api.create_order(50000, payment_capture=True)
    assert order["payment_capture"] is True
    payment = api.create_upi_payment(order["id"])
    pipeline.run_until(lambda: len(events_of_payment(api, payment["id"])) == 5)

    events = events_of_payment(api, payment["id"])
    types = [event["type"] for event in events]
    assert types == [
        "payment.created",
        "payment.pending",
        "payment.success",
        "payment.captured",
        "order.paid",
    ]
    success = events[2]["data"]["payment"]
    assert (success["captured"], success["amount_captured"], success["version"]) == (True, 50000, 2)
    assert stats_of(api)["captured_amount"] == 50000


def test_a_capture_by_the_endpoint_raises_payment_captured_once(api, pipeline):
    payment = api.create_upi_payment()
    pipeline.run_until(lambda: len(events_of_payment(api, payment["id"])) == 4)
    for _ in range(2):
        assert api.call("POST", f"/api/v1/payments/{payment['id']}/capture", {})[0] == 200
    pipeline.run_until(lambda: len(events_of_payment(api, payment["id"])) == 5)
    pipeline.settle()
    events = events_of_payment(api, payment["id"])
    assert [event["type"] for event in events].count("payment.captured") == 1
    assert events[-1]["data"]["payment"]["captured"] is True


def test_totals_are_exact_when_a_settlement_is_delivered_twice(api):
    payment = api.create_upi_payment()
    settle(payment["id"])
    settle(payment["id"])  # a redelivered message: the payment is no longer pending, nothing is added
    stats = stats_of(api)
    assert (stats["total_transactions"], stats["total_amount"], stats["success_rate"]) == (1, 50000, 100)


def test_stats_keep_each_currency_apart_and_chart_the_last_days(api):
    api.create_upi_payment(api.create_order(50000)["id"])
    yen = api.create_order(50000, currency="JPY")
    status, body, _ = api.call(
        "POST",
        "/api/v1/payments",
        {
            "order_id": yen["id"],
            "method": "card",
            "card": {
                "number": "4111111111111111",
                "expiry_month": "12",
                "expiry_year": "2099",
                "cvv": "123",
                "holder_name": "A",
            },
        },
    )
    assert status == 201, body
    settle(body["id"])

    stats = stats_of(api, "?currency=JPY&days=30")
    assert (stats["currency"], stats["total_amount"], stats["total_transactions"]) == ("JPY", 50000, 2)
    assert stats["by_currency"]["INR"]["total_amount"] == 0
    assert stats["by_currency"]["JPY"]["success_rate"] == 100
    assert len(stats["daily"]) == 30
    today = stats["daily"][-1]
    assert (today["payments"], today["succeeded"], today["volume"], today["success_rate"]) == (
        1,
        1,
        50000,
        100,
    )


@pytest.mark.parametrize("query", ["?currency=rupees", "?days=0", "?days=91", "?days=x"])
def test_stats_refuse_a_bad_query(api, query):
    status, body, _ = api.call("GET", f"/api/v1/payments/stats{query}")
    assert status == 400 and body["error"]["code"] == "BAD_REQUEST_ERROR"


def test_upi_is_only_available_for_inr(api):
    order = api.create_order(50000, currency="USD")
    status, body, _ = api.call(
        "POST", "/api/v1/payments", {"order_id": order["id"], "method": "upi", "vpa": "user@paytm"}
    )
    assert status == 400 and body["error"] == {
        **body["error"],
        "code": "BAD_REQUEST_ERROR",
        "description": "UPI is only available for INR",
    }


def test_a_refund_is_in_its_payments_currency_everywhere_it_is_read(api):
    yen = api.create_order(50000, currency="JPY")
    card = {"number": "4111111111111111", "expiry_month": "12", "expiry_year": "2099", "cvv": "123"}
    status, payment, _ = api.call(
        "POST",
        "/api/v1/payments",
        {"order_id": yen["id"], "method": "card", "card": {**card, "holder_name": "A"}},
    )
    assert status == 201, payment
    settle(payment["id"])

    status, created, _ = api.call("POST", f"/api/v1/payments/{payment['id']}/refunds", {"amount": 2000})
    assert status == 201 and created["currency"] == "JPY"
    assert api.call("GET", f"/api/v1/refunds/{created['id']}")[1]["currency"] == "JPY"
    listed = api.call("GET", f"/api/v1/payments/{payment['id']}/refunds")[1]
    assert [refund["currency"] for refund in listed] == ["JPY"]


def test_payment_capture_must_be_a_boolean(api):
    status, body, _ = api.call("POST", "/api/v1/orders", {"amount": 50000, "payment_capture": "yes"})
    assert status == 400 and body["error"]["code"] == "BAD_REQUEST_ERROR"


def test_the_webhook_log_total_counts_each_log_once(api, pipeline, receiver):
    from tests.unit.test_pipeline import with_webhooks

    with_webhooks(api, receiver, rotate=False)
    api.create_upi_payment()
    pipeline.run_until(lambda: len(receiver.deliveries) == 4)
    pipeline.settle()
    status, body, _ = api.call("GET", "/api/v1/webhooks?limit=2")
    assert status == 200 and body["total"] == 4 and len(body["data"]) == 2


def test_the_front_ends_minor_units_match_the_gateways():
    """web_shared/money.js formats every amount the dashboard and checkout show; its table is the domain's."""
    import re
    from pathlib import Path

    from gateway.domain.currencies import THREE_DECIMAL_CODES, ZERO_DECIMAL_CODES

    source = (Path(__file__).resolve().parents[2] / "web_shared" / "money.js").read_text(encoding="utf-8")
    tables = dict(re.findall(r"const (ZERO_DECIMALS|THREE_DECIMALS) = new Set\('([A-Z ]+)'", source))
    assert set(tables["ZERO_DECIMALS"].split()) == ZERO_DECIMAL_CODES
    assert set(tables["THREE_DECIMALS"].split()) == THREE_DECIMAL_CODES
