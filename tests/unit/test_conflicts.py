"""Conflicts that say what failed: a cancelled transaction names its failed item and carries it as stored.

pynamodb sends a transaction's items as condition checks, deletes, puts, updates, whatever order they were
added in; a failed order or payment condition used to be read as an idempotency clash (the last reason),
which answered 409 to requests that had different keys.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

import pytest
from gateway.data import dynamo
from gateway.data import orders as order_store
from gateway.data import payments as payment_store
from gateway.data import refunds as refund_store
from gateway.domain.idempotency import IdempotencyRecord
from gateway.domain.ids import new_order_id, new_payment_id, new_refund_id
from gateway.domain.processing import APPROVED
from gateway.domain.resources import Order, Payment
from gateway.errors import ConflictError, IdempotencyKeyTakenError
from gateway.services.idempotency import IdempotentRequest
from pynamodb.exceptions import TransactWriteError

from tests.unit.conftest import settle


def _record(key: str, fingerprint: str = "body-hash") -> IdempotencyRecord:
    return IdempotencyRecord(
        key=key,
        request_hash=fingerprint,
        response_status=201,
        response_body="{}",
        created_at="2026-01-01T00:00:00Z",
        expires_at=int(time.time()) + 3600,
    )


def _refund_of_all(payment: Payment) -> Any:
    return payment.new_refund(new_refund_id(), payment.amount, None, "2026-01-01T00:00:00Z", None)


# ---------------------------------------------------------------- the data layer names the failed item


def test_a_keyed_refund_that_fails_on_the_payment_names_the_payment_not_the_key(api, successful_payment):
    # GIVEN a payment refunded in full, and a second full refund built from the payment as first read
    payment = payment_store.get_payment(successful_payment["id"])
    refund_store.add_refund_within_total(_refund_of_all(payment), payment, None)

    # WHEN the second refund is written with a fresh idempotency key
    with pytest.raises(ConflictError) as raised:
        refund_store.add_refund_within_total(_refund_of_all(payment), payment, _record(f"k-{time.time_ns()}"))

    # THEN the conflict is the payment's, carrying the payment as stored (refunded in full)
    assert not isinstance(raised.value, IdempotencyKeyTakenError)
    assert raised.value.failed_on(Payment)
    stored = raised.value.current_as(Payment)
    assert stored is not None and stored.refunded_amount == payment.amount


def test_a_keyed_payment_on_an_order_that_moved_on_names_the_order(api):
    # GIVEN an order a first payment moved to `attempted`, as read before that payment
    order_id = api.create_order()["id"]
    as_read = order_store.get_order(order_id)
    api.create_upi_payment(order_id)
    payment = _payment_like(api.create_upi_payment(order_id))

    # WHEN a payment is inserted on the stale view with a fresh key
    with pytest.raises(ConflictError) as raised:
        payment_store.insert_payment(
            payment, as_read, as_read.with_payment_attempt(payment.created_at), _record(f"k-{time.time_ns()}")
        )

    # THEN the order's condition is named, with the order as it now is
    assert not isinstance(raised.value, IdempotencyKeyTakenError)
    stored = raised.value.current_as(Order)
    assert stored is not None and stored.status.value == "attempted"


def test_a_taken_key_is_reported_with_the_record_that_holds_it(api):
    # GIVEN a key that already holds a response
    key = f"k-{time.time_ns()}"
    held = _record(key, fingerprint="the-first-body")
    order_store.insert_order(_order_like(api), held)

    # WHEN another order is written under the same key (and its own condition holds)
    with pytest.raises(IdempotencyKeyTakenError) as raised:
        order_store.insert_order(_order_like(api), _record(key, fingerprint="another-body"))

    # THEN the error carries the winner's record
    winner = raised.value.current_as(IdempotencyRecord)
    assert winner is not None and winner.request_hash == "the-first-body"


def test_settling_a_payment_settled_meanwhile_names_the_payment(api):
    # GIVEN a payment the bank has settled already
    created = api.create_upi_payment()
    pending = payment_store.get_payment(created["id"])
    settle(created["id"])
    order = order_store.get_order(pending.order_id)

    # WHEN a second delivery of its job settles it again, from the pending payment it read
    settled = pending.settled(APPROVED, "2026-01-01T00:00:01Z")
    with pytest.raises(ConflictError) as raised:
        payment_store.settle_payment_paying_order(settled.paying_order(), order)

    # THEN the payment's condition is the one that failed (and the caller knows not to refund it)
    assert raised.value.failed_on(Payment)


# ---------------------------------------------------------------- services branch on the reason


def test_a_payment_that_read_the_order_before_another_payment_is_created_not_409(api, monkeypatch):
    # GIVEN an order, read by a request just before a concurrent payment moved it to `attempted`
    order_id = api.create_order()["id"]
    as_read = order_store.get_order(order_id)
    api.create_upi_payment(order_id)
    reads: list[str] = []

    def stale_read(wanted: str) -> Order | None:
        reads.append(wanted)
        return as_read

    monkeypatch.setattr(order_store, "get_order", stale_read)

    # WHEN that request creates its payment with its own key
    status, body, _ = api.call(
        "POST",
        "/api/v1/payments",
        {"order_id": order_id, "method": "upi", "vpa": "late@upi"},
        headers={"Idempotency-Key": f"k-{time.time_ns()}"},
    )

    # THEN it is created on the order as stored, with no second read of the order
    assert status == 201, body
    assert reads == [order_id]


def test_a_full_refund_that_lost_the_race_is_a_400_not_a_409(api, successful_payment, monkeypatch):
    # GIVEN a payment refunded in full by a concurrent request after this one read the payment
    as_read = payment_store.get_payment(successful_payment["id"])
    refund_store.add_refund_within_total(_refund_of_all(as_read), as_read, None)
    monkeypatch.setattr(payment_store, "get_payment", lambda _: as_read)

    # WHEN this request refunds it in full with its own key
    status, body, _ = api.call(
        "POST",
        f"/api/v1/payments/{successful_payment['id']}/refunds",
        {"amount": as_read.amount},
        headers={"Idempotency-Key": f"k-{time.time_ns()}"},
    )

    # THEN the answer says what failed
    assert status == 400, body
    assert body["error"]["description"] == "Refund amount exceeds available amount"


def test_a_key_lost_to_a_different_body_is_422_from_the_record_the_failed_write_returned(api, monkeypatch):
    # GIVEN a key that holds an order, and a request with another body that looked the key up before that
    key = {"Idempotency-Key": f"k-{time.time_ns()}"}
    assert api.call("POST", "/api/v1/orders", {"amount": 1000}, headers=key)[0] == 201
    monkeypatch.setattr(IdempotentRequest, "lookup", lambda self: None)

    # WHEN it writes its order under the same key
    status, body, _ = api.call("POST", "/api/v1/orders", {"amount": 2000}, headers=key)

    # THEN it learns from its failed write that the key holds another body
    assert status == 422, body
    assert body["error"]["code"] == "IDEMPOTENCY_ERROR"


# ---------------------------------------------------------------- the retry schedule


class _Conflicting:
    """A write that loses to a concurrent transaction `times` times, then lands."""

    def __init__(self, times: int) -> None:
        self.remaining = times
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        if self.remaining > 0:
            self.remaining -= 1
            raise TransactWriteError("conflict", _TransactionConflict())
        return "written"


class _TransactionConflict(Exception):
    cancellation_reasons = [None]
    response = {"Error": {"Code": "TransactionConflictException"}}


def test_conflicts_are_retried_on_a_doubling_schedule():
    # GIVEN a write that conflicts every time, and jitter fixed at its ceiling
    pauses: list[float] = []
    backoff = dynamo.ConflictBackoff(jitter=lambda ceiling: ceiling, sleep=pauses.append)
    write = _Conflicting(times=100)

    # WHEN it is retried
    with pytest.raises(TransactWriteError):
        dynamo.retrying_conflicts(write, backoff)

    # THEN it was tried five times, pausing 20, 40, 80 and 160 ms in between
    assert write.calls == 5
    assert pauses == [0.02, 0.04, 0.08, 0.16]


def test_a_write_that_lands_stops_the_schedule_and_jitter_scales_each_pause():
    pauses: list[float] = []
    backoff = dynamo.ConflictBackoff(jitter=lambda ceiling: ceiling / 4, sleep=pauses.append)
    write = _Conflicting(times=2)
    assert dynamo.retrying_conflicts(write, backoff) == "written"
    assert write.calls == 3
    assert pauses == [0.005, 0.01]


def test_the_default_jitter_stays_within_its_ceiling():
    assert all(0 <= dynamo.CONFLICT_BACKOFF.jitter(0.08) <= 0.08 for _ in range(200))


# ---------------------------------------------------------------- helpers


def _payment_like(created: dict[str, Any]) -> Payment:
    """Another payment like a created one (same order), not yet stored."""
    payment = payment_store.get_payment(created["id"])
    assert payment is not None
    return replace(payment, id=new_payment_id())


def _order_like(api: Any) -> Order:
    """A new order of the merchant's, not yet stored."""
    order = order_store.get_order(api.create_order()["id"])
    assert order is not None
    return replace(order, id=new_order_id())
