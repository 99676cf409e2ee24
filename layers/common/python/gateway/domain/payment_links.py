"""Payment links: a URL a merchant sends a customer to pay, backed by an order of its own.

A link is `created` until its order is paid (`paid`), its `expire_by` passes (`expired`, recorded by the
reconciliation sweep and judged on every read meanwhile) or the merchant cancels it (`cancelled`). Only an
open link takes a payment.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from gateway.domain.clock import iso, parse_iso
from gateway.domain.lifecycle import PaymentLinkStatus, transition
from gateway.domain.validation import OrderRequest, require_object, validate_order
from gateway.errors import BadRequestError

MAX_DESCRIPTION_LENGTH = 2048
MAX_RETURN_URL_LENGTH = 2048
# A link closes at some point: at most a year ahead.
MAX_LIFETIME = timedelta(days=366)
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
_URL_FORBIDDEN = frozenset(chr(code) for code in [*range(0x21), *range(0x7F, 0xA0)])

LINK_CLOSED = {
    PaymentLinkStatus.PAID: "Payment link already paid",
    PaymentLinkStatus.EXPIRED: "Payment link has expired",
    PaymentLinkStatus.CANCELLED: "Payment link was cancelled",
}


@dataclass(frozen=True)
class PaymentLinkRequest:
    order: OrderRequest
    description: str | None
    return_url: str | None
    expire_by: str | None


@dataclass(frozen=True)
class PaymentLink:
    id: str
    merchant_id: str
    order_id: str
    amount: int
    currency: str
    status: PaymentLinkStatus
    created_at: str
    updated_at: str
    description: str | None = None
    receipt: str | None = None
    return_url: str | None = None
    expire_by: str | None = None
    version: int = 1

    @classmethod
    def create(
        cls, link_id: str, merchant_id: str, order_id: str, request: PaymentLinkRequest, at: str
    ) -> PaymentLink:
        return cls(
            id=link_id,
            merchant_id=merchant_id,
            order_id=order_id,
            amount=request.order.amount,
            currency=request.order.currency,
            status=PaymentLinkStatus.CREATED,
            created_at=at,
            updated_at=at,
            description=request.description,
            receipt=request.order.receipt,
            return_url=request.return_url,
            expire_by=request.expire_by,
        )

    def status_at(self, now: datetime) -> PaymentLinkStatus:
        """The status as of `now`: an open link past its `expire_by` is expired even before the sweep has
        recorded it."""
        if self.status is PaymentLinkStatus.CREATED and self.expire_by and parse_iso(self.expire_by) <= now:
            return PaymentLinkStatus.EXPIRED
        return self.status

    def ensure_open(self, now: datetime) -> None:
        """A payment may be made through the link only while it is open (400 otherwise)."""
        status = self.status_at(now)
        if status is not PaymentLinkStatus.CREATED:
            raise BadRequestError(LINK_CLOSED[status])

    def moved_to(self, status: PaymentLinkStatus, at: str) -> PaymentLink:
        return replace(self, status=transition(self.status, status), updated_at=at, version=self.version + 1)


def validate_payment_link(body: Any, now: datetime, allow_local_http: bool) -> PaymentLinkRequest:
    """The order part as `validate_order` checks it, then description, return_url and expire_by."""
    body = require_object(body)
    order = validate_order({key: body[key] for key in ("amount", "currency", "receipt") if key in body})
    description = body.get("description")
    if description is not None and (
        not isinstance(description, str) or len(description) > MAX_DESCRIPTION_LENGTH
    ):
        raise BadRequestError(
            f"description must be a string of at most {MAX_DESCRIPTION_LENGTH} characters",
            field="description",
        )
    return PaymentLinkRequest(
        order=order,
        description=description or None,
        return_url=_return_url(body.get("return_url"), allow_local_http),
        expire_by=_expire_by(body.get("expire_by"), now),
    )


def _return_url(value: Any, allow_local_http: bool) -> str | None:
    """An https URL (http only to this machine, on the local stack): where the shopper goes after paying."""
    if value is None or value == "":
        return None
    message = "return_url must be an https URL"
    if not isinstance(value, str) or len(value) > MAX_RETURN_URL_LENGTH or _URL_FORBIDDEN & set(value):
        raise BadRequestError(message, field="return_url")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - reading it validates it
    except ValueError:
        raise BadRequestError(message, field="return_url") from None
    if not parts.hostname or parts.username is not None or parts.password is not None:
        raise BadRequestError(message, field="return_url")
    local_http = allow_local_http and parts.scheme == "http" and parts.hostname in _LOCAL_HOSTS
    if parts.scheme != "https" and not local_http:
        raise BadRequestError(message, field="return_url")
    return value


def _expire_by(value: Any, now: datetime) -> str | None:
    if value is None:
        return None
    message = (
        "expire_by must be an ISO-8601 timestamp with a time zone, in the future and at most 366 days ahead"
    )
    if not isinstance(value, str):
        raise BadRequestError(message, field="expire_by")
    try:
        moment = parse_iso(value)
    except ValueError:
        raise BadRequestError(message, field="expire_by") from None
    if moment.tzinfo is None or not now < moment <= now + MAX_LIFETIME:
        raise BadRequestError(message, field="expire_by")
    return iso(moment)
