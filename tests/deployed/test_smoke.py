"""Smoke run through API Gateway -> Lambda -> DynamoDB Streams -> SQS -> Step Functions, deployed by SAM.

One pass through the flows that touch every deployed part: an order, a UPI payment settled by the
payments worker, a refund settled by the refunds worker, the signed webhook whose first delivery fails
and is retried through the state machine, and the jobs status read from the event source mappings.
The time each step took is written to test-artifacts/deployed-smoke.json.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from devkit.merchant import Merchant, wait_for

FIGURES = Path(__file__).resolve().parents[2] / "test-artifacts" / "deployed-smoke.json"


@pytest.fixture
def figures() -> Iterator[dict[str, float]]:
    measured: dict[str, float] = {}
    yield measured
    FIGURES.parent.mkdir(exist_ok=True)
    FIGURES.write_text(json.dumps(measured, indent=2) + "\n")
    print(f"\ndeployed smoke figures (s): {json.dumps(measured)}")


def test_health_through_api_gateway(api_url: str) -> None:
    response = requests.get(f"{api_url}/health", timeout=30)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "healthy"


def test_order_payment_refund_and_a_retried_webhook_on_the_deployed_stack(
    test_merchant: Merchant, figures: dict[str, float]
) -> None:
    began = time.monotonic()

    def mark(step: str) -> None:
        figures[step] = round(time.monotonic() - began, 2)

    # GIVEN the seeded merchant, whose receiver answers 500 to the first delivery it gets
    receiver = test_merchant.use_receiver(fail_first_n=1)
    mark("webhook_configured")

    # WHEN an order is paid by UPI
    order = test_merchant.create_order(amount=50000)
    mark("order_created")
    response = test_merchant.pay_upi(order["id"])
    assert response.status_code == 201, response.text
    payment = response.json()
    assert payment["status"] == "pending"
    mark("payment_created")

    # THEN the payments worker settles it (test mode: success after about 1 s)
    settled = test_merchant.wait_for_payment_status(payment["id"], timeout=90)
    assert settled["status"] == "success", settled
    mark("payment_settled")

    # WHEN it is refunded in part
    response = test_merchant.request(
        "POST", f"/api/v1/payments/{payment['id']}/refunds", json={"amount": 10000, "reason": "smoke"}
    )
    assert response.status_code == 201, response.text
    refund = response.json()
    mark("refund_created")

    # THEN the refunds worker processes it
    processed = wait_for(
        lambda: (
            (r := test_merchant.request("GET", f"/api/v1/refunds/{refund['id']}").json())["status"]
            == "processed"
            and r
        ),
        90,
        "the refund to be processed",
    )
    assert processed["amount"] == 10000
    mark("refund_processed")

    # AND every event arrived signed, the one whose first delivery failed through the Step Functions retry
    expected = {"payment.created", "payment.pending", "payment.success", "refund.created", "refund.processed"}
    wait_for(lambda: expected <= {e["event"] for e in receiver.events()}, 120, f"events {sorted(expected)}")
    mark("webhooks_delivered")
    failed_first = receiver.deliveries()[0]
    assert failed_first["status"] == 500, receiver.deliveries()
    retried = [d for d in receiver.deliveries() if d["webhook_id"] == failed_first["webhook_id"]]
    assert [d["status"] for d in retried] == [500, 200], retried
    assert retried[1]["at"] - retried[0]["at"] >= 4.0, retried
    figures["webhook_retry_gap"] = round(retried[1]["at"] - retried[0]["at"], 2)
    logs = test_merchant.request("GET", "/api/v1/webhooks", params={"limit": 100}).json()["data"]
    # The webhook-id of every delivery is the event's id; the log names its event
    entry = next(e for e in logs if e["event_id"] == failed_first["webhook_id"])
    assert (entry["status"], entry["attempts"]) == ("success", 2), entry


def test_jobs_status_reads_the_deployed_event_source_mappings(api_url: str) -> None:
    response = requests.get(f"{api_url}/api/v1/test/jobs/status", timeout=30)
    assert response.status_code == 200, response.text
    status = response.json()
    assert set(status) == {"pending", "processing", "completed", "failed", "worker_status"}
    assert status["worker_status"] == "running", status
    assert all(isinstance(status[key], int) for key in ("pending", "processing", "completed", "failed"))
