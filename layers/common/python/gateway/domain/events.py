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
from gateway.domain.webhooks import EVENT_TYPES
from gateway.errors import BadRequestError

RETENTION = timedelta(days=30)
DEFAULT_LIMIT = 20
MAX_LIMIT = 100


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


@dataclass(frozen=True)
class Recovery:
    """A resend of every recoverable event in [since, until], paged through by the webhooks worker."""

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


@dataclass(frozen=True)
class EventQuery:
    limit: int
    starting_after: str | None
    types: tuple[str, ...]
    created_from: str | None
    created_to: str | None
    delivery_status: EventDeliveryStatus | None


def _timestamp(raw: str, name: str) -> datetime:
    try:
        moment = parse_iso(raw)
    except ValueError:
        raise BadRequestError(f"{name} must be an ISO-8601 timestamp", field=name) from None
    if moment.tzinfo is None:
        raise BadRequestError(f"{name} must carry a time zone (e.g. Z)", field=name)
    return moment


def validate_list_limit(raw: str | None) -> int:
    """A list's `limit` (SPEC'd for every list: 1-100, default 20)."""
    if raw is None or raw == "":
        return DEFAULT_LIMIT
    if len(raw) > 9 or not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise BadRequestError(f"limit must be an integer between 1 and {MAX_LIMIT}", field="limit")
    return int(raw)


def validate_event_query(
    limit: str | None,
    starting_after: str | None,
    types: list[str],
    created_from: str | None,
    created_to: str | None,
    delivery_status: str | None,
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
    lower = _timestamp(created_from, "from") if created_from else None
    upper = _timestamp(created_to, "to") if created_to else None
    if lower is not None and upper is not None and lower > upper:
        raise BadRequestError("from must not be after to", field="from")
    return EventQuery(
        limit=validate_list_limit(limit),
        starting_after=starting_after or None,
        types=tuple(dict.fromkeys(types)),
        created_from=iso(lower) if lower else None,
        created_to=iso(upper) if upper else None,
        delivery_status=status,
    )


def validate_recovery_range(body: dict[str, Any], now: datetime) -> tuple[str, str]:
    """(since, until) as stored timestamps; until defaults to now. The range must lie within retention."""
    since_raw, until_raw = body.get("since"), body.get("until")
    if not isinstance(since_raw, str) or not since_raw:
        raise BadRequestError("since is required (an ISO-8601 timestamp)", field="since")
    if until_raw is not None and not isinstance(until_raw, str):
        raise BadRequestError("until must be an ISO-8601 timestamp", field="until")
    since = _timestamp(since_raw, "since")
    until = _timestamp(until_raw, "until") if until_raw else now
    if since > until:
        raise BadRequestError("since must not be after until", field="since")
    if since < now - RETENTION:
        raise BadRequestError("since must be within the last 30 days (events are kept 30)", field="since")
    return iso(since), iso(until)
