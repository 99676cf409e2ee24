"""Helpers for the flow tests: a merchant with its own webhook receiver, and polling with deadlines."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest
import requests

from test_merchant.server import MerchantServer, ReceiverState
from tests.live_stack import LiveStack

T = TypeVar("T")


def wait_for(probe: Callable[[], T | None], timeout: float, what: str, interval: float = 0.25) -> T:
    """Polls `probe` until it returns something truthy, or fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last: T | None = None
    while time.monotonic() < deadline:
        last = probe()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what} (last: {last!r})")


class Receiver:
    """The sample merchant's receiver, in this process, on a free port."""

    def __init__(self, secret: str, fail_first_n: int = 0) -> None:
        self.state = ReceiverState(secret=secret, fail_first_n=fail_first_n)
        self.server = MerchantServer(0, self.state)
        self.url = f"{self.server.url}/webhook"
        threading.Thread(target=self.server.serve_forever, name="receiver", daemon=True).start()

    def events(self, name: str | None = None) -> list[dict[str, Any]]:
        return [e for e in self.state.snapshot()["events"] if name is None or e["event"] == name]

    def deliveries(self, name: str | None = None) -> list[dict[str, Any]]:
        return [d for d in self.state.snapshot()["deliveries"] if name is None or d["event"] == name]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Merchant:
    """A fresh merchant of a live stack, talking to its API with its own credentials."""

    def __init__(self, stack: LiveStack, credentials: dict[str, str]) -> None:
        self.stack, self.credentials = stack, credentials
        self.http = requests.Session()
        self.http.headers.update(
            {"X-Api-Key": credentials["api_key"], "X-Api-Secret": credentials["api_secret"]}
        )

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        return self.http.request(method, f"{self.stack.api_url}{path}", timeout=30, **kwargs)

    def create_order(self, amount: int = 50000) -> dict[str, Any]:
        response = self.request("POST", "/api/v1/orders", json={"amount": amount})
        assert response.status_code == 201, response.text
        return dict(response.json())

    def pay_upi(self, order_id: str, **kwargs: Any) -> requests.Response:
        return self.request(
            "POST",
            "/api/v1/payments",
            json={"order_id": order_id, "method": "upi", "vpa": "shopper@upi"},
            **kwargs,
        )

    def payment(self, payment_id: str) -> dict[str, Any]:
        response = self.request("GET", f"/api/v1/payments/{payment_id}")
        assert response.status_code == 200, response.text
        return dict(response.json())

    def wait_for_payment_status(self, payment_id: str, timeout: float = 30) -> dict[str, Any]:
        return wait_for(
            lambda: (p := self.payment(payment_id))["status"] != "pending" and p,
            timeout,
            f"{payment_id} to settle",
        )

    def use_receiver(self, receiver_factory: Callable[..., Receiver], fail_first_n: int = 0) -> Receiver:
        secret = self.request("GET", "/api/v1/webhooks/config").json()["webhook_secret"]
        receiver = receiver_factory(secret, fail_first_n)
        response = self.request("PUT", "/api/v1/webhooks/config", json={"webhook_url": receiver.url})
        assert response.status_code == 200, response.text
        return receiver


@pytest.fixture
def receiver_factory() -> Iterator[Callable[..., Receiver]]:
    receivers: list[Receiver] = []

    def start(secret: str, fail_first_n: int = 0) -> Receiver:
        receiver = Receiver(secret, fail_first_n)
        receivers.append(receiver)
        return receiver

    yield start
    for receiver in receivers:
        receiver.close()


@pytest.fixture
def merchant(live_stack: LiveStack) -> Merchant:
    return Merchant(live_stack, live_stack.create_merchant())


@pytest.fixture(scope="module")
def failing_stack() -> Iterator[LiveStack]:
    """A second runtime whose bank declines everything (TEST_PAYMENT_SUCCESS=false is process-wide)."""
    stack = LiveStack("declining", {"TEST_PAYMENT_SUCCESS": "false"}).start()
    try:
        yield stack
    finally:
        stack.stop()
