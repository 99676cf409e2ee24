"""Payment links: creation with their own order, reads and lists, cancel, expiry by the reconciliation sweep,
paid once (a second payment refused), and `payment_link.paid` through the outbox."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from gateway.domain.clock import iso
from gateway.domain.ids import has_prefix_format
from gateway.domain.lifecycle import PaymentLinkStatus
from gateway.domain.payment_links import PaymentLink
from gateway.services.reconciliation import reconcile

from tests.unit.conftest import settle

LINKS = "/api/v1/payment_links"
PUBLIC = {"X-Api-Key": "", "X-Api-Secret": ""}


def create_link(api, **fields):
    status, body, _ = api.call("POST", LINKS, {"amount": 50000, **fields})
    assert status == 201, body
    return body


def pay_publicly(api, order_id, vpa="shopper@ybl"):
    return api.call(
        "POST", "/api/v1/payments/public", {"order_id": order_id, "method": "upi", "vpa": vpa}, headers=PUBLIC
    )


def link_status(api, link_id):
    return api.call("GET", f"{LINKS}/{link_id}")[1]["status"]


def test_create_returns_the_link_with_its_own_order(api):
    expire_by = iso(datetime.now(UTC) + timedelta(days=2))
    link = create_link(
        api,
        description="Masala Chai Gift Box",
        receipt="inv_42",
        return_url="https://shop.example/thank-you",
        expire_by=expire_by,
    )
    assert has_prefix_format(link["id"], "plink_")
    assert link["status"] == "created" and link["amount"] == 50000 and link["currency"] == "INR"
    assert link["url"] == f"http://localhost:3001/pay/{link['id']}"
    assert (link["description"], link["receipt"], link["return_url"]) == (
        "Masala Chai Gift Box",
        "inv_42",
        "https://shop.example/thank-you",
    )
    assert link["expire_by"] == expire_by and link["version"] == 1
    status, order, _ = api.call("GET", f"/api/v1/orders/{link['order_id']}")
    assert status == 200 and order["amount"] == 50000 and order["receipt"] == "inv_42"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"amount": 99}, "amount"),
        ({"amount": "50000"}, "amount"),
        ({"return_url": "http://shop.example/back"}, "return_url"),
        ({"return_url": "javascript:alert(1)"}, "return_url"),
        ({"return_url": "https://user:pw@shop.example/"}, "return_url"),
        ({"expire_by": "2000-01-01T00:00:00Z"}, "expire_by"),
        ({"expire_by": "2999-01-01T00:00:00Z"}, "expire_by"),
        ({"expire_by": "tomorrow"}, "expire_by"),
        ({"description": 5}, "description"),
    ],
)
def test_bad_input_is_400_and_creates_nothing(api, fields, field):
    status, body, _ = api.call("POST", LINKS, {"amount": 50000, **fields})
    assert status == 400 and body["error"]["code"] == "BAD_REQUEST_ERROR"
    assert body["error"].get("field") in (field, None)
    assert api.call("GET", LINKS)[1]["data"] == []


def test_create_is_idempotent(api):
    keyed = {"Idempotency-Key": "link-once"}
    first = api.call("POST", LINKS, {"amount": 7000}, headers=keyed)
    again = api.call("POST", LINKS, {"amount": 7000}, headers=keyed)
    assert first[0] == again[0] == 201 and first[1] == again[1]
    assert again[2].get("Idempotent-Replayed") == "true"
    assert [link["id"] for link in api.call("GET", LINKS)[1]["data"]] == [first[1]["id"]]


def test_list_is_newest_first_and_pages_with_starting_after(api):
    ids = [create_link(api, amount=1000 + n)["id"] for n in range(3)]
    status, page, _ = api.call("GET", f"{LINKS}?limit=2")
    assert status == 200 and [link["id"] for link in page["data"]] == ids[::-1][:2] and page["has_more"]
    _, rest, _ = api.call("GET", f"{LINKS}?limit=2&starting_after={page['data'][-1]['id']}")
    assert [link["id"] for link in rest["data"]] == [ids[0]] and rest["has_more"] is False
    assert api.call("GET", f"{LINKS}?limit=0")[0] == 400


def test_another_merchants_link_does_not_exist_for_you(api, other_api):
    link = create_link(api)
    assert other_api.call("GET", f"{LINKS}/{link['id']}")[0] == 404
    assert other_api.call("POST", f"{LINKS}/{link['id']}/cancel")[0] == 404
    assert other_api.call("GET", f"{LINKS}?starting_after={link['id']}")[0] == 400


def test_public_view_names_the_account_not_anything_else(api):
    link = create_link(api, description="Tea", return_url="https://shop.example/back")
    status, public, _ = api.call("GET", f"{LINKS}/{link['id']}/public", headers=PUBLIC)
    assert status == 200
    assert public == {
        "id": link["id"],
        "order_id": link["order_id"],
        "amount": 50000,
        "currency": "INR",
        "description": "Tea",
        "status": "created",
        "return_url": "https://shop.example/back",
        "expire_by": None,
        "merchant_name": "Shop",
    }


def test_a_deactivated_merchants_link_is_not_found_by_shoppers(api):
    from gateway.data.merchants import set_active

    link = create_link(api)
    set_active(api.merchant["id"], False, "2026-01-01T00:00:00.000Z")
    status, body, _ = api.call("GET", f"{LINKS}/{link['id']}/public", headers=PUBLIC)
    assert (status, body["error"]["description"]) == (404, "Payment link not found")


def test_cancelled_link_takes_no_payment(api):
    # GIVEN an open link, cancelled
    link = create_link(api)
    status, cancelled, _ = api.call("POST", f"{LINKS}/{link['id']}/cancel")
    assert status == 200 and cancelled["status"] == "cancelled" and cancelled["version"] == 2
    # WHEN a shopper tries to pay it
    status, body, _ = pay_publicly(api, link["order_id"])
    # THEN the payment is refused and the link stays cancelled (cancelling again changes nothing)
    assert status == 400 and body["error"]["description"] == "Payment link was cancelled"
    assert api.call("POST", f"{LINKS}/{link['id']}/cancel")[1]["version"] == 2
    merchant_try = api.call(
        "POST", "/api/v1/payments", {"order_id": link["order_id"], "method": "upi", "vpa": "a@ybl"}
    )
    assert merchant_try[0] == 400


def test_the_sweep_expires_an_overdue_link_which_then_takes_no_payment(api):
    # GIVEN a link that expires in a minute
    link = create_link(api, expire_by=iso(datetime.now(UTC) + timedelta(minutes=1)))
    # WHEN the sweep runs after that minute
    report = reconcile(datetime.now(UTC) + timedelta(minutes=2))
    # THEN the link is recorded as expired, refuses payments and cannot be cancelled
    assert report["links_expired"] >= 1
    status, stored, _ = api.call("GET", f"{LINKS}/{link['id']}")
    assert stored["status"] == "expired" and stored["version"] == 2
    status, body, _ = pay_publicly(api, link["order_id"])
    assert status == 400 and body["error"]["description"] == "Payment link has expired"
    assert api.call("POST", f"{LINKS}/{link['id']}/cancel")[0] == 400


def test_the_sweep_leaves_links_not_yet_due_and_links_without_expiry(api):
    later = create_link(api, expire_by=iso(datetime.now(UTC) + timedelta(hours=1)))
    never = create_link(api)
    reconcile(datetime.now(UTC) + timedelta(minutes=2))
    assert link_status(api, later["id"]) == "created" and link_status(api, never["id"]) == "created"


def test_a_link_past_its_expiry_reads_expired_before_the_sweep():
    now = datetime(2026, 1, 1, tzinfo=UTC)
    link = PaymentLink(
        "plink_x", "m", "order_x", 100, "INR", PaymentLinkStatus.CREATED, iso(now), iso(now),
        expire_by=iso(now + timedelta(seconds=1)),
    )  # fmt: skip
    assert link.status_at(now) is PaymentLinkStatus.CREATED
    assert link.status_at(now + timedelta(seconds=1)) is PaymentLinkStatus.EXPIRED


def test_a_link_is_paid_once_and_a_second_payment_is_refused(api):
    # GIVEN a link paid by a shopper
    link = create_link(api)
    status, payment, _ = pay_publicly(api, link["order_id"])
    assert status == 201
    settle(payment["id"])
    # THEN it is paid, and so is its order
    assert link_status(api, link["id"]) == "paid"
    assert api.call("GET", f"/api/v1/orders/{link['order_id']}")[1]["status"] == "paid"
    # AND a second payment is refused, as is cancelling it
    status, body, _ = pay_publicly(api, link["order_id"])
    assert status == 400 and body["error"]["description"] == "Order already paid"
    status, body, _ = api.call("POST", f"{LINKS}/{link['id']}/cancel")
    assert status == 400 and "already paid" in body["error"]["description"]


def test_a_payment_taken_while_open_marks_the_link_paid_even_if_cancelled_before_it_settles(api):
    # GIVEN a pending payment on a link, and then the link cancelled
    link = create_link(api)
    _, payment, _ = pay_publicly(api, link["order_id"])
    assert api.call("POST", f"{LINKS}/{link['id']}/cancel")[1]["status"] == "cancelled"
    # WHEN the payment succeeds
    settle(payment["id"])
    # THEN the money moved, and the link says so
    assert link_status(api, link["id"]) == "paid"


def test_parallel_payments_and_a_cancel_leave_one_consistent_outcome(api):
    # GIVEN an open link; WHEN a cancel and several payments race
    link = create_link(api)
    with ThreadPoolExecutor(max_workers=4) as pool:
        cancel = pool.submit(api.call, "POST", f"{LINKS}/{link['id']}/cancel")
        attempts = [pool.submit(pay_publicly, api, link["order_id"], f"p{n}@ybl") for n in range(3)]
        results = [future.result() for future in attempts]
    # THEN the cancel landed, each payment was taken (201) or refused because of it (400), never a 5xx
    assert cancel.result()[0] == 200
    for status, body, _ in results:
        assert status == 201 or (status, body["error"]["description"]) == (400, "Payment link was cancelled")
    # AND once the taken payments settle, the link and its order are paid if any was taken, else cancelled
    taken = [body["id"] for status, body, _ in results if status == 201]
    for payment_id in taken:
        settle(payment_id)
    assert link_status(api, link["id"]) == ("paid" if taken else "cancelled")
    order = api.call("GET", f"/api/v1/orders/{link['order_id']}")[1]
    assert order["status"] == ("paid" if taken else "created")


def test_payment_link_paid_is_an_event_of_the_merchant(api, pipeline):
    # GIVEN a paid link
    link = create_link(api, description="Tea")
    _, payment, _ = pay_publicly(api, link["order_id"])
    settle(payment["id"])

    # WHEN the outbox runs
    def paid_events():
        return api.call("GET", "/api/v1/events?type=payment_link.paid")[1]["data"]

    pipeline.run_until(lambda: len(paid_events()) == 1)
    # THEN the event carries the paid link and the payment that paid it
    data = paid_events()[0]["data"]
    assert data["payment_link"]["id"] == link["id"] and data["payment_link"]["status"] == "paid"
    assert data["payment"]["id"] == payment["id"]
