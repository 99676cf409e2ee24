"""The outbound POST to a merchant's URL against hostile receivers on loopback (and a lying resolver)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from gateway.transport import merchant_http
from gateway.transport.merchant_http import post_to_merchant

from devkit.live_stack import refusing_port

pytestmark = pytest.mark.integration


class _Receiver(BaseHTTPRequestHandler):
    mode = "ok"
    seen_headers: list[dict[str, str]] = []

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        type(self).seen_headers.append(dict(self.headers))
        if self.mode == "drip":
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            try:
                for _ in range(1000):  # one byte every 0.3 s: each read is quick, the whole is not
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.3)
            except OSError:
                return
        elif self.mode == "huge":
            body = b"y" * 1_000_000
            self.send_response(500)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"OK")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[tuple[str, type[_Receiver]]]:
    handler = type("Receiver", (_Receiver,), {"seen_headers": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", handler
    server.shutdown()
    server.server_close()


def _post(url: str, deadline: float = 5.0, allow_private: bool = True) -> merchant_http.HttpAttempt:
    return post_to_merchant(
        url,
        b"{}",
        {"Content-Type": "application/json"},
        deadline_seconds=deadline,
        body_limit=1024,
        allow_private=allow_private,
    )


def test_a_receiver_that_drips_bytes_is_cut_off_at_the_attempt_deadline(receiver):
    url, handler = receiver
    handler.mode = "drip"
    started = time.monotonic()
    attempt = _post(url, deadline=1.5)
    elapsed = time.monotonic() - started
    assert attempt.status_code is None and attempt.error == "timed out"
    assert elapsed < 3.0, f"the attempt ran {elapsed:.1f} s past a 1.5 s deadline"


def test_the_stored_body_is_capped_and_no_compression_is_asked_for(receiver):
    url, handler = receiver
    handler.mode = "huge"
    attempt = _post(url)
    assert attempt.status_code == 500 and len(attempt.body) == 1024
    assert handler.seen_headers[-1]["Accept-Encoding"] == "identity"


def test_a_refused_connection_reads_in_plain_words():
    with refusing_port() as port:
        attempt = _post(f"http://127.0.0.1:{port}/hook")
    assert attempt.status_code is None and attempt.error == "connection refused"
    assert attempt.body == "Request failed: connection refused"


def test_the_connection_goes_to_the_address_that_was_checked(monkeypatch):
    """DNS rebinding: the name answers a public address first and loopback afterwards."""
    answers = iter(["93.184.215.14", "127.0.0.1", "127.0.0.1"])
    lookups: list[str] = []
    dialled: list[tuple[str, int]] = []

    def lying_resolver(host, port, *args, **kwargs):
        lookups.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]

    def record_dial(address, timeout=None, *args, **kwargs):
        dialled.append(address)
        raise ConnectionRefusedError()  # nothing leaves this machine

    monkeypatch.setattr(merchant_http.socket, "getaddrinfo", lying_resolver)
    monkeypatch.setattr(merchant_http.socket, "create_connection", record_dial)
    attempt = _post("http://rebind.example/hook", allow_private=False)
    assert lookups == ["rebind.example"]
    assert dialled == [("93.184.215.14", 80)]
    assert attempt.error == "connection refused"


def test_a_name_with_any_private_address_is_refused_without_connecting(monkeypatch):
    dialled: list[object] = []
    monkeypatch.setattr(
        merchant_http.socket,
        "getaddrinfo",
        lambda host, port, *a, **k: [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("100.100.100.200", port)),
        ],
    )
    monkeypatch.setattr(merchant_http.socket, "create_connection", lambda *a, **k: dialled.append(a))
    attempt = _post("http://mixed.example/hook", allow_private=False)
    assert attempt.status_code is None and "private or reserved" in attempt.body
    assert dialled == []


def test_a_slow_merchant_leaves_time_for_the_others_in_its_batch():
    """Messages the function has no time left for go back to the queue, not into a timeout."""
    from gateway.transport.batches import process_sqs_batch

    handled: list[str] = []
    clock = iter([60_000, 60_000, 3_000])
    records = [{"messageId": name, "body": "{}"} for name in ("a", "b", "c")]
    result = process_sqs_batch(
        {"Records": records},
        lambda body: handled.append("x"),
        remaining_ms=lambda: next(clock),
        needed_ms=7_000,
    )
    assert len(handled) == 2
    assert result == {"batchItemFailures": [{"itemIdentifier": "c"}]}


@pytest.fixture
def hanging_dns(monkeypatch) -> Iterator[tuple[list[str], threading.Event]]:
    """A resolver that hangs for `slow.example` (until the test ends) and answers every other name."""
    real_getaddrinfo = socket.getaddrinfo
    hanging: list[str] = []
    release = threading.Event()

    def resolver(host, port, *args, **kwargs):
        if host == "slow.example":
            hanging.append(host)
            release.wait(30)
            raise socket.gaierror("gave up")
        return real_getaddrinfo(host, port, *args, **kwargs)

    monkeypatch.setattr(merchant_http.socket, "getaddrinfo", resolver)
    yield hanging, release
    release.set()


def test_a_name_whose_dns_hangs_does_not_delay_another_merchants_delivery(receiver, hanging_dns):
    # GIVEN six deliveries in flight to a name whose lookups hang (more than any resolver pool had threads)
    url, _ = receiver
    hanging, _ = hanging_dns
    with ThreadPoolExecutor(6) as pool:
        slow = [pool.submit(_post, "http://slow.example/hook", 1.5) for _ in range(6)]
        deadline = time.monotonic() + 5
        while len(hanging) < merchant_http.MAX_PENDING_LOOKUPS_PER_NAME and time.monotonic() < deadline:
            time.sleep(0.01)

        # WHEN another merchant's delivery is made meanwhile
        innocent = _post(url, deadline=1.0)

        # THEN it is answered, and each slow one ends at its own deadline
        assert innocent.status_code == 200, innocent
        assert [future.result().error for future in slow] == ["timed out"] * 6
    # AND the hanging name held at most its share of lookups, however many deliveries asked
    assert len(hanging) == merchant_http.MAX_PENDING_LOOKUPS_PER_NAME


def test_a_lookup_that_hangs_counts_against_the_attempts_own_deadline(hanging_dns):
    started = time.monotonic()
    attempt = _post("http://slow.example/hook", deadline=0.5)
    elapsed = time.monotonic() - started
    assert attempt.error == "timed out"
    assert elapsed < 1.5, f"the attempt ran {elapsed:.1f} s past a 0.5 s deadline"
