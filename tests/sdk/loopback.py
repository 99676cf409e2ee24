"""Loopback HTTP helpers for the SDK tests: a receiver that keeps each delivery's raw bytes and headers,
and a proxy in front of the gateway that can lose answers or fail on purpose."""

from __future__ import annotations

import http.client
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

# Set again by this proxy's own server, or meaningless across the hop.
HOP_HEADERS = ("content-length", "connection", "transfer-encoding", "date", "server")


@dataclass(frozen=True)
class Delivery:
    body: bytes
    headers: dict[str, str]
    path: str


@dataclass
class _Recorded:
    deliveries: list[Delivery] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    arrived: threading.Condition = field(init=False)

    def __post_init__(self) -> None:
        self.arrived = threading.Condition(self.lock)


class CapturingReceiver:
    """Answers every POST with `status` (200 unless told otherwise) and records it untouched."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.recorded = _Recorded()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.recorded.arrived:
                    receiver.recorded.deliveries.append(Delivery(body, dict(self.headers.items()), self.path))
                    receiver.recorded.arrived.notify_all()
                answer = b"OK" if receiver.status < 300 else b"nope"
                self.send_response(receiver.status)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/webhook"
        threading.Thread(target=self.server.serve_forever, name="capturing-receiver", daemon=True).start()

    def deliveries(self) -> list[Delivery]:
        with self.recorded.lock:
            return list(self.recorded.deliveries)

    def wait_for(self, matches: Callable[[Delivery], bool], timeout: float, what: str) -> Delivery:
        """The first delivery that `matches`, waiting up to `timeout` seconds for it to arrive."""
        with self.recorded.arrived:
            found = self.recorded.arrived.wait_for(
                lambda: next((d for d in self.recorded.deliveries if matches(d)), None), timeout
            )
        if found is None:
            raise AssertionError(f"no delivery of {what} within {timeout:.0f}s")
        return found

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class Fault:
    """What the proxy does to the next requests matching `method` and `path_prefix`.

    `drop_answer`: forward the request, read the gateway's answer, then close the connection without
    replying (the request happened; the client never hears of it). `status`: answer this instead
    without forwarding. `times`: how many matching requests get the fault."""

    method: str
    path_prefix: str
    times: int = 1
    drop_answer: bool = False
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


class FaultyProxy:
    """A loopback HTTP proxy in front of the gateway; counts the requests it sees per method and path."""

    def __init__(self, upstream: str) -> None:
        target = urlsplit(upstream)
        self.upstream_host, self.upstream_port = target.hostname or "127.0.0.1", target.port or 80
        self.faults: list[Fault] = []
        self.seen: list[tuple[str, str, dict[str, str]]] = []
        self.lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

            def _relay(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                fault = proxy._take_fault(self.command, self.path, headers)
                if fault is not None and fault.status:
                    self.send_response(fault.status)
                    for name, value in fault.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(fault.body)))
                    self.end_headers()
                    self.wfile.write(fault.body)
                    return
                upstream = http.client.HTTPConnection(proxy.upstream_host, proxy.upstream_port, timeout=30)
                try:
                    upstream.request(self.command, self.path, body=body or None, headers=headers)
                    answer = upstream.getresponse()
                    payload = answer.read()
                finally:
                    upstream.close()
                if fault is not None and fault.drop_answer:
                    self.close_connection = True
                    self.connection.close()
                    return
                self.send_response(answer.status)
                for name, value in answer.getheaders():
                    if name.lower() not in HOP_HEADERS:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = _relay

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, name="faulty-proxy", daemon=True).start()

    def inject(self, fault: Fault) -> None:
        with self.lock:
            self.faults.append(fault)

    def requests_to(self, method: str, path_prefix: str) -> list[dict[str, str]]:
        """The headers of every request the proxy saw for that method and path."""
        with self.lock:
            return [h for m, p, h in self.seen if m == method and p.startswith(path_prefix)]

    def _take_fault(self, method: str, path: str, headers: dict[str, str]) -> Fault | None:
        with self.lock:
            self.seen.append((method, path, headers))
            for fault in self.faults:
                if fault.times > 0 and fault.method == method and path.startswith(fault.path_prefix):
                    fault.times -= 1
                    return fault
        return None

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
