"""One POST to a merchant-chosen URL, safe against the tricks such a URL can play.

- The host is resolved once; every address must be globally routable, and the connection goes to the
  address that was checked (DNS rebinding cannot swap in 127.0.0.1 between check and connect). The Host
  header, TLS SNI and certificate check still use the name.
- The whole attempt (DNS, connect, send, read) has one wall-clock deadline. Socket timeouts alone bound
  each read, so a receiver dripping a byte a second could hold a worker indefinitely; a watchdog closes
  the socket when the deadline passes.
- No redirects, `Accept-Encoding: identity` (no decompression bombs), and the body read is capped.

Hand-written on the standard library because urllib3 and requests resolve names themselves at connect
time and bound reads per socket operation, which are the two gaps this module exists to close.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import ssl
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from urllib.parse import urlsplit

from gateway.domain.network import is_global_address

USER_AGENT = "payment-gateway-webhooks/1"
_resolver = ThreadPoolExecutor(max_workers=4, thread_name_prefix="webhook-dns")
_tls = ssl.create_default_context()


@dataclass(frozen=True)
class HttpAttempt:
    status_code: int | None
    body: str
    duration_ms: int
    # Plain words for a network failure ("connection refused"), None when the receiver answered.
    error: str | None = None
    # The receiver's `Retry-After` header, as sent (seconds or an HTTP date), when it gave one.
    retry_after: str | None = None


class _Refused(Exception):
    """The attempt cannot be made; the message is shown to the merchant."""


def post_to_merchant(
    url: str,
    body: bytes,
    headers: dict[str, str],
    *,
    deadline_seconds: float,
    body_limit: int,
    allow_private: bool,
) -> HttpAttempt:
    started = time.monotonic()
    deadline = started + deadline_seconds
    try:
        status, text, retry_after = _post(url, body, headers, deadline, body_limit, allow_private)
    except _Refused as refusal:
        return HttpAttempt(None, str(refusal), _elapsed_ms(started), error=str(refusal))
    except (OSError, http.client.HTTPException) as error:
        return _failed(started, _plain_words(error, timed_out=time.monotonic() >= deadline))
    return HttpAttempt(status, text, _elapsed_ms(started), retry_after=retry_after)


def _plain_words(error: Exception, timed_out: bool) -> str:
    """What a merchant's engineer reads in the delivery log, instead of an exception's class name."""
    if timed_out or isinstance(error, TimeoutError):
        return "timed out"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, ssl.SSLCertVerificationError):
        return "TLS certificate could not be verified"
    if isinstance(error, ssl.SSLError):
        return "TLS handshake failed"
    if isinstance(error, ConnectionResetError | http.client.RemoteDisconnected):
        return "connection closed by the receiver"
    if isinstance(error, http.client.HTTPException):
        return "invalid HTTP response"
    return "connection failed"


def _failed(started: float, reason: str) -> HttpAttempt:
    return HttpAttempt(None, f"Request failed: {reason}", _elapsed_ms(started), error=reason)


def _elapsed_ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError()
    return left


def _post(
    url: str, body: bytes, headers: dict[str, str], deadline: float, body_limit: int, allow_private: bool
) -> tuple[int, str, str | None]:
    parts = urlsplit(url)
    host = parts.hostname
    if parts.scheme not in ("http", "https") or not host:
        raise _Refused("Webhook URL must be http or https")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise _Refused("Webhook URL has an invalid port") from None
    address = _resolve_checked(host, port, deadline, allow_private)
    connection = _PinnedConnection(host, port, address, _remaining(deadline), parts.scheme == "https")
    watchdog = threading.Timer(_remaining(deadline), connection.abort)
    watchdog.daemon = True
    watchdog.start()
    try:
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        request_headers = {
            **headers,
            "User-Agent": USER_AGENT,
            "Accept-Encoding": "identity",
            "Content-Length": str(len(body)),
        }
        connection.request("POST", path, body=body, headers=request_headers)
        response = connection.getresponse()
        text = response.read(body_limit).decode("utf-8", "replace")
        if connection.aborted:
            raise TimeoutError()  # the watchdog cut a response that was still arriving
        return response.status, text, response.getheader("Retry-After")
    finally:
        watchdog.cancel()
        connection.close()


def _resolve_checked(host: str, port: int, deadline: float, allow_private: bool) -> str:
    """One address to connect to, resolved once; refused unless every address is global."""
    lookup = _resolver.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
    try:
        infos = lookup.result(timeout=_remaining(deadline))
    except FutureTimeout:
        raise TimeoutError() from None
    except (OSError, UnicodeError):
        raise _Refused("Webhook host could not be resolved") from None
    addresses = [str(info[4][0]) for info in infos]
    if not addresses:
        raise _Refused("Webhook host could not be resolved")
    if not allow_private and not all(is_global_address(address) for address in addresses):
        raise _Refused("Webhook URL resolves to a private or reserved address")
    return addresses[0]


class _PinnedConnection(http.client.HTTPConnection):
    """An HTTP(S) connection to a fixed address, speaking to (and verifying) the host by its name."""

    def __init__(self, host: str, port: int, address: str, timeout: float, tls: bool) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address
        self._tls = tls
        self.aborted = False
        # Kept apart from `self.sock`, which http.client drops while the response is still being read.
        self._socket: socket.socket | None = None

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._socket = sock
        self.sock = _tls.wrap_socket(sock, server_hostname=self.host) if self._tls else sock
        if self.aborted:
            self.abort()

    def abort(self) -> None:
        """Called by the watchdog: unblock whatever the attempt is waiting for."""
        self.aborted = True
        sock = self._socket
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
