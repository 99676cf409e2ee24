"""The orders table."""

from __future__ import annotations

from pynamodb.transactions import TransactWrite

from gateway.data.dynamo import get_resource, plain_attributes, resource_from, transact
from gateway.data.models import OrderModel
from gateway.domain.idempotency import IdempotencyRecord
from gateway.domain.resources import Order


def order_from(item: OrderModel) -> Order:
    return resource_from(item, Order)


def get_order(order_id: str) -> Order | None:
    return get_resource(OrderModel, order_id, Order)


def insert_order(order: Order, idempotency: IdempotencyRecord | None) -> None:
    def write(transaction: TransactWrite) -> None:
        transaction.save(OrderModel(**plain_attributes(order)), condition=OrderModel.id.does_not_exist())

    transact(write, idempotency)
