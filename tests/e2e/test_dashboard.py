"""The merchant dashboard in a real browser, against the live local stack (docs/browser-contract.md).

GIVEN a fresh merchant seeded into a live stack in test mode (payments settle after ~1 s, webhook
retries wait 5-20 s), WHEN the merchant uses the pages, THEN they show and change real data.
Screenshots of every page land in test-artifacts/dashboard/.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, Page, Playwright, expect

from devkit.live_stack import LiveStack, refusing_port
from tests.e2e import backend_capabilities
from tests.e2e.conftest import failing_on_page_errors
from tests.e2e.dashboard_support import (
    UI_TIMEOUT_MS,
    UPI_PAYMENT,
    Dashboard,
    MerchantApi,
    WebhookReceiver,
    assert_inside_viewport,
    log_in,
    row_for,
    showing,
    wait_for,
)
from tests.unit.test_dashboard_verify_snippet import SNIPPET, load_snippet

pytestmark = pytest.mark.e2e

PHONE_VIEWPORT = {"width": 360, "height": 780}
PAGES = [
    "/dashboard",
    "/dashboard/transactions",
    "/dashboard/orders",
    "/dashboard/refunds",
    "/dashboard/webhooks",
    "/dashboard/events",
    "/dashboard/docs",
]

PATH_PARAMETER = re.compile(r"\{[^}]+\}")
EXAMPLE_ID = re.compile(r"/(order|pay|plink|rfnd|evt|rcv)_\w+|/[0-9a-f]{8}-[0-9a-f-]{27}")


@pytest.fixture(scope="module", autouse=True)
def test_ids_use_the_spec_attribute(playwright_instance: Playwright) -> None:
    """docs/browser-contract.md names elements by `data-test-id`, not Playwright's default `data-testid`."""
    playwright_instance.selectors.set_test_id_attribute("data-test-id")


@pytest.fixture(scope="module")
def verify_snippet() -> ModuleType:
    """dashboard_site/snippets/verify_webhook.py, loaded exactly as a merchant would copy it."""
    return load_snippet()


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


def read_like_a_contract_check(page: Page, test_id: str) -> str:
    """What a check that knows only the DOM contract reads: wait for the element, then its rendered text."""
    element = page.wait_for_selector(f'[data-test-id="{test_id}"]')
    assert element is not None
    return element.inner_text()


def test_seeded_merchant_credentials_read_exactly_as_the_contract_names_them(
    live_stack: LiveStack, page: Page, viewport: str
) -> None:
    """GIVEN the seeded test merchant logged in, WHEN a check reads the credentials and the webhook secret
    the moment their elements appear, THEN it reads the real values (masking is for the eye only)."""
    page.goto(live_stack.dashboard_url + "/login")
    page.get_by_test_id("email-input").fill("test@example.com")
    page.get_by_test_id("password-input").fill("any password")
    page.get_by_test_id("login-button").click()
    page.wait_for_url(live_stack.dashboard_url + "/dashboard")
    assert read_like_a_contract_check(page, "api-key") == "key_test_abc123"
    assert read_like_a_contract_check(page, "api-secret") == "secret_test_xyz789"
    assert page.get_by_test_id("api-secret").text_content() == "secret_test_xyz789"

    page.goto(live_stack.dashboard_url + "/dashboard/webhooks")
    assert read_like_a_contract_check(page, "webhook-secret") == "whsec_test_abc123"


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


def test_the_mode_pill_follows_the_stacks_mode_not_the_keys_prefix(
    live_stack: LiveStack, page: Page, merchant: dict[str, str], viewport: str, screenshots: Path
) -> None:
    # GIVEN a merchant whose key has no `key_test_` prefix, on a stack in test mode
    assert not merchant["api_key"].startswith("key_test_")
    log_in(page, live_stack, merchant)
    pill = page.get_by_test_id("mode-pill")
    expect(pill).to_be_visible()
    expect(pill).to_have_text("Test mode")
    page.screenshot(path=screenshots / f"overview-test-mode-pill-{viewport}.png")

    # WHEN the stack answers as a production stack does (no test helpers), THEN no pill
    page.route(
        f"{live_stack.api_url}/api/v1/test/merchant",
        lambda route: route.fulfill(
            status=404,
            content_type="application/json",
            body='{"error":{"code":"NOT_FOUND_ERROR","description":"Not found"}}',
        ),
    )
    page.reload()
    expect(page.get_by_test_id("api-key")).to_have_text(merchant["api_key"])
    page.wait_for_load_state("networkidle")
    expect(pill).to_be_hidden()


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
    confirm = page.get_by_test_id("capture-dialog")
    expect(confirm.get_by_test_id("capture-question")).to_contain_text(
        f"Capture ₹500.00 on {payment['id']}? That is the whole amount authorized."
    )
    confirm.get_by_test_id("capture-confirm-button").click()
    expect(confirm).to_be_hidden()
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


def test_a_refresh_that_fails_says_so_and_a_later_one_clears_it(
    dashboard: Dashboard, api: MerchantApi
) -> None:
    # GIVEN the transactions page, loaded
    api.settled_payment()
    page = dashboard.open("/dashboard/transactions")
    expect(page.get_by_test_id("transaction-row")).to_have_count(1, timeout=UI_TIMEOUT_MS)

    # WHEN the API cannot be reached for a refresh
    page.route("**/api/v1/payments?*", lambda route: route.abort())
    page.get_by_test_id("refresh-transactions-button").click()

    # THEN the page says it could not be brought up to date, instead of showing stale rows as current
    expect(page.get_by_test_id("page-error")).to_contain_text("could not be brought up to date")
    expect(page.get_by_test_id("page-error")).to_contain_text("Could not reach the gateway API")

    # AND once the API answers again, a refresh clears it
    page.unroute("**/api/v1/payments?*")
    page.get_by_test_id("refresh-transactions-button").click()
    expect(page.get_by_test_id("page-error")).to_be_hidden()


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
    page.get_by_test_id("regenerate-secret-confirm-button").click()
    expect(secret).not_to_have_text(old_secret)
    new_secret = secret.inner_text()
    assert new_secret.startswith("whsec_")
    assert api.call("GET", "/api/v1/webhooks/config")["webhook_secret"] == new_secret
    expect(page.get_by_test_id("webhook-config-status")).to_contain_text("old secret's signature until")

    page.get_by_test_id("test-webhook-button").click()
    log_row = page.get_by_test_id("webhook-log-item").first
    expect(log_row.get_by_test_id("webhook-event")).to_have_text("webhook.test")
    expect(log_row.get_by_test_id("webhook-status")).to_have_text("success", timeout=UI_TIMEOUT_MS)
    expect(log_row.get_by_test_id("webhook-attempts")).to_have_text("1")
    expect(log_row.get_by_test_id("webhook-response-code")).to_have_text("200")
    expect(log_row.get_by_test_id("webhook-last-attempt")).not_to_have_text("-")

    # The snippet the docs show verifies the real delivery during the rotation with either secret,
    # though the hex signature alone is already the new secret's (what the confirmation warned about).
    delivery = wait_for(lambda: receiver.deliveries and receiver.deliveries[-1], what="the test delivery")
    assert verify_snippet.verify_webhook(delivery.body, delivery.headers, new_secret)
    assert verify_snippet.verify_webhook(delivery.body, delivery.headers, old_secret)
    assert verify_snippet.verify_webhook(delivery.body, delivery.headers, [new_secret, old_secret])
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


def test_regenerating_the_secret_asks_first_and_says_what_happens_to_each_signature(
    live_stack: LiveStack,
    page: Page,
    merchant: dict[str, str],
    api: MerchantApi,
    viewport: str,
    screenshots: Path,
) -> None:
    old_secret = api.call("GET", "/api/v1/webhooks/config")["webhook_secret"]
    log_in(page, live_stack, merchant, "/dashboard/webhooks")
    expect(page.get_by_test_id("webhook-secret")).to_have_text(old_secret)

    # WHEN the merchant presses Regenerate, THEN nothing changes until they confirm the consequence
    page.get_by_test_id("regenerate-secret-button").click()
    dialog = page.get_by_test_id("regenerate-secret-dialog")
    expect(dialog).to_be_visible()
    consequence = dialog.get_by_test_id("regenerate-secret-consequence")
    expect(consequence).to_contain_text("X-Webhook-Signature (hex) is made with the new secret only")
    expect(consequence).to_contain_text("rejects every delivery until you update it")
    expect(consequence).to_contain_text("both the new and the current secret for 24 hours")
    expect(consequence.get_by_role("link")).to_have_attribute("href", "/dashboard/docs#secret-rotation")
    expect(dialog.get_by_test_id("regenerate-secret-cancel-button")).to_be_focused()
    assert_inside_viewport(page, dialog)
    page.screenshot(path=screenshots / f"webhooks-regenerate-confirm-{viewport}.png")

    dialog.get_by_test_id("regenerate-secret-cancel-button").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_test_id("webhook-secret")).to_have_text(old_secret)
    assert api.call("GET", "/api/v1/webhooks/config")["webhook_secret"] == old_secret

    page.get_by_test_id("regenerate-secret-button").click()
    dialog.get_by_test_id("regenerate-secret-confirm-button").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_test_id("webhook-secret")).not_to_have_text(old_secret)
    assert api.call("GET", "/api/v1/webhooks/config")["webhook_secret"] != old_secret


def test_docs_explain_the_rotation_and_show_code_that_accepts_either_secret(
    live_stack: LiveStack, page: Page, merchant: dict[str, str], viewport: str, screenshots: Path
) -> None:
    log_in(page, live_stack, merchant, "/dashboard/docs")
    page.goto(f"{live_stack.dashboard_url}/dashboard/docs#secret-rotation")
    consequence = page.get_by_test_id("secret-rotation-consequence")
    expect(consequence).to_contain_text("X-Webhook-Signature (hex) is made with the new secret only")
    expect(consequence).to_contain_text("for 24 hours")
    rotation_code = page.get_by_test_id("code-snippet-rotation")
    expect(rotation_code).to_contain_text("[NEW_WEBHOOK_SECRET, OLD_WEBHOOK_SECRET]")
    expect(rotation_code).to_contain_text("[process.env.NEW_WEBHOOK_SECRET, process.env.OLD_WEBHOOK_SECRET]")
    expect(page.get_by_test_id("code-snippet-webhook-python")).to_contain_text("def verify_webhook(")
    page.get_by_test_id("section-secret-rotation").scroll_into_view_if_needed()
    page.screenshot(path=screenshots / f"docs-secret-rotation-{viewport}.png")


def test_failed_delivery_is_retried_from_its_row(
    live_stack: LiveStack, page: Page, merchant: dict[str, str], api: MerchantApi, endpoint: WebhookReceiver
) -> None:
    endpoint.statuses.append(410)  # Gone: the gateway gives up at once, no 50 s of test-mode retries
    log_id = api.call("POST", "/api/v1/webhooks/test")["id"]
    log_in(page, live_stack, merchant, "/dashboard/webhooks")
    row = page.locator(f'[data-test-id="webhook-log-item"][data-webhook-id="{log_id}"]')
    expect(row.get_by_test_id("webhook-status")).to_have_text("failed", timeout=UI_TIMEOUT_MS)
    expect(row.get_by_test_id("webhook-response-code")).to_have_text("410")

    row.get_by_test_id("retry-webhook-button").click()
    expect(row.get_by_test_id("webhook-status")).to_have_text("success", timeout=UI_TIMEOUT_MS)
    expect(row.get_by_test_id("webhook-response-code")).to_have_text("200")
    assert len(endpoint.deliveries) == 2


def test_webhook_logs_paginate_and_show_dash_without_response(
    live_stack: LiveStack, page: Page, merchant: dict[str, str], api: MerchantApi, endpoint: WebhookReceiver
) -> None:
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
    for event in ["refund.created", "refund.processed", "order.paid", "webhook.test"]:
        expect(page.get_by_test_id("webhook-event-list")).to_contain_text(event)
    expect(page.get_by_test_id("example-payload-payment")).to_contain_text('"version": 2')
    expect(page.get_by_test_id("code-snippet-webhook-versions")).to_contain_text(
        'payment["version"] > stored.version'
    )
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
        with failing_on_page_errors(context.new_page()) as page:
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


# ---------------------------------------------------------------------------- payments you can inspect (issue 18)


@dataclass
class Ledger:
    """One payment in each lifecycle state, arranged through the merchant API."""

    authorized: dict[str, Any]
    captured: dict[str, Any]
    partially_refunded: dict[str, Any]
    refunded: dict[str, Any]


@pytest.fixture
def ledger(api: MerchantApi) -> Ledger:
    authorized = api.settled_payment(50000)
    captured = api.settled_payment(150000)
    api.capture(captured)
    partially_refunded = api.settled_payment(80000)
    api.refund(partially_refunded, 30000)
    refunded = api.settled_payment(20000)
    api.capture(refunded)
    api.refund(refunded, 20000)
    return Ledger(authorized, captured, partially_refunded, refunded)


def test_overview_masks_the_secret_until_revealed_and_splits_captured_from_authorized(
    live_stack: LiveStack,
    page: Page,
    merchant: dict[str, str],
    ledger: Ledger,
    screenshots: Path,
    viewport: str,
) -> None:
    log_in(page, live_stack, merchant)
    secret = page.get_by_test_id("api-secret")
    masking = "el => getComputedStyle(el).filter"
    assert secret.evaluate(masking).startswith("blur"), "the secret shows before the merchant asks"
    # left to capture: 500 + (800 - 300 refunded before capture); captured 1,500 + 200; refunds 300 + 200;
    # net = captured payments less their refunds: 1,500 + (200 - 200). Never captured minus every refund.
    expect(page.get_by_test_id("authorized-amount")).to_have_text("₹1,000.00")
    expect(page.get_by_test_id("captured-amount")).to_have_text("₹1,700.00")
    expect(page.get_by_test_id("refunded-amount")).to_have_text("₹500.00")
    expect(page.get_by_test_id("net-amount")).to_have_text("₹1,500.00")
    page.screenshot(path=screenshots / f"overview-breakdown-{viewport}.png", full_page=True)

    expect(secret).to_have_text(merchant["api_secret"], use_inner_text=True)  # masked for the eye only
    page.get_by_test_id("reveal-api-secret").click()
    assert secret.evaluate(masking) == "none"
    expect(secret).to_have_text(merchant["api_secret"])
    expect(page.get_by_test_id("reveal-api-secret")).to_have_text("Hide")


def test_transactions_show_lifecycle_states_and_the_orders_status(
    live_stack: LiveStack,
    page: Page,
    merchant: dict[str, str],
    api: MerchantApi,
    ledger: Ledger,
    screenshots: Path,
    viewport: str,
) -> None:
    log_in(page, live_stack, merchant, "/dashboard/transactions")
    expected = {
        "Authorized": ledger.authorized,
        "Captured": ledger.captured,
        "Partially refunded": ledger.partially_refunded,
        "Refunded": ledger.refunded,
    }
    for label, payment in expected.items():
        row = row_for(page, payment["id"])
        expect(row.get_by_test_id("status")).to_have_text("success")
        expect(row.get_by_test_id("payment-state")).to_have_text(label)
        order_status = api.call("GET", f"/api/v1/orders/{payment['order_id']}")["status"]
        expect(row.get_by_test_id("order-status")).to_have_text(order_status)
    expect(row_for(page, ledger.refunded["id"]).get_by_test_id("refund-button")).to_have_count(0)
    if viewport == "1280":  # the row with the widest badge still shows its actions without scrolling
        wrap = page.get_by_test_id("transactions-table").locator("xpath=..")
        assert wrap.evaluate("el => el.scrollWidth <= el.clientWidth"), "the actions column is cut off"
    page.screenshot(path=screenshots / f"transactions-states-{viewport}.png", full_page=True)


def test_transactions_filter_search_date_range_and_export_the_filtered_list(
    live_stack: LiveStack, page: Page, merchant: dict[str, str], ledger: Ledger, screenshots: Path
) -> None:
    log_in(page, live_stack, merchant, "/dashboard/transactions")
    rows = page.get_by_test_id("transaction-row")
    expect(rows).to_have_count(4)

    # status filter
    page.get_by_test_id("transactions-status-filter").select_option("partially_refunded")
    page.get_by_test_id("apply-filters-button").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-payment-id", ledger.partially_refunded["id"])
    assert "state=partially_refunded" in page.url, "the filter lives in the URL"
    page.screenshot(path=screenshots / "transactions-filtered.png", full_page=True)

    # CSV of exactly the filtered list
    with page.expect_download() as download_info:
        page.get_by_test_id("export-csv-button").click()
    csv_lines = Path(download_info.value.path()).read_text(encoding="utf-8").splitlines()
    assert csv_lines[0].startswith(
        "payment_id,order_id,currency,minor_unit,amount,amount_captured,amount_refunded"
    )
    assert len(csv_lines) == 2 and csv_lines[1].startswith(ledger.partially_refunded["id"] + ",")
    assert ",partially_refunded," in csv_lines[1] and ",30000," in csv_lines[1]

    # search by order id, then by VPA (all four share one)
    page.get_by_test_id("clear-filters-button").click()
    expect(rows).to_have_count(4)
    page.get_by_test_id("transactions-search-input").fill(ledger.captured["order_id"])
    page.get_by_test_id("apply-filters-button").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-payment-id", ledger.captured["id"])
    page.get_by_test_id("transactions-search-input").fill(UPI_PAYMENT["vpa"])
    page.get_by_test_id("apply-filters-button").click()
    expect(rows).to_have_count(4)

    # a date range that ends before today matches nothing
    page.get_by_test_id("transactions-search-input").fill("")
    page.get_by_test_id("transactions-to-input").fill("2020-01-31")
    page.get_by_test_id("apply-filters-button").click()
    expect(rows).to_have_count(0)
    expect(page.get_by_test_id("transactions-empty")).to_have_text("No payments match these filters.")


def test_payment_detail_from_the_row_and_from_the_search_box(
    live_stack: LiveStack,
    page: Page,
    merchant: dict[str, str],
    ledger: Ledger,
    screenshots: Path,
    viewport: str,
) -> None:
    payment = ledger.partially_refunded
    log_in(page, live_stack, merchant, "/dashboard/transactions")

    # WHEN the merchant opens the payment from its row
    row_for(page, payment["id"]).get_by_test_id("payment-id").click()
    detail = page.get_by_test_id("payment-detail")
    expect(detail).to_be_visible()
    expect(page.get_by_test_id("transactions-table")).to_be_hidden()
    expect(page.get_by_test_id("payment-detail-id")).to_have_text(payment["id"])
    expect(page.get_by_test_id("payment-detail-amount")).to_have_text("₹800.00")
    expect(page.get_by_test_id("payment-detail-method")).to_have_text(f"upi · {UPI_PAYMENT['vpa']}")
    expect(page.get_by_test_id("payment-detail-captured")).to_have_text("₹0.00")
    expect(page.get_by_test_id("payment-detail-refunded")).to_have_text("₹300.00")
    expect(detail.get_by_test_id("payment-state")).to_have_text("Partially refunded")
    expect(page.get_by_test_id("payment-detail-order-id")).to_have_text(payment["order_id"])
    expect(page.get_by_test_id("payment-detail-order-status")).not_to_be_empty()
    expect(page.get_by_test_id("payment-refund-row")).to_have_count(1)
    expect(page.get_by_test_id("payment-refund-row").get_by_test_id("refund-status")).to_have_text(
        "processed", timeout=UI_TIMEOUT_MS
    )
    expect(page.get_by_test_id("timeline-entry")).to_have_count(
        4
    )  # created, succeeded, refund created, processed
    page.screenshot(path=screenshots / f"payment-detail-{viewport}.png", full_page=True)

    # WHEN they go back and look another payment up by its id THEN its page opens
    page.get_by_test_id("back-to-transactions").click()
    expect(page.get_by_test_id("transactions-table")).to_be_visible()
    page.get_by_test_id("transactions-search-input").fill(ledger.captured["id"])
    page.get_by_test_id("apply-filters-button").click()
    expect(page.get_by_test_id("payment-detail-id")).to_have_text(ledger.captured["id"])
    expect(page.get_by_test_id("payment-detail-captured")).to_have_text("₹1,500.00")
    assert f"payment={ledger.captured['id']}" in page.url, "the detail page has its own address"


def test_an_auto_refunded_payment_is_marked_in_transactions(
    live_stack: LiveStack, page: Page, merchant: dict[str, str], api: MerchantApi, screenshots: Path
) -> None:
    backend_capabilities.require(backend_capabilities.late_successes_are_refunded, live_stack)
    # GIVEN two payments in flight on one order: only one may count
    order = api.call("POST", "/api/v1/orders", {"amount": 40000}, expected=201)
    body = {"order_id": order["id"], **UPI_PAYMENT}
    payments = [api.call("POST", "/api/v1/payments", body, expected=201) for _ in range(2)]
    refunded_id = wait_for(
        lambda: next(
            (
                p["id"]
                for p in payments
                if any(
                    r["reason"] == "Order already paid"
                    for r in api.call("GET", f"/api/v1/payments/{p['id']}/refunds")
                )
            ),
            None,
        ),
        what="the gateway's auto-refund",
    )
    log_in(page, live_stack, merchant, "/dashboard/transactions")
    expect(row_for(page, refunded_id).get_by_test_id("auto-refund-badge")).to_have_text("Auto-refunded")
    expect(row_for(page, refunded_id).get_by_test_id("payment-state")).to_have_text("Refunded")
    # Refunded in full before any capture: nothing is left to capture or refund, so nothing is offered
    expect(row_for(page, refunded_id).get_by_test_id("capture-button")).to_have_count(0)
    expect(row_for(page, refunded_id).get_by_test_id("refund-button")).to_have_count(0)
    other = next(p["id"] for p in payments if p["id"] != refunded_id)
    expect(row_for(page, other).get_by_test_id("auto-refund-badge")).to_have_count(0)
    expect(row_for(page, other).get_by_test_id("order-status")).to_have_text("paid")
    page.screenshot(path=screenshots / "transactions-auto-refund.png", full_page=True)


# ---------------------------------------------------------------------------- deliveries you can debug (issue 18)


def test_a_failed_first_attempt_reads_as_a_scheduled_retry_with_its_detail(
    live_stack: LiveStack,
    page: Page,
    merchant: dict[str, str],
    api: MerchantApi,
    endpoint: WebhookReceiver,
    screenshots: Path,
    viewport: str,
) -> None:
    endpoint.statuses.append(503)  # one failure, then the test-mode retry (5 s later) succeeds
    log_id = api.call("POST", "/api/v1/webhooks/test")["id"]
    log_in(page, live_stack, merchant, "/dashboard/webhooks")
    row = page.locator(f'[data-test-id="webhook-log-item"][data-webhook-id="{log_id}"]')

    # THEN the row says which attempt comes next and when, and the page states the real retry schedule
    expect(row.get_by_test_id("webhook-retry-note")).to_have_text(
        re.compile(r"^Retrying - attempt 2 of 5 at \d\d:\d\d:\d\d$"), timeout=UI_TIMEOUT_MS
    )
    expect(page.get_by_test_id("retry-window-text")).to_contain_text("5, 10, 15 and 20 s apart")
    page.screenshot(path=screenshots / f"webhooks-retrying-{viewport}.png", full_page=True)

    # WHEN the merchant opens the delivery THEN it shows where it went, the attempt, headers and payload
    row.get_by_test_id("view-webhook-button").click()
    detail = page.get_by_test_id("webhook-detail")
    expect(detail.get_by_test_id("webhook-detail-url")).to_have_text(endpoint.url)
    expect(detail.get_by_test_id("webhook-detail-attempt-result").first).to_have_text("HTTP 503")
    headers = detail.get_by_test_id("webhook-detail-header")
    expect(headers).to_have_count(5)
    assert all("whsec" not in text for text in headers.all_inner_texts())
    expect(detail.get_by_test_id("webhook-detail-payload-pretty")).to_contain_text('"event": "webhook.test"')
    page.screenshot(path=screenshots / f"webhook-detail-{viewport}.png", full_page=True)


def test_a_delivery_nobody_answers_reads_connection_refused(
    live_stack: LiveStack, page: Page, merchant: dict[str, str], api: MerchantApi
) -> None:
    with refusing_port() as port:
        api.call("PUT", "/api/v1/webhooks/config", {"webhook_url": f"http://127.0.0.1:{port}/webhook"})
        log_id = api.call("POST", "/api/v1/webhooks/test")["id"]
        wait_for(
            lambda: api.call("GET", f"/api/v1/webhooks/{log_id}")["attempts"] >= 1, what="the first attempt"
        )
    log_in(page, live_stack, merchant, "/dashboard/webhooks")
    page.locator(f'[data-test-id="webhook-log-item"][data-webhook-id="{log_id}"]').get_by_test_id(
        "view-webhook-button"
    ).click()
    expect(page.get_by_test_id("webhook-detail-attempt-result").first).to_have_text(
        "No answer: connection refused"
    )


def test_docs_list_the_test_inputs(live_stack: LiveStack, page: Page, merchant: dict[str, str]) -> None:
    log_in(page, live_stack, merchant, "/dashboard/docs")
    section = page.get_by_test_id("section-test-inputs")
    for text in ["failure@upi", "PAYMENT_DECLINED", "Payment declined by the bank", "4000 0000 0000 0002"]:
        expect(section).to_contain_text(text)
    expect(section).to_contain_text("CARD_DECLINED")
    expect(section).to_contain_text("Insufficient funds")
    expect(section.get_by_test_id("test-input")).to_have_count(4)


# ---------------------------------------------------------------------------- events (/api/v1/events)

STUB_EVENTS = [
    {
        "id": "evt_AAAAAAAAAAAAAAA1",
        "type": "payment.success",
        "created_at": "2026-11-27T10:02:00.000Z",
        "data": {"payment": {"id": "pay_AAAAAAAAAAAAAAA1", "amount": 50000, "status": "success"}},
        "delivery_status": "failed",
    },
    {
        "id": "evt_AAAAAAAAAAAAAAA2",
        "type": "payment.created",
        "created_at": "2026-11-27T10:01:00.000Z",
        "data": {"payment": {"id": "pay_AAAAAAAAAAAAAAA1", "amount": 50000, "status": "pending"}},
        "delivery_status": "success",
    },
    {
        "id": "evt_AAAAAAAAAAAAAAA3",
        "type": "order.paid",
        "created_at": "2026-11-27T10:00:00.000Z",
        "data": {"order": {"id": "order_AAAAAAAAAAAAAAA1", "status": "paid"}},
        "delivery_status": "none",
    },
]
STUB_DELIVERY = {
    "webhook_id": "6f1c1b9e-0d7f-4a53-9b43-1f0c1b9e0d7f",
    "url": "https://shop.example/webhooks",
    "status": "failed",
    "attempts": [
        {
            "attempted_at": "2026-11-27T10:02:01.000Z",
            "response_code": 503,
            "duration_ms": 84,
            "response_body": "Service Unavailable",
        },
        {
            "attempted_at": "2026-11-27T10:02:06.000Z",
            "response_code": None,
            "duration_ms": 3,
            "response_body": "Request failed: NewConnectionError",
        },
    ],
}
STUB_RECOVERY = {
    "id": "rcv_AAAAAAAAAAAAAAA1",
    "status": "running",
    "since": "2026-11-27T09:00:00.000Z",
    "until": "2026-11-27T11:00:00.000Z",
    "events": 3,
}
EVENTS_API = re.compile(r".*/api/v1/(events|webhooks/recover|webhooks/[^/?]+/retry)([/?].*)?$")


@dataclass
class StubbedEventsApi:
    """The §5.2 answers the Events page gets before the events API is deployed, and what it asked."""

    requests: list[tuple[str, str, Any]] = field(default_factory=list)
    events_status: int = 200

    def handle(self, route: Any) -> None:
        request = route.request
        url = request.url.split("/api/v1/", 1)[1]
        body = request.post_data_json if request.method == "POST" else None
        self.requests.append((request.method, url, body))
        path, _, query = url.partition("?")
        params = dict(item.split("=", 1) for item in query.split("&") if item) if query else {}
        if path == "events" and self.events_status != 200:
            error = {"error": {"code": "NOT_FOUND_ERROR", "description": "Not found"}}
            route.fulfill(status=self.events_status, json=error)
        elif path == "events" and "delivery_status" in params:
            matching = [e for e in STUB_EVENTS if e["delivery_status"] == params["delivery_status"]]
            route.fulfill(json={"data": matching, "has_more": False})
        elif path == "events":
            if params.get("starting_after") == STUB_EVENTS[1]["id"]:
                route.fulfill(json={"data": STUB_EVENTS[2:], "has_more": False})
            else:
                route.fulfill(json={"data": STUB_EVENTS[:2], "has_more": True})
        elif path.startswith("events/"):
            event = next(e for e in STUB_EVENTS if e["id"] == path.split("/")[1])
            deliveries = [STUB_DELIVERY] if event["delivery_status"] == "failed" else []
            route.fulfill(json={**event, "deliveries": deliveries})
        elif path == "webhooks/recover":
            route.fulfill(status=202, json={**STUB_RECOVERY, "since": body["since"]})
        elif path.startswith("webhooks/recover/"):
            route.fulfill(json={**STUB_RECOVERY, "status": "completed", "sent": 3})
        else:
            route.fulfill(
                json={"id": path.split("/")[1], "status": "pending", "message": "Webhook retry scheduled"}
            )

    def calls(self, method: str, prefix: str) -> list[tuple[str, Any]]:
        return [(url, body) for verb, url, body in self.requests if verb == method and url.startswith(prefix)]


@pytest.fixture
def stubbed_events(page: Page) -> StubbedEventsApi:
    stub = StubbedEventsApi()
    page.route(EVENTS_API, stub.handle)
    return stub


def query_of(url: str) -> dict[str, list[str]]:
    from urllib.parse import parse_qs, urlsplit

    return parse_qs(urlsplit("/" + url).query)


def test_events_list_filters_and_pages_by_cursor_as_spec_5_2_says(
    live_stack: LiveStack,
    page: Page,
    merchant: dict[str, str],
    stubbed_events: StubbedEventsApi,
    viewport: str,
    screenshots: Path,
) -> None:
    """The page's side of the events API, against stubbed §5.2 answers (the API lands separately)."""
    log_in(page, live_stack, merchant, "/dashboard/events")
    rows = page.get_by_test_id("event-row")
    expect(rows).to_have_count(2)
    expect(rows.first.get_by_test_id("event-type")).to_have_text("payment.success")
    expect(rows.first.get_by_test_id("event-delivery-status")).to_have_text("Failed")
    expect(rows.nth(1).get_by_test_id("event-delivery-status")).to_have_text("Delivered")
    assert query_of(stubbed_events.calls("GET", "events?")[0][0]) == {"limit": ["20"]}
    page.screenshot(path=screenshots / f"events-{viewport}.png", full_page=True)

    # Older: the cursor is the last event shown; Newer walks back
    page.get_by_test_id("events-next-button").click()
    expect(rows).to_have_count(1)
    expect(rows.first.get_by_test_id("event-delivery-status")).to_have_text("Not sent")
    assert query_of(stubbed_events.calls("GET", "events?")[-1][0])["starting_after"] == [STUB_EVENTS[1]["id"]]
    expect(page.get_by_test_id("events-next-button")).to_be_disabled()
    page.get_by_test_id("events-prev-button").click()
    expect(rows).to_have_count(2)
    assert "starting_after" not in query_of(stubbed_events.calls("GET", "events?")[-1][0])

    # Filters become the API's query and stay in the address bar
    page.get_by_test_id("events-type-filter").select_option("payment.success")
    page.get_by_test_id("events-delivery-filter").select_option("failed")
    page.get_by_test_id("events-from-input").fill("2026-11-27T09:00:00")
    page.get_by_test_id("events-to-input").fill("2026-11-27T11:00:00")
    page.get_by_test_id("apply-event-filters-button").click()
    expect(page).to_have_url(re.compile(r"type=payment\.success"))
    query = query_of(stubbed_events.calls("GET", "events?")[-1][0])
    assert query["type"] == ["payment.success"] and query["delivery_status"] == ["failed"]
    assert all(
        re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", query[bound][0]) for bound in ("from", "to")
    )
    page.reload()
    expect(page.get_by_test_id("events-type-filter")).to_have_value("payment.success")
    expect(page.get_by_test_id("events-delivery-filter")).to_have_value("failed")


def test_event_detail_shows_deliveries_and_attempts_and_resends_after_confirming(
    live_stack: LiveStack,
    page: Page,
    merchant: dict[str, str],
    api: MerchantApi,
    stubbed_events: StubbedEventsApi,
    viewport: str,
    screenshots: Path,
) -> None:
    api.call("PUT", "/api/v1/webhooks/config", {"webhook_url": "https://shop.example/webhooks"})
    log_in(page, live_stack, merchant, "/dashboard/events")
    page.get_by_test_id("event-row").first.get_by_test_id("view-event-button").click()
    detail = page.get_by_test_id("event-detail")
    expect(detail.get_by_test_id("event-detail-type")).to_have_text("payment.success")
    delivery = detail.get_by_test_id("event-delivery")
    expect(delivery.get_by_test_id("event-delivery-url")).to_have_text(STUB_DELIVERY["url"])
    attempts = delivery.get_by_test_id("event-attempt-result")
    expect(attempts).to_have_text(["HTTP 503", "No answer: connection refused"])
    expect(detail.get_by_test_id("event-detail-data")).to_contain_text('"pay_AAAAAAAAAAAAAAA1"')
    page.screenshot(path=screenshots / f"events-detail-{viewport}.png")

    # Resend asks first, naming the event and where it goes; Cancel sends nothing
    detail.get_by_test_id("resend-event-button").click()
    confirm = page.get_by_test_id("resend-dialog")
    expect(confirm.get_by_test_id("resend-text")).to_contain_text(STUB_EVENTS[0]["id"])
    expect(confirm.get_by_test_id("resend-text")).to_contain_text("https://shop.example/webhooks")
    page.screenshot(path=screenshots / f"events-resend-confirm-{viewport}.png")
    confirm.get_by_test_id("resend-cancel-button").click()
    assert stubbed_events.calls("POST", "webhooks/") == []
    detail.get_by_test_id("resend-event-button").click()
    confirm.get_by_test_id("resend-confirm-button").click()
    expect(confirm).to_be_hidden()
    assert [url for url, _ in stubbed_events.calls("POST", "webhooks/")] == [
        f"webhooks/{STUB_DELIVERY['webhook_id']}/retry"
    ]

    # An event that was never sent is resent by recovering its own instant
    detail.get_by_test_id("event-detail-close-button").click()
    page.get_by_test_id("events-next-button").click()
    page.get_by_test_id("event-row").first.get_by_test_id("view-event-button").click()
    expect(detail.get_by_test_id("event-no-deliveries")).to_be_visible()
    detail.get_by_test_id("resend-event-button").click()
    confirm.get_by_test_id("resend-confirm-button").click()
    expect(confirm).to_be_hidden()
    instant = STUB_EVENTS[2]["created_at"]
    assert stubbed_events.calls("POST", "webhooks/recover")[-1] == (
        "webhooks/recover",
        {"since": instant, "until": instant},
    )


def test_recover_since_confirms_the_range_and_follows_the_recovery_to_completion(
    live_stack: LiveStack,
    page: Page,
    merchant: dict[str, str],
    api: MerchantApi,
    stubbed_events: StubbedEventsApi,
    viewport: str,
    screenshots: Path,
) -> None:
    api.call("PUT", "/api/v1/webhooks/config", {"webhook_url": "https://shop.example/webhooks"})
    log_in(page, live_stack, merchant, "/dashboard/events")
    expect(page.get_by_test_id("event-row")).to_have_count(2)
    page.get_by_test_id("recover-button").click()
    dialog = page.get_by_test_id("recover-dialog")
    expect(dialog.get_by_test_id("recover-target-url")).to_have_text("https://shop.example/webhooks")
    expect(dialog.get_by_test_id("recover-explanation")).to_contain_text("failed or never happened")
    dialog.get_by_test_id("recover-since-input").fill("2026-11-27T09:00:00")
    # the dialog says how many events the range holds before the merchant confirms
    expect(dialog.get_by_test_id("recover-preview")).to_have_text(
        "This will send 2 events again (1 failed, 1 never sent)."
    )
    page.screenshot(path=screenshots / f"events-recover-{viewport}.png")
    dialog.get_by_test_id("recover-confirm-button").click()
    expect(dialog.get_by_test_id("recover-status")).to_contain_text("sending 3 events")
    expect(dialog.get_by_test_id("recover-status")).to_contain_text(
        "done: 3 of 3 events sent", timeout=UI_TIMEOUT_MS
    )
    # the same range once more would send nothing new: the button waits for another range
    expect(dialog.get_by_test_id("recover-confirm-button")).to_be_disabled()
    dialog.get_by_test_id("recover-since-input").fill("2026-11-27T10:00:00")
    expect(dialog.get_by_test_id("recover-confirm-button")).to_be_enabled()
    ((_, body),) = stubbed_events.calls("POST", "webhooks/recover")
    assert list(body) == ["since"] and re.fullmatch(r"2026-11-2[67]T\d\d:00:00\.000Z", body["since"])
    assert stubbed_events.calls("GET", f"webhooks/recover/{STUB_RECOVERY['id']}")


def test_events_page_says_so_while_the_api_has_no_events(
    live_stack: LiveStack, page: Page, merchant: dict[str, str], stubbed_events: StubbedEventsApi
) -> None:
    stubbed_events.events_status = 404
    log_in(page, live_stack, merchant, "/dashboard/events")
    expect(page.get_by_test_id("events-unavailable")).to_be_visible()
    expect(page.get_by_test_id("recover-button")).to_be_disabled()


def test_a_delivery_row_links_to_its_events(
    live_stack: LiveStack, page: Page, merchant: dict[str, str], api: MerchantApi, endpoint: WebhookReceiver
) -> None:
    api.call("POST", "/api/v1/webhooks/test")
    log_in(page, live_stack, merchant, "/dashboard/webhooks")
    link = page.get_by_test_id("webhook-log-item").first.get_by_test_id("webhook-event-link")
    expect(link).to_have_attribute("href", re.compile(r"^/dashboard/events\?type=webhook\.test&to=\d{4}-"))
    link.click()
    page.wait_for_url(re.compile(r"/dashboard/events\?type=webhook\.test"))
    expect(page.get_by_test_id("events-type-filter")).to_have_value("webhook.test")


# ---- against the real events API, once it is deployed


def test_real_events_of_a_payment_with_their_delivery_and_a_resend(
    live_stack: LiveStack,
    page: Page,
    merchant: dict[str, str],
    api: MerchantApi,
    endpoint: WebhookReceiver,
    screenshots: Path,
) -> None:
    backend_capabilities.require(backend_capabilities.events_api_deployed, live_stack)
    # GIVEN a payment that succeeded and whose events reached the merchant's endpoint
    payment = api.settled_payment()
    wait_for(
        lambda: any(
            b'"payment.success"' in d.body and payment["id"].encode() in d.body for d in endpoint.deliveries
        ),
        what="the payment.success delivery",
    )
    # WHEN the merchant opens Events filtered to payment.success
    log_in(page, live_stack, merchant, "/dashboard/events?type=payment.success")
    row = page.get_by_test_id("event-row").first
    expect(row.get_by_test_id("event-type")).to_have_text("payment.success")
    expect(row.get_by_test_id("event-delivery-status")).to_have_text("Delivered", timeout=UI_TIMEOUT_MS)
    event_id = row.get_attribute("data-event-id") or ""
    assert re.fullmatch(r"evt_[A-Za-z0-9]{16}", event_id)
    page.screenshot(path=screenshots / "events-live.png", full_page=True)

    # THEN its detail shows the delivery to the endpoint and its successful attempt
    row.get_by_test_id("view-event-button").click()
    detail = page.get_by_test_id("event-detail")
    expect(detail.get_by_test_id("event-delivery-url")).to_have_text(endpoint.url)
    expect(detail.get_by_test_id("event-attempt-result").first).to_have_text("HTTP 200")
    expect(detail.get_by_test_id("event-detail-data")).to_contain_text(payment["id"])

    # AND Resend, once confirmed, delivers it again with the same event id
    delivered = len(endpoint.deliveries)
    detail.get_by_test_id("resend-event-button").click()
    page.get_by_test_id("resend-confirm-button").click()
    again = wait_for(
        lambda: len(endpoint.deliveries) > delivered and endpoint.deliveries[-1], what="the resent delivery"
    )
    assert again.headers["webhook-id"] == event_id
