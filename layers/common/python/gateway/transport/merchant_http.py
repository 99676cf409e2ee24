"""One POST to a merchant-chosen URL, safe against the tricks such a URL can play.

- The host is resolved once; every address must be globally routable, and the connection goes to the
  address that was checked (DNS rebinding cannot swap in 127.0.0.1 between check and connect). The Host
  header, TLS SNI and certificate check still use the name.
- The whole attempt (DNS, connect, send, read) has one wall-clock deadline. Socket timeouts alone bound
  each read, so a receiver dripping a byte a second could hold a worker indefinitely; a watchdog closes
  the socket when the deadline passes. The name lookup runs on a thread of its own, waited for only until
  that deadline: there is no shared resolver pool that one merchant's slow DNS could fill for the others.
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
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from gateway.domain.network import is_global_address

USER_AGENT = "payment-gateway-webhooks/1"
# getaddrinfo cannot be cancelled: a lookup that outlives its attempt keeps its thread until the resolver
# gives up. Lookups still running are capped per name, so a name whose DNS hangs (one merchant's) cannot
# pile up threads; other names never wait for it.
MAX_PENDING_LOOKUPS_PER_NAME = 4
_pending_lookups: dict[str, int] = {}
_pending_lock = threading.Lock()
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
    refused_private_ports: frozenset[int] = frozenset(),
) -> HttpAttempt:
    """`refused_private_ports`: ports never connected to on a private address, even where private
    addresses are allowed (the local runtime's control port)."""
    started = time.monotonic()
    deadline = started + deadline_seconds
    target = _Target(allow_private, refused_private_ports)
    try:
        status, text, retry_after = _post(url, body, headers, deadline, body_limit, target)
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


@dataclass(frozen=True)
class _Target:
    """Where an attempt may connect."""

    allow_private: bool
    refused_private_ports: frozenset[int]


def _post(
    url: str, body: bytes, headers: dict[str, str], deadline: float, body_limit: int, target: _Target
) -> tuple[int, str, str | None]:
    parts = urlsplit(url)
    host = parts.hostname
    if parts.scheme not in ("http", "https") or not host:
        raise _Refused("Webhook URL must be http or https")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise _Refused("Webhook URL has an invalid port") from None
    address = _resolve_checked(host, port, deadline, target)
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


def _resolve_checked(host: str, port: int, deadline: float, target: _Target) -> str:
    """One address to connect to, resolved once; refused unless every address is global."""
    try:
        infos = _lookup(host, port, deadline)
    except (OSError, UnicodeError) as error:
        if isinstance(error, TimeoutError):
            raise
        raise _Refused("Webhook host could not be resolved") from None
    addresses = [str(info[4][0]) for info in infos]
    if not addresses:
        raise _Refused("Webhook host could not be resolved")
    if all(is_global_address(address) for address in addresses):
        return addresses[0]
    if not target.allow_private:
        raise _Refused("Webhook URL resolves to a private or reserved address")
    if port in target.refused_private_ports:
        raise _Refused("Webhook URL points to a port the gateway keeps for itself")
    return addresses[0]


class _Lookup:
    """One getaddrinfo call on a daemon thread of its own; `done` is set when it returns or fails."""

    def __init__(self, name: str, port: int) -> None:
        self.name, self.port = name, port
        self.done = threading.Event()
        self.infos: list[tuple[Any, ...]] = []
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.infos = list(socket.getaddrinfo(self.name, self.port, type=socket.SOCK_STREAM))
        except BaseException as error:  # handed to the waiting attempt, if it still waits
            self.error = error
        finally:
            with _pending_lock:
                _pending_lookups[self.name] -= 1
                if not _pending_lookups[self.name]:
                    del _pending_lookups[self.name]
            self.done.set()


def _lookup(host: str, port: int, deadline: float) -> list[tuple[Any, ...]]:
    name = host.lower()
    with _pending_lock:
        if _pending_lookups.get(name, 0) >= MAX_PENDING_LOOKUPS_PER_NAME:
            raise TimeoutError()  # this name's earlier lookups still hang: this one would too
        _pending_lookups[name] = _pending_lookups.get(name, 0) + 1
    lookup = _Lookup(name, port)
    threading.Thread(target=lookup.run, name="webhook-dns", daemon=True).start()
    if not lookup.done.wait(_remaining(deadline)):
        raise TimeoutError()
    if lookup.error is not None:
        raise lookup.error
    return lookup.infos


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
