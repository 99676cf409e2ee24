"""The shopper's checkout in a real browser: checkout.js on a merchant page, the hosted page, the demo shop.

GIVEN a live local stack (test mode: payments settle after ~1 s), WHEN a shopper pays through the UI,
THEN the merchant's callbacks, the modal and the page states behave as docs/browser-contract.md says.
"""

from __future__ import annotations

import html
import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from playwright.sync_api import FrameLocator, Locator, Page, Request, expect

from devkit.live_stack import REPO_ROOT, LiveStack
from tests.e2e import backend_capabilities
from tests.e2e.conftest import VIEWPORTS, artifact_folder, failing_on_page_errors
from tests.e2e.dashboard_support import wait_for

pytestmark = pytest.mark.e2e

WIDGET_DIST = REPO_ROOT / "checkout_widget" / "dist"
SETTLE_TIMEOUT_MS = 20_000  # 1 s simulated bank delay + 2 s polls, with room for a slow machine
MOBILE_VIEWPORT = {"width": 360, "height": 740}

# A merchant's page on its own origin that integrates checkout.js the documented way.
MERCHANT_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Merchant test shop</title>
<style>body{{font:16px system-ui;margin:40px;color:#1f2933}} .tall{{height:2400px}}</style></head>
<body>
<h1>Merchant test shop</h1>
<p>Wireless headphones &middot; &#8377;500.00</p>
<button id="buy" type="button">Buy now</button>
<div class="tall"></div>
<script src="{checkout_js}"></script>
<script>
  window.events = [];
  window.openCheckout = function (key, orderId) {{
    window.gateway = new PaymentGateway({{
      key: key,
      orderId: orderId,
      onSuccess: function (data) {{ events.push({{type: 'success', data: data}}); }},
      onFailure: function (data) {{ events.push({{type: 'failure', data: data}}); }},
      onClose: function (payment) {{ events.push(payment ? {{type: 'close', data: payment}} : {{type: 'close'}}); }}
    }});
    window.gateway.open();
  }};
</script>
</body></html>
"""


class _MerchantPageHandler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""

    def do_GET(self) -> None:
        query = parse_qs(urlsplit(self.path).query)
        checkout_js = f"{query.get('checkout', [''])[0]}/checkout.js"
        body = MERCHANT_PAGE.format(checkout_js=html.escape(checkout_js, quote=True)).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def merchant_site() -> Iterator[str]:
    """The merchant's own website: another origin (127.0.0.1, its own port) than the checkout."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _MerchantPageHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Shop:
    """A merchant of one stack, able to create orders through the merchant API."""

    stack: LiveStack
    merchant: dict[str, str]

    def create_order(self, amount: int = 50000) -> str:
        response = requests.post(
            f"{self.stack.api_url}/api/v1/orders",
            json={"amount": amount, "receipt": "e2e-checkout"},
            headers={"X-Api-Key": self.merchant["api_key"], "X-Api-Secret": self.merchant["api_secret"]},
            timeout=10,
        )
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    def payment(self, payment_id: str) -> dict[str, Any]:
        response = requests.get(
            f"{self.stack.api_url}/api/v1/payments/{payment_id}",
            headers={"X-Api-Key": self.merchant["api_key"], "X-Api-Secret": self.merchant["api_secret"]},
            timeout=10,
        )
        assert response.status_code == 200, response.text
        return dict(response.json())

    def diagnosis(self, order_id: str) -> str:
        """What a failed wait for a settlement needs to be explained: the order's payments as the API has
        them, the workers' state and the end of the stack's log."""
        response = requests.get(
            f"{self.stack.api_url}/api/v1/orders/{order_id}/payments",
            headers={"X-Api-Key": self.merchant["api_key"], "X-Api-Secret": self.merchant["api_secret"]},
            timeout=10,
        )
        return (
            f"payments of {order_id}: {response.status_code} {response.text}\n"
            f"workers: {json.dumps(self.stack.status().get('workers'), default=str)}\n"
            f"stack log:\n{self.stack.log_tail(80)}"
        )


def expect_modal_closed(page: Page, shop: Shop, order_id: str) -> None:
    try:
        expect(page.locator('[data-test-id="payment-modal"]')).to_have_count(0, timeout=SETTLE_TIMEOUT_MS)
    except AssertionError as error:
        raise AssertionError(f"{error}\n{shop.diagnosis(order_id)}") from None


@pytest.fixture(scope="module")
def built_widget() -> Path:
    if not (WIDGET_DIST / "checkout.js").is_file():
        pytest.fail("checkout_widget/dist is missing: run `make frontend` (npm run build there)")
    return WIDGET_DIST


@pytest.fixture(scope="module")
def shop(live_stack: LiveStack, built_widget: Path) -> Shop:
    return Shop(live_stack, live_stack.create_merchant())


@pytest.fixture(scope="module")
def failing_shop(built_widget: Path) -> Iterator[Shop]:
    """A second stack whose bank declines every payment (TEST_PAYMENT_SUCCESS=false)."""
    stack = LiveStack("checkout-declines", {"TEST_PAYMENT_SUCCESS": "false"}).start()
    try:
        yield Shop(stack, stack.create_merchant())
    finally:
        stack.stop()


@pytest.fixture(scope="module")
def shots(artifacts_dir: Path) -> Path:
    return artifact_folder(artifacts_dir, "checkout")


def open_checkout_on_merchant_page(page: Page, merchant_site: str, shop: Shop, order_id: str) -> FrameLocator:
    page.goto(f"{merchant_site}/shop?checkout={shop.stack.checkout_url}")
    page.evaluate("([key, orderId]) => openCheckout(key, orderId)", [shop.merchant["api_key"], order_id])
    expect(page.locator('#payment-gateway-modal[data-test-id="payment-modal"]')).to_be_visible()
    frame = page.frame_locator('[data-test-id="payment-iframe"]')
    expect(frame.locator('[data-test-id="order-id"]')).to_have_text(order_id)
    return frame


def pay_by_upi(frame: FrameLocator | Page, vpa: str = "shopper@upi") -> None:
    frame.locator('[data-test-id="method-upi"]').click()
    frame.locator('[data-test-id="vpa-input"]').fill(vpa)
    click_once_settled(frame.locator('[data-test-id="upi-form"] [data-test-id="pay-button"]'))


def click_once_settled(button: Locator) -> None:
    """In the modal, each change of the page (a form shown, an error) makes checkout.js resize the iframe,
    with a short transition; a click sent while it grows can land where the button was a moment before.
    A shopper sees the modal settle first: so does the test (the page's height, and its window's, the same
    at two polls 0.2 s apart)."""
    sizes: list[Any] = []

    def steady() -> bool:
        sizes.append(button.evaluate("() => [window.innerHeight, document.documentElement.scrollHeight]"))
        return len(sizes) >= 2 and sizes[-1] == sizes[-2]

    wait_for(steady, timeout=10, what="the checkout to stop resizing")
    button.click()


def merchant_events(page: Page) -> list[dict[str, Any]]:
    return list(page.evaluate("window.events"))


def test_upi_payment_through_sdk_calls_on_success_and_closes_the_modal(
    page: Page, merchant_site: str, shop: Shop, shots: Path
) -> None:
    # GIVEN a merchant page with checkout.js and an order
    order_id = shop.create_order(50000)
    frame = open_checkout_on_merchant_page(page, merchant_site, shop, order_id)
    iframe_src = page.locator('[data-test-id="payment-iframe"]').get_attribute("src") or ""
    assert iframe_src.startswith(f"{shop.stack.checkout_url}/checkout?order_id={order_id}&embedded=true")
    assert page.evaluate("document.body.style.overflow") == "hidden"
    expect(frame.locator('[data-test-id="order-amount"]')).to_have_text("₹500.00")
    expect(frame.locator('[data-test-id="upi-form"]')).to_be_hidden()
    # The modal fits the page, test-mode ribbon included: nothing is cut off at the bottom. The ribbon
    # appears once its probe answers and the modal follows the new height, so this polls to a deadline.
    fits = "() => document.documentElement.scrollHeight <= window.innerHeight + 1"
    page.wait_for_function("() => document.querySelector('.modal-content').style.height !== ''")
    frame.locator('[data-test-id="test-mode-ribbon"]').wait_for()
    iframe = page.locator('[data-test-id="payment-iframe"]').element_handle().content_frame()
    assert iframe is not None
    iframe.wait_for_function(fits, timeout=5_000)
    page.screenshot(path=shots / "sdk-modal-open.png")

    # WHEN the shopper pays by UPI
    pay_by_upi(frame)
    expect(frame.locator('[data-test-id="processing-message"]')).to_have_text("Processing payment...")
    page.screenshot(path=shots / "sdk-modal-processing.png")

    # THEN onSuccess gets the payment id, the modal closes and the page scrolls again
    expect_modal_closed(page, shop, order_id)
    events = merchant_events(page)
    assert [event["type"] for event in events] == ["success", "close"]
    payment_id = events[0]["data"]["paymentId"]
    assert payment_id.startswith("pay_")
    assert shop.payment(payment_id)["status"] == "success"
    assert page.evaluate("document.body.style.overflow") == ""
    page.screenshot(path=shots / "sdk-merchant-after-success.png")


def test_declined_payment_calls_on_failure_keeps_the_modal_and_retry_pays_again(
    page: Page, merchant_site: str, failing_shop: Shop, shots: Path
) -> None:
    # GIVEN a bank that declines
    order_id = failing_shop.create_order(150000)
    frame = open_checkout_on_merchant_page(page, merchant_site, failing_shop, order_id)
    expect(frame.locator('[data-test-id="order-amount"]')).to_have_text("₹1,500.00")

    # WHEN the shopper pays
    pay_by_upi(frame)

    # THEN onFailure is called, the modal stays and shows the error with a retry
    page.wait_for_function("window.events.length >= 1", timeout=SETTLE_TIMEOUT_MS)
    error_state = frame.locator('[data-test-id="error-state"]')
    expect(error_state).to_be_visible()
    expect(error_state).to_contain_text("Payment Failed")
    expect(frame.locator('[data-test-id="error-message"]')).to_have_text("Payment processing failed")
    expect(page.locator('[data-test-id="payment-modal"]')).to_be_visible()
    first = merchant_events(page)
    assert first[0]["type"] == "failure"
    assert first[0]["data"]["error"] == "Payment processing failed"
    assert failing_shop.payment(first[0]["data"]["paymentId"])["status"] == "failed"
    page.screenshot(path=shots / "sdk-modal-failed.png")

    # WHEN the shopper tries again THEN the form is back and a second payment is made
    frame.locator('[data-test-id="retry-button"]').click()
    expect(frame.locator('[data-test-id="upi-form"]')).to_be_visible()
    expect(frame.locator('[data-test-id="vpa-input"]')).to_have_value("shopper@upi")
    click_once_settled(frame.locator('[data-test-id="upi-form"] [data-test-id="pay-button"]'))
    page.wait_for_function("window.events.length >= 2", timeout=SETTLE_TIMEOUT_MS)
    second = merchant_events(page)[1]
    assert second["type"] == "failure"
    assert second["data"]["paymentId"] != first[0]["data"]["paymentId"]
    expect(page.locator('[data-test-id="payment-modal"]')).to_be_visible()


@pytest.mark.parametrize("how", ["close-button", "overlay", "escape-in-checkout", "escape-on-page"])
def test_dismissing_the_modal_calls_on_close(
    page: Page, merchant_site: str, shop: Shop, shots: Path, how: str
) -> None:
    # GIVEN an open modal with the checkout loaded
    frame = open_checkout_on_merchant_page(page, merchant_site, shop, shop.create_order())
    expect(frame.locator('[data-test-id="method-upi"]')).to_be_visible()

    # WHEN the shopper dismisses it
    if how == "close-button":
        page.locator('[data-test-id="close-modal-button"]').click()
    elif how == "overlay":
        page.mouse.click(8, 8)  # outside .modal-content, on the overlay
    elif how == "escape-in-checkout":
        # The key event is dispatched inside the iframe by script: a real key press there can leave
        # Playwright waiting on a frame that the press itself removes (seen hanging on a loaded machine).
        frame.locator('[data-test-id="method-upi"]').evaluate(
            "el => el.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape', bubbles: true}))"
        )
    else:
        page.locator('[data-test-id="close-modal-button"]').focus()
        page.keyboard.press("Escape")

    # THEN the modal is gone, onClose ran once and the page is restored
    expect(page.locator('[data-test-id="payment-modal"]')).to_have_count(0)
    assert merchant_events(page) == [{"type": "close"}]
    assert page.evaluate("document.body.style.overflow") == ""


def test_keyboard_focus_stays_inside_the_open_modal(page: Page, merchant_site: str, shop: Shop) -> None:
    frame = open_checkout_on_merchant_page(page, merchant_site, shop, shop.create_order())
    expect(frame.locator('[data-test-id="method-upi"]')).to_be_visible()
    inside = "document.getElementById('payment-gateway-modal').contains(document.activeElement)"
    for key in ["Tab"] * 8 + ["Shift+Tab"] * 8:
        page.keyboard.press(key)
        assert page.evaluate(inside), f"focus left the modal after {key}"


def test_forged_messages_from_the_merchant_page_are_ignored(
    page: Page, merchant_site: str, shop: Shop
) -> None:
    # GIVEN an open modal
    frame = open_checkout_on_merchant_page(page, merchant_site, shop, shop.create_order())
    expect(frame.locator('[data-test-id="method-upi"]')).to_be_visible()

    # WHEN a script on the merchant page posts checkout messages itself
    page.evaluate(
        """() => new Promise((resolve) => {
            window.addEventListener('message', (event) => { if (event.data === 'sentinel') resolve(); });
            window.postMessage({type: 'payment_success', data: {paymentId: 'pay_forgedforgedforg'}}, '*');
            window.postMessage({type: 'payment_failed', data: {error: 'forged'}}, '*');
            window.postMessage({type: 'close_modal'}, '*');
            window.postMessage('sentinel', '*');  // delivered after the forged ones: they were handled
        })"""
    )

    # THEN no callback ran and the modal is still open
    assert merchant_events(page) == []
    expect(page.locator('[data-test-id="payment-modal"]')).to_be_visible()


def test_card_payment_on_the_standalone_page(page: Page, shop: Shop, shots: Path) -> None:
    order_id = shop.create_order(150000)
    page.goto(f"{shop.stack.checkout_url}/checkout?order_id={order_id}")
    container = page.locator('[data-test-id="checkout-container"]')
    expect(container.locator('[data-test-id="order-summary"]')).to_contain_text("Complete Payment")
    expect(page.locator('[data-test-id="order-amount"]')).to_have_text("₹1,500.00")
    expect(page.locator('[data-test-id="order-id"]')).to_have_text(order_id)
    expect(page.locator('[data-test-id="method-upi"]')).to_have_attribute("data-method", "upi")
    expect(page.locator('[data-test-id="method-card"]')).to_have_attribute("data-method", "card")
    page.screenshot(path=shots / "page-methods.png")

    page.locator('[data-test-id="method-card"]').click()
    card_form = page.locator('[data-test-id="card-form"]')
    card_form.locator('[data-test-id="card-number-input"]').fill("4111111111111111")
    expect(card_form.locator('[data-test-id="card-number-input"]')).to_have_value("4111 1111 1111 1111")
    card_form.locator('[data-test-id="expiry-input"]').fill("12/30")
    card_form.locator('[data-test-id="cvv-input"]').fill("123")
    card_form.locator('[data-test-id="cardholder-name-input"]').fill("Asha Rao")
    page.screenshot(path=shots / "page-card-filled.png")
    card_form.locator('[data-test-id="pay-button"]').click()

    expect(page.locator('[data-test-id="processing-state"]')).to_be_visible()
    expect(page.locator('[data-test-id="processing-message"]')).to_have_text("Processing payment...")
    page.screenshot(path=shots / "page-processing.png")
    success = page.locator('[data-test-id="success-state"]')
    expect(success).to_be_visible(timeout=SETTLE_TIMEOUT_MS)
    expect(success).to_contain_text("Payment Successful!")
    expect(page.locator('[data-test-id="success-message"]')).to_be_visible()
    payment_id = page.locator('[data-test-id="payment-id"]').inner_text()
    payment = shop.payment(payment_id)
    assert (payment["status"], payment["method"], payment["card_last4"]) == ("success", "card", "1111")
    page.screenshot(path=shots / "page-success.png")


def test_keyboard_only_upi_payment(page: Page, shop: Shop) -> None:
    page.goto(f"{shop.stack.checkout_url}/checkout?order_id={shop.create_order()}")
    expect(page.locator('[data-test-id="method-upi"]')).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.locator('[data-test-id="method-upi"]')).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator('[data-test-id="vpa-input"]')).to_be_focused()
    page.keyboard.type("keyboard.user@okaxis")
    page.keyboard.press("Enter")
    expect(page.locator('[data-test-id="success-state"]')).to_be_visible(timeout=SETTLE_TIMEOUT_MS)


def test_invalid_details_are_shown_next_to_fields_without_any_request(
    page: Page, shop: Shop, shots: Path
) -> None:
    page.goto(f"{shop.stack.checkout_url}/checkout?order_id={shop.create_order()}")
    expect(page.locator('[data-test-id="method-upi"]')).to_be_visible()
    payment_posts: list[Request] = []
    page.on("request", lambda request: payment_posts.append(request) if request.method == "POST" else None)

    # UPI: a VPA the server would reject
    pay_by_upi(page, vpa="not-a-vpa")
    expect(page.locator('[data-test-id="vpa-error"]')).to_have_text("Enter a valid UPI ID, like name@bank")
    expect(page.locator('[data-test-id="vpa-input"]')).to_have_attribute("aria-invalid", "true")
    page.screenshot(path=shots / "page-upi-invalid.png")

    # Card: bad Luhn, month 13, short CVV, no name; then a past expiry
    page.locator('[data-test-id="method-card"]').click()
    card_form = page.locator('[data-test-id="card-form"]')
    card_form.locator('[data-test-id="card-number-input"]').fill("4111 1111 1111 1112")
    card_form.locator('[data-test-id="expiry-input"]').fill("13/30")
    card_form.locator('[data-test-id="cvv-input"]').fill("12")
    card_form.locator('[data-test-id="pay-button"]').click()
    expect(card_form.locator('[data-test-id="card-number-error"]')).to_have_text("Enter a valid card number")
    expect(card_form.locator('[data-test-id="expiry-error"]')).to_have_text("Enter a month between 01 and 12")
    expect(card_form.locator('[data-test-id="cvv-error"]')).to_have_text("CVV is 3 or 4 digits")
    name_error = card_form.locator('[data-test-id="cardholder-name-error"]')
    expect(name_error).to_have_text("Enter the name on the card")
    page.screenshot(path=shots / "page-card-invalid.png")
    card_form.locator('[data-test-id="expiry-input"]').fill("01/20")
    card_form.locator('[data-test-id="pay-button"]').click()
    expect(card_form.locator('[data-test-id="expiry-error"]')).to_have_text("This card has expired")
    assert payment_posts == []

    # Corrected details do reach the API (so the check above could have failed)
    card_form.locator('[data-test-id="card-number-input"]').fill("5555 5555 5555 4444")
    card_form.locator('[data-test-id="expiry-input"]').fill("12/30")
    card_form.locator('[data-test-id="cvv-input"]').fill("123")
    card_form.locator('[data-test-id="cardholder-name-input"]').fill("Asha Rao")
    with page.expect_request(lambda request: request.method == "POST" and "/payments/public" in request.url):
        card_form.locator('[data-test-id="pay-button"]').click()


def test_unknown_order_shows_a_clear_error(page: Page, shop: Shop, shots: Path) -> None:
    page.goto(f"{shop.stack.checkout_url}/checkout?order_id=order_DoesNotExist0000")
    error_state = page.locator('[data-test-id="error-state"]')
    expect(error_state).to_be_visible()
    expect(error_state).to_contain_text("Order not found")  # the API's description
    expect(page.locator('[data-test-id="error-message"]')).to_contain_text("does not match any order")
    expect(page.locator('[data-test-id="retry-button"]')).to_be_hidden()
    expect(page.locator('[data-test-id="payment-methods"]')).to_be_hidden()
    page.screenshot(path=shots / "page-order-not-found.png")


def test_demo_shop_pays_through_the_modal_at_phone_width(
    browser: Any, live_stack: LiveStack, built_widget: Path, shots: Path
) -> None:
    context = browser.new_context(viewport=MOBILE_VIEWPORT, is_mobile=True, has_touch=True)
    try:
        with failing_on_page_errors(context.new_page()) as page:
            page.goto(f"{live_stack.checkout_url}/demo")
            # the shop lists the test inputs that fail as well as those that succeed
            inputs = page.locator('[data-test-id="demo-test-inputs"]')
            for failing in ("failure@upi", "4000 0000 0000 0002", "4000 0000 0000 9995"):
                expect(inputs).to_contain_text(failing)
            page.screenshot(path=shots / "demo-shop-360.png", full_page=True)
            page.locator('[data-test-id="demo-pay-button"]').click()
            frame = page.frame_locator('[data-test-id="payment-iframe"]')
            frame.locator('[data-test-id="method-card"]').click()
            expect(frame.locator('[data-test-id="card-form"]')).to_be_visible()
            no_sideways_scroll = "document.documentElement.scrollWidth <= window.innerWidth"
            assert frame.locator("body").evaluate(f"() => {no_sideways_scroll}")
            page.screenshot(path=shots / "demo-modal-card-360.png")
            frame.locator('[data-test-id="method-upi"]').click()
            frame.locator('[data-test-id="vpa-input"]').fill("demo@upi")
            click_once_settled(frame.locator('[data-test-id="upi-form"] [data-test-id="pay-button"]'))
            expect(page.locator('[data-test-id="payment-modal"]')).to_have_count(0, timeout=SETTLE_TIMEOUT_MS)
            expect(page.locator('[data-test-id="demo-result"]')).to_contain_text("succeeded")
            assert page.evaluate(no_sideways_scroll)
            page.screenshot(path=shots / "demo-shop-paid-360.png", full_page=True)
    finally:
        context.close()


# ---------------------------------------------------------------------------- order states (issue 12)


def wait_until(page: Page, condition: Any, what: str, timeout_ms: int = 10_000) -> None:
    """Polls a Python condition while letting Playwright dispatch its events (route handlers)."""
    waited = 0
    while not condition():
        if waited > timeout_ms:
            raise AssertionError(f"timed out waiting for {what}")
        page.wait_for_timeout(50)
        waited += 50


def test_checkout_container_appears_only_once_the_order_is_loaded(
    page: Page, shop: Shop, shots: Path, viewport: str
) -> None:
    order_id = shop.create_order(123456)
    held: list[Any] = []
    page.route("**/api/v1/orders/*/public", lambda route: held.append(route))

    # GIVEN the order request has not been answered yet
    page.goto(f"{shop.stack.checkout_url}/checkout?order_id={order_id}", wait_until="domcontentloaded")
    wait_until(page, lambda: held, "the order request")

    # THEN a loading state shows and nothing presents itself as the checkout with an empty amount
    expect(page.locator('[data-test-id="loading-state"]')).to_be_visible()
    expect(page.locator('[data-test-id="checkout-container"]')).to_have_count(0)
    expect(page.locator('[data-test-id="order-summary"]')).to_be_hidden()
    page.screenshot(path=shots / f"page-loading-{viewport}.png")

    # WHEN the order arrives THEN the container appears with the amount and id already filled
    held[0].continue_()
    container = page.locator('[data-test-id="checkout-container"]')
    expect(container).to_be_visible()
    expect(container.locator('[data-test-id="order-amount"]')).to_have_text("₹1,234.56")
    expect(container.locator('[data-test-id="order-id"]')).to_have_text(order_id)
    expect(page.locator('[data-test-id="loading-state"]')).to_be_hidden()
    expect(page.locator('[data-test-id="test-mode-ribbon"]')).to_be_visible()
    page.screenshot(path=shots / f"page-loaded-{viewport}.png")


def test_a_paid_order_shows_already_paid_and_no_payment_form(
    page: Page, shop: Shop, shots: Path, viewport: str
) -> None:
    backend_capabilities.require(backend_capabilities.paid_orders_refuse_payments, shop.stack)
    # GIVEN an order that a first payment paid
    order_id = shop.create_order(50000)
    page.goto(f"{shop.stack.checkout_url}/checkout?order_id={order_id}")
    pay_by_upi(page)
    expect(page.locator('[data-test-id="success-state"]')).to_be_visible(timeout=SETTLE_TIMEOUT_MS)

    # WHEN the shopper opens its payment link again
    page.goto(f"{shop.stack.checkout_url}/checkout?order_id={order_id}")

    # THEN the page says it is paid and offers no way to pay twice
    paid = page.locator('[data-test-id="already-paid-state"]')
    expect(paid).to_be_visible()
    expect(paid).to_contain_text("This order is already paid")
    expect(page.locator('[data-test-id="order-amount"]')).to_have_text("₹500.00")
    expect(page.locator('[data-test-id="payment-methods"]')).to_be_hidden()
    expect(page.locator('[data-test-id="upi-form"]')).to_be_hidden()
    expect(page.locator('[data-test-id="card-form"]')).to_be_hidden()
    page.screenshot(path=shots / f"page-already-paid-{viewport}.png")


def test_a_payment_refused_because_the_order_got_paid_meanwhile_says_so(
    page: Page, shop: Shop, shots: Path
) -> None:
    backend_capabilities.require(backend_capabilities.paid_orders_refuse_payments, shop.stack)
    # GIVEN a shopper with the checkout open on an unpaid order
    order_id = shop.create_order(50000)
    page.goto(f"{shop.stack.checkout_url}/checkout?order_id={order_id}")
    expect(page.locator('[data-test-id="method-upi"]')).to_be_visible()

    # WHEN the order gets paid elsewhere (another tab) before the shopper presses Pay
    other = requests.post(
        f"{shop.stack.api_url}/api/v1/payments/public",
        json={"order_id": order_id, "method": "upi", "vpa": "other.tab@upi"},
        timeout=10,
    ).json()
    deadline = SETTLE_TIMEOUT_MS / 1000
    started = page.evaluate("Date.now()")
    while shop.payment(other["id"])["status"] == "pending":
        assert page.evaluate("Date.now()") - started < deadline * 1000, "the other payment never settled"
        page.wait_for_timeout(200)
    pay_by_upi(page)

    # THEN a clear message explains it and that nothing was charged twice
    paid = page.locator('[data-test-id="already-paid-state"]')
    expect(paid).to_be_visible()
    expect(page.locator('[data-test-id="already-paid-message"]')).to_contain_text("not been charged twice")
    expect(page.locator('[data-test-id="payment-methods"]')).to_be_hidden()
    page.screenshot(path=shots / "page-paid-meanwhile.png")


# ---------------------------------------------------------------------------- experience (issue 18)


def test_card_fields_validate_on_blur_clear_on_input_and_show_the_network(
    page: Page, shop: Shop, shots: Path, viewport: str
) -> None:
    page.goto(f"{shop.stack.checkout_url}/checkout?order_id={shop.create_order()}")
    page.locator('[data-test-id="method-card"]').click()
    form = page.locator('[data-test-id="card-form"]')
    number = form.locator('[data-test-id="card-number-input"]')
    number_error = form.locator('[data-test-id="card-number-error"]')

    # WHEN the shopper types a wrong number and leaves the field THEN the error shows at once
    number.fill("4111 1111 1111 1112")
    expect(form.locator('[data-test-id="card-network"]')).to_have_text("Visa")
    form.locator('[data-test-id="expiry-input"]').focus()
    expect(number_error).to_have_text("Enter a valid card number")
    expect(number).to_have_attribute("aria-invalid", "true")
    page.screenshot(path=shots / f"page-card-blur-error-{viewport}.png")

    # WHEN they correct it THEN the error goes as they type, and the network follows the number
    number.press_sequentially("5", delay=10)
    expect(number_error).to_be_hidden()
    expect(number).to_have_attribute("aria-invalid", "false")
    number.fill("5555 5555 5555 4444")
    expect(form.locator('[data-test-id="card-network"]')).to_have_text("Mastercard")
    number.blur()
    expect(number_error).to_be_hidden()

    # An empty field the shopper merely passed through is not flagged before they try to pay
    form.locator('[data-test-id="cvv-input"]').focus()
    form.locator('[data-test-id="cardholder-name-input"]').focus()
    expect(form.locator('[data-test-id="cvv-error"]')).to_be_hidden()
    page.screenshot(path=shots / f"page-card-network-{viewport}.png")


def test_closing_the_modal_while_processing_asks_first_and_on_close_gets_the_payment(
    page: Page, merchant_site: str, shop: Shop, shots: Path
) -> None:
    order_id = shop.create_order()
    frame = open_checkout_on_merchant_page(page, merchant_site, shop, order_id)
    shop.stack.stop_workers()  # keep the payment in `pending` while the shopper hesitates
    try:
        pay_by_upi(frame)
        # the payment is created first: on a loaded machine that can take longer than expect's default
        expect(frame.locator('[data-test-id="processing-state"]')).to_be_visible(timeout=SETTLE_TIMEOUT_MS)
        questions: list[str] = []

        # WHEN the shopper clicks close and says "no" THEN the modal stays
        def decline(dialog: Any) -> None:
            questions.append(dialog.message)
            dialog.dismiss()

        page.once("dialog", decline)
        page.wait_for_function("true")  # let the page post the payment's status to checkout.js
        page.wait_for_timeout(300)
        page.locator('[data-test-id="close-modal-button"]').click()
        expect(page.locator('[data-test-id="payment-modal"]')).to_be_visible()
        assert questions and "still being processed" in questions[0]
        assert merchant_events(page) == []

        # WHEN they confirm THEN it closes and onClose learns which payment is under way
        page.once("dialog", lambda dialog: dialog.accept())
        page.locator('[data-test-id="close-modal-button"]').click()
        expect(page.locator('[data-test-id="payment-modal"]')).to_have_count(0)
    finally:
        shop.stack.start_workers()
    events = merchant_events(page)
    assert [event["type"] for event in events] == ["close"]
    assert events[0]["data"]["status"] == "pending"
    assert events[0]["data"]["paymentId"].startswith("pay_")
    assert shop.payment(events[0]["data"]["paymentId"])["order_id"] == order_id
    page.screenshot(path=shots / "sdk-closed-while-processing.png")


def test_hosted_success_replaces_the_heading_and_says_what_to_do_next(
    page: Page, shop: Shop, shots: Path, viewport: str
) -> None:
    # GIVEN an order without a payment link (so no way back to offer) paid on the hosted page
    order_id = shop.create_order()
    page.goto(f"{shop.stack.checkout_url}/checkout?order_id={order_id}")
    pay_by_upi(page)
    success = page.locator('[data-test-id="success-state"]')
    expect(success).to_be_visible(timeout=SETTLE_TIMEOUT_MS)
    # THEN the page says it is done and what the shopper can do now: no dead end, no guessed link
    expect(page.locator('[data-test-id="order-summary"]')).not_to_contain_text("Complete Payment")
    expect(page.locator("h1")).to_have_text("Payment complete")
    expect(success.locator('[data-test-id="next-step"]')).to_have_text("You can close this page.")
    expect(success.locator('[data-test-id="return-link"]')).to_be_hidden()
    page.screenshot(path=shots / f"page-success-next-step-{viewport}.png")


def test_missing_and_unknown_orders_show_one_clear_state(
    page: Page, shop: Shop, shots: Path, viewport: str
) -> None:
    for name, query in [("missing", ""), ("unknown", "?order_id=order_DoesNotExist0000")]:
        page.goto(f"{shop.stack.checkout_url}/checkout{query}")
        expect(page.locator('[data-test-id="error-state"]')).to_be_visible()
        # no half-filled summary: no "Order ID" row without an order
        expect(page.locator('[data-test-id="order-summary"]')).to_be_hidden()
        expect(page.locator('[data-test-id="checkout-container"]')).to_have_count(0)
        page.screenshot(path=shots / f"page-order-{name}-{viewport}.png")


def test_the_checkout_404_speaks_to_shoppers(page: Page, shop: Shop, shots: Path) -> None:
    response = page.goto(f"{shop.stack.checkout_url}/basket/now")
    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_have_text("We could not find this page")
    expect(page.locator("main")).to_contain_text("you have not been charged")
    expect(page.locator("main")).not_to_contain_text("order_id")
    page.screenshot(path=shots / "page-404.png")


def test_a_failed_payment_shows_its_reason_and_id_for_support(
    page: Page, failing_shop: Shop, shots: Path
) -> None:
    page.goto(f"{failing_shop.stack.checkout_url}/checkout?order_id={failing_shop.create_order()}")
    pay_by_upi(page)
    expect(page.locator('[data-test-id="error-state"]')).to_be_visible(timeout=SETTLE_TIMEOUT_MS)
    expect(page.locator('[data-test-id="error-message"]')).to_have_text("Payment processing failed")
    # The order is still payable, so the page says what to do next and offers it
    error = page.locator('[data-test-id="error-state"]')
    expect(error.locator('[data-test-id="next-step"]')).to_have_text(
        "Nothing was charged. You can try again."
    )
    expect(page.locator('[data-test-id="retry-button"]')).to_be_visible()
    payment_id = page.locator('[data-test-id="error-payment-id"]').inner_text()
    assert failing_shop.payment(payment_id)["status"] == "failed"
    page.screenshot(path=shots / "page-failed-with-id.png")


@pytest.mark.parametrize(
    ("vpa", "message"),
    [("failure@upi", "Payment declined by the bank")],
)
def test_a_test_vpa_decides_the_outcome_and_the_page_shows_its_reason(
    page: Page, shop: Shop, shots: Path, vpa: str, message: str
) -> None:
    backend_capabilities.require(backend_capabilities.deterministic_test_inputs, shop.stack)
    page.goto(f"{shop.stack.checkout_url}/checkout?order_id={shop.create_order()}")
    pay_by_upi(page, vpa=vpa)
    expect(page.locator('[data-test-id="error-message"]')).to_have_text(message, timeout=SETTLE_TIMEOUT_MS)
    expect(page.locator('[data-test-id="error-payment-id"]')).to_have_text(re.compile(r"^pay_\w{16}$"))
    page.screenshot(path=shots / "page-test-vpa-declined.png")


CONTRAST_SCRIPT = """() => {
  const channel = (value) => { value /= 255; return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4; };
  const luminance = (rgb) => { const [r, g, b] = rgb.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number);
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b); };
  const background = (element) => {
    for (let node = element; node; node = node.parentElement) {
      const color = getComputedStyle(node).backgroundColor;
      if (color && !/rgba\\(.*, 0\\)$/.test(color) && color !== 'transparent') return color;
    }
    return 'rgb(255, 255, 255)';
  };
  const results = [];
  for (const element of document.querySelectorAll('body *')) {
    const text = [...element.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent.trim()).join('');
    if (!text || element.offsetParent === null) continue;
    const [light, dark] = [luminance(getComputedStyle(element).color), luminance(background(element))].sort((a, b) => b - a);
    results.push({ text: text.slice(0, 40), ratio: (light + 0.05) / (dark + 0.05) });
  }
  return results;
}"""


def test_the_demo_shops_text_meets_aa_contrast(page: Page, live_stack: LiveStack, built_widget: Path) -> None:
    page.goto(f"{live_stack.checkout_url}/demo")
    expect(page.locator('[data-test-id="demo-pay-button"]')).to_be_visible()
    low = [item for item in page.evaluate(CONTRAST_SCRIPT) if item["ratio"] < 4.5]
    assert low == [], f"text under 4.5:1 contrast: {low}"


def test_the_iframe_shows_a_focus_ring_when_the_keyboard_brings_focus_back(
    page: Page, merchant_site: str, shop: Shop, shots: Path
) -> None:
    frame = open_checkout_on_merchant_page(page, merchant_site, shop, shop.create_order())
    expect(frame.locator('[data-test-id="method-upi"]')).to_be_visible()
    page.locator('[data-test-id="close-modal-button"]').focus()
    page.keyboard.press("Tab")
    iframe = page.locator('[data-test-id="payment-iframe"]')
    expect(iframe).to_be_focused()
    assert iframe.evaluate("el => getComputedStyle(el).outlineStyle") == "solid"
    page.screenshot(path=shots / "sdk-iframe-focus-ring.png")


def test_the_already_paid_states_render_from_the_api_answers_alone(
    page: Page, shop: Shop, shots: Path
) -> None:
    """The page's side of issue 12 with the API's answers stubbed, so it is checked before the backend lands."""
    order_id = shop.create_order(50000)
    paid_order = {"id": order_id, "amount": 50000, "currency": "INR", "status": "paid"}
    page.route("**/api/v1/orders/*/public", lambda route: route.fulfill(json=paid_order))
    page.goto(f"{shop.stack.checkout_url}/checkout?order_id={order_id}")
    expect(page.locator('[data-test-id="already-paid-state"]')).to_be_visible()
    expect(page.locator('[data-test-id="payment-methods"]')).to_be_hidden()
    page.screenshot(path=shots / "page-already-paid-stubbed.png")

    refused = {"error": {"code": "BAD_REQUEST_ERROR", "description": "Order already paid"}}
    page.unroute("**/api/v1/orders/*/public")
    page.route("**/api/v1/payments/public", lambda route: route.fulfill(status=400, json=refused))
    page.goto(f"{shop.stack.checkout_url}/checkout?order_id={order_id}")
    pay_by_upi(page)
    expect(page.locator('[data-test-id="already-paid-message"]')).to_contain_text("not been charged twice")
    page.screenshot(path=shots / "page-paid-meanwhile-stubbed.png")


# ---------------------------------------------------------------------------- the merchant's name (issue 18)


def test_the_checkout_shows_the_accounts_name_as_text(
    page: Page, live_stack: LiveStack, built_widget: Path, shots: Path, viewport: str
) -> None:
    # GIVEN an account whose name is markup, and one of its orders
    markup = '<img src=x onerror="window.owned=1">'
    shop = Shop(live_stack, live_stack.create_merchant(name=markup))
    order_id = shop.create_order()
    # WHEN a shopper opens its checkout, with a name of the URL's own for good measure
    page.goto(f"{shop.stack.checkout_url}/checkout?order_id={order_id}&name=Someone%20Else")
    # THEN the account's name heads the order summary, as text, and the URL's does not appear
    expect(page.locator('[data-test-id="merchant-name"]')).to_have_text(markup)
    assert page.locator('[data-test-id="order-summary"] img').count() == 0
    assert page.evaluate("window.owned") is None
    expect(page.locator("body")).not_to_contain_text("Someone Else")
    page.screenshot(path=shots / f"page-merchant-name-{viewport}.png")


def test_the_demo_shop_modal_names_the_account_not_the_option(
    browser: Any, live_stack: LiveStack, built_widget: Path
) -> None:
    context = browser.new_context(viewport=VIEWPORTS["1280"])
    try:
        with failing_on_page_errors(context.new_page()) as page:
            page.goto(f"{live_stack.checkout_url}/demo")
            page.locator('[data-test-id="demo-pay-button"]').click()
            frame = page.frame_locator('[data-test-id="payment-iframe"]')
            expect(frame.locator('[data-test-id="order-id"]')).to_have_text(re.compile(r"^order_"))
            order_id = frame.locator('[data-test-id="order-id"]').text_content()
            public_order = f"{live_stack.api_url}/api/v1/orders/{order_id}/public"
            account = requests.get(public_order, timeout=10).json()["merchant_name"]
            expect(frame.locator('[data-test-id="merchant-name"]')).to_have_text(account)
    finally:
        context.close()


def test_a_jpy_order_shows_yen_without_decimals_and_is_paid_by_card(
    page: Page, shop: Shop, shots: Path, viewport: str
) -> None:
    # GIVEN an order of 50000 in JPY, a currency with no minor unit (50000 is 50,000 yen)
    response = requests.post(
        f"{shop.stack.api_url}/api/v1/orders",
        json={"amount": 50000, "currency": "JPY"},
        headers={"X-Api-Key": shop.merchant["api_key"], "X-Api-Secret": shop.merchant["api_secret"]},
        timeout=10,
    )
    assert response.status_code == 201, response.text
    page.goto(f"{shop.stack.checkout_url}/checkout?order_id={response.json()['id']}")

    # THEN the hosted checkout shows ¥50,000, offers no UPI (INR only), and takes the card
    expect(page.locator('[data-test-id="order-amount"]')).to_have_text("¥50,000")
    expect(page.locator('[data-test-id="method-upi"]')).to_be_hidden()
    page.locator('[data-test-id="method-card"]').click()
    card_form = page.locator('[data-test-id="card-form"]')
    expect(card_form.locator('[data-test-id="pay-button"]')).to_have_text("Pay ¥50,000")
    page.screenshot(path=shots / f"page-jpy-order-{viewport}.png", full_page=True)
    card_form.locator('[data-test-id="card-number-input"]').fill("4111111111111111")
    card_form.locator('[data-test-id="expiry-input"]').fill("12/30")
    card_form.locator('[data-test-id="cvv-input"]').fill("123")
    card_form.locator('[data-test-id="cardholder-name-input"]').fill("Aiko Sato")
    card_form.locator('[data-test-id="pay-button"]').click()
    expect(page.locator('[data-test-id="success-state"]')).to_be_visible(timeout=SETTLE_TIMEOUT_MS)
    payment = shop.payment(page.locator('[data-test-id="payment-id"]').inner_text())
    assert (payment["amount"], payment["currency"], payment["status"]) == (50000, "JPY", "success")
