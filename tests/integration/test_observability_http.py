"""Over HTTP: request ids from the runtime's events, the support trail in the logs, the pipeline view."""

from __future__ import annotations

import re
import uuid

import pytest
import requests

from devkit.live_stack import LiveStack
from devkit.merchant import Merchant, wait_for

pytestmark = pytest.mark.integration


def test_answers_carry_the_runtime_request_id_and_errors_repeat_it(live_stack: LiveStack) -> None:
    # WHEN a success and an error are answered over HTTP
    ok = requests.get(f"{live_stack.api_url}/health", timeout=30)
    missing = requests.get(f"{live_stack.api_url}/api/v1/orders/order_0000000000000000/public", timeout=30)
    # THEN each carries the request id of the API Gateway event the runtime built (a UUID), the error too
    assert ok.status_code == 200 and uuid.UUID(ok.headers["Request-Id"])
    assert missing.status_code == 404
    assert missing.json()["error"]["request_id"] == missing.headers["Request-Id"] != ok.headers["Request-Id"]


def test_support_finds_every_line_about_a_call_by_its_request_id(
    live_stack: LiveStack, merchant: Merchant
) -> None:
    # GIVEN a payment made over HTTP, and its request id
    response = merchant.pay_upi(merchant.create_order()["id"])
    request_id = response.headers["Request-Id"]
    merchant.wait_for_payment_status(response.json()["id"])

    # THEN the runtime's log has the request's line and the jobs it caused, all under that id
    def trail() -> list[str] | None:
        text = live_stack.log_path.read_text(encoding="utf-8", errors="replace")
        lines = [line for line in text.splitlines() if request_id in line]
        jobs = [line for line in lines if re.search(r"process_payment|dispatch_change", line)]
        return lines if len(jobs) >= 2 else None

    lines = wait_for(trail, 30, "the payment's jobs to be logged under its request id")
    assert any("api request" in line and "/api/v1/payments" in line for line in lines)


def test_pipeline_view_over_http(live_stack: LiveStack) -> None:
    # GIVEN a merchant whose webhooks are delivered
    merchant = Merchant.of(live_stack, receiver=True)
    try:
        payment = merchant.pay_upi(merchant.create_order()["id"]).json()
        merchant.wait_for_payment_status(payment["id"])
        assert merchant.receiver is not None
        wait_for(lambda: len(merchant.receiver.events()) >= 4, 30, "the payment's webhooks")  # type: ignore[union-attr]
        # WHEN it asks for its pipeline, and someone asks without credentials
        pipeline = wait_for(
            lambda: (body := merchant.ok("GET", "/api/v1/webhooks/pipeline"))["queued"] == 0 and body,
            30,
            "the queue to drain",
        )
        anonymous = requests.get(f"{live_stack.api_url}/api/v1/webhooks/pipeline", timeout=30)
        # THEN nothing waits, is retried, failed or is stuck; and credentials are required
        assert pipeline == {"queued": 0, "in_flight": 0, "failed": 0, "dead_lettered": 0}
        assert anonymous.status_code == 401
    finally:
        merchant.close()
