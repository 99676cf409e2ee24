"""The orders table."""

from __future__ import annotations

from pynamodb.transactions import TransactWrite

from gateway.data import dynamo
from gateway.data.models import OrderModel
from gateway.domain.idempotency import IdempotencyRecord
from gateway.domain.resources import Order


def order_from(item: OrderModel) -> Order:
    return dynamo.resource_from(item, Order)


def get_order(order_id: str) -> Order | None:
    return dynamo.get_resource(OrderModel, order_id, Order)


def insert_order(order: Order, idempotency: IdempotencyRecord | None) -> None:
    def write(transaction: TransactWrite) -> None:
        dynamo.save_new(transaction, OrderModel, order)

    dynamo.transact(write, idempotency)
