"""The gateway's resources as typed, read-only objects.

Fields the SPEC names are attributes; anything else the server sends (a field added after this package
was released) is kept in `extra`, and `to_dict()` gives back exactly what was received.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Callable, ClassVar, TypeVar

T = TypeVar("T", bound="ApiObject")


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
    status: str = ""
    version: int | None = None
    created_at: str | None = None
    updated_at: str | None = None


@dataclass(frozen=True)
class Payment(ApiObject):
    id: str = ""
    order_id: str = ""
    amount: int = 0
    currency: str = "INR"
    method: str = ""
    status: str = ""
    vpa: str | None = None
    card_network: str | None = None
    card_last4: str | None = None
    captured: bool | None = None
    error_code: str | None = None
    error_description: str | None = None
    version: int | None = None
    created_at: str | None = None
    updated_at: str | None = None


@dataclass(frozen=True)
class PaymentStats(ApiObject):
    total_transactions: int = 0
    total_amount: int = 0
    success_rate: float = 0


@dataclass(frozen=True)
class Refund(ApiObject):
    id: str = ""
    payment_id: str = ""
    amount: int = 0
    reason: str | None = None
    status: str = ""
    version: int | None = None
    created_at: str | None = None
    processed_at: str | None = None


@dataclass(frozen=True)
class WebhookConfig(ApiObject):
    webhook_url: str = ""
    webhook_secret: str = ""


@dataclass(frozen=True)
class WebhookLog(ApiObject):
    """One delivery log; `payload` and `response_body` only when fetched one by one."""

    id: str = ""
    event: str = ""
    status: str = ""
    attempts: int = 0
    response_code: int | None = None
    created_at: str | None = None
    last_attempt_at: str | None = None
    next_retry_at: str | None = None
    payload: str | None = None
    response_body: str | None = None


@dataclass(frozen=True)
class WebhookLogPage(ApiObject):
    data: list[WebhookLog] = field(default_factory=list)
    total: int = 0
    limit: int = 0
    offset: int = 0
    _nested: ClassVar[dict[str, Callable[[Any], Any]]] = {"data": _list_of(WebhookLog)}


@dataclass(frozen=True)
class WebhookRetry(ApiObject):
    id: str = ""
    status: str = ""
    message: str = ""


@dataclass(frozen=True)
class DeliveryAttempt(ApiObject):
    attempted_at: str | None = None
    response_code: int | None = None
    duration_ms: int | None = None
    response_body: str | None = None


@dataclass(frozen=True)
class Delivery(ApiObject):
    """One webhook delivery of an event; `webhook_id` is the delivery log's id."""

    webhook_id: str = ""
    url: str | None = None
    status: str = ""
    attempts: list[DeliveryAttempt] = field(default_factory=list)
    _nested: ClassVar[dict[str, Callable[[Any], Any]]] = {"attempts": _list_of(DeliveryAttempt)}


@dataclass(frozen=True)
class Event(ApiObject):
    """A recorded event (`evt_...`, the `webhook-id` of its deliveries); `deliveries` only from `get`."""

    id: str = ""
    type: str = ""
    created_at: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    delivery_status: str | None = None
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
    """A webhook recovery job (`rcv_...`): `events` to send again, `sent` so far."""

    id: str = ""
    status: str = ""
    since: str = ""
    until: str = ""
    events: int = 0
    sent: int = 0

    @property
    def completed(self) -> bool:
        return self.status == "completed"
