"""The states of orders, payments, refunds, payment links and webhook deliveries, and the moves each may
make.

Values are the wire words of openapi.yaml; a move not listed here raises `IllegalTransitionError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any, TypeVar

from gateway.errors import IllegalTransitionError


class OrderStatus(StrEnum):
    CREATED = "created"
    ATTEMPTED = "attempted"
    PAID = "paid"


class PaymentStatus(StrEnum):
    PENDING = "pending"
    SUCCESS = "success"
    FAILED = "failed"


class RefundStatus(StrEnum):
    PENDING = "pending"
    PROCESSED = "processed"


class PaymentLinkStatus(StrEnum):
    CREATED = "created"
    PAID = "paid"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SUCCESS = "success"
    FAILED = "failed"


_MOVES: Mapping[type[StrEnum], Mapping[Any, frozenset[Any]]] = {
    # An order never goes back; `paid` is final.
    OrderStatus: {
        OrderStatus.CREATED: frozenset({OrderStatus.ATTEMPTED}),
        OrderStatus.ATTEMPTED: frozenset({OrderStatus.PAID}),
    },
    # The bank decides once.
    PaymentStatus: {PaymentStatus.PENDING: frozenset({PaymentStatus.SUCCESS, PaymentStatus.FAILED})},
    RefundStatus: {RefundStatus.PENDING: frozenset({RefundStatus.PROCESSED})},
    # A closed link takes no new payment, but one it took while open can still succeed after it closed:
    # the money moved, so the link records that it was paid.
    PaymentLinkStatus: {
        PaymentLinkStatus.CREATED: frozenset(
            {PaymentLinkStatus.PAID, PaymentLinkStatus.EXPIRED, PaymentLinkStatus.CANCELLED}
        ),
        PaymentLinkStatus.EXPIRED: frozenset({PaymentLinkStatus.PAID}),
        PaymentLinkStatus.CANCELLED: frozenset({PaymentLinkStatus.PAID}),
    },
    # A manual retry is not a move: it starts a new round of attempts (see `WebhookLog.next_round`).
    DeliveryStatus: {DeliveryStatus.PENDING: frozenset({DeliveryStatus.SUCCESS, DeliveryStatus.FAILED})},
}

S = TypeVar("S", OrderStatus, PaymentStatus, RefundStatus, DeliveryStatus, PaymentLinkStatus)


def can_move(current: S, target: S) -> bool:
    return target in _MOVES[type(current)].get(current, frozenset())


def transition(current: S, target: S) -> S:
    """`target` if the lifecycle allows moving there from `current`; IllegalTransitionError otherwise."""
    if not can_move(current, target):
        raise IllegalTransitionError(f"{type(current).__name__} cannot move from {current} to {target}")
    return target
