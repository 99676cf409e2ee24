"""The payment-links table: a link and the order it makes, written together; its list, expiry and end."""

from __future__ import annotations

from gateway.data import dynamo
from gateway.data.models import OrderModel, PaymentLinkModel, bind_tables
from gateway.data.orders import merchant_status_key
from gateway.data.unfinished import older_than, shard_of
from gateway.domain.idempotency import IdempotencyRecord
from gateway.domain.lifecycle import PaymentLinkStatus
from gateway.domain.payment_links import PaymentLink
from gateway.domain.resources import Order


def _created_key(link: PaymentLink) -> str:
    return f"{link.created_at}#{link.id}"


def get_payment_link(link_id: str) -> PaymentLink | None:
    return dynamo.get_resource(PaymentLinkModel, link_id, PaymentLink)


def insert_payment_link(link: PaymentLink, order: Order, idempotency: IdempotencyRecord | None) -> None:
    """The link and its order, all or nothing. A link with an `expire_by` joins the sweep's index."""
    expiring = {"unfinished": shard_of(link.id)} if link.expire_by else {}

    def write(transaction: dynamo.Transaction) -> None:
        dynamo.save_new(transaction, OrderModel, order, merchant_status=merchant_status_key(order))
        dynamo.save_new(transaction, PaymentLinkModel, link, created_key=_created_key(link), **expiring)

    dynamo.transact(write, idempotency)


def page_payment_links(
    merchant_id: str, limit: int, after: PaymentLink | None
) -> tuple[list[PaymentLink], bool]:
    """One page of the merchant's links, newest first, and whether more follow. `after` bounds the range by
    its sort key, so links created meanwhile cannot shift later pages."""
    bind_tables()
    condition = PaymentLinkModel.created_key < _created_key(after) if after is not None else None
    items = PaymentLinkModel.by_merchant.query(
        merchant_id, condition, scan_index_forward=False, page_size=min(100, limit + 1)
    )
    page: list[PaymentLink] = []
    for item in items:
        if len(page) == limit:
            return page, True
        page.append(dynamo.resource_from(item, PaymentLink))
    return page, False


def open_links_expiring_before(before: str, limit: int) -> list[PaymentLink]:
    """Open links whose `expire_by` is before `before` (ISO), at most `limit` per shard."""
    items = older_than(PaymentLinkModel.open_index, PaymentLinkModel.expire_by, before, limit)
    return [dynamo.resource_from(item, PaymentLink) for item in items]


def close_payment_link(closed: PaymentLink) -> None:
    """Record that an open link expired or was cancelled: ConflictError unless it is still `created`."""
    dynamo.update_if(
        PaymentLinkModel(closed.id),
        [
            PaymentLinkModel.status.set(closed.status.value),
            PaymentLinkModel.updated_at.set(closed.updated_at),
            PaymentLinkModel.version.add(1),
            PaymentLinkModel.unfinished.remove(),
        ],
        PaymentLinkModel.status == PaymentLinkStatus.CREATED.value,
    )


def check_link_open(transaction: dynamo.Transaction, link_id: str) -> None:
    """Part of a payment's transaction on a link's order: the link must still be open (a cancel or expiry
    that lands first makes the payment's insert fail)."""
    condition = PaymentLinkModel.status == PaymentLinkStatus.CREATED.value
    transaction.condition_check(PaymentLinkModel, link_id, condition=condition)


def mark_link_paid(transaction: dynamo.Transaction, link_id: str, at: str) -> None:
    """Part of the settlement that pays a link's order: the link is paid and leaves the sweep's index."""
    transaction.update(
        PaymentLinkModel(link_id),
        actions=[
            PaymentLinkModel.status.set(PaymentLinkStatus.PAID.value),
            PaymentLinkModel.updated_at.set(at),
            PaymentLinkModel.version.add(1),
            PaymentLinkModel.unfinished.remove(),
        ],
        condition=PaymentLinkModel.status != PaymentLinkStatus.PAID.value,
    )
