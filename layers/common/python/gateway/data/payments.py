"""The payments table: creation, settlement by the bank, capture."""

from __future__ import annotations

from collections.abc import Iterator

from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.indexes import GlobalSecondaryIndex

from gateway.data import dynamo, totals
from gateway.data.models import OrderModel, PaymentModel, RefundModel, bind_tables
from gateway.data.orders import merchant_status_key
from gateway.data.payment_links import check_link_open, mark_link_paid
from gateway.data.unfinished import pending_created_before, shard_of
from gateway.domain import money
from gateway.domain.idempotency import IdempotencyRecord
from gateway.domain.lifecycle import OrderStatus, PaymentStatus
from gateway.domain.listing import CreatedRange
from gateway.domain.resources import Order, Payment, Refund
from gateway.domain.shopper import PaymentSearch, PaymentSearchField, normalize_email


def get_payment(payment_id: str) -> Payment | None:
    return dynamo.get_resource(PaymentModel, payment_id, Payment)


def pending_payments_created_before(before: str, limit: int) -> list[Payment]:
    return pending_created_before(
        PaymentModel.unfinished_index, PaymentModel.created_at, before, limit, Payment
    )


def _created_within(created: CreatedRange | None) -> Condition | None:
    """The key condition on an index's `created_at` range key that keeps the range, None for no range."""
    if created is None:
        return None
    if created.start is not None and created.end is not None:
        return PaymentModel.created_at.between(created.start, created.end)
    if created.start is not None:
        return PaymentModel.created_at >= created.start
    return PaymentModel.created_at <= created.end


def payments_newest_first(
    merchant_id: str, page_size: int = 100, created: CreatedRange | None = None
) -> Iterator[Payment]:
    """The merchant's payments, newest first; with `created`, only those created in it (the index's range
    key: a Query that reads nothing outside the range)."""
    bind_tables()
    items = PaymentModel.by_merchant.query(
        merchant_id, _created_within(created), scan_index_forward=False, page_size=page_size
    )
    return (dynamo.resource_from(item, Payment) for item in items)


def _search_keys(payment: Payment) -> dict[str, str]:
    """The payment's keys in the search indexes: `<merchant id>#<value>` for each value it has."""
    values = {
        "search_email": normalize_email(payment.email) if payment.email else None,
        "search_contact": payment.contact,
        "search_card_last4": payment.card_last4,
    }
    return {name: f"{payment.merchant_id}#{value}" for name, value in values.items() if value}


_SEARCH_INDEXES = {
    PaymentSearchField.EMAIL: PaymentModel.by_email,
    PaymentSearchField.CONTACT: PaymentModel.by_contact,
    PaymentSearchField.CARD_LAST4: PaymentModel.by_card_last4,
}


def _newest_by_keys(
    index: GlobalSecondaryIndex[PaymentModel],
    partition: str,
    count: int,
    created: CreatedRange | None = None,
) -> list[Payment]:
    """The newest `count` payments of a keys-only index's partition (created in `created`, if given): one
    Query, then one BatchGetItem."""
    bind_tables()
    if not dynamo.can_be_a_key(partition):
        return []
    query = index.query(partition, _created_within(created), scan_index_forward=False, limit=count)
    ids = [item.id for item in query]
    items = {item.id: item for item in PaymentModel.batch_get(ids)} if ids else {}
    return [dynamo.resource_from(items[i], Payment) for i in ids if i in items]


def payments_found(
    merchant_id: str, search: PaymentSearch, count: int, created: CreatedRange | None = None
) -> list[Payment]:
    """The merchant's newest `count` payments whose field has the value (created in `created`, if given)."""
    return _newest_by_keys(_SEARCH_INDEXES[search.field], f"{merchant_id}#{search.value}", count, created)


# Far more than any order takes: every attempt is a payment, and a paid order takes no more.
MAX_PAYMENTS_PER_ORDER = 100


def latest_payment_of_order(order_id: str) -> Payment | None:
    """The order's newest payment, None when it has none (the `by_order` index, eventually consistent: a
    payment made a moment ago may not be there yet)."""
    newest = _newest_by_keys(PaymentModel.by_order, order_id, 1)
    return newest[0] if newest else None


def payments_of_order(order_id: str) -> list[Payment]:
    """The order's payments, newest first."""
    return _newest_by_keys(PaymentModel.by_order, order_id, MAX_PAYMENTS_PER_ORDER)


def insert_payment(
    payment: Payment, order: Order, order_after: Order, idempotency: IdempotencyRecord | None
) -> None:
    """Insert the payment and, when it is the order's first, move the order to `attempted`; either way on
    condition that the order is still in the state read (so never on a paid order), and that its payment
    link, if it has one, is still open. ConflictError when the order or the link changed meanwhile."""
    unchanged = OrderModel.status == order.status.value

    def write(transaction: dynamo.Transaction) -> None:
        dynamo.save_new(
            transaction, PaymentModel, payment, unfinished=shard_of(payment.id), **_search_keys(payment)
        )
        _add_to_totals(transaction, payment, money.on_created())
        if order.payment_link_id is not None:
            check_link_open(transaction, order.payment_link_id)
        if order_after.version == order.version:
            transaction.condition_check(OrderModel, order.id, condition=unchanged)
        else:
            transaction.update(OrderModel(order.id), actions=_order_change(order_after), condition=unchanged)

    dynamo.transact(write, idempotency)


def _order_change(order: Order) -> list[Action]:
    return [
        OrderModel.status.set(order.status.value),
        OrderModel.merchant_status.set(merchant_status_key(order)),
        OrderModel.updated_at.set(order.updated_at),
        OrderModel.version.add(1),
    ]


def _settlement(settled: Payment) -> list[Action]:
    return [
        PaymentModel.status.set(settled.status.value),
        dynamo.set_or_remove(PaymentModel.error_code, settled.error_code),
        dynamo.set_or_remove(PaymentModel.error_description, settled.error_description),
        PaymentModel.updated_at.set(settled.updated_at),
        PaymentModel.version.add(1),
        PaymentModel.unfinished.remove(),
    ]


_STILL_PENDING = PaymentModel.status == PaymentStatus.PENDING.value


def _add_to_totals(transaction: dynamo.Transaction, payment: Payment, change: money.TotalsChange) -> None:
    totals.add_change(
        transaction, payment.merchant_id, payment.currency, payment.created_at, payment.id, change
    )


def _capture(captured: Payment) -> list[Action]:
    return [PaymentModel.captured.set(True), PaymentModel.captured_amount.set(captured.captured_amount)]


def settle_payment(settled: Payment) -> None:
    """Record the bank's outcome, once: ConflictError when the payment is no longer pending."""
    dynamo.update_if(PaymentModel(settled.id), _settlement(settled), _STILL_PENDING)


def settle_payment_paying_order(settled: Payment, paid: Order) -> None:
    """Record a success and mark the order paid (and its payment link, if it has one), in one transaction:
    ConflictError when the payment is no longer pending or the order was paid meanwhile (by another of its
    payments). A `settled` payment that is captured (its order's `payment_capture`) is captured by the same
    write."""

    def write(transaction: dynamo.Transaction) -> None:
        actions = [*_settlement(settled), PaymentModel.pays_order.set(True)]
        if settled.captured:
            actions += _capture(settled)
        transaction.update(PaymentModel(settled.id), actions=actions, condition=_STILL_PENDING)
        _add_to_totals(transaction, settled, money.on_success(settled))
        transaction.update(
            OrderModel(paid.id),
            actions=_order_change(paid),
            condition=OrderModel.status != OrderStatus.PAID.value,
        )
        if paid.payment_link_id is not None:
            mark_link_paid(transaction, paid.payment_link_id, settled.updated_at)

    dynamo.transact(write, None)


def settle_payment_refunding_in_full(settled: Payment, refund: Refund) -> None:
    """Record a success on an order another payment already paid, together with the refund of all of it, in
    one transaction: the payment's pending condition makes the pair happen once. ConflictError when the
    payment is no longer pending."""

    def write(transaction: dynamo.Transaction) -> None:
        transaction.update(
            PaymentModel(settled.id),
            actions=[*_settlement(settled), PaymentModel.refunded_amount.set(refund.amount)],
            condition=_STILL_PENDING,
        )
        _add_to_totals(
            transaction, settled, money.on_success(settled) + money.on_refund(settled, refund.amount)
        )
        dynamo.save_new(transaction, RefundModel, refund, unfinished=shard_of(refund.id))

    dynamo.transact(write, None)


def mark_captured(payment: Payment, captured: Payment, idempotency: IdempotencyRecord | None) -> None:
    """Record the capture that moved `payment` to `captured`, adding what it took to the merchant's totals.
    A payment captured already is left as it is (no new version) and only the idempotency record is written.
    ConflictError when the payment is not successful or changed since it was read (its version moved: a
    concurrent capture, or a refund that lowered what can be captured)."""
    as_read = (PaymentModel.status == PaymentStatus.SUCCESS.value) & (PaymentModel.version == payment.version)

    def write(transaction: dynamo.Transaction) -> None:
        if captured.version == payment.version:
            transaction.condition_check(PaymentModel, payment.id, condition=as_read)
            return
        transaction.update(
            PaymentModel(payment.id),
            actions=[
                *_capture(captured),
                PaymentModel.updated_at.set(captured.updated_at),
                PaymentModel.version.add(1),
            ],
            condition=as_read,
        )
        _add_to_totals(transaction, payment, money.on_capture(payment))

    dynamo.transact(write, idempotency)
