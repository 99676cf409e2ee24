"""Browser fixtures shared by the e2e tests: Debian's chromium driven by Playwright for Python."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, ViewportSize, sync_playwright

from devkit.live_stack import ARTIFACTS

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


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


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
