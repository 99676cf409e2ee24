"""The money a merchant reads in the dashboard: the payment page's money block after a refund before
capture, the capture that asks first and says what it takes, and an Overview whose net is never negative,
with its 30-day chart; at a laptop's and a phone's width."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, Playwright, expect

from devkit.live_stack import LiveStack
from tests.e2e.dashboard_support import UI_TIMEOUT_MS, MerchantApi, log_in, row_for

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module", autouse=True)
def test_ids_use_the_spec_attribute(playwright_instance: Playwright) -> None:
    """The pages name elements by `data-test-id`, not Playwright's default `data-testid`."""
    playwright_instance.selectors.set_test_id_attribute("data-test-id")


def test_the_payment_page_shows_the_money_after_a_refund_then_a_capture(
    live_stack: LiveStack,
    page: Page,
    merchant: dict[str, str],
    api: MerchantApi,
    screenshots: Path,
    viewport: str,
) -> None:
    # GIVEN a ₹1,299.00 payment refunded ₹100.00 before it is captured
    payment = api.settled_payment(129900)
    api.refund(payment, 10000)
    log_in(page, live_stack, merchant, "/dashboard/transactions")
    page.goto(f"{live_stack.dashboard_url}/dashboard/transactions?payment={payment['id']}")
    money = page.get_by_test_id("payment-money")
    expect(money.get_by_test_id("money-left-to-capture")).to_have_text("₹1,199.00")

    # WHEN the merchant captures: the dialog says what it will take, and why
    page.get_by_test_id("payment-detail-actions").get_by_test_id("capture-button").click()
    dialog = page.get_by_test_id("capture-dialog")
    expect(dialog.get_by_test_id("capture-question")).to_have_text(
        f"Capture ₹1,199.00 on {payment['id']}? That is the ₹1,299.00 authorized minus ₹100.00 already "
        "refunded. A capture cannot be undone; refunds stay possible."
    )
    page.screenshot(path=screenshots / f"payment-capture-dialog-{viewport}.png")
    dialog.get_by_test_id("capture-confirm-button").click()
    expect(dialog).to_be_hidden()
    # AND the outcome is said under the page's title, not in a toast over the timeline
    expect(page.get_by_test_id("payment-action-status")).to_have_text(
        f"Captured ₹1,199.00 on {payment['id']}"
    )
    expect(page.get_by_test_id("toast")).to_have_count(0)

    # THEN the money block shows every figure, and the events that moved them
    expected = {
        "money-authorized": "₹1,299.00",
        "money-captured": "₹1,199.00",
        "money-refunded": "₹100.00",
        "money-left-to-capture": "₹0.00",
        "money-left-to-refund": "₹1,199.00",
        "money-net": "₹1,199.00",
    }
    for test_id, text in expected.items():
        expect(money.get_by_test_id(test_id)).to_have_text(text, timeout=UI_TIMEOUT_MS)
    movements = money.get_by_test_id("money-movement")
    expect(movements).to_have_count(3, timeout=UI_TIMEOUT_MS)
    expect(movements.nth(0)).to_contain_text("Authorized ₹1,299.00")
    expect(movements.nth(1)).to_contain_text("Refunded ₹100.00, lowering what can be captured")
    expect(movements.nth(2)).to_contain_text("Captured ₹1,199.00")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the payment page scrolls sideways by {overflow}px"
    money.screenshot(path=screenshots / f"payment-money-block-{viewport}.png")
    page.screenshot(path=screenshots / f"payment-money-page-{viewport}.png", full_page=True)


def test_the_overview_net_is_never_negative_and_charts_the_last_30_days(
    live_stack: LiveStack,
    page: Page,
    merchant: dict[str, str],
    api: MerchantApi,
    screenshots: Path,
    viewport: str,
) -> None:
    # GIVEN the case: ₹500.00 refunded on payments never captured, and ₹100.00 captured
    for _ in range(2):
        uncaptured = api.settled_payment(25000)
        api.refund(uncaptured, 25000)
    captured = api.settled_payment(10000)
    api.capture(captured)
    failed_order = api.call("POST", "/api/v1/orders", {"amount": 10000}, 201)
    assert failed_order["status"] == "created"

    # WHEN the merchant opens the Overview
    log_in(page, live_stack, merchant)

    # THEN net is what captured payments keep (₹100.00), not captured minus every refund (-₹400.00)
    expect(page.get_by_test_id("captured-amount")).to_have_text("₹100.00", timeout=UI_TIMEOUT_MS)
    expect(page.get_by_test_id("refunded-amount")).to_have_text("₹500.00")
    expect(page.get_by_test_id("net-amount")).to_have_text("₹100.00")
    expect(page.get_by_test_id("authorized-amount")).to_have_text("₹0.00")
    # AND the chart has 30 days, today's bar holding the day's volume
    expect(page.get_by_test_id("daily-chart-bar")).to_have_count(30)
    expect(page.get_by_test_id("daily-chart-summary")).to_contain_text(
        "₹600.00 over 30 days from 3 successful of 3 payments (100% success)"
    )
    assert float(page.get_by_test_id("daily-chart-bar").last.get_attribute("height") or 0) > 0
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the Overview scrolls sideways by {overflow}px"
    page.get_by_test_id("daily-chart").screenshot(path=screenshots / f"overview-chart-{viewport}.png")
    page.screenshot(path=screenshots / f"overview-money-{viewport}.png", full_page=True)


def test_a_refund_of_a_jpy_payment_is_typed_in_yen(
    live_stack: LiveStack, page: Page, merchant: dict[str, str], api: MerchantApi
) -> None:
    order = api.call("POST", "/api/v1/orders", {"amount": 50000, "currency": "JPY"}, 201)
    card = {"number": "4111111111111111", "expiry_month": "12", "expiry_year": "2030", "cvv": "123"}
    body = {"order_id": order["id"], "method": "card", "card": {**card, "holder_name": "Aiko Sato"}}
    created = api.call("POST", "/api/v1/payments", body, 201)
    log_in(page, live_stack, merchant, "/dashboard/transactions")
    row = row_for(page, created["id"])
    expect(row.get_by_test_id("amount")).to_have_text("¥50,000")
    expect(row.get_by_test_id("refund-button")).to_be_visible(timeout=UI_TIMEOUT_MS)
    row.get_by_test_id("refund-button").click()
    dialog = page.get_by_test_id("refund-dialog")
    expect(dialog.get_by_test_id("refund-available")).to_have_text("¥50,000")
    expect(dialog.get_by_test_id("refund-amount-input")).to_have_value("50000")
    dialog.get_by_test_id("refund-amount-input").fill("1,200")
    dialog.get_by_test_id("refund-submit-button").click()
    expect(dialog).to_be_hidden()
    assert api.call("GET", f"/api/v1/payments/{created['id']}")["amount_refunded"] == 1200


def test_the_docs_explain_authorize_capture_refund_and_payment_capture(
    live_stack: LiveStack, page: Page, merchant: dict[str, str], screenshots: Path, viewport: str
) -> None:
    log_in(page, live_stack, merchant, "/dashboard/docs")
    section = page.get_by_test_id("section-money")
    expect(section.get_by_test_id("money-lifecycle-table").locator("tbody tr")).to_have_count(4)
    expect(section).to_contain_text("amount - amount_refunded")
    expect(section).to_contain_text('"payment_capture": true')
    expect(page.get_by_test_id("webhook-event-list")).to_contain_text("payment.captured")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the docs scroll sideways by {overflow}px"
    section.screenshot(path=screenshots / f"docs-money-{viewport}.png")
