"""The money of a payment and of a merchant, defined once.

A payment that succeeded is *authorized* for its amount. Refunds may come before or after capture; they
add to `amount_refunded` and never exceed the amount. Capture takes what is still authorized
(`amount - amount_refunded`), so a refund before capture reduces what is captured. A captured payment's
*net* is `amount - amount_refunded`: what the merchant keeps. Every API view, stat, export and screen uses
these functions, so the figures agree wherever they are read.

Merchant totals are kept as counters (`TotalsChange`) that the write which changes a payment adds in the
same transaction, so they are exact under redelivery (a redelivered change fails its condition and adds
nothing) and read in a few key reads however long the history.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Protocol

from gateway.domain.lifecycle import PaymentStatus


class RefundExtent(StrEnum):
    """How much of a payment was refunded (the view's `refund_status`; None when nothing was)."""

    PARTIAL = "partial"
    FULL = "full"


class PaymentMoneyState(Protocol):
    """What the money rules read from a payment."""

    @property
    def amount(self) -> int: ...
    @property
    def status(self) -> PaymentStatus: ...
    @property
    def captured(self) -> bool: ...
    @property
    def captured_amount(self) -> int: ...
    @property
    def refunded_amount(self) -> int: ...


def authorized(payment: PaymentMoneyState) -> int:
    """What the bank approved: the amount of a successful payment, nothing otherwise."""
    return payment.amount if payment.status is PaymentStatus.SUCCESS else 0


def refunded(payment: PaymentMoneyState) -> int:
    """Refunds created on the payment, pending or processed."""
    return payment.refunded_amount


def captured(payment: PaymentMoneyState) -> int:
    """What the capture took. Payments captured before the amount was recorded took their whole amount."""
    if not payment.captured:
        return 0
    return payment.captured_amount or payment.amount


def left_to_refund(payment: PaymentMoneyState) -> int:
    return max(0, authorized(payment) - payment.refunded_amount)


def capturable(payment: PaymentMoneyState) -> int:
    """What a capture would take now: what is still authorized, once, on an uncaptured success."""
    if payment.captured:
        return 0
    return left_to_refund(payment)


def net(payment: PaymentMoneyState) -> int:
    """What the merchant keeps of a captured payment; never negative."""
    if not payment.captured:
        return 0
    return max(0, payment.amount - payment.refunded_amount)


def refund_status(payment: PaymentMoneyState) -> RefundExtent | None:
    if payment.refunded_amount <= 0:
        return None
    return RefundExtent.FULL if payment.refunded_amount >= payment.amount else RefundExtent.PARTIAL


@dataclass(frozen=True)
class TotalsChange:
    """What one state change adds to a merchant's totals (in the payment's currency), and to its day's."""

    payments: int = 0
    succeeded: int = 0
    success_amount: int = 0
    captured_amount: int = 0
    refunded_amount: int = 0
    net_amount: int = 0

    def additions(self) -> dict[str, int]:
        """The counters this change moves, by name (zeros left out, so nothing is written for them)."""
        return {spec.name: getattr(self, spec.name) for spec in fields(self) if getattr(self, spec.name)}

    def __add__(self, other: TotalsChange) -> TotalsChange:
        return TotalsChange(
            **{spec.name: getattr(self, spec.name) + getattr(other, spec.name) for spec in fields(self)}
        )


# The counters a day keeps: enough for a chart of volume and success rate.
DAILY_COUNTERS = frozenset({"payments", "succeeded", "success_amount"})


def on_created() -> TotalsChange:
    return TotalsChange(payments=1)


def on_success(settled: PaymentMoneyState) -> TotalsChange:
    """A payment settled as a success; when the same write captured it (its order's `payment_capture`),
    what the capture took too."""
    change = TotalsChange(succeeded=1, success_amount=settled.amount)
    if settled.captured:
        change += TotalsChange(captured_amount=captured(settled), net_amount=net(settled))
    return change


def on_capture(before: PaymentMoneyState) -> TotalsChange:
    """Capturing `before` takes what it still has authorized; that much becomes the merchant's net."""
    taken = capturable(before)
    return TotalsChange(captured_amount=taken, net_amount=taken)


def on_refund(before: PaymentMoneyState, amount: int) -> TotalsChange:
    """A refund of `amount`: before capture it only lowers what can be captured; after, it lowers net."""
    return TotalsChange(refunded_amount=amount, net_amount=-amount if before.captured else 0)


@dataclass(frozen=True)
class MoneyTotals:
    """A merchant's totals in one currency, summed from its counter shards."""

    currency: str
    payments: int = 0
    succeeded: int = 0
    success_amount: int = 0
    captured_amount: int = 0
    refunded_amount: int = 0
    net_amount: int = 0

    @property
    def net(self) -> int:
        """Each captured payment's net is at least 0, so their sum is; the floor guards the display anyway."""
        return max(0, self.net_amount)

    @property
    def capturable(self) -> int:
        """What the uncaptured successes still have authorized: every success's `amount - refunded`, less
        the captured payments' share of that, which is their net."""
        return max(0, self.success_amount - self.refunded_amount - self.net_amount)


def success_rate(succeeded: int, payments: int) -> int | float:
    """Percent of payments that succeeded, to 2 decimals; 0 when there are none; a whole number as an int."""
    if not payments:
        return 0
    rate = round(succeeded * 100 / payments, 2)
    return int(rate) if rate == int(rate) else rate
