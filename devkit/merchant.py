"""A merchant of a live stack: its API client, its signature-verifying webhook receiver, and polling."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import requests
from requests.adapters import HTTPAdapter

from devkit.live_stack import LiveStack
from test_merchant.server import MerchantServer, ReceiverState

T = TypeVar("T")
# A bound on forgetting release(); longer than a delivery's 5 s deadline, so the gateway gives up first.
HOLD_LIMIT_SECONDS = 10.0


def wait_for(probe: Callable[[], T | None], timeout: float, what: str, interval: float = 0.1) -> T:
    """Polls `probe` until it returns something truthy, or fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last: T | None = None
    while time.monotonic() < deadline:
        last = probe()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what} (last: {last!r})")


@dataclass
class HoldingReceiverState(ReceiverState):
    """The sample receiver, able to hold deliveries open after deciding and recording them, so that a
    worker can be caught (and killed) in the middle of a POST."""

    to_hold: int = 0
    held: list[str] = field(default_factory=list)  # webhook-ids of the deliveries held so far
    released: threading.Event = field(default_factory=threading.Event)

    def receive(self, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
        answer = super().receive(body, headers)
        with self.lock:
            holding = self.to_hold > 0
            if holding:
                self.to_hold -= 1
                self.held.append({k.lower(): v for k, v in headers.items()}.get("webhook-id", "?"))
        if holding:
            self.released.wait(HOLD_LIMIT_SECONDS)
        return answer


class Receiver:
    """The sample merchant's receiver (test_merchant: verifies every signature), in this process."""

    def __init__(self, secret: str, fail_first_n: int = 0, fail_rate: float = 0.0) -> None:
        self.state = HoldingReceiverState(
            secret=secret, fail_first_n=fail_first_n, fail_rate=fail_rate, announce=False
        )
        self.server = MerchantServer(0, self.state)
        self.url = f"{self.server.url}/webhook"
        threading.Thread(target=self.server.serve_forever, name="receiver", daemon=True).start()

    def events(self, name: str | None = None) -> list[dict[str, Any]]:
        """Accepted (verified, first-seen) webhooks, optionally of one event type."""
        return [e for e in self.state.snapshot()["events"] if name is None or e["event"] == name]

    def deliveries(self, name: str | None = None) -> list[dict[str, Any]]:
        return [d for d in self.state.snapshot()["deliveries"] if name is None or d["event"] == name]

    def hold(self, count: int) -> None:
        """Hold the next `count` deliveries open until `release()` (at most HOLD_LIMIT_SECONDS)."""
        with self.state.lock:
            self.state.released.clear()
            self.state.to_hold = count

    def release(self) -> None:
        with self.state.lock:
            self.state.to_hold = 0
        self.state.released.set()

    def close(self) -> None:
        self.release()
        self.server.shutdown()
        self.server.server_close()


@dataclass(frozen=True)
class Reply:
    status: int
    body: Any
    seconds: float
    finished_at: float  # time.time() when the answer was read


class Merchant:
    """A merchant's API client: one keep-alive connection per thread, like a merchant backend's pool."""

    def __init__(self, api_url: str, credentials: dict[str, str]) -> None:
        self.api_url, self.credentials = api_url, credentials
        self.id = credentials.get("id", "")
        self.receiver: Receiver | None = None
        self._local = threading.local()

    @classmethod
    def of(cls, stack: LiveStack, receiver: bool = False, **receiver_options: Any) -> Merchant:
        """A fresh merchant of `stack`, with a receiver of its own when asked."""
        merchant = cls(stack.api_url, stack.create_merchant())
        if receiver:
            merchant.use_receiver(**receiver_options)
        return merchant

    @property
    def http(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.mount("http://", HTTPAdapter(pool_connections=1, pool_maxsize=1))
            session.headers.update(
                {"X-Api-Key": self.credentials["api_key"], "X-Api-Secret": self.credentials["api_secret"]}
            )
            self._local.session = session
        return session

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        return self.http.request(method, f"{self.api_url}{path}", timeout=30, **kwargs)

    def call(self, method: str, path: str, body: Any = None, **kwargs: Any) -> Reply:
        """The answer with its latency, for measurements."""
        started = time.perf_counter()
        response = self.request(method, path, json=body, **kwargs)
        seconds = time.perf_counter() - started
        return Reply(
            response.status_code, response.json() if response.content else None, seconds, time.time()
        )

    def ok(self, method: str, path: str, body: Any = None, expect: int = 200) -> Any:
        reply = self.call(method, path, body)
        if reply.status != expect:
            raise RuntimeError(f"{method} {path} -> {reply.status} {reply.body}")
        return reply.body

    def create_order(self, amount: int = 50000) -> dict[str, Any]:
        return dict(self.ok("POST", "/api/v1/orders", {"amount": amount}, expect=201))

    def pay_upi(self, order_id: str, **kwargs: Any) -> requests.Response:
        body = {"order_id": order_id, "method": "upi", "vpa": "shopper@upi"}
        return self.request("POST", "/api/v1/payments", json=body, **kwargs)

    def create_upi_payment(self, order_id: str) -> Reply:
        return self.call(
            "POST", "/api/v1/payments", {"order_id": order_id, "method": "upi", "vpa": "user@paytm"}
        )

    def payment(self, payment_id: str) -> dict[str, Any]:
        return dict(self.ok("GET", f"/api/v1/payments/{payment_id}"))

    def wait_for_payment_status(self, payment_id: str, timeout: float = 30) -> dict[str, Any]:
        return wait_for(
            lambda: (p := self.payment(payment_id))["status"] != "pending" and p,
            timeout,
            f"{payment_id} to settle",
        )

    def use_receiver(self, fail_first_n: int = 0, fail_rate: float = 0.0) -> Receiver:
        """Starts a receiver verifying this merchant's webhook secret and points the webhooks at it."""
        secret = self.ok("GET", "/api/v1/webhooks/config")["webhook_secret"]
        self.receiver = Receiver(secret, fail_first_n, fail_rate)
        self.ok("PUT", "/api/v1/webhooks/config", {"webhook_url": self.receiver.url})
        return self.receiver

    def close(self) -> None:
        if self.receiver is not None:
            self.receiver.close()
