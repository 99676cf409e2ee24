"""Probes of backend behaviour that the pages use but that lands separately (README "Orders are paid
once", docs/behaviour.md "Test mode").

A browser test that needs one is skipped, naming the probe, until the live stack shows the behaviour;
then it runs with no change. Each probe runs once per stack and asks the API, never a flag.
"""

from __future__ import annotations

import functools
import time
from typing import Any

import pytest
import requests

from devkit.live_stack import LiveStack

SETTLE_SECONDS = 20.0


class _Probe:
    def __init__(self, stack: LiveStack) -> None:
        self.api = stack.api_url
        merchant = stack.create_merchant()
        self.headers = {"X-Api-Key": merchant["api_key"], "X-Api-Secret": merchant["api_secret"]}

    def call(self, method: str, path: str, body: Any = None, auth: bool = True) -> tuple[int, Any]:
        headers = self.headers if auth else {}
        response = requests.request(method, self.api + path, json=body, headers=headers, timeout=30)
        return response.status_code, response.json() if response.content else None

    def order(self) -> str:
        return str(self.call("POST", "/api/v1/orders", {"amount": 10000})[1]["id"])

    def pay(self, order_id: str, vpa: str = "probe@upi") -> tuple[int, Any]:
        body = {"order_id": order_id, "method": "upi", "vpa": vpa}
        return self.call("POST", "/api/v1/payments/public", body, auth=False)

    def settled(self, payment_id: str) -> dict[str, Any]:
        deadline = time.monotonic() + SETTLE_SECONDS
        while time.monotonic() < deadline:
            payment = self.call("GET", f"/api/v1/payments/{payment_id}")[1]
            if payment["status"] != "pending":
                return dict(payment)
            time.sleep(0.2)
        raise AssertionError(f"probe payment {payment_id} never settled")

    def order_status(self, order_id: str) -> str:
        return str(self.call("GET", f"/api/v1/orders/{order_id}")[1].get("status"))


@functools.cache
def paid_orders_refuse_payments(stack: LiveStack) -> bool:
    """An order becomes `paid` when its payment succeeds and then refuses another: 400 `Order already paid`."""
    probe = _Probe(stack)
    order_id = probe.order()
    probe.settled(probe.pay(order_id)[1]["id"])
    if probe.order_status(order_id) != "paid":
        return False
    status, body = probe.pay(order_id)
    return status == 400 and body["error"]["description"] == "Order already paid"


@functools.cache
def late_successes_are_refunded(stack: LiveStack) -> bool:
    """Two payments in flight on one order: the one that succeeds second is refunded, reason `Order already paid`."""
    probe = _Probe(stack)
    order_id = probe.order()
    first, second = (probe.pay(order_id)[1]["id"], probe.pay(order_id)[1]["id"])
    for payment_id in (first, second):
        probe.settled(payment_id)
    deadline = time.monotonic() + SETTLE_SECONDS
    while time.monotonic() < deadline:
        for payment_id in (first, second):
            refunds = probe.call("GET", f"/api/v1/payments/{payment_id}/refunds")[1]
            if any(refund.get("reason") == "Order already paid" for refund in refunds):
                return True
        time.sleep(0.3)
    return False


@functools.cache
def deterministic_test_inputs(stack: LiveStack) -> bool:
    """In test mode `failure@upi` fails with `PAYMENT_DECLINED` / `Payment declined by the bank`
    (docs/behaviour.md, "Test mode")."""
    probe = _Probe(stack)
    payment = probe.settled(probe.pay(probe.order(), vpa="failure@upi")[1]["id"])
    return (payment["status"], payment.get("error_code")) == ("failed", "PAYMENT_DECLINED")


@functools.cache
def payments_carry_versions(stack: LiveStack) -> bool:
    """Payments show an integer `version` (openapi.yaml `Version`)."""
    probe = _Probe(stack)
    payment = probe.pay(probe.order())[1]
    return isinstance(payment.get("version"), int)


@functools.cache
def events_api_deployed(stack: LiveStack) -> bool:
    """events API not deployed: `GET /api/v1/events` answers 404 (openapi.yaml /api/v1/events)."""
    return _Probe(stack).call("GET", "/api/v1/events")[0] != 404


def require(capability: Any, stack: LiveStack) -> None:
    """Skips the calling test, naming the probe, while the live stack lacks the behaviour."""
    if not capability(stack):
        pytest.skip(f"backend lacks `{capability.__name__}` yet: {capability.__doc__}")
