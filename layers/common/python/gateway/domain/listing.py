"""The rules of the merchant's lists (orders, refunds, events): page sizes, cursors and filters, checked
before anything is read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from gateway.domain.clock import iso, parse_iso
from gateway.domain.ids import ORDER_PREFIX, PAYMENT_PREFIX, REFUND_PREFIX, has_prefix_format
from gateway.domain.lifecycle import OrderStatus
from gateway.errors import BadRequestError

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


def parse_limit(raw: str | None) -> int:
    """`limit` of a list: 1 to 100, 20 when absent or empty."""
    if raw is None or raw == "":
        return DEFAULT_LIMIT
    # Length first: int() of thousands of digits is refused by Python itself (and is slow).
    if len(raw) > 9 or not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise BadRequestError(f"limit must be an integer between 1 and {MAX_LIMIT}", field="limit")
    return int(raw)


def _optional_id(raw: str | None, prefix: str, name: str, noun: str) -> str | None:
    if not raw:
        return None
    if not has_prefix_format(raw, prefix):
        raise BadRequestError(f"{name} must be {noun} id", field=name)
    return raw


@dataclass(frozen=True)
class OrderListQuery:
    limit: int
    starting_after: str | None
    status: OrderStatus | None


def validate_order_list_query(
    limit: str | None, starting_after: str | None, status: str | None
) -> OrderListQuery:
    try:
        wanted = OrderStatus(status) if status else None
    except ValueError:
        names = ", ".join(member.value for member in OrderStatus)
        raise BadRequestError(f"status must be one of {names}", field="status") from None
    return OrderListQuery(
        limit=parse_limit(limit),
        starting_after=_optional_id(starting_after, ORDER_PREFIX, "starting_after", "an order"),
        status=wanted,
    )


@dataclass(frozen=True)
class RefundListQuery:
    limit: int
    starting_after: str | None
    payment_id: str | None


def validate_refund_list_query(
    limit: str | None, starting_after: str | None, payment_id: str | None
) -> RefundListQuery:
    return RefundListQuery(
        limit=parse_limit(limit),
        starting_after=_optional_id(starting_after, REFUND_PREFIX, "starting_after", "a refund"),
        payment_id=_optional_id(payment_id, PAYMENT_PREFIX, "payment_id", "a payment"),
    )


def validate_event_payment_filter(payment_id: str | None) -> str | None:
    return _optional_id(payment_id, PAYMENT_PREFIX, "payment_id", "a payment")


@dataclass(frozen=True)
class CreatedRange:
    """Bounds on `created_at` as stored timestamps (`domain.clock.iso`), both included; None where open."""

    start: str | None
    end: str | None


def time_bound(raw: str, name: str) -> datetime:
    """An ISO-8601 timestamp with its time zone, as the lists' `from`/`to` and a recovery's `since`/`until`
    take it, in UTC."""
    try:
        moment = parse_iso(raw)
    except ValueError:
        raise BadRequestError(f"{name} must be an ISO-8601 timestamp", field=name) from None
    if moment.tzinfo is None:
        raise BadRequestError(f"{name} must carry a time zone (e.g. Z)", field=name)
    try:
        # Its UTC form is what is stored and compared; an offset can push it past year 1 or 9999.
        return moment.astimezone(UTC)
    except OverflowError:
        raise BadRequestError(
            f"{name} is out of range: in UTC it must fall between 0001-01-01 and 9999-12-31", field=name
        ) from None


def validate_created_range(from_raw: str | None, to_raw: str | None) -> CreatedRange | None:
    """A list's `from` and `to` (events, payments): ISO-8601 timestamps, both included; None when neither
    is given."""
    lower = time_bound(from_raw, "from") if from_raw else None
    upper = time_bound(to_raw, "to") if to_raw else None
    if lower is not None and upper is not None and lower > upper:
        raise BadRequestError("from must not be after to", field="from")
    if lower is None and upper is None:
        return None
    return CreatedRange(start=iso(lower) if lower else None, end=iso(upper) if upper else None)
