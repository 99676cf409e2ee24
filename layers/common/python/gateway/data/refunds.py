"""The refunds table, its indexes (by payment, by merchant), and each payment's running refunded total."""

from __future__ import annotations

from pynamodb.indexes import GlobalSecondaryIndex

from gateway.data import dynamo
from gateway.data.models import PaymentModel, RefundModel, bind_tables
from gateway.data.pages import PagePosition, newest_first
from gateway.data.unfinished import pending_created_before, shard_of
from gateway.domain.idempotency import IdempotencyRecord
from gateway.domain.lifecycle import PaymentStatus, RefundStatus
from gateway.domain.resources import Payment, Refund


def get_refund(refund_id: str) -> Refund | None:
    return dynamo.get_resource(RefundModel, refund_id, Refund)


def pending_refunds_created_before(before: str, limit: int) -> list[Refund]:
    return pending_created_before(RefundModel.unfinished_index, RefundModel.created_at, before, limit, Refund)


def list_refunds_for_payment(payment_id: str) -> list[Refund]:
    bind_tables()
    if not dynamo.can_be_a_key(payment_id):
        return []
    items = RefundModel.by_payment.query(payment_id, scan_index_forward=False)
    return [dynamo.resource_from(item, Refund) for item in items]


def refunds_page(
    merchant_id: str, payment_id: str | None, after: Refund | None, limit: int
) -> tuple[list[Refund], bool]:
    """A page of the merchant's refunds (of one payment, when given: the caller has checked that it is
    the merchant's), newest first, and whether more follow."""
    index: GlobalSecondaryIndex[RefundModel]
    if payment_id is None:
        index, partition = RefundModel.by_merchant, merchant_id
    else:
        index, partition = RefundModel.by_payment, payment_id
    position = PagePosition(after.id, after.created_at) if after is not None else None
    items, has_more = newest_first(index, partition, position, limit)
    return [dynamo.resource_from(item, Refund) for item in items], has_more


def add_refund_within_total(refund: Refund, payment: Payment, idempotency: IdempotencyRecord | None) -> None:
    """Insert the refund and add it to the payment's refunded total, on condition that the total stays
    within the payment's amount (checked inside the transaction, so concurrent refunds cannot overshoot).
    ConflictError otherwise."""

    def write(transaction: dynamo.Transaction) -> None:
        dynamo.save_new(transaction, RefundModel, refund, unfinished=shard_of(refund.id))
        transaction.update(
            PaymentModel(payment.id),
            actions=[PaymentModel.refunded_amount.add(refund.amount), PaymentModel.version.add(1)],
            condition=(PaymentModel.status == PaymentStatus.SUCCESS.value)
            & (PaymentModel.refunded_amount <= payment.amount - refund.amount),
        )

    dynamo.transact(write, idempotency)


def mark_refund_processed(processed: Refund) -> None:
    """ConflictError when the refund is no longer pending (processed by a concurrent delivery)."""
    dynamo.update_if(
        RefundModel(processed.id),
        [
            RefundModel.status.set(processed.status.value),
            dynamo.set_or_remove(RefundModel.processed_at, processed.processed_at),
            RefundModel.updated_at.set(processed.updated_at),
            RefundModel.version.add(1),
            RefundModel.unfinished.remove(),
        ],
        RefundModel.status == RefundStatus.PENDING.value,
    )
