"""The merchant's lists: orders and refunds pages (`has_more`, `starting_after`, filters), the events of
one payment, and the payments search by the shopper's email, contact or the card's last four digits."""

from __future__ import annotations

from typing import Any

import pytest

from tests.cards import VALID_CARD
from tests.unit.conftest import Api, settle


def listed(api: Api, path: str) -> dict[str, Any]:
    status, body, _ = api.call("GET", path)
    assert status == 200, body
    assert set(body) == {"data", "has_more"}
    return dict(body)


def ids(page: dict[str, Any]) -> list[str]:
    return [item["id"] for item in page["data"]]


def refund(api: Api, payment_id: str, amount: int = 1000) -> dict[str, Any]:
    status, body, _ = api.call("POST", f"/api/v1/payments/{payment_id}/refunds", {"amount": amount})
    assert status == 201, body
    return dict(body)


def card_payment(api: Api, number: str = VALID_CARD["number"], **shopper: Any) -> dict[str, Any]:
    order = api.create_order()
    card = {**VALID_CARD, "number": number}
    body = {"order_id": order["id"], "method": "card", "card": card, **shopper}
    status, created, _ = api.call("POST", "/api/v1/payments", body)
    assert status == 201, created
    return dict(created)


# ---------------------------------------------------------------- orders


def test_orders_are_listed_newest_first_in_pages_that_say_whether_more_follow(api):
    # GIVEN five orders
    made = [api.create_order(amount=10000 + i)["id"] for i in range(5)]

    # WHEN they are read two at a time, each page after the last one's final order
    first = listed(api, "/api/v1/orders?limit=2")
    second = listed(api, f"/api/v1/orders?limit=2&starting_after={first['data'][-1]['id']}")
    third = listed(api, f"/api/v1/orders?limit=2&starting_after={second['data'][-1]['id']}")

    # THEN every order is listed once, newest first, and only the last page says nothing follows
    assert ids(first) + ids(second) + ids(third) == list(reversed(made))
    assert [first["has_more"], second["has_more"], third["has_more"]] == [True, True, False]
    assert first["data"][0]["amount"] == 10004 and first["data"][0]["status"] == "created"
    assert listed(api, "/api/v1/orders")["has_more"] is False  # 20 by default


def test_orders_filter_by_status_as_their_payments_move_them(api):
    # GIVEN an order never paid, one attempted and one paid
    untouched = api.create_order()
    attempted = api.create_order()
    api.create_upi_payment(attempted["id"])
    paid = api.create_order()
    settle(api.create_upi_payment(paid["id"])["id"])

    # THEN each status lists its own order only
    assert ids(listed(api, "/api/v1/orders?status=created")) == [untouched["id"]]
    assert ids(listed(api, "/api/v1/orders?status=attempted")) == [attempted["id"]]
    assert ids(listed(api, "/api/v1/orders?status=paid")) == [paid["id"]]
    assert listed(api, "/api/v1/orders?status=paid")["data"][0]["amount_paid"] == paid["amount"]


def test_an_order_created_with_an_idempotency_key_is_listed_by_its_status(api):
    status, order, _ = api.call("POST", "/api/v1/orders", {"amount": 777}, headers={"Idempotency-Key": "k-1"})
    assert status == 201
    assert ids(listed(api, "/api/v1/orders?status=created")) == [order["id"]]


def test_a_page_after_an_order_that_has_since_changed_status_continues_behind_it(api):
    # GIVEN three unpaid orders, read one a page
    made = [api.create_order()["id"] for _ in range(3)]
    first = listed(api, "/api/v1/orders?status=created&limit=1")
    assert ids(first) == [made[2]]

    # WHEN that order moves on before the next page is read
    api.create_upi_payment(made[2])

    # THEN the next page starts behind it all the same
    assert ids(listed(api, f"/api/v1/orders?status=created&limit=1&starting_after={made[2]}")) == [made[1]]


def test_another_merchants_orders_are_never_listed_nor_a_cursor(api, other_api):
    mine = api.create_order()
    theirs = other_api.create_order()
    assert ids(listed(api, "/api/v1/orders")) == [mine["id"]]
    status, body, _ = api.call("GET", f"/api/v1/orders?starting_after={theirs['id']}")
    assert status == 400 and body["error"]["field"] == "starting_after"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=ten", "limit"),
        ("limit=-1", "limit"),
        ("starting_after=pay_aaaaaaaaaaaaaaaa", "starting_after"),
        ("starting_after=order_nope", "starting_after"),
        ("starting_after=order_AAAAAAAAAAAAAAAA", "starting_after"),  # well formed, never made
        ("status=refunded", "status"),
    ],
)
def test_a_bad_orders_query_is_400_naming_the_parameter(api, query, field):
    status, body, _ = api.call("GET", f"/api/v1/orders?{query}")
    assert status == 400, body
    assert body["error"]["code"] == "BAD_REQUEST_ERROR" and body["error"]["field"] == field


def test_lists_need_credentials(client):
    for path in ("/api/v1/orders", "/api/v1/refunds"):
        response = client.http.get(path)
        assert response.status_code == 401


def test_an_orders_payments_are_listed_newest_first_and_only_to_its_merchant(api, other_api):
    order = api.create_order()
    failed = api.create_upi_payment(order["id"], vpa="failure@upi")
    settle(failed["id"])
    paid = api.create_upi_payment(order["id"])
    api.create_upi_payment()  # another order's

    status, body, _ = api.call("GET", f"/api/v1/orders/{order['id']}/payments")
    assert status == 200
    assert [(payment["id"], payment["status"]) for payment in body] == [
        (paid["id"], "pending"),
        (failed["id"], "failed"),
    ]
    status, body, _ = other_api.call("GET", f"/api/v1/orders/{order['id']}/payments")
    assert status == 404 and body["error"]["description"] == "Order not found"


# ---------------------------------------------------------------- refunds


def test_refunds_are_listed_newest_first_and_filter_by_payment(api, pipeline):
    # GIVEN two successful payments with refunds
    one, two = api.create_upi_payment(), api.create_upi_payment()
    settle(one["id"])
    settle(two["id"])
    first, second, third = refund(api, one["id"]), refund(api, two["id"]), refund(api, one["id"])

    # THEN all three are listed newest first, and the filter keeps one payment's
    everything = listed(api, "/api/v1/refunds")
    assert ids(everything) == [third["id"], second["id"], first["id"]]
    assert everything["data"][0]["payment_id"] == one["id"] and everything["data"][0]["amount"] == 1000
    assert ids(listed(api, f"/api/v1/refunds?payment_id={one['id']}")) == [third["id"], first["id"]]

    # AND pages follow one another
    page = listed(api, f"/api/v1/refunds?payment_id={one['id']}&limit=1")
    assert ids(page) == [third["id"]] and page["has_more"] is True
    rest = listed(api, f"/api/v1/refunds?payment_id={one['id']}&limit=1&starting_after={third['id']}")
    assert ids(rest) == [first["id"]] and rest["has_more"] is False


def test_another_merchants_refunds_are_never_listed(api, other_api):
    theirs = other_api.create_upi_payment()
    settle(theirs["id"])
    their_refund = refund(other_api, theirs["id"])
    assert listed(api, "/api/v1/refunds")["data"] == []
    assert listed(api, f"/api/v1/refunds?payment_id={theirs['id']}") == {"data": [], "has_more": False}
    status, body, _ = api.call("GET", f"/api/v1/refunds?starting_after={their_refund['id']}")
    assert status == 400 and body["error"]["field"] == "starting_after"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=1000", "limit"),
        ("starting_after=order_aaaaaaaaaaaaaaaa", "starting_after"),
        ("payment_id=rfnd_aaaaaaaaaaaaaaaa", "payment_id"),
    ],
)
def test_a_bad_refunds_query_is_400(api, query, field):
    status, body, _ = api.call("GET", f"/api/v1/refunds?{query}")
    assert status == 400 and body["error"]["field"] == field


# ---------------------------------------------------------------- events of one payment


def test_events_filter_by_payment_its_refunds_and_the_order_it_paid(api, pipeline):
    # GIVEN a payment that paid its order and was refunded, and another payment of the same merchant
    payment = api.create_upi_payment()
    other = api.create_upi_payment()
    pipeline.run_until(lambda: len(listed(api, "/api/v1/events")["data"]) == 8)
    made = refund(api, payment["id"])
    pipeline.run_until(lambda: len(listed(api, f"/api/v1/events?payment_id={payment['id']}")["data"]) == 6)

    # WHEN its events are listed
    page = listed(api, f"/api/v1/events?payment_id={payment['id']}")

    # THEN they are its own, its refund's and its order's, newest first in the order they happened
    types = [event["type"] for event in page["data"]]
    assert types == [
        "refund.processed",
        "refund.created",
        "order.paid",
        "payment.success",
        "payment.pending",
        "payment.created",
    ]
    assert page["data"][0]["data"]["refund"]["id"] == made["id"]
    assert all(other["id"] not in str(event["data"]) for event in page["data"])

    # AND the other filters and the cursor apply to them
    only = listed(api, f"/api/v1/events?payment_id={payment['id']}&type=payment.success")
    assert [event["type"] for event in only["data"]] == ["payment.success"]
    first = listed(api, f"/api/v1/events?payment_id={payment['id']}&limit=4")
    rest = listed(
        api, f"/api/v1/events?payment_id={payment['id']}&limit=4&starting_after={first['data'][-1]['id']}"
    )
    assert first["has_more"] is True and rest["has_more"] is False
    assert ids(first) + ids(rest) == ids(page)


def test_events_of_another_merchants_payment_are_never_listed(api, other_api, pipeline):
    theirs = other_api.create_upi_payment()
    pipeline.run_until(lambda: len(listed(other_api, "/api/v1/events")["data"]) == 4)
    assert listed(api, f"/api/v1/events?payment_id={theirs['id']}") == {"data": [], "has_more": False}
    status, body, _ = api.call("GET", "/api/v1/events?payment_id=order_aaaaaaaaaaaaaaaa")
    assert status == 400 and body["error"]["field"] == "payment_id"


# ---------------------------------------------------------------- shopper details and search


def test_a_payment_keeps_the_shoppers_email_and_contact_in_its_views(api):
    created = card_payment(api, email="Asha@Example.com", contact="+91 98765-43210")
    assert created["email"] == "Asha@Example.com" and created["contact"] == "+919876543210"
    status, stored, _ = api.call("GET", f"/api/v1/payments/{created['id']}")
    assert status == 200 and (stored["email"], stored["contact"]) == ("Asha@Example.com", "+919876543210")
    plain = api.create_upi_payment()
    assert (plain["email"], plain["contact"]) == (None, None)
    public = api.call("GET", f"/api/v1/payments/{created['id']}/public")[1]
    assert "email" not in public and "contact" not in public  # a shopper's browser sees no personal data


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"email": "not-an-address"}, "email"),
        ({"email": "a@b"}, "email"),
        ({"email": "a b@example.com"}, "email"),
        ({"email": "x" * 250 + "@example.com"}, "email"),
        ({"email": 42}, "email"),
        ({"email": ""}, "email"),
        ({"contact": "12345"}, "contact"),
        ({"contact": "98765abc43"}, "contact"),
        ({"contact": "++9198765432"}, "contact"),
        ({"contact": "9" * 16}, "contact"),
        ({"contact": " " * 1000}, "contact"),
        ({"contact": 9876543210}, "contact"),
    ],
)
def test_a_bad_email_or_contact_is_400_and_makes_no_payment(api, extra, field):
    order = api.create_order()
    body = {"order_id": order["id"], "method": "upi", "vpa": "user@paytm", **extra}
    status, answer, _ = api.call("POST", "/api/v1/payments", body)
    assert status == 400 and answer["error"]["field"] == field
    assert api.call("GET", "/api/v1/payments")[1] == []


def test_payments_are_found_by_email_contact_or_the_cards_last_four(api, other_api):
    # GIVEN payments by two shoppers, and one by the first shopper at another merchant
    asha_card = card_payment(api, email="asha@example.com", contact="+919876543210")
    asha_upi = api.call(
        "POST",
        "/api/v1/payments",
        {
            "order_id": api.create_order()["id"],
            "method": "upi",
            "vpa": "asha@okbank",
            "email": "ASHA@example.com",
        },
    )[1]
    ravi = card_payment(api, number="5555555555554444", email="ravi@example.com", contact="9123456789")
    card_payment(other_api, email="asha@example.com", contact="+919876543210")

    def found(query: str) -> list[str]:
        status, body, _ = api.call("GET", f"/api/v1/payments?{query}")
        assert status == 200, body
        return [payment["id"] for payment in body]

    # THEN each search finds that merchant's matching payments, newest first, whatever the email's case
    assert found("email=Asha@Example.com") == [asha_upi["id"], asha_card["id"]]
    assert found("contact=%2B91%2098765%2043210") == [asha_card["id"]]
    assert found("card_last4=1111") == [asha_card["id"]]
    assert found("card_last4=4444") == [ravi["id"]]
    assert found("email=nobody@example.com") == []
    assert found("email=asha@example.com&limit=1&offset=1") == [asha_card["id"]]


@pytest.mark.parametrize(
    "query",
    [
        "card_last4=123",
        "card_last4=12345",
        "contact=12",
        "email=a@b.c&contact=9123456789",
        "email=" + "x" * 300,
    ],
)
def test_a_bad_search_is_400(api, query):
    status, body, _ = api.call("GET", f"/api/v1/payments?{query}")
    assert status == 400 and body["error"]["code"] == "BAD_REQUEST_ERROR"
