"""Webhook retries on the test schedule (5, 10, 15, 20 s), durable in Step Functions."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from devkit.merchant import Merchant, wait_for

pytestmark = pytest.mark.integration


def _log(merchant: Merchant, log_id: str) -> dict[str, Any]:
    response = merchant.request("GET", f"/api/v1/webhooks/{log_id}")
    assert response.status_code == 200, response.text
    return dict(response.json())


def _send_test_webhook(merchant: Merchant) -> str:
    response = merchant.request("POST", "/api/v1/webhooks/test")
    assert response.status_code in (200, 201), response.text
    return str(response.json()["id"])


def test_a_receiver_failing_twice_gets_the_event_on_the_third_attempt(merchant: Merchant) -> None:
    # GIVEN a receiver that answers 500 to its first two deliveries
    receiver = merchant.use_receiver(fail_first_n=2)

    # WHEN a test webhook is sent
    log_id = _send_test_webhook(merchant)

    # THEN the third attempt succeeds, about 5 s and then 10 s after the previous one
    log = wait_for(lambda: (entry := _log(merchant, log_id))["status"] == "success" and entry, 60, "delivery")
    assert log["attempts"] == 3
    assert log["response_code"] == 200
    attempts = receiver.deliveries("webhook.test")
    assert [a["status"] for a in attempts] == [500, 500, 200]
    gaps = [later["at"] - earlier["at"] for earlier, later in itertools.pairwise(attempts)]
    assert 4.0 <= gaps[0] <= 9.0, gaps
    assert 9.0 <= gaps[1] <= 15.0, gaps
    assert len(receiver.events("webhook.test")) == 1


def test_an_always_failing_receiver_exhausts_five_attempts_then_a_manual_retry_delivers(
    merchant: Merchant,
) -> None:
    # GIVEN a receiver that fails every delivery
    receiver = merchant.use_receiver(fail_first_n=10_000)

    # WHEN a test webhook is sent and the schedule runs out (5 + 10 + 15 + 20 s)
    log_id = _send_test_webhook(merchant)
    log = wait_for(lambda: (entry := _log(merchant, log_id))["status"] == "failed" and entry, 120, "give up")

    # THEN the log is failed after exactly five attempts, the last answer recorded
    assert log["attempts"] == 5
    assert log["response_code"] == 500
    assert len(receiver.deliveries("webhook.test")) == 5

    # WHEN the receiver recovers and the merchant retries by hand
    receiver.state.fail_first_n = 0
    retry = merchant.request("POST", f"/api/v1/webhooks/{log_id}/retry")

    # THEN the retry is scheduled and delivered
    assert retry.status_code == 200, retry.text
    assert retry.json() == {"id": log_id, "status": "pending", "message": "Webhook retry scheduled"}
    delivered = wait_for(
        lambda: (entry := _log(merchant, log_id))["status"] == "success" and entry, 30, "retry"
    )
    assert delivered["attempts"] == 1
    assert len(receiver.events("webhook.test")) == 1
