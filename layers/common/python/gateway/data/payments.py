"""The payments table: creation, settlement by the bank, capture."""

from __future__ import annotations

from collections.abc import Iterator

from pynamodb.transactions import TransactWrite

from gateway.data.dynamo import (
    get_resource,
    plain_attributes,
    resource_from,
    set_or_remove,
    transact,
    update_if,
)
from gateway.data.models import PaymentModel, bind_tables
from gateway.domain.idempotency import IdempotencyRecord
from gateway.domain.lifecycle import PaymentStatus
from gateway.domain.resources import Payment


def payment_from(item: PaymentModel) -> Payment:
    return resource_from(item, Payment)


def get_payment(payment_id: str) -> Payment | None:
    return get_resource(PaymentModel, payment_id, Payment)


def payments_newest_first(merchant_id: str, page_size: int = 100) -> Iterator[Payment]:
    bind_tables()
    items = PaymentModel.by_merchant.query(merchant_id, scan_index_forward=False, page_size=page_size)
    return (payment_from(item) for item in items)


def insert_payment(payment: Payment, idempotency: IdempotencyRecord | None) -> None:
    def write(transaction: TransactWrite) -> None:
        transaction.save(
            PaymentModel(**plain_attributes(payment)), condition=PaymentModel.id.does_not_exist()
        )

    transact(write, idempotency)


def settle_payment(settled: Payment) -> None:
    """Record the bank's outcome, once: ConflictError when the payment is no longer pending."""
    update_if(
        PaymentModel(settled.id),
        [
            PaymentModel.status.set(settled.status.value),
            set_or_remove(PaymentModel.error_code, settled.error_code),
            set_or_remove(PaymentModel.error_description, settled.error_description),
            PaymentModel.updated_at.set(settled.updated_at),
            PaymentModel.version.add(1),
        ],
        PaymentModel.status == PaymentStatus.PENDING.value,
    )


def mark_captured(captured: Payment, idempotency: IdempotencyRecord | None) -> None:
    """ConflictError when the payment is not (or no longer) successful."""

    def write(transaction: TransactWrite) -> None:
        transaction.update(
            PaymentModel(captured.id),
            actions=[
                PaymentModel.captured.set(True),
                PaymentModel.updated_at.set(captured.updated_at),
                PaymentModel.version.add(1),
            ],
            condition=PaymentModel.status == PaymentStatus.SUCCESS.value,
        )

    transact(write, idempotency)
