"""What the benchmark and the soak run share: progress lines, percentiles, an HTTP client, receivers."""

from __future__ import annotations

import http.client
import json
import statistics
import sys
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from test_merchant.server import MerchantServer, ReceiverState
from tests.live_stack import LiveStack


class Progress:
    """One line per phase with a counter: redrawn in place on a terminal, every 10% otherwise."""

    def __init__(self, phase: str, total: int) -> None:
        self.phase, self.total, self.done = phase, max(1, total), 0
        self.started = time.monotonic()
        self._lock = threading.Lock()
        self._tty = sys.stdout.isatty()
        self._last_decile = -1
        self._draw()

    def add(self, count: int = 1) -> None:
        with self._lock:
            self.done += count
            self._draw()

    def set(self, done: int) -> None:
        with self._lock:
            self.done = done
            self._draw()

    def _line(self) -> str:
        elapsed = time.monotonic() - self.started
        return f"  {self.phase:<44} {self.done:>5}/{self.total:<5} {elapsed:6.1f}s"

    def _draw(self) -> None:
        if self._tty:
            sys.stdout.write("\r" + self._line())
            sys.stdout.flush()
            return
        decile = min(10, self.done * 10 // self.total)
        if decile != self._last_decile:
            self._last_decile = decile
            print(self._line(), flush=True)

    def finish(self, note: str = "") -> None:
        with self._lock:
            line = self._line() + (f"  {note}" if note else "")
            print(("\r" + line) if self._tty else line, flush=True)


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (no interpolation): the value below which `fraction` of samples fall."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(fraction * len(ordered) + 0.5)))
    return ordered[rank - 1]


def summary_ms(seconds: list[float]) -> dict[str, float]:
    values = [s * 1000 for s in seconds]
    return {
        "p50": round(percentile(values, 0.50), 2),
        "p95": round(percentile(values, 0.95), 2),
        "p99": round(percentile(values, 0.99), 2),
        "max": round(max(values), 2),
        "mean": round(statistics.fmean(values), 2),
        "n": len(values),
    }


@dataclass(frozen=True)
class Reply:
    status: int
    body: Any
    seconds: float
    finished_at: float  # time.time() when the answer was read


class ApiClient:
    """JSON over one keep-alive connection per thread (like a merchant backend's HTTP client pool)."""

    def __init__(self, base_url: str, api_key: str = "", api_secret: str = "") -> None:
        parts = urlsplit(base_url)
        self.host, self.port = "127.0.0.1", int(parts.port or 80)
        self.headers = {"Content-Type": "application/json"}
        if api_key:
            self.headers.update({"X-Api-Key": api_key, "X-Api-Secret": api_secret})
        self._local = threading.local()

    def _connection(self) -> http.client.HTTPConnection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
            self._local.connection = connection
        return connection

    def call(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Reply:
        payload = None if body is None else json.dumps(body).encode()
        merged = {**self.headers, **(headers or {})}
        attempts = 4
        for attempt in range(1, attempts + 1):
            connection = self._connection()
            started = time.perf_counter()
            try:
                connection.request(method, path, body=payload, headers=merged)
                response = connection.getresponse()
                raw = response.read()
            except (ConnectionError, http.client.HTTPException, TimeoutError):
                # A keep-alive connection the server closed, or a connect refused because the local
                # server's listen backlog (5) overflowed: reconnect, a few times.
                connection.close()
                self._local.connection = None
                if attempt == attempts:
                    raise
                time.sleep(0.05 * attempt)
                continue
            seconds = time.perf_counter() - started
            return Reply(response.status, json.loads(raw) if raw else None, seconds, time.time())
        raise AssertionError("unreachable")

    def ok(self, method: str, path: str, body: Any = None, expect: int = 200) -> Any:
        reply = self.call(method, path, body)
        if reply.status != expect:
            raise RuntimeError(f"{method} {path} -> {reply.status} {reply.body}")
        return reply.body

    def create_order(self, amount: int = 50000) -> dict[str, Any]:
        return dict(self.ok("POST", "/api/v1/orders", {"amount": amount}, expect=201))

    def create_upi_payment(self, order_id: str) -> Reply:
        return self.call(
            "POST", "/api/v1/payments", {"order_id": order_id, "method": "upi", "vpa": "user@paytm"}
        )


class Receiver:
    """The sample merchant's receiver (test_merchant), served in this process for one merchant."""

    def __init__(self, secret: str, fail_rate: float = 0.0) -> None:
        self.state = ReceiverState(secret=secret, fail_rate=fail_rate, announce=False)
        self.server = MerchantServer(0, self.state)
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True, name="receiver")
        self._thread.start()
        self.url = f"{self.server.url}/webhook"

    def accepted(self) -> list[dict[str, Any]]:
        return list(self.state.snapshot()["events"])

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class Merchant:
    id: str
    api: ApiClient
    receiver: Receiver | None = None


def new_merchant(stack: LiveStack, with_receiver: bool = True, fail_rate: float = 0.0) -> Merchant:
    """A fresh merchant of the stack; with a receiver of its own verifying its webhook secret."""
    created = stack.create_merchant()
    api = ApiClient(stack.api_url, created["api_key"], created["api_secret"])
    merchant = Merchant(created["id"], api)
    if with_receiver:
        secret = api.ok("GET", "/api/v1/webhooks/config")["webhook_secret"]
        merchant.receiver = Receiver(secret, fail_rate)
        api.ok("PUT", "/api/v1/webhooks/config", {"webhook_url": merchant.receiver.url})
    return merchant


def wait_for(condition: Any, timeout: float, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return bool(condition())
