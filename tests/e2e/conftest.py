"""Browser fixtures shared by the e2e tests: Debian's chromium driven by Playwright for Python."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    ViewportSize,
    sync_playwright,
)

from devkit.live_stack import ARTIFACTS, LiveStack
from tests.e2e.dashboard_support import Dashboard, Delivery, MerchantApi, WebhookReceiver

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEFAULT_VIEWPORT = {"width": 1280, "height": 800}
# The sizes a page is checked at by the tests that take the `viewport` fixture: a laptop's and a phone's.
VIEWPORTS: dict[str, ViewportSize] = {
    "1280": {"width": 1280, "height": 800},
    "390": {"width": 390, "height": 844},
}


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make chromium` (Debian's chromium package)")
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh browser profile per test: no cookies or storage leak between tests."""
    context = browser.new_context(viewport=DEFAULT_VIEWPORT)
    context.set_default_timeout(15_000)
    try:
        yield context
    finally:
        context.close()


# The browser's own line for every response with an error status or none at all. Tests provoke refusals
# and outages on purpose (a wrong password, an over-refund, an unreachable API) and the pages show them;
# the line is the network's log, not the page's.
NETWORK_STATUS_LINE = "Failed to load resource: "


@contextmanager
def failing_on_page_errors(page: Page) -> Iterator[Page]:
    """Fails the test when the tab logs a console error or its pages throw or reject uncaught."""
    problems: list[str] = []

    def console_error(message: ConsoleMessage) -> None:
        if message.type == "error" and not message.text.startswith(NETWORK_STATUS_LINE):
            problems.append(f"console.error: {message.text} ({message.location.get('url', '')})")

    page.on("pageerror", lambda error: problems.append(f"uncaught: {error.stack or error}"))
    page.on("console", console_error)
    yield page
    assert not problems, "the page reported errors:\n" + "\n".join(problems)


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    """A tab whose test fails on any console error or uncaught exception or rejection of its pages."""
    with failing_on_page_errors(context.new_page()) as page:
        yield page


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """Where e2e tests save screenshots (test-artifacts/, never committed)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def artifact_folder(artifacts_dir: Path, name: str) -> Path:
    """A folder of test-artifacts/ for one UI's screenshots."""
    folder = artifacts_dir / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request: pytest.FixtureRequest, page: Page) -> str:
    """Runs the test at a laptop's and at a phone's size (the page is resized before the test starts)."""
    page.set_viewport_size(VIEWPORTS[request.param])
    return str(request.param)


# ---------------------------------------------------------------------------- the dashboard's tests


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


@pytest.fixture
def merchant(live_stack: LiveStack) -> dict[str, str]:
    """A fresh merchant per test, so webhook URLs and counts never leak between tests."""
    return live_stack.create_merchant(name="Acme Books")


@pytest.fixture
def api(live_stack: LiveStack, merchant: dict[str, str]) -> MerchantApi:
    return MerchantApi(live_stack.api_url, merchant)


@pytest.fixture(scope="session")
def screenshots(artifacts_dir: Path) -> Path:
    return artifact_folder(artifacts_dir, "dashboard")


@pytest.fixture
def dashboard(page: Page, live_stack: LiveStack, merchant: dict[str, str]) -> Dashboard:
    return Dashboard(page, live_stack, merchant)


@pytest.fixture
def endpoint(api: MerchantApi, receiver: WebhookReceiver) -> WebhookReceiver:
    """The receiver, saved as the merchant's webhook URL before the test starts."""
    api.call("PUT", "/api/v1/webhooks/config", {"webhook_url": receiver.url})
    return receiver
