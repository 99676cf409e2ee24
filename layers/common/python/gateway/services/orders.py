"""Orders: what a shopper is asked to pay."""

from __future__ import annotations

from typing import Any

from gateway.data import orders as order_store
from gateway.data.dynamo import read_concurrently
from gateway.data.payments import latest_payment_of_order
from gateway.domain.clock import now_iso
from gateway.domain.ids import new_order_id
from gateway.domain.resources import Order
from gateway.domain.validation import validate_order
from gateway.services.auth import (
    Credentials,
    active_merchant,
    authenticate,
    find_owner,
    found,
    read_owned,
)
from gateway.services.idempotency import IdempotentRequest
from gateway.services.results import ApiResult
from gateway.services.views import created_order_view, order_view, public_order_view

ENDPOINT = "POST /api/v1/orders"
ORDER_NOT_FOUND = "Order not found"


def create_order(credentials: Credentials, body: Any, idempotency_key: str | None) -> ApiResult:
    request = IdempotentRequest.of(credentials.scope, ENDPOINT, idempotency_key, body)
    merchant, stored = read_concurrently(lambda: find_owner(credentials), request.lookup)
    merchant = authenticate(merchant, credentials)
    replay = request.replay(stored)
    if replay is not None:
        return replay
    order = Order.create(new_order_id(), merchant.id, validate_order(body), now_iso())
    return request.commit(
        ApiResult(201, created_order_view(order)), lambda record: order_store.insert_order(order, record)
    )


def get_order(credentials: Credentials, order_id: str) -> dict[str, Any]:
    return order_view(read_owned(credentials, lambda: order_store.get_order(order_id), ORDER_NOT_FOUND))


def get_public_order(order_id: str) -> dict[str, Any]:
    """Two round trips: the order with its newest payment, then its merchant (for the payee's name; a
    deactivated merchant's order is not found)."""
    order, latest_payment = read_concurrently(
        lambda: order_store.get_order(order_id), lambda: latest_payment_of_order(order_id)
    )
    order = found(order, ORDER_NOT_FOUND)
    merchant = active_merchant(order.merchant_id, ORDER_NOT_FOUND)
    return public_order_view(order, merchant.name, latest_payment)
