"""The gateway's resources as plain values, and the state changes each one may go through.

Every change returns a new value (the stored item is changed by `gateway.data`, on condition that it is
still in the state the change started from). `version` counts recorded states: 1 at creation, +1 per change.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from gateway.domain import money
from gateway.domain.lifecycle import DeliveryStatus, OrderStatus, PaymentStatus, RefundStatus, transition
from gateway.domain.processing import BankOutcome
from gateway.domain.validation import OrderRequest
from gateway.errors import OrderAlreadyPaidError

# The reason on the refund the gateway makes itself for a payment that succeeded on an already paid order.
ORDER_ALREADY_PAID = "Order already paid"


@dataclass(frozen=True)
class ApiKeyOwner:
    """Who a request's credentials would authenticate as, and what checking them needs: from a key pair's
    record (its secret, whether it is usable now) or from a session's merchant."""

    id: str
    api_secret: str
    is_active: bool = True
    # Of a key pair: when it was last used (recorded at most once a minute).
    last_used_at: str | None = None


@dataclass(frozen=True)
class LoginAccount:
    """What a dashboard login needs, and all the `by_email` index holds."""

    id: str
    name: str
    email: str
    api_key: str
    api_secret: str
    password_hash: str | None = None
    is_active: bool = True


@dataclass(frozen=True)
class Merchant:
    id: str
    name: str
    email: str
    api_key: str
    api_secret: str
    webhook_secret: str
    created_at: str
    updated_at: str
    webhook_url: str | None = None
    # Kept for 24 h after a rotation so deliveries carry both signatures.
    previous_webhook_secret: str | None = None
    previous_secret_expires_at: int | None = None
    password_hash: str | None = None
    is_active: bool = True
    api_keys: set[str] | None = None
    session_generation: int = 0


@dataclass(frozen=True)
class Order:
    id: str
    merchant_id: str
    amount: int
    currency: str
    status: OrderStatus
    created_at: str
    updated_at: str
    receipt: str | None = None
    notes: dict[str, Any] = field(default_factory=dict)
    version: int = 1
    # Capture the payment that succeeds in the write that settles it (the order's `payment_capture`).
    payment_capture: bool = False
    # The payment link that made this order, if one did (it decides whether the order takes payments).
    payment_link_id: str | None = None

    @classmethod
    def create(
        cls,
        order_id: str,
        merchant_id: str,
        request: OrderRequest,
        at: str,
        payment_link_id: str | None = None,
    ) -> Order:
        """A new order for what the merchant asked: `created`, at version 1."""
        return cls(
            payment_link_id=payment_link_id,
            id=order_id,
            merchant_id=merchant_id,
            amount=request.amount,
            currency=request.currency,
            receipt=request.receipt,
            notes=request.notes,
            payment_capture=request.payment_capture,
            status=OrderStatus.CREATED,
            created_at=at,
            updated_at=at,
        )

    @property
    def amount_paid(self) -> int:
        """At most one payment counts as paying an order, so this is the amount or nothing."""
        return self.amount if self.status is OrderStatus.PAID else 0

    def moved_to(self, status: OrderStatus, at: str) -> Order:
        return replace(self, status=transition(self.status, status), updated_at=at, version=self.version + 1)

    def ensure_payable(self) -> None:
        """A paid order takes no more payments (400 `Order already paid`)."""
        if self.status is OrderStatus.PAID:
            raise OrderAlreadyPaidError()

    def with_payment_attempt(self, at: str) -> Order:
        """The order once a payment on it is created: `attempted` after the first; none once it is paid."""
        self.ensure_payable()
        if self.status is OrderStatus.CREATED:
            return self.moved_to(OrderStatus.ATTEMPTED, at)
        return self


@dataclass(frozen=True)
class Payment:
    id: str
    merchant_id: str
    order_id: str
    amount: int
    currency: str
    method: str
    status: PaymentStatus
    created_at: str
    updated_at: str
    vpa: str | None = None
    card_network: str | None = None
    card_last4: str | None = None
    captured: bool = False
    error_code: str | None = None
    error_description: str | None = None
    refunded_amount: int = 0
    # What the capture took (`amount - refunded_amount` at that moment); 0 until captured.
    captured_amount: int = 0
    version: int = 1
    # True on the one payment whose success paid its order (the outbox sends `order.paid` from it).
    pays_order: bool = False
    # Test mode only: the test input the payment was made with (`card_declined`, ...; docs/behaviour.md), by
    # name.
    test_outcome: str | None = None
    # The API request that created it: its jobs, events and deliveries log it too.
    request_id: str | None = None
    # The shopper's, when the payment request gave them (searchable in the dashboard).
    email: str | None = None
    contact: str | None = None

    def settled(self, outcome: BankOutcome, at: str) -> Payment:
        status = PaymentStatus.SUCCESS if outcome.failure is None else PaymentStatus.FAILED
        return replace(
            self,
            status=transition(self.status, status),
            error_code=outcome.failure.code if outcome.failure else None,
            error_description=outcome.failure.description if outcome.failure else None,
            updated_at=at,
            version=self.version + 1,
        )

    def paying_order(self) -> Payment:
        return replace(self, pays_order=True)

    @property
    def auto_refunded(self) -> bool:
        """Whether the gateway refunded the payment in full because another payment had already paid its
        order. A payment reaches `success` only through one of two writes (`services.settlement`): the one
        that pays its order (`data.payments.settle_payment_paying_order`, which sets `pays_order`), or, when
        the order was paid already, the one that refunds it in full (`settle_payment_refunding_in_full`,
        which does not). So a success that did not pay its order is exactly an auto-refunded one."""
        return self.status is PaymentStatus.SUCCESS and not self.pays_order

    def refunded_in_full(self) -> Payment:
        return replace(self, refunded_amount=self.amount)

    def with_capture(self) -> Payment:
        """Captured for what is still authorized (`domain.money.capturable`), as part of another change
        (a settlement that captures in the same write)."""
        return replace(self, captured=True, captured_amount=money.capturable(self))

    def captured_now(self, at: str) -> Payment:
        return replace(self.with_capture(), updated_at=at, version=self.version + 1)

    def new_refund(
        self, refund_id: str, amount: int, reason: str | None, at: str, request_id: str | None
    ) -> Refund:
        """A pending refund of `amount` of this payment, the merchant's or the gateway's own."""
        return Refund(
            id=refund_id,
            merchant_id=self.merchant_id,
            payment_id=self.id,
            amount=amount,
            currency=self.currency,
            reason=reason,
            status=RefundStatus.PENDING,
            created_at=at,
            updated_at=at,
            request_id=request_id,
        )


@dataclass(frozen=True)
class Refund:
    id: str
    merchant_id: str
    payment_id: str
    amount: int
    status: RefundStatus
    created_at: str
    updated_at: str
    # The payment's: a refund is in the currency it was paid in.
    currency: str = "INR"
    reason: str | None = None
    processed_at: str | None = None
    version: int = 1
    # The API request that created it (or the payment's, for the gateway's own refunds).
    request_id: str | None = None

    def processed(self, at: str) -> Refund:
        status = transition(self.status, RefundStatus.PROCESSED)
        return replace(self, status=status, processed_at=at, updated_at=at, version=self.version + 1)


@dataclass(frozen=True)
class WebhookLog:
    id: str
    merchant_id: str
    event: str
    # The exact JSON text that is signed and sent on every attempt.
    payload: str
    status: DeliveryStatus
    created_at: str
    attempts: int = 0
    # Incremented by a manual retry; each round is one retry schedule (one state machine execution).
    round: int = 1
    last_attempt_at: str | None = None
    next_retry_at: str | None = None
    response_code: int | None = None
    response_body: str | None = None
    # The event this delivers: its id is the `webhook-id` of every attempt (None on logs older than events).
    event_id: str | None = None
    # Where the last attempt went (the merchant's URL at that moment).
    url: str | None = None
    # Set on a resend made by a recovery, which counts this delivery's first attempt as sent.
    recovery_id: str | None = None
    # Every attempt of every round, oldest first (`DeliveryAttempt` JSON texts).
    attempt_log: list[str] = field(default_factory=list)

    @property
    def message_id(self) -> str:
        """The Standard Webhooks `webhook-id`: the event's id, so receivers deduplicate across deliveries."""
        return self.event_id or self.id

    # The API request whose change this event reports.
    request_id: str | None = None

    def after_attempt(
        self,
        response_code: int | None,
        response_body: str,
        at: str,
        finished: DeliveryStatus | None,
        next_retry_at: str | None = None,
    ) -> WebhookLog:
        """The log once one more attempt is recorded: `finished` is its final status when there is one,
        else the attempt after it is due at `next_retry_at`."""
        return replace(
            self,
            attempts=self.attempts + 1,
            last_attempt_at=at,
            response_code=response_code,
            response_body=response_body,
            status=transition(self.status, finished) if finished else self.status,
            next_retry_at=None if finished else next_retry_at,
        )

    def next_round(self) -> WebhookLog:
        """A manual retry: from any state, a fresh round of attempts."""
        return replace(
            self, round=self.round + 1, attempts=0, status=DeliveryStatus.PENDING, next_retry_at=None
        )
