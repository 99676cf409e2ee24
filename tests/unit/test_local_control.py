"""The local runtime's control port answers only its own tools: token, Host, no webhooks; and the console
prints what requests carry without letting it drive the terminal."""

from __future__ import annotations

import http.client
import io
import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from gateway.domain.validation import validate_webhook_url
from gateway.errors import BadRequestError
from gateway.transport import merchant_http

from local_runtime.console import PrefixedStream, set_component
from local_runtime.control import TOKEN_HEADER, ControlServer

TOKEN = "the-printed-token"


class _Workers:
    def __init__(self) -> None:
        self.running = True
        self.pollers: dict[str, Any] = {}

    def stop(self) -> None:
        self.running = False

    def start(self) -> list[str]:
        self.running = True
        return []

    def status(self) -> dict[str, Any]:
        return {"running": self.running}


@pytest.fixture
def control() -> Iterator[tuple[int, _Workers]]:
    workers = _Workers()
    server = ControlServer(0, workers, lambda: {"environment": {"AWS_SECRET_ACCESS_KEY": "x"}}, TOKEN)  # type: ignore[arg-type]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port, workers
    server.shutdown()
    server.server_close()


def _ask(port: int, method: str, path: str, headers: dict[str, str]) -> tuple[int, Any]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, body=b"{}" if method == "POST" else None, headers=headers)
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        connection.close()


def test_status_needs_the_token(control):
    port, _ = control
    assert _ask(port, "GET", "/status", {})[0] == 401
    assert _ask(port, "GET", "/status", {TOKEN_HEADER: "guess"})[0] == 401
    status, body = _ask(port, "GET", "/status", {TOKEN_HEADER: TOKEN})
    assert status == 200 and "environment" in body


def test_a_rebound_name_cannot_read_the_status_even_with_the_token(control):
    # GIVEN a page on attacker.example whose name now resolves to 127.0.0.1: the browser sends its Host
    port, _ = control
    status, _ = _ask(port, "GET", "/status", {"Host": f"attacker.example:{port}", TOKEN_HEADER: TOKEN})
    assert status == 421
    assert _ask(port, "GET", "/status", {"Host": f"localhost:{port}", TOKEN_HEADER: TOKEN})[0] == 200


def test_stopping_the_workers_needs_the_token(control):
    port, workers = control
    json_body = {"Content-Type": "application/json"}
    assert _ask(port, "POST", "/workers/stop", json_body)[0] == 401
    assert workers.running
    assert _ask(port, "POST", "/workers/stop", {**json_body, TOKEN_HEADER: TOKEN})[0] == 200
    assert not workers.running


def test_the_control_port_is_refused_as_a_webhook_url_where_private_targets_are_allowed():
    for url in ("http://127.0.0.1:8099/workers/stop", "http://localhost:8099/workers/stop"):
        with pytest.raises(BadRequestError, match="port the gateway keeps for itself"):
            validate_webhook_url({"webhook_url": url}, True, frozenset({8099}))
    assert validate_webhook_url({"webhook_url": "http://127.0.0.1:4000/webhook"}, True, frozenset({8099}))


def test_a_delivery_to_a_name_that_resolves_to_the_control_port_is_refused_without_connecting(monkeypatch):
    dialled: list[object] = []
    monkeypatch.setattr(merchant_http.socket, "create_connection", lambda *a, **k: dialled.append(a))
    attempt = merchant_http.post_to_merchant(
        "http://127.1:8099/workers/stop",  # not an IP literal to the URL check; 127.0.0.1 to the resolver
        b"{}",
        {},
        deadline_seconds=5,
        body_limit=1024,
        allow_private=True,
        refused_private_ports=frozenset({8099}),
    )
    assert attempt.status_code is None and "port the gateway keeps for itself" in attempt.body
    assert dialled == []


def test_the_api_refuses_the_control_port_as_the_webhook_url(api, monkeypatch):
    from gateway import config

    monkeypatch.setenv("ALLOW_PRIVATE_WEBHOOK_URLS", "true")
    monkeypatch.setenv("WEBHOOK_REFUSED_PRIVATE_PORTS", "8099")
    config.get_settings.cache_clear()
    status, body, _ = api.call(
        "PUT", "/api/v1/webhooks/config", {"webhook_url": "http://127.0.0.1:8099/workers/stop"}
    )
    config.get_settings.cache_clear()
    assert status == 400 and body["error"]["field"] == "webhook_url"


def test_the_console_escapes_terminal_control_codes():
    target = io.StringIO()
    set_component("api")
    stream = PrefixedStream(target)  # type: ignore[arg-type]
    stream.write("GET /\x1b]0;pwned\x07\x1b[2J\rhidden\x9b31m\tok\n")
    assert target.getvalue() == "[api] GET /\\x1b]0;pwned\\x07\\x1b[2J\\x0dhidden\\x9b31m\tok\n"
