"""Events and recovery (openapi.yaml `/api/v1/events`, `/api/v1/webhooks/recover`) over HTTP: a receiver
down for a while gets every event back with one recovery."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from devkit.merchant import Merchant, wait_for

pytestmark = pytest.mark.integration


def _events(merchant: Merchant, query: str = "") -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    cursor = ""
    while True:
        page = merchant.ok("GET", f"/api/v1/events?limit=100{query}{cursor}")
        found += page["data"]
        if not page["has_more"]:
            return found
        cursor = f"&starting_after={page['data'][-1]['id']}"


def _pay(merchant: Merchant) -> str:
    reply = merchant.create_upi_payment(merchant.create_order()["id"])
    assert reply.status == 201, reply.body
    return str(reply.body["id"])


def test_a_recovery_sends_every_missed_event_once_more_and_each_verifies(merchant: Merchant) -> None:
    started = (datetime.now(UTC) - timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%S.000Z")

    # GIVEN a payment made while no webhook URL was set: its events are recorded, not sent
    merchant.wait_for_payment_status(_pay(merchant))
    wait_for(lambda: len(_events(merchant, "&delivery_status=none")) == 4, 30, "unsent events")

    # AND two payments whose every delivery failed, through the whole retry schedule
    receiver = merchant.use_receiver(fail_first_n=1_000_000)
    for _ in range(2):
        merchant.wait_for_payment_status(_pay(merchant))
    wait_for(lambda: len(_events(merchant, "&delivery_status=failed")) == 8, 150, "deliveries to give up")
    assert len(receiver.deliveries()) == 8 * 5 and receiver.events() == []

    # WHEN the receiver is fixed and the merchant recovers everything since the start
    receiver.state.fail_first_n = 0
    asked_at = time.monotonic()
    job = merchant.ok("POST", "/api/v1/webhooks/recover", {"since": started}, expect=202)
    assert job["status"] == "running" and job["events"] == 12 and job["id"].startswith("rcv_")
    done = wait_for(
        lambda: (
            (state := merchant.ok("GET", f"/api/v1/webhooks/recover/{job['id']}"))["status"] == "completed"
            and state
        ),
        60,
        "the recovery to complete",
    )
    completed_after = time.monotonic() - asked_at
    wait_for(lambda: len(receiver.events()) == 12, 30, "every event to arrive")
    arrived_after = time.monotonic() - asked_at

    # THEN every event arrived exactly once more, verified, under its event id
    events = _events(merchant)
    assert sorted(e["webhook_id"] for e in receiver.events()) == sorted(e["id"] for e in events)
    recovered = [d for d in receiver.deliveries() if d["status"] == 200]
    assert len(recovered) == 12
    assert done["sent"] == 12 and done["events"] == 12
    # (an event's delivery status is set by the delivery function just after it records the attempt)
    wait_for(
        lambda: {e["delivery_status"] for e in _events(merchant)} == {"success"},
        30,
        "delivery statuses to follow",
    )
    detail = merchant.ok("GET", f"/api/v1/events/{events[0]['id']}")
    assert detail["deliveries"][-1]["status"] == "success"
    print(
        f"\nrecovery: {job['events']} events in range, {done['sent']} sent, completed in {completed_after:.2f} s, "
        f"all received in {arrived_after:.2f} s"
    )

    # WHEN the same recovery is asked for again, THEN nothing more is sent
    again = merchant.ok("POST", "/api/v1/webhooks/recover", {"since": started}, expect=202)
    assert again["events"] == 0
    wait_for(
        lambda: merchant.ok("GET", f"/api/v1/webhooks/recover/{again['id']}")["status"] == "completed",
        30,
        "the empty recovery",
    )
    assert len(receiver.deliveries()) == 8 * 5 + 12
