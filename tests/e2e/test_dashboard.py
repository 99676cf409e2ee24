"""The merchant dashboard in a real browser, against the live local stack (SPEC §4 "Dashboard").

GIVEN a fresh merchant seeded into a live stack in test mode (payments settle after ~1 s, webhook
retries wait 5-20 s), WHEN the merchant uses the pages, THEN they show and change real data.
Screenshots of every page land in test-artifacts/dashboard/.
"""

from __future__ import annotations

import importlib.util
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

import pytest
import requests
from playwright.sync_api import Browser, Page, Playwright, expect

from tests.live_stack import REPO_ROOT, LiveStack

pytestmark = pytest.mark.e2e

SNIPPET = REPO_ROOT / "dashboard_site" / "snippets" / "verify_webhook.py"
SETTLE_TIMEOUT_S = 20.0  # 1 s simulated bank delay plus queue hops, with room for a slow machine
UI_TIMEOUT_MS = 20_000
PHONE_VIEWPORT = {"width": 360, "height": 780}
PAGES = ["/dashboard", "/dashboard/transactions", "/dashboard/webhooks", "/dashboard/docs"]
UPI_PAYMENT = {"method": "upi", "vpa": "shopper@okaxis"}

PATH_PARAMETER = re.compile(r"\{[^}]+\}")
EXAMPLE_ID = re.compile(r"/(order|pay|rfnd)_\w+|/[0-9a-f]{8}-[0-9a-f-]{27}")

T = TypeVar("T")


# ---------------------------------------------------------------------------- helpers


def wait_for(probe: Callable[[], T | None], timeout: float = SETTLE_TIMEOUT_S, what: str = "condition") -> T:
    """Polls until probe returns something truthy, or fails after the deadline."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = probe()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


class MerchantApi:
    """The merchant's server-side calls, used to arrange data and to check what the UI did."""

    def __init__(self, api_url: str, merchant: dict[str, str]) -> None:
        self.api_url = api_url
        self.headers = {"X-Api-Key": merchant["api_key"], "X-Api-Secret": merchant["api_secret"]}

    def call(self, method: str, path: str, body: Any = None, expected: int = 200) -> Any:
        response = requests.request(method, self.api_url + path, json=body, headers=self.headers, timeout=30)
        assert response.status_code == expected, f"{method} {path}: {response.status_code} {response.text}"
        return response.json()

    def create_payment(self, amount: int = 50000) -> dict[str, Any]:
        order = self.call("POST", "/api/v1/orders", {"amount": amount}, expected=201)
        return dict(
            self.call("POST", "/api/v1/payments", {"order_id": order["id"], **UPI_PAYMENT}, expected=201)
        )

    def settled_payment(self, amount: int = 50000) -> dict[str, Any]:
        payment_id = self.create_payment(amount)["id"]
        return wait_for(
            lambda: (p := self.call("GET", f"/api/v1/payments/{payment_id}"))["status"] == "success" and p,
            what=f"payment {payment_id} to succeed",
        )


@dataclass
class Delivery:
    headers: dict[str, str]
    body: bytes


@dataclass
class WebhookReceiver:
    """A merchant endpoint that records every delivery and answers with the queued status codes."""

    url: str = ""
    deliveries: list[Delivery] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)

    def next_status(self) -> int:
        return self.statuses.pop(0) if self.statuses else 200


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    state = WebhookReceiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            state.deliveries.append(Delivery({k.lower(): v for k, v in self.headers.items()}, body))
            status = state.next_status()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"OK" if status == 200 else b"Gone")

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/webhook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module", autouse=True)
def test_ids_use_the_spec_attribute(playwright_instance: Playwright) -> None:
    """SPEC §4 names elements by `data-test-id`, not Playwright's default `data-testid`."""
    playwright_instance.selectors.set_test_id_attribute("data-test-id")


@pytest.fixture
def merchant(live_stack: LiveStack) -> dict[str, str]:
    """A fresh merchant per test, so webhook URLs and counts never leak between tests."""
    return live_stack.create_merchant(name="Acme Books")


@pytest.fixture
def api(live_stack: LiveStack, merchant: dict[str, str]) -> MerchantApi:
    return MerchantApi(live_stack.api_url, merchant)


@pytest.fixture(scope="session")
def screenshots(artifacts_dir: Path) -> Path:
    directory = artifacts_dir / "dashboard"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


@pytest.fixture(scope="module")
def verify_snippet() -> ModuleType:
    """dashboard_site/snippets/verify_webhook.py, loaded exactly as a merchant would copy it."""
    spec = importlib.util.spec_from_file_location("verify_webhook", SNIPPET)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def log_in(page: Page, live_stack: LiveStack, merchant: dict[str, str], path: str = "/dashboard") -> None:
    page.goto(f"{live_stack.dashboard_url}/login?next={path}")
    page.get_by_test_id("email-input").fill(merchant["email"])
    page.get_by_test_id("password-input").fill(merchant["password"])
    page.get_by_test_id("login-button").click()
    page.wait_for_url(f"{live_stack.dashboard_url}{path}")


def showing(first: int, last: int, total: int | None = None) -> str:
    """The pager's label, with the en dash the page uses."""
    return f"Showing {first}\u2013{last}" + (f" of {total}" if total is not None else "")


def row_for(page: Page, payment_id: str) -> Any:
    return page.locator(f'[data-test-id="transaction-row"][data-payment-id="{payment_id}"]')


# ---------------------------------------------------------------------------- access


def test_logged_out_visitor_sees_no_dashboard_page(live_stack: LiveStack, page: Page) -> None:
    for path in PAGES:
        page.goto(live_stack.dashboard_url + path)
        page.wait_for_url(re.compile(r"/login\?next="))
        expect(page.get_by_test_id("login-form")).to_be_visible()
        expect(page.get_by_test_id("dashboard")).to_have_count(0)
    page.goto(live_stack.dashboard_url + "/")
    page.wait_for_url(f"{live_stack.dashboard_url}/login")


def test_unknown_path_shows_the_404_page(live_stack: LiveStack, page: Page, screenshots: Path) -> None:
    response = page.goto(live_stack.dashboard_url + "/no-such-page")
    assert response is not None and response.status == 404
    expect(page.get_by_test_id("not-found")).to_contain_text("Page not found")
    page.screenshot(path=screenshots / "404.png")


def test_login_with_a_wrong_password_is_refused(
    live_stack: LiveStack, page: Page, merchant: dict[str, str], screenshots: Path
) -> None:
    page.goto(live_stack.dashboard_url + "/login")
    page.get_by_test_id("email-input").fill(merchant["email"])
    page.get_by_test_id("password-input").fill("not-the-password")
    page.get_by_test_id("login-button").click()
    expect(page.get_by_test_id("login-error")).to_have_text("Incorrect email or password.")
    assert page.url.endswith("/login")
    page.screenshot(path=screenshots / "login-error.png")


def test_deep_link_survives_login_reload_and_logout(
    live_stack: LiveStack, page: Page, merchant: dict[str, str]
) -> None:
    page.goto(live_stack.dashboard_url + "/dashboard/webhooks")
    page.wait_for_url(re.compile(r"/login\?next="))
    page.get_by_test_id("email-input").fill(merchant["email"])
    page.get_by_test_id("password-input").fill(merchant["password"])
    page.get_by_test_id("login-button").click()
    page.wait_for_url(live_stack.dashboard_url + "/dashboard/webhooks")
    page.reload()
    expect(page.get_by_test_id("webhook-config")).to_be_visible()

    page.get_by_test_id("logout-button").click()
    page.wait_for_url(re.compile(r"/login"))
    page.goto(live_stack.dashboard_url + "/dashboard")
    page.wait_for_url(re.compile(r"/login\?next="))


def test_test_merchant_logs_in_with_any_password(live_stack: LiveStack, page: Page) -> None:
    page.goto(live_stack.dashboard_url + "/login")
    expect(page.get_by_test_id("test-merchant-email")).to_have_text("test@example.com")
    page.get_by_test_id("email-input").fill("test@example.com")
    page.get_by_test_id("password-input").fill("anything at all")
    page.get_by_test_id("login-button").click()
    page.wait_for_url(live_stack.dashboard_url + "/dashboard")
    expect(page.get_by_test_id("api-key")).to_have_text("key_test_abc123")


# ---------------------------------------------------------------------------- overview


def test_overview_shows_credentials_and_stats_that_follow_payments(
    live_stack: LiveStack, page: Page, merchant: dict[str, str], api: MerchantApi, screenshots: Path
) -> None:
    log_in(page, live_stack, merchant)
    expect(page.get_by_test_id("api-key")).to_have_text(merchant["api_key"])
    expect(page.get_by_test_id("api-secret")).to_have_text(merchant["api_secret"])
    expect(page.get_by_test_id("total-transactions")).to_have_text("0")
    expect(page.get_by_test_id("total-amount")).to_have_text("₹0.00")
    expect(page.get_by_test_id("success-rate")).to_have_text("-")  # no payments yet: nothing to rate

    api.settled_payment(150000)
    page.reload()
    expect(page.get_by_test_id("total-transactions")).to_have_text("1")
    expect(page.get_by_test_id("total-amount")).to_have_text("₹1,500.00")
    expect(page.get_by_test_id("success-rate")).to_have_text("100%")
    page.screenshot(path=screenshots / "overview.png", full_page=True)


# ---------------------------------------------------------------------------- transactions


def test_transactions_list_a_new_payment_and_follow_it_to_success(
    live_stack: LiveStack, page: Page, merchant: dict[str, str], api: MerchantApi
) -> None:
    older = api.settled_payment(12345)
    log_in(page, live_stack, merchant, "/dashboard/transactions")
    expect(row_for(page, older["id"])).to_be_visible()

    live_stack.stop_workers()  # hold the new payment in `pending` so the page sees it there first
    try:
        payment = api.create_payment(50000)
        page.get_by_test_id("refresh-transactions-button").click()
        row = row_for(page, payment["id"])
        expect(row.get_by_test_id("status")).to_have_text("pending")
        expect(page.get_by_test_id("transactions-live")).to_be_visible()
    finally:
        live_stack.start_workers()

    # No reload: the page polls while a payment is pending.
    expect(row.get_by_test_id("status")).to_have_text("success", timeout=UI_TIMEOUT_MS)
    expect(page.get_by_test_id("transactions-live")).to_be_hidden()
    expect(row.get_by_test_id("payment-id")).to_have_text(payment["id"])
    expect(row.get_by_test_id("order-id")).to_have_text(payment["order_id"])
    expect(row.get_by_test_id("amount")).to_have_text("₹500.00")
    expect(row.get_by_test_id("method")).to_have_text("upi")
    expect(row.get_by_test_id("created-at")).not_to_be_empty()
    rows = page.get_by_test_id("transaction-row")
    assert rows.nth(0).get_attribute("data-payment-id") == payment["id"], "newest payment comes first"
    assert rows.nth(1).get_attribute("data-payment-id") == older["id"]


def test_capture_and_partial_refund_from_the_row(
    live_stack: LiveStack, page: Page, merchant: dict[str, str], api: MerchantApi, screenshots: Path
) -> None:
    payment = api.settled_payment(50000)
    log_in(page, live_stack, merchant, "/dashboard/transactions")
    row = row_for(page, payment["id"])

    row.get_by_test_id("capture-button").click()
    expect(row.get_by_test_id("captured-label")).to_be_visible()
    assert api.call("GET", f"/api/v1/payments/{payment['id']}")["captured"] is True

    row.get_by_test_id("refund-button").click()
    dialog = page.get_by_test_id("refund-dialog")
    expect(dialog.get_by_test_id("refund-available")).to_have_text("₹500.00")
    dialog.get_by_test_id("refund-amount-input").fill("123.45")
    dialog.get_by_test_id("refund-reason-input").fill("Damaged box")
    page.screenshot(path=screenshots / "transactions-refund-dialog.png")
    dialog.get_by_test_id("refund-submit-button").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_test_id("toast")).to_contain_text("₹123.45")
    refunds = api.call("GET", f"/api/v1/payments/{payment['id']}/refunds")
    assert [(r["amount"], r["reason"]) for r in refunds] == [(12345, "Damaged box")]

    # The API's own words when it refuses: only ₹376.55 is left.
    row.get_by_test_id("refund-button").click()
    expect(dialog.get_by_test_id("refund-available")).to_have_text("₹376.55")
    dialog.get_by_test_id("refund-amount-input").fill("376.56")
    dialog.get_by_test_id("refund-submit-button").click()
    expect(dialog.get_by_test_id("refund-error")).to_have_text("Refund amount exceeds available amount")
    dialog.get_by_test_id("refund-amount-input").fill("12.5.0")
    dialog.get_by_test_id("refund-submit-button").click()
    expect(dialog.get_by_test_id("refund-error")).to_contain_text("Enter an amount")
    dialog.get_by_test_id("refund-cancel-button").click()
    assert len(api.call("GET", f"/api/v1/payments/{payment['id']}/refunds")) == 1
    page.screenshot(path=screenshots / "transactions.png", full_page=True)


def test_transactions_paginate(
    live_stack: LiveStack, page: Page, merchant: dict[str, str], api: MerchantApi
) -> None:
    created = [api.create_payment(10000 + i)["id"] for i in range(21)]
    log_in(page, live_stack, merchant, "/dashboard/transactions")
    expect(page.get_by_test_id("transactions-range")).to_have_text(showing(1, 20))
    expect(page.get_by_test_id("transaction-row")).to_have_count(20)
    expect(page.get_by_test_id("transactions-prev-button")).to_be_disabled()
    page.get_by_test_id("transactions-next-button").click()
    expect(page.get_by_test_id("transactions-range")).to_have_text(showing(21, 21))
    expect(row_for(page, created[0])).to_be_visible()  # the oldest is alone on page 2
    expect(page.get_by_test_id("transactions-next-button")).to_be_disabled()
    page.reload()  # the page number lives in the URL
    expect(page.get_by_test_id("transactions-range")).to_have_text(showing(21, 21))
    page.get_by_test_id("transactions-prev-button").click()
    expect(page.get_by_test_id("transaction-row")).to_have_count(20)


# ---------------------------------------------------------------------------- webhooks


def test_webhook_config_rotation_test_delivery_and_detail(
    live_stack: LiveStack,
    page: Page,
    merchant: dict[str, str],
    api: MerchantApi,
    receiver: WebhookReceiver,
    verify_snippet: ModuleType,
    screenshots: Path,
) -> None:
    log_in(page, live_stack, merchant, "/dashboard/webhooks")
    url_input = page.get_by_test_id("webhook-url-input")

    url_input.fill("ftp://shop.example/hook")
    page.get_by_test_id("save-webhook-button").click()
    expect(page.get_by_test_id("webhook-url-error")).to_contain_text("http")
    assert api.call("GET", "/api/v1/webhooks/config")["webhook_url"] == ""

    url_input.fill(receiver.url)
    page.get_by_test_id("save-webhook-button").click()
    expect(page.get_by_test_id("webhook-config-status")).to_have_text("Saved.")
    expect(page.get_by_test_id("webhook-url-error")).to_be_hidden()
    assert api.call("GET", "/api/v1/webhooks/config")["webhook_url"] == receiver.url
    page.reload()
    expect(url_input).to_have_value(receiver.url)

    secret = page.get_by_test_id("webhook-secret")
    old_secret = api.call("GET", "/api/v1/webhooks/config")["webhook_secret"]
    expect(secret).to_have_text(old_secret)
    page.get_by_test_id("regenerate-secret-button").click()
    expect(secret).not_to_have_text(old_secret)
    new_secret = secret.inner_text()
    assert new_secret.startswith("whsec_")
    assert api.call("GET", "/api/v1/webhooks/config")["webhook_secret"] == new_secret

    page.get_by_test_id("test-webhook-button").click()
    log_row = page.get_by_test_id("webhook-log-item").first
    expect(log_row.get_by_test_id("webhook-event")).to_have_text("webhook.test")
    expect(log_row.get_by_test_id("webhook-status")).to_have_text("success", timeout=UI_TIMEOUT_MS)
    expect(log_row.get_by_test_id("webhook-attempts")).to_have_text("1")
    expect(log_row.get_by_test_id("webhook-response-code")).to_have_text("200")
    expect(log_row.get_by_test_id("webhook-last-attempt")).not_to_have_text("-")

    # The snippet the docs show verifies the real delivery with the new secret, not the old one.
    delivery = wait_for(lambda: receiver.deliveries and receiver.deliveries[-1], what="the test delivery")
    assert verify_snippet.verify_webhook(delivery.body, delivery.headers, new_secret)
    assert not verify_snippet.verify_signature(
        delivery.body, delivery.headers["x-webhook-signature"], old_secret
    )

    log_row.get_by_test_id("view-webhook-button").click()
    detail = page.get_by_test_id("webhook-detail")
    expect(detail.get_by_test_id("webhook-detail-payload")).to_have_text(delivery.body.decode())
    expect(detail.get_by_test_id("webhook-detail-response")).to_have_text("OK")
    page.screenshot(path=screenshots / "webhooks-detail.png")
    detail.get_by_test_id("webhook-detail-close-button").click()
    expect(detail).to_be_hidden()
    page.screenshot(path=screenshots / "webhooks.png", full_page=True)


def test_failed_delivery_is_retried_from_its_row(
    live_stack: LiveStack, page: Page, merchant: dict[str, str], api: MerchantApi, receiver: WebhookReceiver
) -> None:
    api.call("PUT", "/api/v1/webhooks/config", {"webhook_url": receiver.url})
    receiver.statuses.append(410)  # Gone: the gateway gives up at once, no 50 s of test-mode retries
    log_id = api.call("POST", "/api/v1/webhooks/test")["id"]
    log_in(page, live_stack, merchant, "/dashboard/webhooks")
    row = page.locator(f'[data-test-id="webhook-log-item"][data-webhook-id="{log_id}"]')
    expect(row.get_by_test_id("webhook-status")).to_have_text("failed", timeout=UI_TIMEOUT_MS)
    expect(row.get_by_test_id("webhook-response-code")).to_have_text("410")

    row.get_by_test_id("retry-webhook-button").click()
    expect(row.get_by_test_id("webhook-status")).to_have_text("success", timeout=UI_TIMEOUT_MS)
    expect(row.get_by_test_id("webhook-response-code")).to_have_text("200")
    assert len(receiver.deliveries) == 2


def test_webhook_logs_paginate_and_show_dash_without_response(
    live_stack: LiveStack, page: Page, merchant: dict[str, str], api: MerchantApi, receiver: WebhookReceiver
) -> None:
    api.call("PUT", "/api/v1/webhooks/config", {"webhook_url": receiver.url})
    live_stack.stop_workers()  # deliveries stay unattempted: no response code yet
    try:
        ids = [api.call("POST", "/api/v1/webhooks/test")["id"] for _ in range(11)]
        log_in(page, live_stack, merchant, "/dashboard/webhooks")
        expect(page.get_by_test_id("webhook-logs-range")).to_have_text(showing(1, 10, 11))
        expect(page.get_by_test_id("webhook-log-item")).to_have_count(10)
        first = page.get_by_test_id("webhook-log-item").first
        expect(first.get_by_test_id("webhook-response-code")).to_have_text("-")
        expect(first.get_by_test_id("retry-webhook-button")).to_be_disabled()  # first attempt not made yet
        expect(page.get_by_test_id("webhook-logs-prev-button")).to_be_disabled()
        page.get_by_test_id("webhook-logs-next-button").click()
        expect(page.get_by_test_id("webhook-logs-range")).to_have_text(showing(11, 11, 11))
        expect(page.get_by_test_id("webhook-log-item")).to_have_attribute("data-webhook-id", ids[0])
        expect(page.get_by_test_id("webhook-logs-next-button")).to_be_disabled()
        page.get_by_test_id("webhook-logs-prev-button").click()
        expect(page.get_by_test_id("webhook-log-item")).to_have_count(10)
    finally:
        live_stack.start_workers()
    # Once the workers run, the page refreshes itself until nothing is pending.
    expect(page.locator('[data-test-id="webhook-status"]', has_text="pending")).to_have_count(
        0, timeout=UI_TIMEOUT_MS
    )
    expect(page.get_by_test_id("webhook-logs-live")).to_be_hidden()


# ---------------------------------------------------------------------------- docs


def test_docs_show_every_section_with_the_merchants_own_key(
    live_stack: LiveStack, page: Page, merchant: dict[str, str], screenshots: Path
) -> None:
    log_in(page, live_stack, merchant, "/dashboard/docs")
    docs = page.get_by_test_id("api-docs")
    for section, snippet in [
        ("section-create-order", "code-snippet-create-order"),
        ("section-sdk-integration", "code-snippet-sdk"),
        ("section-webhook-verification", "code-snippet-webhook"),
    ]:
        expect(docs.get_by_test_id(section)).to_be_visible()
        expect(docs.get_by_test_id(section).get_by_test_id(snippet)).to_be_visible()

    expect(page.get_by_test_id("code-snippet-create-order")).to_contain_text(
        f"{live_stack.api_url}/api/v1/orders"
    )
    expect(page.get_by_test_id("code-snippet-create-order")).to_contain_text(merchant["api_key"])
    expect(page.get_by_test_id("code-snippet-sdk")).to_contain_text(f"{live_stack.checkout_url}/checkout.js")
    expect(page.get_by_test_id("code-snippet-sdk")).to_contain_text("new PaymentGateway(")
    expect(page.get_by_test_id("code-snippet-sdk")).to_contain_text(f"key: '{merchant['api_key']}'")
    assert page.get_by_test_id("code-snippet-webhook-python").text_content() == SNIPPET.read_text()
    expect(page.get_by_test_id("code-snippet-webhook-node")).to_contain_text("timingSafeEqual")
    for event in ["payment.created", "payment.pending", "payment.success", "payment.failed"]:
        expect(page.get_by_test_id("webhook-event-list")).to_contain_text(event)
    for event in ["refund.created", "refund.processed", "webhook.test"]:
        expect(page.get_by_test_id("webhook-event-list")).to_contain_text(event)
    expect(page.get_by_test_id("retry-schedule")).to_contain_text("2 hours")
    expect(page.get_by_test_id("section-idempotency")).to_contain_text("Idempotent-Replayed: true")
    expect(page.get_by_test_id("openapi-link")).to_have_attribute(
        "href", f"{live_stack.api_url}/api/v1/openapi.json"
    )
    page.screenshot(path=screenshots / "docs.png", full_page=True)


def test_docs_have_a_curl_example_for_every_api_operation(
    live_stack: LiveStack, page: Page, merchant: dict[str, str]
) -> None:
    schema = requests.get(f"{live_stack.api_url}/api/v1/openapi.json", timeout=30).json()
    operations = {
        f"{method.upper()} {PATH_PARAMETER.sub('{}', path)}"
        for path, item in schema["paths"].items()
        for method in item
        if method in {"get", "post", "put", "delete", "patch"}
    }
    log_in(page, live_stack, merchant, "/dashboard/docs")
    expect(page.get_by_test_id("endpoint").first).to_be_visible()
    documented = {
        EXAMPLE_ID.sub("/{}", value)
        for value in page.get_by_test_id("endpoint").evaluate_all("els => els.map(e => e.dataset.endpoint)")
    }
    assert operations - documented == set(), "operations without a curl example"
    for snippet in page.get_by_test_id("code-snippet-endpoint").all_text_contents():
        assert snippet.startswith("curl -X ")


# ---------------------------------------------------------------------------- phone


def test_every_page_fits_a_360px_phone(
    live_stack: LiveStack, browser: Browser, merchant: dict[str, str], api: MerchantApi, screenshots: Path
) -> None:
    api.settled_payment()
    context = browser.new_context(viewport=PHONE_VIEWPORT)
    try:
        page = context.new_page()
        page.goto(live_stack.dashboard_url + "/login")
        page.screenshot(path=screenshots / "phone-login.png")
        log_in(page, live_stack, merchant)
        for path in PAGES:
            page.goto(live_stack.dashboard_url + path)
            page.wait_for_load_state("networkidle")
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{path} scrolls sideways by {overflow}px on a phone"
            name = path.strip("/").replace("/", "-")
            page.screenshot(path=screenshots / f"phone-{name}.png", full_page=True)
    finally:
        context.close()
