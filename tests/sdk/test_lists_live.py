"""`client.orders.list`, `client.refunds.list` and the payments search and time range against the live
stack: typed pages with `has_more`, their cursors and filters, and iteration across pages."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from gateway_client import BadRequestError, Client, OrderPage, RefundPage, iso

pytestmark = pytest.mark.integration


def test_orders_list_in_typed_pages_that_say_whether_more_follow(client: Client) -> None:
    # GIVEN three orders, the newest paid
    made = [client.orders.create(amount=10000 + i) for i in range(3)]
    paid = client.payments.create_upi(made[-1].id, "success@upi")
    client.payments.wait_until_final(paid.id, timeout=30, interval=0.2)
    client.orders.wait_until(made[-1].id, lambda order: order.status == "paid", timeout=30, interval=0.2)

    # WHEN they are listed two at a time
    first = client.orders.list(limit=2)
    second = client.orders.list(limit=2, starting_after=first.data[-1].id)

    # THEN the pages are typed, newest first, and only the first says more follow
    assert isinstance(first, OrderPage) and first.has_more and not second.has_more
    assert [order.id for order in [*first, *second]] == [order.id for order in reversed(made)]
    assert first.data[0].amount == 10002 and first.data[0].status == "paid"
    assert [order.id for order in client.orders.list(status="paid")] == [made[-1].id]
    assert [order.id for order in client.orders.iterate(page_size=1)] == [
        order.id for order in reversed(made)
    ]


def test_refunds_list_all_or_one_payments_across_pages(client: Client) -> None:
    order = client.orders.create(amount=50000)
    payment = client.payments.wait_until_final(
        client.payments.create_upi(order.id, "success@upi").id, timeout=30, interval=0.2
    )
    refunds = [client.refunds.create(payment.id, amount=1000 + i) for i in range(3)]

    page = client.refunds.list(limit=2)
    assert isinstance(page, RefundPage) and page.has_more and len(page) == 2
    assert [refund.id for refund in page] == [refunds[2].id, refunds[1].id]
    assert [refund.id for refund in client.refunds.iterate(payment.id, page_size=2)] == [
        refund.id for refund in reversed(refunds)
    ]
    assert client.refunds.list(payment.id, limit=1, starting_after=refunds[0].id).data == []


def test_payments_are_found_by_the_shoppers_email_contact_and_the_cards_last_four(client: Client) -> None:
    order = client.orders.create(amount=50000)
    payment = client.payments.create(
        order.id, "upi", vpa="asha@okbank", email="asha@example.com", contact="+91 98765 43210"
    )
    assert (payment.email, payment.contact) == ("asha@example.com", "+919876543210")
    assert [found.id for found in client.payments.list(email="ASHA@example.com")] == [payment.id]
    assert [found.id for found in client.payments.list(contact="+919876543210")] == [payment.id]
    assert client.payments.list(card_last4="1111") == []
    with pytest.raises(BadRequestError):
        client.orders.list(limit=0)


def test_payments_list_by_creation_time_each_with_its_orders_status(client: Client) -> None:
    # GIVEN a paid order's payment, created a moment ago
    order = client.orders.create(amount=50000)
    payment = client.payments.wait_until_final(
        client.payments.create_upi(order.id, "success@upi").id, timeout=30, interval=0.2
    )
    created = datetime.fromisoformat(str(payment.created_at).replace("Z", "+00:00"))

    # THEN a range around its creation finds it with its order's status, and a range before it does not
    around = client.payments.list(created_from=created - timedelta(seconds=1), created_to=created)
    assert [(found.id, found.order_status, found.auto_refunded) for found in around] == [
        (payment.id, "paid", False)
    ]
    earlier = created - timedelta(seconds=1)
    assert client.payments.list(created_from=earlier - timedelta(seconds=60), created_to=iso(earlier)) == []
    with pytest.raises(BadRequestError):
        client.payments.list(created_from=created, created_to=created - timedelta(seconds=2))
