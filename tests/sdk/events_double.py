"""An in-memory stand-in for the events and recovery API (openapi.yaml /api/v1/events), on loopback, so
the CLI's `listen`, `events` and `recover` are exercised before (and independently of) the real API."""

from __future__ import annotations

import json
import secrets
import string
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

API_KEY, API_SECRET = "key_double", "secret_double"
ALPHABET = string.ascii_letters + string.digits


def new_id(prefix: str) -> str:
    return prefix + "".join(secrets.choice(ALPHABET) for _ in range(16))


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class EventsApiDouble:
    def __init__(self, recovery_events: int = 3, deployed: bool = True) -> None:
        self.deployed = deployed  # False: answers as a gateway from before the events API (no such routes)
        self.events: list[dict[str, Any]] = []  # newest first, as the API lists them
        self.retried: list[str] = []
        self.recoveries: dict[str, dict[str, Any]] = {}
        self.recovery_events = recovery_events
        self.lock = threading.Lock()
        double = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

            def do_GET(self) -> None:
                double._handle(self, "GET")

            def do_POST(self) -> None:
                double._handle(self, "POST")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, name="events-double", daemon=True).start()

    def record(
        self,
        event_type: str,
        data: dict[str, Any],
        position: int = 0,
        deliveries: list[dict[str, Any]] | None = None,
        created_at: str | None = None,
    ) -> dict[str, Any]:
        """A new event at `position` in the newest-first list (0: the newest; more: recorded late)."""
        event = {
            "id": new_id("evt_"),
            "type": event_type,
            "created_at": created_at or now_iso(),
            "data": data,
            "delivery_status": deliveries[-1]["status"] if deliveries else "none",
            "deliveries": deliveries or [],
        }
        with self.lock:
            self.events.insert(position, event)
        return event

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # ------------------------------------------------------------------ the API
    def _handle(self, request: BaseHTTPRequestHandler, method: str) -> None:
        if request.headers.get("X-Api-Key") != API_KEY or request.headers.get("X-Api-Secret") != API_SECRET:
            return _send(request, 401, _error("AUTHENTICATION_ERROR", "Invalid API credentials"))
        url = urlsplit(request.path)
        parts = url.path.strip("/").split("/")[2:]  # after api/v1
        query = parse_qs(url.query)
        body = request.rfile.read(int(request.headers.get("Content-Length") or 0))
        with self.lock:
            status, answer = self._route(method, parts, query, json.loads(body) if body else None)
        _send(request, status, answer)

    def _route(
        self, method: str, parts: list[str], query: dict[str, list[str]], body: Any
    ) -> tuple[int, Any]:
        if not self.deployed:
            return 404, _error("NOT_FOUND_ERROR", "Route not found")
        if method == "GET" and parts == ["events"]:
            return 200, self._page(query)
        if method == "GET" and len(parts) == 2 and parts[0] == "events":
            found = next((e for e in self.events if e["id"] == parts[1]), None)
            return (200, found) if found else (404, _error("NOT_FOUND_ERROR", "Event not found"))
        if method == "POST" and len(parts) == 3 and parts[0] == "webhooks" and parts[2] == "retry":
            self.retried.append(parts[1])
            return 200, {"id": parts[1], "status": "pending", "message": "Webhook retry scheduled"}
        if method == "POST" and parts == ["webhooks", "recover"]:
            recovery = {
                "id": new_id("rcv_"),
                "status": "running",
                "since": body["since"],
                "until": body.get("until") or now_iso(),
                "events": self.recovery_events,
                "sent": 0,
            }
            self.recoveries[recovery["id"]] = recovery
            return 202, {k: v for k, v in recovery.items() if k != "sent"}
        if method == "GET" and len(parts) == 3 and parts[:2] == ["webhooks", "recover"]:
            recovery = self.recoveries.get(parts[2])
            if recovery is None:
                return 404, _error("NOT_FOUND_ERROR", "Recovery not found")
            recovery["sent"] = min(recovery["events"], recovery["sent"] + 1)  # one more per look
            recovery["status"] = "completed" if recovery["sent"] == recovery["events"] else "running"
            return 200, dict(recovery)
        return 404, _error("NOT_FOUND_ERROR", "Route not found")

    def _page(self, query: dict[str, list[str]]) -> dict[str, Any]:
        limit = int(query.get("limit", ["20"])[0])
        types = query.get("type")
        matching = [e for e in self.events if not types or e["type"] in types]
        start = 0
        if "starting_after" in query:
            ids = [e["id"] for e in matching]
            start = ids.index(query["starting_after"][0]) + 1
        page = matching[start : start + limit]
        listed = [{k: v for k, v in e.items() if k != "deliveries"} for e in page]
        return {"data": listed, "has_more": start + limit < len(matching)}


def _error(code: str, description: str) -> dict[str, Any]:
    return {"error": {"code": code, "description": description}}


def _send(request: BaseHTTPRequestHandler, status: int, body: Any) -> None:
    payload = json.dumps(body).encode()
    request.send_response(status)
    request.send_header("Content-Type", "application/json")
    request.send_header("Content-Length", str(len(payload)))
    request.end_headers()
    request.wfile.write(payload)


def double_environment(double: EventsApiDouble, config_home: Path) -> dict[str, str]:
    """The environment of a `gateway` CLI process that talks to the double, with a config home of its own."""
    return {
        "GATEWAY_BASE_URL": double.url,
        "GATEWAY_API_KEY": API_KEY,
        "GATEWAY_API_SECRET": API_SECRET,
        "XDG_CONFIG_HOME": str(config_home),
    }
