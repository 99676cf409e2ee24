"""The orders table, and its indexes of a merchant's orders (all, and by status) for the list."""

from __future__ import annotations

from collections.abc import Iterable

from pynamodb.indexes import GlobalSecondaryIndex

from gateway.data import dynamo
from gateway.data.models import OrderModel, bind_tables
from gateway.data.pages import PagePosition, newest_first
from gateway.domain.idempotency import IdempotencyRecord
from gateway.domain.lifecycle import OrderStatus
from gateway.domain.resources import Order
from gateway.errors import ConflictError


def order_from(item: OrderModel) -> Order:
    return dynamo.resource_from(item, Order)


def get_order(order_id: str) -> Order | None:
    return dynamo.get_resource(OrderModel, order_id, Order)


def order_statuses(order_ids: Iterable[str]) -> dict[str, OrderStatus]:
    """The current status of each order, by id, read together: pynamodb's `batch_get` sends one
    BatchGetItem per 100 keys (DynamoDB's limit) and asks again for any it left unprocessed. An id with no
    order is absent."""
    bind_tables()
    ids = sorted({order_id for order_id in order_ids if dynamo.can_be_a_key(order_id)})
    if not ids:
        return {}
    items = OrderModel.batch_get(ids, attributes_to_get=["id", "status"])
    return {item.id: OrderStatus(item.status) for item in items}


def merchant_status_key(order: Order) -> str:
    """The order's key in `by_merchant_status`: every write that sets its status sets this with it."""
    return f"{order.merchant_id}#{order.status.value}"


def insert_order(order: Order, idempotency: IdempotencyRecord | None) -> None:
    if idempotency is None:
        # One item needs no transaction: a conditional put costs half the write units of a transacted one.
        item = OrderModel(**dynamo.plain_attributes(order), merchant_status=merchant_status_key(order))
        if not dynamo.put_if_absent(item):
            raise ConflictError("an order with this id exists")
        return

    def write(transaction: dynamo.Transaction) -> None:
        save_new_order(transaction, order)

    dynamo.transact(write, idempotency)


def save_new_order(transaction: dynamo.Transaction, order: Order) -> None:
    """Add a new order, with its index keys, to a transaction."""
    dynamo.save_new(transaction, OrderModel, order, merchant_status=merchant_status_key(order))


def orders_page(
    merchant_id: str, status: OrderStatus | None, after: Order | None, limit: int
) -> tuple[list[Order], bool]:
    """A page of the merchant's orders (in `status`, when given), newest first, and whether more follow."""
    index: GlobalSecondaryIndex[OrderModel]
    if status is None:
        index, partition = OrderModel.by_merchant, merchant_id
    else:
        index, partition = OrderModel.by_merchant_status, f"{merchant_id}#{status.value}"
    position = PagePosition(after.id, after.created_at) if after is not None else None
    items, has_more = newest_first(index, partition, position, limit)
    return [order_from(item) for item in items], has_more
