"""The rules of the merchant's lists (orders, refunds, events): page sizes, cursors and filters, checked
before anything is read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from gateway.domain.clock import datetime_at, iso
from gateway.domain.ids import ORDER_PREFIX, PAYMENT_PREFIX, REFUND_PREFIX, has_prefix_format
from gateway.domain.lifecycle import OrderStatus
from gateway.errors import BadRequestError

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
# 9999-12-31T23:59:59Z, the last second a stored timestamp (`domain.clock.iso`) can name.
MAX_UNIX_SECONDS = 253_402_300_799


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


def _unix_seconds(raw: str | None, name: str) -> int | None:
    if raw is None or raw == "":
        return None
    # Length first: int() of thousands of digits is refused by Python itself (and is slow).
    if len(raw) > 12 or not raw.isascii() or not raw.isdigit():
        raise BadRequestError(f"{name} must be a unix timestamp in seconds", field=name)
    seconds = int(raw)
    if seconds > MAX_UNIX_SECONDS:
        raise BadRequestError(
            f"{name} must be between 0 and {MAX_UNIX_SECONDS} (9999-12-31T23:59:59Z)", field=name
        )
    return seconds


def validate_created_range(from_raw: str | None, to_raw: str | None) -> CreatedRange | None:
    """`from` and `to` of `GET /api/v1/payments`: unix timestamps in seconds, both included (as Razorpay's
    are); None when neither is given."""
    lower = _unix_seconds(from_raw, "from")
    upper = _unix_seconds(to_raw, "to")
    if lower is not None and upper is not None and lower > upper:
        raise BadRequestError("from must not be after to", field="from")
    if lower is None and upper is None:
        return None
    return CreatedRange(
        start=iso(datetime_at(lower)) if lower is not None else None,
        # `to` names a whole second: every millisecond of it is in the range.
        end=iso(datetime_at(upper) + timedelta(milliseconds=999)) if upper is not None else None,
    )
