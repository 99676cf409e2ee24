"""Checkout you can trust, in a real browser: the payee and the way back come from the gateway, never from
the address bar; payment links paid end to end with a signed result the sample merchant verifies; closed
links take nothing; no result page is a dead end; a payment left mid-way is followed to its outcome.

GIVEN a live local stack (test mode: payments settle after ~1 s) WHEN a shopper uses the hosted pages and
the demo shop THEN what they see is the account's name, the outcome, and what to do next.
"""

from __future__ import annotations

import re
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from gateway_client import verify_payment_signature
from playwright.sync_api import Browser, Page, Playwright, expect

from devkit.live_stack import LiveStack
from tests.e2e.conftest import VIEWPORTS, artifact_folder, failing_on_page_errors
from tests.e2e.dashboard_support import wait_for

pytestmark = pytest.mark.e2e

SETTLE_TIMEOUT_MS = 20_000
TEST_MERCHANT = {"X-Api-Key": "key_test_abc123", "X-Api-Secret": "secret_test_xyz789"}
SPOOFED_NAME = "Amazon India (Official)"
PHISHING_URL = "https://evil.example/phish"


@pytest.fixture(scope="module")
def shots(artifacts_dir: Path) -> Path:
    return artifact_folder(artifacts_dir, "trusted-checkout")


@pytest.fixture(scope="module")
def chai(live_stack: LiveStack) -> dict[str, str]:
    """A merchant account named "Chai & Co.": the only payee name its checkout pages may show."""
    return live_stack.create_merchant(name="Chai & Co.")


@pytest.fixture(autouse=True)
def spec_test_ids(playwright_instance: Playwright) -> None:
    """`get_by_test_id` reads the `data-test-id` attribute of docs/browser-contract.md."""
    playwright_instance.selectors.set_test_id_attribute("data-test-id")


def api(stack: LiveStack, method: str, path: str, merchant: dict[str, str], body: Any = None) -> Any:
    headers = {"X-Api-Key": merchant["X-Api-Key"], "X-Api-Secret": merchant["X-Api-Secret"]}
    response = requests.request(method, f"{stack.api_url}{path}", json=body, headers=headers, timeout=10)
    assert response.status_code < 300, response.text
    return response.json()


def keys(merchant: dict[str, str]) -> dict[str, str]:
    return {"X-Api-Key": merchant["api_key"], "X-Api-Secret": merchant["api_secret"]}


def pay_by_upi(page: Page, vpa: str = "shopper@upi") -> None:
    page.locator('[data-test-id="method-upi"]').click()
    page.locator('[data-test-id="vpa-input"]').fill(vpa)
    page.locator('[data-test-id="upi-form"] [data-test-id="pay-button"]').click()


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_the_spoofing_url_shows_the_accounts_name_and_no_foreign_link(
    page: Page, live_stack: LiveStack, chai: dict[str, str], shots: Path, size: str
) -> None:
    # GIVEN an attacker's link to the gateway's own checkout, naming another payee and a way out
    page.set_viewport_size(VIEWPORTS[size])
    order = api(live_stack, "POST", "/api/v1/orders", keys(chai), {"amount": 99900})
    page.goto(
        f"{live_stack.checkout_url}/checkout?order_id={order['id']}"
        "&name=Amazon%20India%20(Official)&return_url=https://evil.example/phish"
    )
    # THEN the page names the account the order belongs to, and nothing from the URL
    expect(page.locator('[data-test-id="merchant-name"]')).to_have_text("Chai & Co.")
    expect(page.locator('[data-test-id="order-amount"]')).to_have_text("₹999.00")
    expect(page.locator("body")).not_to_contain_text(SPOOFED_NAME)
    page.screenshot(path=shots / f"spoofing-url-{size}.png", full_page=True)
    # WHEN the shopper pays THEN the result offers no link off the page, only what to do next
    pay_by_upi(page)
    success = page.locator('[data-test-id="success-state"]')
    expect(success).to_be_visible(timeout=SETTLE_TIMEOUT_MS)
    expect(success.locator('[data-test-id="next-step"]')).to_have_text("You can close this page.")
    expect(success.locator('[data-test-id="return-link"]')).to_be_hidden()
    assert page.locator('a[href*="evil.example"]').count() == 0
    expect(page.locator("body")).not_to_contain_text(SPOOFED_NAME)
    page.screenshot(path=shots / f"spoofing-url-paid-{size}.png", full_page=True)


def test_a_payment_link_paid_end_to_end_returns_with_a_signature_the_merchant_verifies(
    page: Page, live_stack: LiveStack, shots: Path
) -> None:
    # GIVEN a link of the sample merchant's account that returns to the sample merchant
    link = api(
        live_stack,
        "POST",
        "/api/v1/payment_links",
        TEST_MERCHANT,
        {
            "amount": 25000,
            "description": "Masala Chai Gift Box",
            "return_url": f"{live_stack.merchant_url}/payment-return",
        },
    )
    assert link["url"] == f"{live_stack.checkout_url}/pay/{link['id']}"
    # WHEN the customer opens it
    page.goto(link["url"])
    expect(page.locator('[data-test-id="order-description"]')).to_have_text("Masala Chai Gift Box")
    expect(page.locator('[data-test-id="order-amount"]')).to_have_text("₹250.00")
    public_order = f"{live_stack.api_url}/api/v1/orders/{link['order_id']}/public"
    merchant_name = requests.get(public_order, timeout=10).json()["merchant_name"]
    expect(page.locator('[data-test-id="merchant-name"]')).to_have_text(merchant_name)
    page.screenshot(path=shots / "link-open-1280.png", full_page=True)
    # AND pays it
    pay_by_upi(page)
    success = page.locator('[data-test-id="success-state"]')
    expect(success).to_be_visible(timeout=SETTLE_TIMEOUT_MS)
    back = success.locator('[data-test-id="return-link"]')
    expect(back).to_have_text(f"Return to {merchant_name}")
    expect(success.locator('[data-test-id="next-step"]')).to_contain_text("Continue to")
    page.screenshot(path=shots / "link-paid-1280.png", full_page=True)
    # THEN the way back carries the signed result
    href = back.get_attribute("href") or ""
    assert href.startswith(f"{live_stack.merchant_url}/payment-return?")
    result = {name: values[0] for name, values in parse_qs(urlsplit(href).query).items()}
    assert set(result) == {"payment_id", "order_id", "payment_link_id", "signature"}
    assert (result["order_id"], result["payment_link_id"]) == (link["order_id"], link["id"])
    verify_payment_signature(
        result["order_id"], result["payment_id"], result["signature"], "secret_test_xyz789"
    )
    # AND the sample merchant, following it, verifies the signature with its API secret
    back.click()
    expect(page.locator('[data-test-id="merchant-return-title"]')).to_have_text("Payment verified")
    expect(page.locator('[data-test-id="merchant-return-text"]')).to_contain_text(result["payment_id"])
    page.screenshot(path=shots / "link-returned-to-merchant-1280.png")
    # AND the link is paid: opening it again offers no second payment
    assert api(live_stack, "GET", f"/api/v1/payment_links/{link['id']}", TEST_MERCHANT)["status"] == "paid"
    page.goto(link["url"])
    expect(page.locator('[data-test-id="already-paid-state"]')).to_be_visible()
    expect(page.locator('[data-test-id="payment-methods"]')).to_be_hidden()


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_an_expired_link_says_so_and_takes_no_payment(
    page: Page, live_stack: LiveStack, chai: dict[str, str], shots: Path, size: str
) -> None:
    # GIVEN a link that expires two seconds from now, once that moment has passed
    expire_by = (datetime.now(UTC) + timedelta(seconds=2)).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    link = api(
        live_stack,
        "POST",
        "/api/v1/payment_links",
        keys(chai),
        {"amount": 5000, "description": "Late order", "expire_by": expire_by},
    )
    wait_for(
        lambda: (
            api(live_stack, "GET", f"/api/v1/payment_links/{link['id']}", keys(chai))["status"] == "expired"
        ),
        what="the link to expire",
    )
    # WHEN the customer opens it
    page.set_viewport_size(VIEWPORTS[size])
    page.goto(link["url"])
    # THEN the page names the payee, says the link expired and what to do, and offers no way to pay
    error = page.locator('[data-test-id="error-state"]')
    expect(error).to_be_visible()
    expect(page.locator('[data-test-id="error-title"]')).to_have_text("This payment link has expired")
    expect(page.locator('[data-test-id="error-message"]')).to_contain_text("Ask Chai & Co. for a new link")
    expect(page.locator('[data-test-id="merchant-name"]')).to_have_text("Chai & Co.")
    expect(page.locator('[data-test-id="retry-button"]')).to_be_hidden()
    expect(page.locator('[data-test-id="payment-methods"]')).to_be_hidden()
    page.screenshot(path=shots / f"link-expired-{size}.png", full_page=True)
    # AND the API refuses a payment on it all the same
    refused = requests.post(
        f"{live_stack.api_url}/api/v1/payments/public",
        json={"order_id": link["order_id"], "method": "upi", "vpa": "late@upi"},
        timeout=10,
    )
    assert (refused.status_code, refused.json()["error"]["description"]) == (400, "Payment link has expired")


def test_reopening_an_order_with_a_pending_payment_follows_it_instead_of_offering_a_new_one(
    page: Page, live_stack: LiveStack, chai: dict[str, str], shots: Path
) -> None:
    order = api(live_stack, "POST", "/api/v1/orders", keys(chai), {"amount": 15000})
    checkout = f"{live_stack.checkout_url}/checkout?order_id={order['id']}"
    live_stack.stop_workers()
    try:
        # GIVEN a payment the bank has not decided yet, and the shopper reopening the checkout
        page.goto(checkout)
        pay_by_upi(page)
        expect(page.locator('[data-test-id="processing-state"]')).to_be_visible()
        page.goto(checkout)
        # THEN the page follows that payment, with no method picker to pay twice
        expect(page.locator('[data-test-id="processing-state"]')).to_be_visible()
        expect(page.locator('[data-test-id="processing-detail"]')).to_contain_text("no need to pay again")
        expect(page.locator('[data-test-id="payment-methods"]')).to_be_hidden()
        page.screenshot(path=shots / "pending-payment-resumed-1280.png", full_page=True)
    finally:
        live_stack.start_workers()
    # AND shows its outcome once the bank decides
    expect(page.locator('[data-test-id="success-state"]')).to_be_visible(timeout=SETTLE_TIMEOUT_MS)
    expect(page.locator('[data-test-id="next-step"]').first).to_have_text("You can close this page.")


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_the_demo_shop_follows_a_payment_closed_mid_way_to_its_outcome(
    browser: Browser, live_stack: LiveStack, shots: Path, size: str
) -> None:
    context = browser.new_context(viewport=VIEWPORTS[size])
    guard = ExitStack()
    try:
        page = guard.enter_context(failing_on_page_errors(context.new_page()))
        page.goto(f"{live_stack.checkout_url}/demo")
        pay_button = page.locator('[data-test-id="demo-pay-button"]')
        result = page.locator('[data-test-id="demo-result"]')
        live_stack.stop_workers()
        try:
            # GIVEN a shopper who pays and closes the window while the payment is processing
            pay_button.click()
            frame = page.frame_locator('[data-test-id="payment-iframe"]')
            frame.locator('[data-test-id="method-upi"]').click()
            frame.locator('[data-test-id="vpa-input"]').fill("demo@upi")
            frame.locator('[data-test-id="upi-form"] [data-test-id="pay-button"]').click()
            # (the payment exists once its id shows: closing before that would leave no payment to follow)
            expect(frame.locator('[data-test-id="processing-payment-id"]')).to_have_text(re.compile("^pay_"))
            page.once("dialog", lambda dialog: dialog.accept())
            page.locator('[data-test-id="close-modal-button"]').click()
            expect(page.locator('[data-test-id="payment-modal"]')).to_have_count(0)
            # THEN the shop says it is following the payment, and does not offer to pay again
            expect(result).to_contain_text("still processing")
            expect(result).to_contain_text("update when it completes")
            expect(pay_button).to_be_disabled()
            page.screenshot(path=shots / f"demo-closed-mid-payment-{size}.png", full_page=True)
        finally:
            live_stack.start_workers()
        # AND, once the bank decides, shows the outcome, with the button not offering a second payment
        expect(result).to_contain_text("succeeded", timeout=SETTLE_TIMEOUT_MS)
        expect(pay_button).to_be_disabled()
        expect(pay_button).to_have_text("Paid")
        page.screenshot(path=shots / f"demo-followed-to-success-{size}.png", full_page=True)
    finally:
        guard.close()
        context.close()


def test_the_demo_shop_confirms_a_success_with_its_server_before_thanking(
    browser: Browser, live_stack: LiveStack, shots: Path
) -> None:
    context = browser.new_context(viewport=VIEWPORTS["1280"])
    guard = ExitStack()
    try:
        page = guard.enter_context(failing_on_page_errors(context.new_page()))
        verifications: list[int] = []
        page.on(
            "response",
            lambda response: (
                verifications.append(response.status)
                if response.url.endswith("/api/payments/verify")
                else None
            ),
        )
        page.goto(f"{live_stack.checkout_url}/demo")
        page.locator('[data-test-id="demo-pay-button"]').click()
        frame = page.frame_locator('[data-test-id="payment-iframe"]')
        frame.locator('[data-test-id="method-upi"]').click()
        frame.locator('[data-test-id="vpa-input"]').fill("demo@upi")
        frame.locator('[data-test-id="upi-form"] [data-test-id="pay-button"]').click()
        expect(page.locator('[data-test-id="demo-result"]')).to_contain_text(
            "succeeded", timeout=SETTLE_TIMEOUT_MS
        )
        assert verifications == [200]
        expect(page.locator('[data-test-id="demo-pay-button"]')).to_be_disabled()
    finally:
        guard.close()
        context.close()


def test_the_dashboard_creates_copies_lists_and_cancels_payment_links(
    browser: Browser, live_stack: LiveStack, shots: Path
) -> None:
    merchant = live_stack.create_merchant(name="Chai & Co.")
    for size, viewport in VIEWPORTS.items():
        context = browser.new_context(viewport=viewport)
        context.grant_permissions(["clipboard-read", "clipboard-write"])
        guard = ExitStack()
        try:
            page = guard.enter_context(failing_on_page_errors(context.new_page()))
            page.goto(f"{live_stack.dashboard_url}/login?next=/dashboard/payment-links")
            page.get_by_test_id("email-input").fill(merchant["email"])
            page.get_by_test_id("password-input").fill(merchant["password"])
            page.get_by_test_id("login-button").click()
            page.wait_for_url(f"{live_stack.dashboard_url}/dashboard/payment-links")
            expect(page.get_by_test_id("nav-payment-links")).to_have_attribute("aria-current", "page")
            # WHEN the merchant creates a link
            page.get_by_test_id("payment-link-amount-input").fill("499.50")
            page.get_by_test_id("payment-link-description-input").fill(f"Gift box ({size})")
            page.get_by_test_id("payment-link-return-url-input").fill("https://shop.example/thanks")
            page.get_by_test_id("create-payment-link-button").click()
            # THEN its URL is shown, copyable, and the link heads the list as created
            created = page.get_by_test_id("created-payment-link-url")
            expect(created).to_contain_text(f"{live_stack.checkout_url}/pay/plink_")
            url = created.text_content() or ""
            page.get_by_test_id("copy-payment-link-button").click()
            assert page.evaluate("navigator.clipboard.readText()") == url
            row = page.get_by_test_id("payment-link-row").first
            expect(row).to_contain_text(f"Gift box ({size})")
            expect(row).to_contain_text("₹499.50")
            expect(row.get_by_test_id("payment-link-status")).to_have_text("created")
            assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
            page.screenshot(path=shots / f"dashboard-payment-links-{size}.png", full_page=True)
            # WHEN it is cancelled THEN the list says so and offers no second cancel
            page.once("dialog", lambda dialog: dialog.accept())
            row.get_by_test_id("cancel-payment-link-button").click()
            expect(row.get_by_test_id("payment-link-status")).to_have_text("cancelled")
            expect(row.get_by_test_id("cancel-payment-link-button")).to_have_count(0)
        finally:
            guard.close()
            context.close()
