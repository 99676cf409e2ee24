"""What the dashboard's browser tests share: the merchant's API calls, a webhook receiver, logging in,
and small page helpers. Their fixtures are in `conftest.py`."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import requests
from playwright.sync_api import Page

from devkit.live_stack import LiveStack

SETTLE_TIMEOUT_S = 20.0  # 1 s simulated bank delay plus queue hops, with room for a slow machine
UI_TIMEOUT_MS = 20_000
UPI_PAYMENT = {"method": "upi", "vpa": "shopper@okaxis"}

T = TypeVar("T")


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

    def capture(self, payment: dict[str, Any]) -> None:
        self.call("POST", f"/api/v1/payments/{payment['id']}/capture", {"amount": payment["amount"]})

    def refund(self, payment: dict[str, Any], amount: int) -> dict[str, Any]:
        return dict(self.call("POST", f"/api/v1/payments/{payment['id']}/refunds", {"amount": amount}, 201))

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


def log_in(page: Page, live_stack: LiveStack, merchant: dict[str, str], path: str = "/dashboard") -> None:
    page.goto(f"{live_stack.dashboard_url}/login?next={path}")
    page.get_by_test_id("email-input").fill(merchant["email"])
    page.get_by_test_id("password-input").fill(merchant["password"])
    page.get_by_test_id("login-button").click()
    page.wait_for_url(f"{live_stack.dashboard_url}{path}")


@dataclass
class Dashboard:
    """The merchant's browser tab on the live stack's dashboard."""

    page: Page
    live_stack: LiveStack
    merchant: dict[str, str]

    def open(self, path: str = "/dashboard") -> Page:
        """Logs the merchant in and lands on `path`."""
        log_in(self.page, self.live_stack, self.merchant, path)
        return self.page


def showing(first: int, last: int, total: int | None = None) -> str:
    """The pager's label, with the en dash the page uses."""
    return f"Showing {first}\u2013{last}" + (f" of {total}" if total is not None else "")


def assert_inside_viewport(page: Page, locator: Any) -> None:
    """Nothing of the element is cut off by the window's edges (a dialog must fit a phone)."""
    box = locator.bounding_box()
    size = page.viewport_size
    assert box and size, "the element is not rendered"
    assert box["x"] >= 0 and box["y"] >= 0, f"cut off at the top or left: {box}"
    assert box["x"] + box["width"] <= size["width"], f"wider than the window: {box}"
    assert box["y"] + box["height"] <= size["height"], f"taller than the window: {box}"


def row_for(page: Page, payment_id: str) -> Any:
    return page.locator(f'[data-test-id="transaction-row"][data-payment-id="{payment_id}"]')
