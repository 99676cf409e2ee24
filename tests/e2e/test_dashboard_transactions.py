"""The Transactions page's filtered view in a real browser against the live stack: what it reads from the API.

GIVEN a merchant with a dozen payments in every state (authorized, captured, refunded, one refunded by the
gateway because its order was already paid), WHEN they open a filtered view of the Transactions page, THEN
each row shows its state, its order's status and the auto-refund mark from the payments list alone: the page
reads one list page, never a refunds or an order request per row, so its requests do not grow with its rows;
a date filter reaches the API as that calendar day's first and last instants (`from`/`to`, ISO-8601).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Playwright, Request, expect

from devkit.live_stack import LiveStack
from tests.e2e import backend_capabilities
from tests.e2e.dashboard_support import UI_TIMEOUT_MS, UPI_PAYMENT, Dashboard, MerchantApi, row_for, wait_for

pytestmark = pytest.mark.e2e

# What every dashboard page asks on its own, whatever it lists: whether the stack is in test mode.
SHELL_REQUESTS = {"/api/v1/test/merchant"}


@pytest.fixture(scope="module", autouse=True)
def spec_test_ids(playwright_instance: Playwright) -> None:
    playwright_instance.selectors.set_test_id_attribute("data-test-id")


def auto_refunded_pair(api: MerchantApi) -> tuple[dict[str, Any], dict[str, Any]]:
    """Two payments in flight on one order: (the one that paid it, the one the gateway refunded in full)."""
    order = api.call("POST", "/api/v1/orders", {"amount": 40000}, expected=201)
    body = {"order_id": order["id"], **UPI_PAYMENT}
    made = [api.call("POST", "/api/v1/payments", body, expected=201) for _ in range(2)]

    def refunded_one() -> dict[str, Any] | None:
        for payment in made:
            refunds = api.call("GET", f"/api/v1/payments/{payment['id']}/refunds")
            if any(refund["reason"] == "Order already paid" for refund in refunds):
                return payment
        return None

    refunded = wait_for(refunded_one, what="the gateway's auto-refund")
    paying = next(payment for payment in made if payment["id"] != refunded["id"])
    wait_for(
        lambda: api.call("GET", f"/api/v1/payments/{paying['id']}")["status"] == "success",
        what=f"payment {paying['id']} to succeed",
    )
    return paying, refunded


def api_requests(page: Page, live_stack: LiveStack) -> list[str]:
    """The path and query of every API request the page makes from now on (preflights aside)."""
    seen: list[str] = []

    def record(request: Request) -> None:
        if request.url.startswith(live_stack.api_url) and request.method != "OPTIONS":
            parts = urlsplit(request.url)
            seen.append(f"{parts.path}?{parts.query}" if parts.query else parts.path)

    page.on("request", record)
    return seen


def test_a_filtered_view_reads_list_pages_only(
    live_stack: LiveStack, dashboard: Dashboard, api: MerchantApi, screenshots: Path
) -> None:
    backend_capabilities.require(backend_capabilities.late_successes_are_refunded, live_stack)
    # GIVEN 12 payments: 4 authorized, 5 captured, 1 captured then refunded, and an order paid by one
    # payment whose other payment the gateway refunded in full
    authorized = [api.settled_payment(10000 + i) for i in range(4)]
    captured = [api.settled_payment(20000 + i) for i in range(5)]
    for payment in captured:
        api.capture(payment)
    refunded = api.settled_payment(30000)
    api.capture(refunded)
    api.refund(refunded, 30000)
    paying, auto_refunded = auto_refunded_pair(api)
    assert len([*authorized, *captured, refunded, paying, auto_refunded]) == 12

    page = dashboard.open("/dashboard")
    requests = api_requests(page, live_stack)

    # WHEN the merchant opens the Transactions page filtered on captured payments
    page.goto(f"{live_stack.dashboard_url}/dashboard/transactions?state=captured")

    # THEN exactly the captured ones are listed, each with its paid order
    rows = page.get_by_test_id("transaction-row")
    expect(rows).to_have_count(len(captured), timeout=UI_TIMEOUT_MS)
    expect(page.get_by_test_id("payment-id")).to_have_text([p["id"] for p in reversed(captured)])
    expect(page.get_by_test_id("payment-state")).to_have_text(["Captured"] * len(captured))
    expect(page.get_by_test_id("order-status")).to_have_text(["paid"] * len(captured))
    page.wait_for_load_state("networkidle")
    # AND it read one page of the payments list and nothing per row
    print(f"API requests for the filtered view of {12} payments: {len(requests)}: {requests}")
    assert [path for path in requests if path not in SHELL_REQUESTS] == [
        "/api/v1/payments?limit=100&offset=0"
    ]

    # WHEN they filter on refunded payments THEN the gateway's refund is marked as such, still from the list
    requests.clear()
    page.get_by_test_id("transactions-status-filter").select_option("refunded")
    page.get_by_test_id("apply-filters-button").click()
    expect(rows).to_have_count(2, timeout=UI_TIMEOUT_MS)
    expect(row_for(page, auto_refunded["id"]).get_by_test_id("auto-refund-badge")).to_have_text(
        "Auto-refunded"
    )
    expect(row_for(page, auto_refunded["id"]).get_by_test_id("order-status")).to_have_text("paid")
    expect(row_for(page, refunded["id"]).get_by_test_id("auto-refund-badge")).to_have_count(0)
    page.wait_for_load_state("networkidle")
    assert requests == ["/api/v1/payments?limit=100&offset=0"]
    page.screenshot(path=screenshots / "transactions-refunded-filter.png", full_page=True)

    # WHEN they keep today's payments only (the browser's calendar day) THEN the API is asked for that day
    # as ISO-8601 instants, both ends included, and every refunded payment of today is still there
    today = page.evaluate("() => new Date().toLocaleDateString('en-CA')")
    day = page.evaluate(
        """(day) => [`${day}T00:00:00`, `${day}T23:59:59.999`].map((t) => encodeURIComponent(new Date(t).toISOString()))""",
        today,
    )
    requests.clear()
    page.get_by_test_id("transactions-from-input").fill(today)
    page.get_by_test_id("transactions-to-input").fill(today)
    page.get_by_test_id("apply-filters-button").click()
    expect(rows).to_have_count(2, timeout=UI_TIMEOUT_MS)
    page.wait_for_load_state("networkidle")
    assert requests == [f"/api/v1/payments?limit=100&offset=0&from={day[0]}&to={day[1]}"]
