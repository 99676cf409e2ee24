"""The sample merchant's HTTP server.

`POST /webhook` verifies `X-Webhook-Signature` (hex HMAC-SHA256 of the raw body) and, when the secret
is a Standard Webhooks secret (`whsec_` + base64), the `webhook-*` headers too, with the merchant SDK
(`gateway_client.Webhook`, as a merchant would); repeats of a
`webhook-id` are acknowledged but counted once. FAIL_FIRST_N fails the first N deliveries and FAIL_RATE
(0 to 1) fails that share of deliveries at random, to exercise retries. `GET /events` lists what was
accepted and every delivery seen. `POST /api/orders` is the demo shop's backend: it creates an order at
the gateway with the merchant's credentials, server-side, as a real merchant backend would.

A checkout result the shopper's browser reports is trusted only once its signature checks out with the API
secret (`gateway_client.verify_payment_signature`): `POST /api/payments/verify` for the demo shop's
`onSuccess`, `GET /payment-return` for a payment link's way back (the page the shopper lands on). `GET
/api/payments/<id>` reads a payment with the merchant's credentials, for a shop following a payment whose
window was closed before it finished.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import html
import json
import os
import random
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from gateway_client import SignatureVerificationError, Webhook, verify_payment_signature

DEFAULT_WEBHOOK_SECRET = "whsec_test_abc123"  # noqa: S105 - the documented test merchant's secret


def hex_signature(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def standard_webhooks_secret(secret: str) -> bool:
    """True when the secret is `whsec_` + strict base64, the form Standard Webhooks verifies."""
    if not secret.startswith("whsec_"):
        return False
    try:
        return bool(base64.b64decode(secret.removeprefix("whsec_"), validate=True))
    except (binascii.Error, ValueError):
        return False


@dataclass
class ReceiverState:
    secret: str
    fail_first_n: int = 0
    fail_rate: float = 0.0
    rng: random.Random = field(default_factory=random.Random)
    announce: bool = True  # print each verified event (off when a benchmark embeds the receiver)
    deliveries: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    seen_ids: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def receive(self, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
        """Decides the answer to one delivery and records it."""
        headers = {name.lower(): value for name, value in headers.items()}
        status, answer = self._verify(body, headers)
        webhook_id = headers.get("webhook-id")
        with self.lock:
            event_name = _event_name(body)
            if status == 200 and self.fail_first_n > 0:
                self.fail_first_n -= 1
                status, answer = 500, "Failing on purpose (FAIL_FIRST_N)"
            elif status == 200 and self.fail_rate > 0 and self.rng.random() < self.fail_rate:
                status, answer = 500, "Failing on purpose (FAIL_RATE)"
            delivery = {"at": time.time(), "status": status, "event": event_name, "webhook_id": webhook_id}
            self.deliveries.append(delivery)
            if status != 200:
                return status, answer
            if webhook_id and webhook_id in self.seen_ids:
                return 200, "OK"
            if webhook_id:
                self.seen_ids.add(webhook_id)
            self.events.append({**delivery, "payload": json.loads(body)})
        if self.announce:
            print(f"✅ Webhook verified: {event_name}", flush=True)
        return 200, "OK"

    def _verify(self, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
        """Both signatures must hold: the hex one (docs/behaviour.md, "Webhooks"), and what the merchant SDK
        checks (the Standard Webhooks headers, with their 5-minute replay window, when the gateway sends
        them)."""
        expected = hex_signature(self.secret, body)
        if not hmac.compare_digest(expected, headers.get("x-webhook-signature", "")):
            return 401, "Invalid signature"
        try:
            json.loads(body)
        except ValueError:
            return 400, "Body is not JSON"
        try:
            Webhook(self.secret).verify(body, headers)
        except SignatureVerificationError:
            return 401, "Invalid signature"
        return 200, "OK"

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {"events": list(self.events), "deliveries": list(self.deliveries)}


def _event_name(body: bytes) -> str:
    try:
        return str(json.loads(body).get("event", "?"))
    except (ValueError, AttributeError):
        return "?"


RESULT_FIELDS = ("order_id", "payment_id", "signature")


@dataclass(frozen=True)
class ShopSettings:
    gateway_api_url: str
    api_key: str
    api_secret: str
    allowed_origin: str

    def verified_result(self, result: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """A checkout result (`order_id`, `payment_id`, `signature`) the browser reported: 200 with
        `verified: true` when the gateway signed it with this shop's API secret, else 400."""
        order_id, payment_id, signature = (str(result.get(name) or "") for name in RESULT_FIELDS)
        try:
            verify_payment_signature(order_id, payment_id, signature, self.api_secret)
        except SignatureVerificationError as error:
            return 400, {"verified": False, "error": str(error)}
        return 200, {"verified": True, "order_id": order_id, "payment_id": payment_id}


class MerchantServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, receiver: ReceiverState, shop: ShopSettings | None = None) -> None:
        super().__init__(("127.0.0.1", port), _MerchantRequestHandler)
        self.receiver, self.shop = receiver, shop

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _MerchantRequestHandler(BaseHTTPRequestHandler):
    server: MerchantServer

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the receiver prints what matters."""

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path == "/webhook":
            status, answer = self.server.receiver.receive(body, dict(self.headers.items()))
            self._send(status, answer.encode(), "text/plain; charset=utf-8")
        elif self.path == "/api/orders" and self.server.shop is not None:
            self._create_order(body)
        elif self.path == "/api/payments/verify" and self.server.shop is not None:
            try:
                result = json.loads(body or b"{}")
            except ValueError:
                result = None
            status, verdict = self.server.shop.verified_result(result if isinstance(result, dict) else {})
            self._send(status, json.dumps(verdict).encode(), "application/json")
        else:
            self._send(404, b"Not found", "text/plain; charset=utf-8")

    def do_GET(self) -> None:
        path, _, query = self.path.partition("?")
        shop = self.server.shop
        if path == "/events":
            self._send(200, json.dumps(self.server.receiver.snapshot()).encode(), "application/json")
        elif path == "/health":
            self._send(200, b'{"status":"ok"}', "application/json")
        elif path == "/payment-return" and shop is not None:
            self._payment_return(shop, dict(urllib.parse.parse_qsl(query)))
        elif path.startswith("/api/payments/") and shop is not None:
            payment_id = urllib.parse.quote(path.removeprefix("/api/payments/"), safe="")
            status, answer = self._gateway(shop, "GET", f"/api/v1/payments/{payment_id}", None)
            self._send(status, answer, "application/json")
        else:
            self._send(404, b"Not found", "text/plain; charset=utf-8")

    def do_OPTIONS(self) -> None:
        self._send(204, b"", "text/plain")

    def _create_order(self, body: bytes) -> None:
        shop = self.server.shop
        assert shop is not None
        try:
            amount = json.loads(body or b"{}").get("amount")
        except (ValueError, AttributeError):
            amount = None
        order = {"amount": amount, "receipt": f"demo_{int(time.time())}"}
        status, answer = self._gateway(shop, "POST", "/api/v1/orders", order)
        self._send(status, answer, "application/json")

    def _gateway(self, shop: ShopSettings, method: str, path: str, body: Any) -> tuple[int, bytes]:
        """One call to the gateway with the merchant's credentials: its status and body as they came."""
        request = urllib.request.Request(  # noqa: S310 - the configured gateway URL
            f"{shop.gateway_api_url}{path}",
            data=json.dumps(body).encode() if body is not None else None,
            method=method,
            headers={
                "Content-Type": "application/json",
                "X-Api-Key": shop.api_key,
                "X-Api-Secret": shop.api_secret,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()
        except OSError:
            return 502, b'{"error":{"code":"BAD_GATEWAY","description":"Gateway unreachable"}}'

    def _payment_return(self, shop: ShopSettings, params: dict[str, str]) -> None:
        """Where a payment link sends the shopper back: the result counts only if its signature holds."""
        status, _ = shop.verified_result(params)
        if status == 200:
            title = "Payment verified"
            text = f"Payment {params['payment_id']} for order {params['order_id']} is verified. Thank you!"
        else:
            title, text = "Payment not verified", "This payment result could not be verified."
        page = (
            f'<!doctype html><meta charset="utf-8"><title>{title}</title>'
            f'<h1 data-test-id="merchant-return-title">{title}</h1>'
            f'<p data-test-id="merchant-return-text">{html.escape(text)}</p>'
            f'<p data-test-id="merchant-return-link">{html.escape(params.get("payment_link_id", ""))}</p>'
        )
        self._send(status, page.encode(), "text/html; charset=utf-8")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if self.server.shop is not None:
            self.send_header("Access-Control-Allow-Origin", self.server.shop.allowed_origin)
            self.send_header("Access-Control-Allow-Methods", "GET,POST,OPTIONS")
            self.send_header("Access-Control-Allow-Headers", "Content-Type")
            self.send_header("Vary", "Origin")
        self.end_headers()
        self.wfile.write(body)


def server_from_environment(port: int | None = None) -> MerchantServer:
    receiver = ReceiverState(
        secret=os.environ.get("WEBHOOK_SECRET") or DEFAULT_WEBHOOK_SECRET,
        fail_first_n=int(os.environ.get("FAIL_FIRST_N") or 0),
        fail_rate=float(os.environ.get("FAIL_RATE") or 0),
    )
    shop = ShopSettings(
        gateway_api_url=os.environ.get("GATEWAY_API_URL") or "http://localhost:8000",
        api_key=os.environ.get("MERCHANT_API_KEY") or "key_test_abc123",
        api_secret=os.environ.get("MERCHANT_API_SECRET") or "secret_test_xyz789",
        allowed_origin=os.environ.get("CHECKOUT_URL") or "http://localhost:3001",
    )
    return MerchantServer(
        port if port is not None else int(os.environ.get("MERCHANT_PORT") or 4000), receiver, shop
    )


def main() -> None:
    server = server_from_environment()
    print(f"sample merchant on {server.url} (POST /webhook, GET /events, POST /api/orders)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
