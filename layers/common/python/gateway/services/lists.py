"""The merchant's lists of orders and refunds (`{"data": [...], "has_more": bool}`, newest first, paged
with `starting_after`), and an order's payments. Each read is one Query on an index (see
gateway.data.pages), made together with the merchant's key lookup and the cursor's item."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from gateway.data import orders as order_store
from gateway.data import payments as payment_store
from gateway.data import refunds as refund_store
from gateway.data.dynamo import read_concurrently
from gateway.domain.listing import OrderListQuery, RefundListQuery
from gateway.domain.resources import ApiKeyOwner
from gateway.errors import BadRequestError
from gateway.services.auth import Credentials, Owned, authenticate, find_owner, owned
from gateway.services.orders import ORDER_NOT_FOUND
from gateway.services.views import order_view, payment_view, refund_view

Extra = TypeVar("Extra")


def _merchant_cursor_and(
    credentials: Credentials,
    starting_after: str | None,
    read_cursor: Callable[[str], Owned | None],
    read_extra: Callable[[], Extra],
    noun: str,
) -> tuple[ApiKeyOwner, Owned | None, Extra]:
    """The authenticated merchant, the `starting_after` item (400 unless it is the merchant's) and what
    `read_extra` returns, read in one round trip."""
    owner, cursor, extra = read_concurrently(
        lambda: find_owner(credentials),
        lambda: read_cursor(starting_after) if starting_after else None,
        read_extra,
    )
    merchant = authenticate(owner, credentials)
    if starting_after is not None and (cursor is None or cursor.merchant_id != merchant.id):
        raise BadRequestError(f"starting_after is not {noun} of this account", field="starting_after")
    return merchant, cursor, extra


def list_orders(credentials: Credentials, query: OrderListQuery) -> dict[str, Any]:
    merchant, after, _ = _merchant_cursor_and(
        credentials, query.starting_after, order_store.get_order, lambda: None, "an order"
    )
    page, has_more = order_store.orders_page(merchant.id, query.status, after, query.limit)
    return {"data": [order_view(order) for order in page], "has_more": has_more}


def list_refunds(credentials: Credentials, query: RefundListQuery) -> dict[str, Any]:
    """Refunds of another merchant's payment, or of none, are no refunds of this merchant: an empty list."""
    merchant, after, payment = _merchant_cursor_and(
        credentials,
        query.starting_after,
        refund_store.get_refund,
        lambda: payment_store.get_payment(query.payment_id) if query.payment_id else None,
        "a refund",
    )
    if query.payment_id is not None and (payment is None or payment.merchant_id != merchant.id):
        return {"data": [], "has_more": False}
    page, has_more = refund_store.refunds_page(merchant.id, query.payment_id, after, query.limit)
    return {"data": [refund_view(refund) for refund in page], "has_more": has_more}


def list_order_payments(credentials: Credentials, order_id: str) -> list[dict[str, Any]]:
    """The order's payments, newest first; 404 for an order that is not this merchant's."""
    owner, order, payments = read_concurrently(
        lambda: find_owner(credentials),
        lambda: order_store.get_order(order_id),
        lambda: payment_store.payments_of_order(order_id),
    )
    owned(authenticate(owner, credentials), order, ORDER_NOT_FOUND)
    return [payment_view(payment) for payment in payments]
