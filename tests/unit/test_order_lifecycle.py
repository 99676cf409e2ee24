"""Money you can trust: order lifecycle, one success per order, versions and the test-mode inputs
(README "Orders are paid once", docs/behaviour.md "Test mode")."""

from __future__ import annotations

import itertools

import pytest
from gateway.data import orders as order_store
from gateway.data import payments as payment_store
from gateway.data.refunds import list_refunds_for_payment
from gateway.domain import processing
from gateway.domain.clock import now_iso
from gateway.domain.lifecycle import (
    DeliveryStatus,
    OrderStatus,
    PaymentStatus,
    RefundStatus,
    can_move,
    transition,
)
from gateway.domain.resources import Order
from gateway.errors import IllegalTransitionError, OrderAlreadyPaidError

from tests.unit.conftest import settle

LEGAL_MOVES = {
    (OrderStatus.CREATED, OrderStatus.ATTEMPTED),
    (OrderStatus.ATTEMPTED, OrderStatus.PAID),
    (PaymentStatus.PENDING, PaymentStatus.SUCCESS),
    (PaymentStatus.PENDING, PaymentStatus.FAILED),
    (RefundStatus.PENDING, RefundStatus.PROCESSED),
    (DeliveryStatus.PENDING, DeliveryStatus.SUCCESS),
    (DeliveryStatus.PENDING, DeliveryStatus.FAILED),
}
ALL_MOVES = [
    (current, target)
    for lifecycle in (OrderStatus, PaymentStatus, RefundStatus, DeliveryStatus)
    for current, target in itertools.product(lifecycle, repeat=2)
]


@pytest.mark.parametrize(
    ("current", "target"), ALL_MOVES, ids=lambda status: f"{type(status).__name__}.{status}"
)
def test_each_lifecycle_allows_exactly_its_moves(current, target):
    if (current, target) in LEGAL_MOVES:
        assert can_move(current, target) and transition(current, target) is target
    else:
        assert not can_move(current, target)
        with pytest.raises(IllegalTransitionError):
            transition(current, target)


def order_in(status: OrderStatus, version: int = 1) -> Order:
    now = now_iso()
    return Order("order_x", "m", 50000, "INR", status, now, now, version=version)


def test_a_first_payment_attempt_moves_the_order_and_a_later_one_does_not():
    attempted = order_in(OrderStatus.CREATED).with_payment_attempt(now_iso())
    assert (attempted.status, attempted.version) == (OrderStatus.ATTEMPTED, 2)
    assert attempted.with_payment_attempt(now_iso()) == attempted
    with pytest.raises(OrderAlreadyPaidError):
        order_in(OrderStatus.PAID, version=3).with_payment_attempt(now_iso())


@pytest.mark.parametrize("payment_success_flag", [True, False])
@pytest.mark.parametrize(
    ("test_outcome", "code", "description"),
    [
        ("success", None, None),
        ("bank_declined", "PAYMENT_DECLINED", "Payment declined by the bank"),
        ("card_declined", "CARD_DECLINED", "Card declined by the issuer"),
        ("insufficient_funds", "INSUFFICIENT_FUNDS", "Insufficient funds"),
    ],
)
def test_test_inputs_decide_the_outcome_whatever_the_global_flag_says(
    payment_success_flag, test_outcome, code, description
):
    rules = processing.ProcessingRules(True, 0, payment_success_flag, 5000, 10000, 0.9, 0.95)
    outcome = rules.payment_outcome("card", test_outcome)
    assert (outcome.failure.code if outcome.failure else None) == code
    assert (outcome.failure.description if outcome.failure else None) == description


def test_test_inputs_mean_nothing_outside_test_mode():
    live = processing.ProcessingRules(False, 0, True, 5000, 10000, 1.0, 1.0)
    assert live.payment_outcome("upi", "bank_declined").succeeded


# ---------------------------------------------------------------- the order lifecycle over the API


def order_of(api, order_id):
    return api.call("GET", f"/api/v1/orders/{order_id}")[1]


def test_an_order_is_attempted_with_its_first_payment_and_paid_with_its_first_success(api):
    # GIVEN a new order
    order = api.create_order(50000)
    assert (order["status"], order["version"], order["amount_paid"]) == ("created", 1, 0)
    # WHEN a first and a second payment are created THEN it is attempted once (one change, one version)
    first = api.create_upi_payment(order["id"])
    assert (order_of(api, order["id"])["status"], order_of(api, order["id"])["version"]) == ("attempted", 2)
    api.create_upi_payment(order["id"])
    assert order_of(api, order["id"])["version"] == 2
    # WHEN one payment succeeds THEN the order is paid, for its amount, and both views show it
    settle(first["id"])
    paid = order_of(api, order["id"])
    assert (paid["status"], paid["version"], paid["amount_paid"]) == ("paid", 3, 50000)
    public = api.call("GET", f"/api/v1/orders/{order['id']}/public", headers={"X-Api-Key": ""})[1]
    assert (public["status"], public["version"]) == ("paid", 3)


def test_a_failed_payment_leaves_the_order_attempted(api):
    order = api.create_order()
    payment = api.create_upi_payment(order["id"], vpa="failure@upi")
    settle(payment["id"])
    assert order_of(api, order["id"])["status"] == "attempted"


@pytest.fixture
def paid_order(api):
    order = api.create_order(30000)
    payment = api.create_upi_payment(order["id"])
    settle(payment["id"])
    return order


@pytest.mark.parametrize("route", ["/api/v1/payments", "/api/v1/payments/public"])
def test_a_paid_order_takes_no_payment_and_nothing_is_created(api, paid_order, route):
    before = api.call("GET", "/api/v1/payments")[1]
    status, body, headers = api.call(
        "POST", route, {"order_id": paid_order["id"], "method": "upi", "vpa": "a@okaxis"}
    )
    assert status == 400
    assert body["error"] == {
        "code": "BAD_REQUEST_ERROR",
        "description": "Order already paid",
        "field": "order_id",
        "request_id": headers["Request-Id"],
    }
    assert api.call("GET", "/api/v1/payments")[1] == before


def test_an_earlier_keyed_request_still_replays_once_its_order_is_paid(api):
    order = api.create_order()
    key = {"Idempotency-Key": "before-it-was-paid"}
    body = {"order_id": order["id"], "method": "upi", "vpa": "a@okaxis"}
    status, first, _ = api.call("POST", "/api/v1/payments", body, headers=key)
    assert status == 201
    settle(first["id"])
    status, replayed, headers = api.call("POST", "/api/v1/payments", body, headers=key)
    assert (status, replayed, headers.get("Idempotent-Replayed")) == (201, first, "true")


def test_an_order_paid_between_read_and_write_refuses_the_payment(api, paid_order, monkeypatch):
    # GIVEN a create that reads the order as it was just before another payment paid it
    from gateway.services import payments

    paid = order_store.get_order(paid_order["id"])
    reads = iter([Order(**{**paid.__dict__, "status": OrderStatus.ATTEMPTED, "version": 2})])
    monkeypatch.setattr(payments.order_store, "get_order", lambda order_id: next(reads, paid))
    before = api.call("GET", "/api/v1/payments")[1]
    # WHEN the shopper pays THEN the insert transaction's order condition refuses it, and nothing is stored
    body = {"order_id": paid_order["id"], "method": "upi", "vpa": "late@okaxis"}
    status, answer, _ = api.call("POST", "/api/v1/payments/public", body)
    assert (status, answer["error"]["description"]) == (400, "Order already paid")
    assert api.call("GET", "/api/v1/payments")[1] == before


# ---------------------------------------------------------------- one success per order


def test_a_success_on_a_paid_order_is_refunded_in_full_through_the_refund_pipeline(api, pipeline, receiver):
    from tests.unit.test_pipeline import with_webhooks

    # GIVEN two pending attempts on one order, and a webhook receiver
    with_webhooks(api, receiver, rotate=False)
    order = api.create_order(40000)
    first = api.create_upi_payment(order["id"], vpa="one@okaxis")
    second = api.create_upi_payment(order["id"], vpa="two@okaxis")
    # WHEN both succeed at the bank, the first one first
    settle(first["id"])
    settle(second["id"])
    settle(second["id"])  # a redelivered job changes nothing
    pipeline.run_until(lambda: receiver.events().count("refund.processed") == 1)
    pipeline.settle()
    # THEN the second stays a success, refunded in full by the gateway once; the order counts one payment
    late = api.call("GET", f"/api/v1/payments/{second['id']}")[1]
    assert (late["status"], late["refunded_amount"], late["version"]) == ("success", 40000, 2)
    refunds = list_refunds_for_payment(second["id"])
    assert [(r.amount, r.reason, r.status) for r in refunds] == [(40000, "Order already paid", "processed")]
    assert api.call("GET", f"/api/v1/payments/{first['id']}")[1]["refunded_amount"] == 0
    paid = order_of(api, order["id"])
    assert (paid["status"], paid["amount_paid"], paid["version"]) == ("paid", 40000, 3)
    # AND order.paid was sent once, naming the payment that paid it
    assert sorted(receiver.events()) == sorted(
        ["payment.created", "payment.pending", "payment.success"] * 2
        + ["order.paid", "refund.created", "refund.processed"]
    )
    order_paid = [d for d in receiver.deliveries if b'"event":"order.paid"' in d["body"]]
    import json

    data = json.loads(order_paid[0]["body"])["data"]
    assert data["order"]["id"] == order["id"] and data["order"]["status"] == "paid"
    assert data["payment"]["id"] == first["id"]
    # AND the merchant cannot refund the already refunded payment again
    status, body, _ = api.call("POST", f"/api/v1/payments/{second['id']}/refunds", {"amount": 100})
    assert status == 400 and body["error"]["description"] == "Refund amount exceeds available amount"


# ---------------------------------------------------------------- versions


def test_versions_count_every_change_of_state_in_views_and_webhooks(api, pipeline, receiver):
    import json

    from tests.unit.test_pipeline import with_webhooks

    with_webhooks(api, receiver, rotate=False)
    payment = api.create_upi_payment()
    assert payment["version"] == 1
    pipeline.run_until(lambda: "payment.success" in receiver.events())
    success = next(d for d in receiver.deliveries if b'"event":"payment.success"' in d["body"])
    assert json.loads(success["body"])["data"]["payment"]["version"] == 2
    path = f"/api/v1/payments/{payment['id']}"
    captured = api.call("POST", f"{path}/capture", {"amount": payment["amount"]})[1]
    assert captured["version"] == 3 and api.call("GET", path)[1]["version"] == 3
    status, refund, _ = api.call("POST", f"{path}/refunds", {"amount": 100})
    assert status == 201 and refund["version"] == 1
    assert api.call("GET", path)[1]["version"] == 4
    pipeline.run_until(lambda: "refund.processed" in receiver.events())
    processed = next(d for d in receiver.deliveries if b'"event":"refund.processed"' in d["body"])
    assert json.loads(processed["body"])["data"]["refund"]["version"] == 2
    assert api.call("GET", f"/api/v1/refunds/{refund['id']}")[1]["version"] == 2


# ---------------------------------------------------------------- test-mode inputs end to end


def card_body(order_id: str, number: str) -> dict:
    card = {"number": number, "expiry_month": 12, "expiry_year": 2099, "cvv": "123", "holder_name": "T"}
    return {"order_id": order_id, "method": "card", "card": card}


@pytest.mark.parametrize("payment_success_flag", ["true", "false"])
@pytest.mark.parametrize(
    ("method", "detail", "status", "code", "description"),
    [
        ("upi", "success@upi", "success", None, None),
        ("upi", "failure@upi", "failed", "PAYMENT_DECLINED", "Payment declined by the bank"),
        ("card", "4000000000000002", "failed", "CARD_DECLINED", "Card declined by the issuer"),
        ("card", "4000 0000 0000 9995", "failed", "INSUFFICIENT_FUNDS", "Insufficient funds"),
    ],
)
def test_test_inputs_settle_as_documented(
    api, monkeypatch, payment_success_flag, method, detail, status, code, description
):
    from gateway import config

    monkeypatch.setenv("TEST_PAYMENT_SUCCESS", payment_success_flag)
    config.get_settings.cache_clear()
    order = api.create_order()
    body = (
        {"order_id": order["id"], "method": "upi", "vpa": detail}
        if method == "upi"
        else card_body(order["id"], detail)
    )
    created = api.call("POST", "/api/v1/payments", body)[1]
    settle(created["id"])
    settled = api.call("GET", f"/api/v1/payments/{created['id']}/public", headers={"X-Api-Key": ""})[1]
    assert (settled["status"], settled["error_code"], settled["error_description"]) == (
        status,
        code,
        description,
    )


def test_other_failures_keep_the_generic_code(api, monkeypatch):
    from gateway import config

    monkeypatch.setenv("TEST_PAYMENT_SUCCESS", "false")
    config.get_settings.cache_clear()
    payment = api.create_upi_payment(vpa="someone@okaxis")
    settle(payment["id"])
    settled = payment_store.get_payment(payment["id"])
    assert (settled.error_code, settled.error_description) == ("PAYMENT_FAILED", "Payment processing failed")


def test_test_inputs_are_not_marked_outside_test_mode(api, monkeypatch):
    from gateway import config

    monkeypatch.setenv("TEST_MODE", "false")
    config.get_settings.cache_clear()
    order = api.create_order()
    created = api.call("POST", "/api/v1/payments", card_body(order["id"], "4000000000000002"))[1]
    assert payment_store.get_payment(created["id"]).test_outcome is None


def test_eight_parallel_payments_on_one_order_pay_it_once(api, pipeline, receiver):
    from concurrent.futures import ThreadPoolExecutor

    from tests.unit.test_pipeline import with_webhooks

    # GIVEN an order and a webhook receiver
    with_webhooks(api, receiver, rotate=False)
    order = api.create_order(25000)
    body = {"order_id": order["id"], "method": "upi", "vpa": "shopper@okaxis"}
    # WHEN a shopper sends eight payments at once, and the bank approves all of them at once
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda _: api.call("POST", "/api/v1/payments/public", body), range(8)))
        assert [status for status, _, _ in answers] == [201] * 8
        ids = [payment["id"] for _, payment, _ in answers]
        list(pool.map(settle, ids))
    pipeline.run_until(lambda: receiver.events().count("refund.processed") == 7)
    pipeline.settle()
    # THEN all eight succeeded, exactly one paid the order, the seven others were refunded in full
    payments = [payment_store.get_payment(payment_id) for payment_id in ids]
    assert {payment.status for payment in payments} == {"success"}
    assert sorted(payment.pays_order for payment in payments) == [False] * 7 + [True]
    assert sorted(payment.refunded_amount for payment in payments) == [0] + [25000] * 7
    paid = order_of(api, order["id"])
    assert (paid["status"], paid["amount_paid"], paid["version"]) == ("paid", 25000, 3)
    assert receiver.events().count("order.paid") == 1
