"""Workers: job counters move, worker_status reflects reality, and stopping them loses nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from devkit.live_stack import LiveStack
from devkit.merchant import Merchant, wait_for

pytestmark = pytest.mark.integration


def _jobs(stack: LiveStack) -> dict[str, Any]:
    response = requests.get(f"{stack.api_url}/api/v1/test/jobs/status", timeout=30)
    assert response.status_code == 200, response.text
    return dict(response.json())


@pytest.fixture
def workers_restored(live_stack: LiveStack) -> Iterator[LiveStack]:
    """Whatever a test does to the workers, the next test finds them running."""
    yield live_stack
    live_stack.start_workers()


def test_job_counters_move_as_payments_settle(live_stack: LiveStack, merchant: Merchant) -> None:
    # GIVEN the current counters
    before = _jobs(live_stack)
    assert set(before) == {"pending", "processing", "completed", "failed", "worker_status"}

    # WHEN a payment is made and settles
    payment = merchant.pay_upi(merchant.create_order()["id"]).json()
    merchant.wait_for_payment_status(payment["id"])

    # THEN the completed counter has grown
    wait_for(lambda: _jobs(live_stack)["completed"] > before["completed"], 30, "completed to grow")


def test_worker_status_turns_stopped_and_back(workers_restored: LiveStack) -> None:
    stack = workers_restored
    if stack.status()["emulator"] != "moto":
        pytest.skip(
            "LocalStack's host mode runs no Lambda: no event source mappings to read the workers from"
        )
    assert _jobs(stack)["worker_status"] == "running"
    stack.stop_workers()
    wait_for(lambda: _jobs(stack)["worker_status"] == "stopped", 60, "worker_status stopped")
    stack.start_workers()
    wait_for(lambda: _jobs(stack)["worker_status"] == "running", 30, "worker_status running")


def test_stopping_and_restarting_workers_mid_flight_loses_no_payment(
    workers_restored: LiveStack, merchant: Merchant
) -> None:
    stack = workers_restored
    receiver = merchant.use_receiver()
    # GIVEN payments in flight when the workers stop
    payments = [merchant.pay_upi(merchant.create_order()["id"]).json() for _ in range(3)]
    stack.stop_workers()
    payments += [merchant.pay_upi(merchant.create_order()["id"]).json() for _ in range(3)]
    assert all(p["status"] == "pending" for p in payments)

    # WHEN the workers come back
    stack.start_workers()

    # THEN every payment settles, and each one is announced exactly once
    for payment in payments:
        assert merchant.wait_for_payment_status(payment["id"], timeout=60)["status"] == "success"
    ids = {p["id"] for p in payments}
    wait_for(
        lambda: ids <= {e["payload"]["data"]["payment"]["id"] for e in receiver.events("payment.success")},
        60,
        "payment.success for every payment",
    )
    announced = [e["payload"]["data"]["payment"]["id"] for e in receiver.events("payment.success")]
    assert sorted(announced) == sorted(ids)


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"Content-Type": "text/plain"}, 415),
        ({"Content-Type": "application/json", "Origin": "https://evil.example"}, 403),
        ({"Content-Type": "text/plain", "Origin": "null"}, 403),
        ({"Content-Type": "application/json", "Sec-Fetch-Site": "cross-site"}, 403),
    ],
)
def test_the_control_port_refuses_what_a_web_page_could_send(live_stack: LiveStack, headers, status) -> None:
    # GIVEN a cross-site form or fetch aimed at the local control port
    body = json.dumps({"name": "Mallory", "email": "mallory@example.com"})
    response = requests.post(f"{live_stack.control_url}/merchants", data=body, headers=headers, timeout=10)
    # THEN it is refused, and the workers keep running
    assert response.status_code == status
    refused = requests.post(f"{live_stack.control_url}/workers/stop", data="{}", headers=headers, timeout=10)
    assert refused.status_code == status
    assert live_stack.status()["workers"]["running"]


def test_the_control_port_answers_only_its_token_and_is_no_webhook_target(live_stack: LiveStack) -> None:
    # GIVEN the demo merchant, whose credentials any web page can know
    merchant = Merchant.of(live_stack)
    try:
        # WHEN it points its webhooks at the control port
        answer = merchant.call(
            "PUT", "/api/v1/webhooks/config", {"webhook_url": f"{live_stack.control_url}/workers/stop"}
        )
        # THEN that is refused
        assert answer.status == 400, answer.body
        assert (
            answer.body["error"]["description"]
            == "webhook_url must not point to a port the gateway keeps for itself"
        )
    finally:
        merchant.close()
    # AND the control port answers nobody without the token, nor anyone naming another host
    assert requests.get(f"{live_stack.control_url}/status", timeout=10).status_code == 401
    rebound = requests.get(
        f"{live_stack.control_url}/status",
        headers={"Host": "attacker.example", **live_stack.control_headers},
        timeout=10,
    )
    assert rebound.status_code == 421
    assert live_stack.status()["workers"]["running"]
