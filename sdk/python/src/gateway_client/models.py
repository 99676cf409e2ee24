"""The gateway's resources as typed, read-only objects.

Every field of the API's schemas (`openapi.yaml`) is an attribute; anything else the server sends (a field
added after this package was released) is kept in `extra`, and `to_dict()` gives back exactly what was
received. Attributes that take one of a fixed set of values are typed with the `Literal`s below, which
`tests/sdk/test_models_match_openapi.py` holds equal to the API's enums. A newer server may send a value
this release does not list; it is passed through as sent, never refused.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Callable, ClassVar, Generic, Literal, TypeVar

T = TypeVar("T", bound="ApiObject")
Item = TypeVar("Item")

# `created`; `attempted` once a payment was made on the order; `paid` once one of them succeeded (for good).
OrderStatus = Literal["created", "attempted", "paid"]
PaymentMethod = Literal["upi", "card"]
# `pending` until the bank answers, then `success` or `failed` for good.
PaymentStatus = Literal["pending", "success", "failed"]
# Why the bank refused a payment: `PAYMENT_FAILED`, or in test mode the failure its input asked for.
PaymentErrorCode = Literal["PAYMENT_FAILED", "PAYMENT_DECLINED", "CARD_DECLINED", "INSUFFICIENT_FUNDS"]
# By the card number's prefix.
CardNetwork = Literal["visa", "mastercard", "amex", "rupay", "unknown"]
# `pending` until the refund is processed.
RefundStatus = Literal["pending", "processed"]
WebhookEvent = Literal[
    "payment.created",
    "payment.pending",
    "payment.success",
    "payment.failed",
    "payment.captured",
    "refund.created",
    "refund.processed",
    "order.paid",
    "payment_link.paid",
    "webhook.test",
]
# How much of a payment was refunded: None before any refund, then `partial`, `full` once all of it.
RefundExtent = Literal["partial", "full"]
# A delivery: `pending` while attempts remain, `success` once one got a 2xx, `failed` after the last.
WebhookStatus = Literal["pending", "success", "failed"]
# An event's deliveries together: `none` until one is made, `success` once any succeeded.
EventDeliveryStatus = Literal["pending", "success", "failed", "none"]
# `running` until every page of the recovery's range was sent again.
RecoveryStatus = Literal["running", "completed"]


@dataclass(frozen=True)
class ApiObject:
    """Base of every resource: construction from the wire form, and the wire form back."""

    # Every field has a default, so a field the server stops sending never breaks decoding.
    extra: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    # Converters for nested resources, by field name.
    _nested: ClassVar[dict[str, Callable[[Any], Any]]] = {}

    @classmethod
    def from_dict(cls: type[T], data: Mapping[str, Any]) -> T:
        names = {f.name for f in dataclasses.fields(cls) if f.name not in ("extra", "raw")}
        values: dict[str, Any] = {}
        for name in names:
            if name in data:
                value = data[name]
                convert = cls._nested.get(name)
                values[name] = convert(value) if convert is not None and value is not None else value
        extra = {key: value for key, value in data.items() if key not in names}
        return cls(**values, extra=extra, raw=dict(data))

    def to_dict(self) -> dict[str, Any]:
        """The object as the server sent it."""
        return dict(self.raw)


def _list_of(item: type[T]) -> Callable[[Any], list[T]]:
    return lambda values: [item.from_dict(value) for value in values]


@dataclass(frozen=True)
class Order(ApiObject):
    id: str = ""
    merchant_id: str | None = None
    amount: int = 0
    currency: str = "INR"
    receipt: str | None = None
    notes: dict[str, Any] | None = None
    status: OrderStatus | None = None
    amount_paid: int | None = None
    payment_capture: bool | None = None
    version: int | None = None
    created_at: str | None = None
    updated_at: str | None = None


class _Listed(Generic[Item]):
    """A `{data, has_more}` page: iterating it gives its items."""

    data: list[Item]

    def __iter__(self) -> Iterator[Item]:
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)


@dataclass(frozen=True)
class OrderPage(ApiObject, _Listed[Order]):
    """One page of `client.orders.list`, newest first."""

    data: list[Order] = field(default_factory=list)
    has_more: bool = False
    _nested: ClassVar[dict[str, Callable[[Any], Any]]] = {"data": _list_of(Order)}


@dataclass(frozen=True)
class Payment(ApiObject):
    """A payment; amounts are integers in the currency's minor unit (`gateway_client.format_amount`).

    `captured` says whether it was captured; `amount_captured` what the capture took (`amount -
    amount_refunded` at that moment); `amount_capturable` what a capture would take now; `amount_net`
    what the merchant keeps (`amount - amount_refunded` once captured, never negative); `refund_status`
    is None, `"partial"` or `"full"`. `auto_refunded` is True when the gateway refunded it in full because
    another payment had already paid its order. `order_status` (its order's status now) comes with the
    payments of `payments.list`, None elsewhere.
    """

    id: str = ""
    order_id: str = ""
    amount: int = 0
    currency: str = "INR"
    method: PaymentMethod | None = None
    status: PaymentStatus | None = None
    vpa: str | None = None
    card_network: CardNetwork | None = None
    card_last4: str | None = None
    email: str | None = None
    contact: str | None = None
    captured: bool | None = None
    amount_refunded: int = 0
    refund_status: RefundExtent | None = None
    amount_captured: int = 0
    amount_capturable: int = 0
    amount_refundable: int = 0
    amount_net: int = 0
    refunded_amount: int | None = None
    error_code: PaymentErrorCode | None = None
    error_description: str | None = None
    auto_refunded: bool = False
    order_status: OrderStatus | None = None
    version: int | None = None
    created_at: str | None = None
    updated_at: str | None = None


@dataclass(frozen=True)
class PaymentStats(ApiObject):
    """Counts over every currency; amounts in `currency` (each currency's in `by_currency`); `daily` when
    asked for with `days`."""

    total_transactions: int = 0
    total_amount: int = 0
    captured_amount: int = 0
    refunded_amount: int = 0
    net_amount: int = 0
    capturable_amount: int = 0
    success_rate: float = 0
    currency: str = "INR"
    by_currency: dict[str, Any] = field(default_factory=dict)
    daily: list[dict[str, Any]] | None = None


@dataclass(frozen=True)
class Refund(ApiObject):
    """A refund, in its payment's currency (`amount` in that currency's minor unit)."""

    id: str = ""
    payment_id: str = ""
    amount: int = 0
    currency: str = "INR"
    reason: str | None = None
    status: RefundStatus | None = None
    version: int | None = None
    created_at: str | None = None
    processed_at: str | None = None


@dataclass(frozen=True)
class Account(ApiObject):
    """The merchant and its current API key pair."""

    id: str = ""
    name: str = ""
    email: str = ""
    api_key: str = ""
    api_secret: str = ""


@dataclass(frozen=True)
class KeyPair(ApiObject):
    """An API key pair. Listed, `api_secret` is masked (prefix and last four characters); in the answer
    to a roll it is the whole secret, shown that once. `expires_at` is None for the current pair."""

    api_key: str = ""
    api_secret: str = ""
    current: bool = False
    created_at: str | None = None
    expires_at: str | None = None
    last_used_at: str | None = None


@dataclass(frozen=True)
class RefundPage(ApiObject, _Listed[Refund]):
    """One page of `client.refunds.list`, newest first."""

    data: list[Refund] = field(default_factory=list)
    has_more: bool = False
    _nested: ClassVar[dict[str, Callable[[Any], Any]]] = {"data": _list_of(Refund)}


@dataclass(frozen=True)
class WebhookConfig(ApiObject):
    webhook_url: str = ""
    webhook_secret: str = ""


@dataclass(frozen=True)
class DeliveryAttempt(ApiObject):
    """One POST to the merchant; `headers` are those sent, signature values redacted."""

    attempted_at: str | None = None
    response_code: int | None = None
    duration_ms: int | None = None
    response_body: str | None = None
    headers: dict[str, str] | None = None
    url: str | None = None


@dataclass(frozen=True)
class WebhookLog(ApiObject):
    """One delivery log; `payload`, `url`, `response_body` and `attempt_history` only when fetched one by
    one. `attempts` counts the current round (a manual retry starts a new one)."""

    id: str = ""
    event: WebhookEvent | None = None
    event_id: str | None = None
    status: WebhookStatus | None = None
    attempts: int = 0
    response_code: int | None = None
    created_at: str | None = None
    last_attempt_at: str | None = None
    next_retry_at: str | None = None
    payload: str | None = None
    url: str | None = None
    response_body: str | None = None
    attempt_history: list[DeliveryAttempt] | None = None
    _nested: ClassVar[dict[str, Callable[[Any], Any]]] = {"attempt_history": _list_of(DeliveryAttempt)}


@dataclass(frozen=True)
class WebhookLogPage(ApiObject):
    data: list[WebhookLog] = field(default_factory=list)
    total: int = 0
    limit: int = 0
    offset: int = 0
    _nested: ClassVar[dict[str, Callable[[Any], Any]]] = {"data": _list_of(WebhookLog)}


@dataclass(frozen=True)
class WebhookRetry(ApiObject):
    """The answer to a manual retry: the log's new round is `pending`."""

    id: str = ""
    status: Literal["pending"] | None = None
    message: str = ""


@dataclass(frozen=True)
class Delivery(ApiObject):
    """One webhook delivery of an event; `webhook_id` is the delivery log's id."""

    webhook_id: str = ""
    url: str | None = None
    status: WebhookStatus | None = None
    attempts: list[DeliveryAttempt] = field(default_factory=list)
    _nested: ClassVar[dict[str, Callable[[Any], Any]]] = {"attempts": _list_of(DeliveryAttempt)}


@dataclass(frozen=True)
class Event(ApiObject):
    """A recorded event (`evt_...`, the `webhook-id` of its deliveries); `deliveries` only from `get`."""

    id: str = ""
    type: WebhookEvent | None = None
    created_at: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    delivery_status: EventDeliveryStatus | None = None
    deliveries: list[Delivery] | None = None
    _nested: ClassVar[dict[str, Callable[[Any], Any]]] = {"deliveries": _list_of(Delivery)}


@dataclass(frozen=True)
class EventPage(ApiObject):
    data: list[Event] = field(default_factory=list)
    has_more: bool = False
    _nested: ClassVar[dict[str, Callable[[Any], Any]]] = {"data": _list_of(Event)}


@dataclass(frozen=True)
class PaymentLink(ApiObject):
    """A payment link (`plink_...`): send `url` to the customer. `status` is `created`, `paid`, `expired` or
    `cancelled`; `order_id` is the order the link collects."""

    id: str = ""
    order_id: str = ""
    amount: int = 0
    currency: str = "INR"
    description: str | None = None
    receipt: str | None = None
    status: str = ""
    url: str = ""
    return_url: str | None = None
    expire_by: str | None = None
    created_at: str | None = None
    version: int | None = None


@dataclass(frozen=True)
class PaymentLinkPage(ApiObject):
    data: list[PaymentLink] = field(default_factory=list)
    has_more: bool = False
    _nested: ClassVar[dict[str, Callable[[Any], Any]]] = {"data": _list_of(PaymentLink)}


@dataclass(frozen=True)
class Recovery(ApiObject):
    """A webhook recovery job (`rcv_...`): `events` to send again, `sent` so far; it sends at most
    `max_events` of them (the oldest), and another recovery the rest."""

    id: str = ""
    status: RecoveryStatus | None = None
    since: str = ""
    until: str = ""
    events: int = 0
    sent: int = 0
    max_events: int = 0

    @property
    def completed(self) -> bool:
        return self.status == "completed"
