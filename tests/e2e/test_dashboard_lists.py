"""The dashboard's lists and search in a real browser against the live stack, at a laptop's and a phone's
size: the Orders page with each order's payments, the Refunds page, and the Transactions search by the
customer's email or phone and the card's last four digits (shown on the payment page too).

GIVEN a fresh merchant whose orders, payments and refunds are arranged through the API, WHEN they use the
pages, THEN they see exactly their data, and no page logs a console error. Screenshots land in
test-artifacts/dashboard/.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, Playwright, expect

from tests.cards import VALID_CARD
from tests.e2e.dashboard_support import UI_TIMEOUT_MS, Dashboard, MerchantApi, wait_for

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module", autouse=True)
def spec_test_ids(playwright_instance: Playwright) -> None:
    playwright_instance.selectors.set_test_id_attribute("data-test-id")


def pay(api: MerchantApi, amount: int, *, settle: bool = True, **details: Any) -> dict[str, Any]:
    """An order and a payment on it (UPI `success@upi` unless a card is given), settled unless told not."""
    order = api.call("POST", "/api/v1/orders", {"amount": amount, "receipt": f"r-{amount}"}, expected=201)
    body = {"order_id": order["id"], "method": "upi", "vpa": "success@upi", **details}
    payment = api.call("POST", "/api/v1/payments", body, expected=201)
    if settle:
        wait_for(
            lambda: api.call("GET", f"/api/v1/orders/{order['id']}")["status"] == "paid",
            what=f"order {order['id']} to be paid",
        )
    return {"order": order, "payment": payment}


def test_orders_page_lists_filters_and_shows_each_orders_payments(
    dashboard: Dashboard,
    api: MerchantApi,
    screenshots: Path,
    viewport: str,
) -> None:
    # GIVEN an order never paid, and a paid one whose payment names its customer
    unpaid = api.call("POST", "/api/v1/orders", {"amount": 12300, "receipt": "unpaid"}, expected=201)
    paid = pay(api, 45600, email="asha@example.com", contact="+91 98765 43210")

    # WHEN the merchant opens the Orders page from the navigation
    page = dashboard.open("/dashboard")
    page.get_by_test_id("nav-orders").click()
    page.wait_for_url("**/dashboard/orders")

    # THEN both orders are listed newest first, with their status
    rows = page.get_by_test_id("order-row")
    expect(rows).to_have_count(2, timeout=UI_TIMEOUT_MS)
    expect(page.get_by_test_id("order-id")).to_have_text([paid["order"]["id"], unpaid["id"]])
    expect(page.get_by_test_id("order-status")).to_have_text(["paid", "created"])
    expect(page.get_by_test_id("order-amount").first).to_have_text("₹456.00")
    expect(page.get_by_test_id("orders-range")).to_have_text("Showing 1\u20132")
    page.screenshot(path=screenshots / f"orders-{viewport}.png", full_page=True)

    # AND the status filter keeps the paid one, also after a reload
    page.get_by_test_id("orders-status-filter").select_option("paid")
    page.get_by_test_id("apply-orders-filters-button").click()
    expect(page.get_by_test_id("order-id")).to_have_text([paid["order"]["id"]])
    page.reload()
    expect(page.get_by_test_id("order-id")).to_have_text([paid["order"]["id"]], timeout=UI_TIMEOUT_MS)
    expect(page.get_by_test_id("orders-status-filter")).to_have_value("paid")

    # AND the order's payments open with their customer, and lead to the payment page
    page.get_by_test_id("view-order-payments-button").click()
    dialog = page.get_by_test_id("order-detail")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_test_id("order-payment-row")).to_have_count(1, timeout=UI_TIMEOUT_MS)
    expect(dialog.get_by_test_id("order-payment-link")).to_have_text(paid["payment"]["id"])
    expect(dialog.get_by_test_id("order-payment-customer")).to_have_text("asha@example.com+919876543210")
    expect(dialog.get_by_test_id("order-payment-status")).to_have_text("success")
    page.screenshot(path=screenshots / f"orders-payments-{viewport}.png")
    dialog.get_by_test_id("order-payment-link").click()
    page.wait_for_url(f"**/dashboard/transactions?payment={paid['payment']['id']}")
    expect(page.get_by_test_id("payment-detail-email")).to_have_text(
        "asha@example.com", timeout=UI_TIMEOUT_MS
    )
    expect(page.get_by_test_id("payment-detail-contact")).to_have_text("+919876543210")
    page.get_by_test_id("payment-customer").scroll_into_view_if_needed()
    page.screenshot(path=screenshots / f"payment-customer-{viewport}.png")


def test_orders_page_pages_by_cursor(dashboard: Dashboard, api: MerchantApi) -> None:
    made = [api.call("POST", "/api/v1/orders", {"amount": 10000 + i}, expected=201)["id"] for i in range(21)]
    page = dashboard.open("/dashboard/orders")
    expect(page.get_by_test_id("order-row")).to_have_count(20, timeout=UI_TIMEOUT_MS)
    expect(page.get_by_test_id("orders-prev-button")).to_be_disabled()
    page.get_by_test_id("orders-next-button").click()
    expect(page.get_by_test_id("order-id")).to_have_text([made[0]])
    expect(page.get_by_test_id("orders-range")).to_have_text("Showing 21\u201321")
    expect(page.get_by_test_id("orders-next-button")).to_be_disabled()
    page.get_by_test_id("orders-prev-button").click()
    expect(page.get_by_test_id("order-row")).to_have_count(20)
    expect(page.get_by_test_id("order-id").first).to_have_text(made[-1])


def search(page: Page, text: str) -> None:
    page.get_by_test_id("transactions-search-input").fill(text)
    page.get_by_test_id("apply-filters-button").click()


def test_transactions_search_finds_payments_by_email_phone_and_card_ending(
    dashboard: Dashboard,
    api: MerchantApi,
    screenshots: Path,
    viewport: str,
) -> None:
    # GIVEN a card payment by Asha, a UPI payment by Ravi, and one that names nobody
    card = {**VALID_CARD, "number": "4111111111111111"}
    asha = pay(api, 20000, method="card", card=card, email="asha@example.com", contact="+919876543210")
    ravi = pay(api, 30000, email="Ravi@Example.com", contact="9123456789")
    pay(api, 40000, settle=False)
    page = dashboard.open("/dashboard/transactions")
    expect(page.get_by_test_id("transaction-row")).to_have_count(3, timeout=UI_TIMEOUT_MS)

    def listed() -> list[str]:
        return list(
            page.get_by_test_id("transaction-row").evaluate_all("rows => rows.map(r => r.dataset.paymentId)")
        )

    # WHEN the merchant searches by an email (in any case), a phone number as typed, or the card's ending
    # THEN only the matching payments are listed
    search(page, "ravi@example.com")
    wait_for(lambda: listed() == [ravi["payment"]["id"]], what="the email search")
    page.screenshot(path=screenshots / f"search-email-{viewport}.png", full_page=True)
    search(page, "+91 98765-43210")
    wait_for(lambda: listed() == [asha["payment"]["id"]], what="the phone search")
    search(page, "1111")
    wait_for(lambda: listed() == [asha["payment"]["id"]], what="the card ending search")
    page.screenshot(path=screenshots / f"search-last4-{viewport}.png", full_page=True)
    search(page, "nobody@example.com")
    expect(page.get_by_test_id("transactions-empty")).to_be_visible(timeout=UI_TIMEOUT_MS)
    assert listed() == []


def test_refunds_page_lists_every_refund_and_one_payments(
    dashboard: Dashboard,
    api: MerchantApi,
    screenshots: Path,
    viewport: str,
) -> None:
    first, second = pay(api, 50000)["payment"], pay(api, 60000)["payment"]
    one = api.refund(first, 1000)
    two = api.refund(second, 2500)
    page = dashboard.open("/dashboard")
    page.get_by_test_id("nav-refunds").click()
    page.wait_for_url("**/dashboard/refunds")
    expect(page.get_by_test_id("refund-id")).to_have_text([two["id"], one["id"]], timeout=UI_TIMEOUT_MS)
    expect(page.get_by_test_id("refund-amount")).to_have_text(["₹25.00", "₹10.00"])
    page.screenshot(path=screenshots / f"refunds-{viewport}.png", full_page=True)

    page.get_by_test_id("refunds-payment-filter").fill(first["id"])
    page.get_by_test_id("apply-refunds-filters-button").click()
    expect(page.get_by_test_id("refund-id")).to_have_text([one["id"]])
    page.get_by_test_id("refunds-payment-filter").fill("not-a-payment")
    page.get_by_test_id("apply-refunds-filters-button").click()
    expect(page.get_by_test_id("refunds-filter-error")).to_be_visible()


def test_docs_toolkit_shows_install_a_first_call_and_each_command_with_the_merchants_key(
    dashboard: Dashboard,
    merchant: dict[str, str],
    screenshots: Path,
    viewport: str,
) -> None:
    page = dashboard.open("/dashboard/docs")
    section = page.get_by_test_id("section-toolkit")
    expect(section).to_be_visible()
    expect(page.get_by_test_id("code-snippet-toolkit-install")).to_contain_text("pip install ./sdk/python")
    expect(page.get_by_test_id("code-snippet-toolkit-first-call")).to_contain_text(merchant["api_key"])
    expect(page.get_by_test_id("code-snippet-toolkit-listen")).to_contain_text("gateway listen --forward-to")
    expect(page.get_by_test_id("code-snippet-toolkit-trigger")).to_contain_text(
        "gateway trigger payment.captured"
    )
    expect(page.get_by_test_id("code-snippet-toolkit-events")).to_contain_text("gateway events list")
    expect(page.get_by_test_id("code-snippet-toolkit-recover")).to_contain_text("gateway recover --since")
    section.screenshot(path=screenshots / f"docs-toolkit-{viewport}.png")


def test_events_page_filters_by_payment(
    dashboard: Dashboard,
    api: MerchantApi,
    screenshots: Path,
    viewport: str,
) -> None:
    # GIVEN two paid payments and their events
    first, second = pay(api, 11100)["payment"], pay(api, 22200)["payment"]
    wait_for(
        lambda: len(api.call("GET", f"/api/v1/events?payment_id={first['id']}")["data"]) == 4,
        what="the first payment's events",
    )

    # WHEN the merchant filters the Events page by the first payment
    page = dashboard.open("/dashboard/events")
    expect(page.get_by_test_id("event-row")).to_have_count(8, timeout=UI_TIMEOUT_MS)
    page.get_by_test_id("events-payment-filter").fill(first["id"])
    page.get_by_test_id("apply-event-filters-button").click()

    # THEN only its events are listed, newest first in the order they happened, and the filter survives a reload
    expected = ["order.paid", "payment.success", "payment.pending", "payment.created"]
    expect(page.get_by_test_id("event-type")).to_have_text(expected, timeout=UI_TIMEOUT_MS)
    page.screenshot(path=screenshots / f"events-by-payment-{viewport}.png", full_page=True)
    page.reload()
    expect(page.get_by_test_id("event-type")).to_have_text(expected, timeout=UI_TIMEOUT_MS)
    expect(page.get_by_test_id("events-payment-filter")).to_have_value(first["id"])
    assert second["id"] not in page.get_by_test_id("events-body").inner_text()
