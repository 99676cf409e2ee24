"""Orders: what a shopper is asked to pay."""

from __future__ import annotations

from typing import Any

from gateway.data import orders as order_store
from gateway.data.dynamo import read_concurrently
from gateway.data.merchants import find_merchant_by_api_key
from gateway.domain.clock import now_iso
from gateway.domain.ids import new_order_id
from gateway.domain.lifecycle import OrderStatus
from gateway.domain.resources import ApiKeyOwner, Order
from gateway.domain.validation import validate_order
from gateway.errors import NotFoundError
from gateway.services.auth import Credentials, authenticate, authenticated_read, owned
from gateway.services.idempotency import IdempotentRequest
from gateway.services.results import ApiResult
from gateway.services.views import created_order_view, order_view, public_order_view

ENDPOINT = "POST /api/v1/orders"


def create_order(credentials: Credentials, body: Any, idempotency_key: str | None) -> ApiResult:
    request = IdempotentRequest.of(credentials.api_key, ENDPOINT, idempotency_key, body)
    merchant, stored = read_concurrently(
        lambda: find_merchant_by_api_key(credentials.api_key), request.lookup
    )
    merchant = authenticate(merchant, credentials)
    replay = request.replay(stored)
    if replay is not None:
        return replay
    order_request = validate_order(body)
    now = now_iso()
    order = Order(
        id=new_order_id(),
        merchant_id=merchant.id,
        amount=order_request.amount,
        currency=order_request.currency,
        receipt=order_request.receipt,
        notes=order_request.notes,
        status=OrderStatus.CREATED,
        created_at=now,
        updated_at=now,
    )
    return request.commit(
        ApiResult(201, created_order_view(order)), lambda record: order_store.insert_order(order, record)
    )


def owned_order(merchant: ApiKeyOwner, order: Order | None) -> Order:
    return owned(merchant, order, "Order not found")


def get_order(credentials: Credentials, order_id: str) -> dict[str, Any]:
    merchant, order = authenticated_read(credentials, lambda: order_store.get_order(order_id))
    return order_view(owned_order(merchant, order))


def get_public_order(order_id: str) -> dict[str, Any]:
    order = order_store.get_order(order_id)
    if order is None:
        raise NotFoundError("Order not found")
    return public_order_view(order)
