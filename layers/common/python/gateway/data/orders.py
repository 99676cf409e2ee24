"""The orders table."""

from __future__ import annotations

from gateway.data import dynamo
from gateway.data.models import OrderModel
from gateway.domain.idempotency import IdempotencyRecord
from gateway.domain.resources import Order
from gateway.errors import ConflictError


def order_from(item: OrderModel) -> Order:
    return dynamo.resource_from(item, Order)


def get_order(order_id: str) -> Order | None:
    return dynamo.get_resource(OrderModel, order_id, Order)


def insert_order(order: Order, idempotency: IdempotencyRecord | None) -> None:
    if idempotency is None:
        # One item needs no transaction: a conditional put costs half the write units of a transacted one.
        if not dynamo.insert_if_absent(OrderModel, order):
            raise ConflictError("an order with this id exists")
        return

    def write(transaction: dynamo.Transaction) -> None:
        dynamo.save_new(transaction, OrderModel, order)

    dynamo.transact(write, idempotency)
