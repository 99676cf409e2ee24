"""Events as merchants read them back (`/api/v1/events` in openapi.yaml): the record of every webhook
event for 30 days, the delivery attempts made for it, recoveries by time range, and the rules for the
queries over them."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from gateway.domain.clock import iso, parse_iso
from gateway.domain.ids import EVENT_PREFIX, has_prefix_format
from gateway.domain.listing import (
    parse_limit,
    time_bound,
    validate_created_range,
    validate_event_payment_filter,
)
from gateway.domain.webhooks import EVENT_TYPES
from gateway.errors import BadRequestError

RETENTION = timedelta(days=30)


class EventDeliveryStatus(StrEnum):
    """Where an event's deliveries stand: `none` until one is made; `success` once any succeeded."""

    NONE = "none"
    PENDING = "pending"
    SUCCESS = "success"
    FAILED = "failed"


# What a recovery sends again: events never sent, and events whose every delivery gave up.
RECOVERABLE = (EventDeliveryStatus.NONE, EventDeliveryStatus.FAILED)


@dataclass(frozen=True)
class Event:
    id: str
    merchant_id: str
    type: str
    # The exact envelope text every delivery of this event signs and sends.
    payload: str
    created_at: str
    delivery_status: EventDeliveryStatus
    # Ids of the webhook logs that delivered (or deliver) it, one per delivery.
    deliveries: frozenset[str] = frozenset()
    # Epoch seconds; the table's TTL attribute.
    expires_at: int = 0

    @property
    def data(self) -> Any:
        return json.loads(self.payload)["data"]


def expiry_of(created_at: str) -> int:
    return int((parse_iso(created_at) + RETENTION).timestamp())


@dataclass(frozen=True)
class DeliveryAttempt:
    """One POST of a delivery, as stored in its webhook log and shown in the event's detail."""

    attempted_at: str
    response_code: int | None
    duration_ms: int
    response_body: str
    headers: dict[str, str] = field(default_factory=dict)
    # Where this attempt went: the merchant may change the URL between attempts ("" in attempts recorded
    # before attempts kept it; their log's url is the best answer for those).
    url: str = ""

    def to_json(self) -> str:
        return json.dumps(
            {
                "attempted_at": self.attempted_at,
                "response_code": self.response_code,
                "duration_ms": self.duration_ms,
                "response_body": self.response_body,
                "headers": self.headers,
                "url": self.url,
            },
            separators=(",", ":"),
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> DeliveryAttempt:
        values = json.loads(text)
        return cls(
            values["attempted_at"],
            values.get("response_code"),
            int(values.get("duration_ms", 0)),
            values.get("response_body", ""),
            dict(values.get("headers") or {}),
            values.get("url") or "",
        )


# A recovery resends each event with the full retry schedule behind it, to a URL the merchant chooses: so
# one recovery sends at most this many events (the oldest of its range; a later one picks up the rest),
# a merchant runs one at a time, and starts at most RECOVERY_STARTS_PER_HOUR of them.
MAX_EVENTS_PER_RECOVERY = 500
RECOVERY_STARTS_PER_HOUR = 10
# A recovery whose deliveries have not all made their first attempt after this long (a worker lost them)
# stops holding the merchant's one slot.
RECOVERY_HOLDS_SLOT_FOR = timedelta(hours=1)


@dataclass(frozen=True)
class Recovery:
    """A resend of every recoverable event in [since, until] (at most MAX_EVENTS_PER_RECOVERY of them),
    paged through by the webhooks worker."""

    id: str
    merchant_id: str
    since: str
    until: str
    # Recoverable events in the range when the recovery was asked for.
    events: int
    created_at: str
    expires_at: int
    # Deliveries this recovery created, and how many of them have made their first attempt.
    queued: int = 0
    sent: int = 0
    # Where the next page starts (an opaque key of the events index), None before the first page.
    cursor: str | None = None
    paging_done: bool = False

    @property
    def completed(self) -> bool:
        return self.paging_done and self.sent >= self.queued

    def holds_the_slot(self, now: datetime) -> bool:
        """True while it keeps the merchant from starting another recovery."""
        return not self.completed and parse_iso(self.created_at) > now - RECOVERY_HOLDS_SLOT_FOR

    @property
    def max_events(self) -> int:
        return MAX_EVENTS_PER_RECOVERY

    def room_left(self) -> int:
        """How many more deliveries it may make."""
        return max(0, self.max_events - self.queued)


@dataclass(frozen=True)
class EventQuery:
    limit: int
    starting_after: str | None
    types: tuple[str, ...]
    created_from: str | None
    created_to: str | None
    delivery_status: EventDeliveryStatus | None
    # The payment whose events (its own, its refunds' and the `order.paid` it caused) are listed.
    payment_id: str | None = None

    def matches(self, event: Event) -> bool:
        """Whether the event passes the type, time and delivery filters (the cursor and page aside)."""
        if self.types and event.type not in self.types:
            return False
        if self.created_from is not None and event.created_at < self.created_from:
            return False
        if self.created_to is not None and event.created_at > self.created_to:
            return False
        return self.delivery_status is None or event.delivery_status is self.delivery_status


def validate_event_query(
    limit: str | None,
    starting_after: str | None,
    types: list[str],
    created_from: str | None,
    created_to: str | None,
    delivery_status: str | None,
    payment_id: str | None = None,
) -> EventQuery:
    if starting_after and not has_prefix_format(starting_after, EVENT_PREFIX):
        raise BadRequestError("starting_after must be an event id", field="starting_after")
    unknown = [name for name in types if name not in EVENT_TYPES]
    if unknown:
        raise BadRequestError(f"type must be one of {', '.join(EVENT_TYPES)}", field="type")
    try:
        status = EventDeliveryStatus(delivery_status) if delivery_status else None
    except ValueError:
        raise BadRequestError(
            "delivery_status must be one of pending, success, failed, none", field="delivery_status"
        ) from None
    created = validate_created_range(created_from, created_to)
    return EventQuery(
        limit=parse_limit(limit),
        starting_after=starting_after or None,
        types=tuple(dict.fromkeys(types)),
        created_from=created.start if created else None,
        created_to=created.end if created else None,
        delivery_status=status,
        payment_id=validate_event_payment_filter(payment_id),
    )


def validate_recovery_range(body: dict[str, Any], now: datetime) -> tuple[str, str]:
    """(since, until) as stored timestamps; until defaults to now. The range must lie within retention."""
    since_raw, until_raw = body.get("since"), body.get("until")
    if not isinstance(since_raw, str) or not since_raw:
        raise BadRequestError("since is required (an ISO-8601 timestamp)", field="since")
    if until_raw is not None and not isinstance(until_raw, str):
        raise BadRequestError("until must be an ISO-8601 timestamp", field="until")
    since = time_bound(since_raw, "since")
    until = time_bound(until_raw, "until") if until_raw else now
    if since > until:
        raise BadRequestError("since must not be after until", field="since")
    if since < now - RETENTION:
        raise BadRequestError("since must be within the last 30 days (events are kept 30)", field="since")
    return iso(since), iso(until)
