"""The runtime's control port (loopback only), for tests and the soak run.

GET /status: workers, URLs and the resolved environment (so a test can address the emulator);
POST /workers/stop and /workers/start (a stop lets the batches in flight finish); POST
/workers/kill-deliveries kills the workers in the middle of a webhook POST instead, as a Lambda killed
mid-invocation; POST /merchants {name, email, password?} seeds a merchant through
gateway.services.merchants.create_merchant inside this process.

Listening on loopback is not enough: a web page can make the browser send requests to it, a rebound DNS
name can make the browser read it, and the gateway's own webhooks could be pointed at it. So every request
must carry the runtime's token (`X-Control-Token`; `CONTROL_TOKEN` when set, else made at start and
printed with the list of services) and a `Host` of 127.0.0.1 or localhost; and the port is refused as a
webhook target (`WEBHOOK_REFUSED_PRIVATE_PORTS`).
"""

from __future__ import annotations

import ctypes
import hmac
import json
import logging
import os
import secrets
import sys
import threading
import traceback
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from local_runtime.pollers import Workers

log = logging.getLogger("control")


class WorkerKilled(BaseException):
    """Ends a worker's invocation where it stands: past every `except Exception`, so its attempt is not
    recorded and its batch is not deleted (the messages return after the queue's visibility timeout)."""


def kill_deliveries_in_flight(worker_names: tuple[str, ...]) -> int:
    """Raises WorkerKilled in every worker thread inside a webhook POST; it lands when the POST returns
    (the receiver answers, or the attempt's deadline passes). Returns how many threads were hit."""
    from gateway.transport.merchant_http import post_to_merchant

    workers = {t.ident for t in threading.enumerate() if t.name.startswith(worker_names)}
    killed = 0
    for thread_id, frame in sys._current_frames().items():
        if thread_id in workers and any(
            f.f_code is post_to_merchant.__code__ for f, _ in traceback.walk_stack(frame)
        ):
            exception = ctypes.py_object(WorkerKilled)
            killed += ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), exception)
    return killed


TOKEN_VARIABLE = "CONTROL_TOKEN"  # noqa: S105 - the variable's name, not a token
TOKEN_HEADER = "X-Control-Token"  # noqa: S105 - a header name
_LOOPBACK_NAMES = ("127.0.0.1", "localhost")


def control_token() -> str:
    """The token the control port requires: the one the caller chose, else a new random one."""
    return os.environ.get(TOKEN_VARIABLE) or secrets.token_urlsafe(24)


class ControlServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, workers: Workers, status: Callable[[], dict[str, Any]], token: str) -> None:
        super().__init__(("127.0.0.1", port), _ControlRequestHandler)
        self.workers, self.status, self.token = workers, status, token
        self.hosts = {*_LOOPBACK_NAMES, *(f"{name}:{self.server_port}" for name in _LOOPBACK_NAMES)}


class _ControlRequestHandler(BaseHTTPRequestHandler):
    server: ControlServer

    def log_message(self, format: str, *args: Any) -> None:
        log.debug(format, *args)

    def _refused(self) -> bool:
        """Answers and returns True unless the request names this host and carries the token."""
        if (self.headers.get("Host") or "").lower() not in self.server.hosts:
            self._send(421, {"error": "the control port answers only to 127.0.0.1 and localhost"})
            return True
        given = (self.headers.get(TOKEN_HEADER) or "").encode()
        if not hmac.compare_digest(given, self.server.token.encode()):
            self._send(401, {"error": f"{TOKEN_HEADER} missing or wrong (the runtime prints it at start)"})
            return True
        return False

    def do_GET(self) -> None:
        if self._refused():
            return
        if self.path == "/status":
            self._send(200, self.server.status())
        else:
            self._send(404, {"error": "unknown control path"})

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        # Any web page can make a browser POST here (a simple text/plain request needs no preflight), so a
        # request from a browser (it names its Origin) or without a JSON body type is refused.
        if self.headers.get("Origin") or self.headers.get("Sec-Fetch-Site"):
            self._send(403, {"error": "the control port does not answer browsers"})
            return
        if (self.headers.get("Content-Type") or "").split(";")[0].strip() != "application/json":
            self._send(415, {"error": "control requests are application/json"})
            return
        if self._refused():
            return
        if self.path == "/workers/stop":
            self.server.workers.stop()
            log.info("workers stopped")
            self._send(200, self.server.workers.status())
        elif self.path == "/workers/start":
            started = self.server.workers.start()
            log.info("workers started: %s", ", ".join(started) or "none")
            self._send(200, self.server.workers.status())
        elif self.path == "/workers/kill-deliveries":
            killed = kill_deliveries_in_flight(tuple(self.server.workers.pollers))
            log.warning("killed %d worker(s) in the middle of a webhook POST", killed)
            self._send(200, {"killed": killed})
        elif self.path == "/merchants":
            self._create_merchant(body)
        else:
            self._send(404, {"error": "unknown control path"})

    def _create_merchant(self, body: bytes) -> None:
        try:
            from gateway.services.merchants import create_merchant

            request = json.loads(body or b"{}")
            merchant = create_merchant(request["name"], request["email"], password=request.get("password"))
        except Exception as error:
            log.exception("creating a merchant failed")
            self._send(500, {"error": f"{type(error).__name__}: {error}"})
            return
        self._send(201, dict(merchant))

    def _send(self, status: int, document: dict[str, Any]) -> None:
        body = json.dumps(document, default=str).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
