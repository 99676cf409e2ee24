"""Payment links: a merchant's URL for a customer to pay, each with an order of its own."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from gateway.config import get_settings
from gateway.data import payment_links as link_store
from gateway.data.dynamo import read_concurrently
from gateway.domain.clock import iso, now_iso, utc_now
from gateway.domain.ids import new_order_id, new_payment_link_id
from gateway.domain.lifecycle import PaymentLinkStatus
from gateway.domain.listing import parse_limit
from gateway.domain.payment_links import LINK_CLOSED, PaymentLink, validate_payment_link
from gateway.domain.resources import Order
from gateway.errors import BadRequestError, ConflictError
from gateway.services.auth import Credentials, active_merchant, authenticate, find_owner, found, read_owned
from gateway.services.idempotency import IdempotentRequest
from gateway.services.results import ApiResult
from gateway.services.views import payment_link_view, public_payment_link_view

logger = logging.getLogger("gateway.payment_links")
ENDPOINT = "POST /api/v1/payment_links"
LINK_NOT_FOUND = "Payment link not found"
# Items read per shard of the open-links index per sweep: a larger backlog is worked off over several runs.
EXPIRY_LIMIT_PER_SHARD = 100


def _view(link: PaymentLink) -> dict[str, Any]:
    return payment_link_view(link, utc_now(), get_settings().checkout_url)


def create_payment_link(credentials: Credentials, body: Any, idempotency_key: str | None) -> ApiResult:
    """The link and the order it makes, in one transaction (with the idempotency record, when keyed)."""
    request = IdempotentRequest.of(credentials.scope, ENDPOINT, idempotency_key, body)
    owner, stored = read_concurrently(lambda: find_owner(credentials), request.lookup)
    merchant = authenticate(owner, credentials)
    replay = request.replay(stored)
    if replay is not None:
        return replay
    now = utc_now()
    asked = validate_payment_link(body, now, allow_local_http=get_settings().allow_private_webhook_urls)
    at = iso(now)
    link_id = new_payment_link_id()
    order = Order.create(new_order_id(), merchant.id, asked.order, at, payment_link_id=link_id)
    link = PaymentLink.create(link_id, merchant.id, order.id, asked, at)
    return request.commit(
        ApiResult(201, _view(link)), lambda record: link_store.insert_payment_link(link, order, record)
    )


def get_payment_link(credentials: Credentials, link_id: str) -> dict[str, Any]:
    return _view(read_owned(credentials, lambda: link_store.get_payment_link(link_id), LINK_NOT_FOUND))


def list_payment_links(
    credentials: Credentials, limit_raw: str | None, starting_after: str | None
) -> dict[str, Any]:
    """The merchant's links, newest first: `{"data": [...], "has_more": bool}`."""
    limit = parse_limit(limit_raw)
    merchant = authenticate(find_owner(credentials), credentials)
    after = None
    if starting_after:
        after = link_store.get_payment_link(starting_after)
        if after is None or after.merchant_id != merchant.id:
            raise BadRequestError(
                "starting_after is not a payment link of this account", field="starting_after"
            )
    page, has_more = link_store.page_payment_links(merchant.id, limit, after)
    return {"data": [_view(link) for link in page], "has_more": has_more}


def cancel_payment_link(credentials: Credentials, link_id: str) -> dict[str, Any]:
    """An open link closes for good; cancelling a cancelled link changes nothing; a paid or expired one
    cannot be cancelled (400)."""
    link = read_owned(credentials, lambda: link_store.get_payment_link(link_id), LINK_NOT_FOUND)
    for _ in range(2):
        status = link.status_at(utc_now())
        if status is PaymentLinkStatus.CANCELLED:
            return _view(link)
        if status is not PaymentLinkStatus.CREATED:
            raise BadRequestError(
                f"Only an open payment link can be cancelled: {LINK_CLOSED[status].lower()}"
            )
        cancelled = link.moved_to(PaymentLinkStatus.CANCELLED, now_iso())
        try:
            link_store.close_payment_link(cancelled)
        except ConflictError:
            # Paid, expired or cancelled meanwhile: answer from what it is now.
            link = found(link_store.get_payment_link(link_id), LINK_NOT_FOUND)
            continue
        logger.info("payment link cancelled", extra={"payment_link_id": link.id})
        return _view(cancelled)
    raise ConflictError("payment link changed while it was being cancelled")


def get_public_payment_link(link_id: str) -> dict[str, Any]:
    """For the hosted `/pay/<id>` page: the payee is the account's name, never anything from the URL."""
    link = found(link_store.get_payment_link(link_id), LINK_NOT_FOUND)
    # A deactivated merchant's links are gone for shoppers, like the rest of its public pages.
    merchant = active_merchant(link.merchant_id, LINK_NOT_FOUND)
    return public_payment_link_view(link, utc_now(), merchant.name)


def ensure_link_open(order: Order) -> None:
    """A payment on a link's order only while the link is open: 400 saying why not otherwise. (The
    payment's transaction checks it again, so a cancel or expiry racing the payment cannot both win.)"""
    if order.payment_link_id is None:
        return
    link = link_store.get_payment_link(order.payment_link_id)
    if link is not None:
        link.ensure_open(utc_now())


def expire_overdue_links(now: datetime) -> int:
    """The sweep's part: record `expired` on every open link whose `expire_by` has passed. A link paid or
    cancelled meanwhile keeps that status (the write is conditional on `created`)."""
    expired = 0
    for link in link_store.open_links_expiring_before(iso(now), EXPIRY_LIMIT_PER_SHARD):
        try:
            link_store.close_payment_link(link.moved_to(PaymentLinkStatus.EXPIRED, iso(now)))
        except ConflictError:
            continue
        expired += 1
        logger.info("payment link expired", extra={"payment_link_id": link.id})
    return expired
