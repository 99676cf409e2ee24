"""The events and recovery API (openapi.yaml /api/v1/events) through the client and the CLI, and
`gateway listen`, which follows it. Skipped, by a probe, while the stack does not serve
`GET /api/v1/events`."""

from __future__ import annotations

import re
import signal
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from gateway_client import Client, NotFoundError, Webhook, iso
from gateway_client.cli import main
from standardwebhooks.webhooks import Webhook as ReferenceWebhook

from devkit.live_stack import LiveStack
from devkit.merchant import wait_for
from tests.sdk.loopback import CapturingReceiver
from tests.sdk.support import Listening, gateway_environment, run_cli

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("events_api")]


def settled_payment(client: Client) -> str:
    order = client.orders.create(amount=50000)
    payment = client.payments.create_upi(order.id, "success@upi")
    client.payments.wait_until_final(payment.id, timeout=30, interval=0.2)
    return payment.id


def event_of(client: Client, event_type: str, payment_id: str, timeout: float = 30) -> str:
    """The id of the `event_type` event about `payment_id`, once it is recorded."""

    def find() -> str | None:
        for event in client.events.iterate(type=event_type):
            if event.data.get("payment", {}).get("id") == payment_id:
                return event.id
        return None

    return wait_for(find, timeout, f"{event_type} of {payment_id}", interval=0.2)


def test_events_are_listed_filtered_paged_and_fetched(client: Client) -> None:
    payment_id = settled_payment(client)
    success_id = event_of(client, "payment.success", payment_id)

    page = client.events.list(type="payment.success", limit=1)
    assert [event.id for event in page.data] == [success_id] and page.has_more is False
    assert page.data[0].id.startswith("evt_") and page.data[0].delivery_status == "none"

    everything = list(client.events.iterate(page_size=1))
    assert len({event.id for event in everything}) == len(everything) >= 3  # created, pending, success
    assert [e.created_at for e in everything] == sorted((e.created_at for e in everything), reverse=True)

    since = iso(datetime.now(UTC) - timedelta(minutes=5))
    assert success_id in [e.id for e in client.events.iterate(from_=since, delivery_status="none")]

    event = client.events.get(success_id)
    assert event.type == "payment.success" and event.data["payment"]["id"] == payment_id
    assert event.deliveries == []
    with pytest.raises(NotFoundError) as raised:
        client.events.get("evt_0000000000000000")
    assert raised.value.description == "Event not found"


def test_a_delivery_carries_its_event_id_as_the_webhook_id(
    client: Client, receiver: CapturingReceiver
) -> None:
    client.webhooks.update_config(receiver.url)
    payment_id = settled_payment(client)
    success_id = event_of(client, "payment.success", payment_id)
    delivery = receiver.wait_for(lambda d: d.headers.get("webhook-id") == success_id, 30, success_id)
    assert payment_id.encode() in delivery.body

    # The attempt is recorded once the receiver's answer is back: a moment after the receiver saw the POST
    def recorded_attempts() -> list[int | None]:
        event = client.events.get(success_id)
        return [attempt.response_code for attempt in event.deliveries[0].attempts] if event.deliveries else []

    assert wait_for(recorded_attempts, 10, f"the attempt of {success_id} recorded") == [200]


def test_a_recovery_sends_again_the_events_that_never_went_out(
    client: Client, receiver: CapturingReceiver
) -> None:
    # GIVEN events recorded while no webhook URL was configured
    started = datetime.now(UTC) - timedelta(seconds=1)
    payment_id = settled_payment(client)
    success_id = event_of(client, "payment.success", payment_id)
    client.webhooks.update_config(receiver.url)

    # WHEN the merchant recovers that range and follows the job
    recovery = client.webhooks.recover(since=started)
    assert recovery.id.startswith("rcv_") and recovery.events >= 3
    seen: list[int] = []
    done = client.webhooks.wait_for_recovery(
        recovery.id, timeout=120, interval=0.5, on_progress=lambda r: seen.append(r.sent)
    )

    # THEN every one of them is delivered, the payment.success under its own event id
    assert done.completed and done.sent == done.events == recovery.events
    receiver.wait_for(
        lambda d: d.headers.get("webhook-id") == success_id, 30, "the recovered payment.success"
    )


def test_the_cli_lists_shows_and_resends_events(
    live_stack: LiveStack, credentials: dict[str, str], client: Client, receiver: CapturingReceiver
) -> None:
    environment = gateway_environment(live_stack, credentials)
    client.webhooks.update_config(receiver.url)
    payment_id = settled_payment(client)
    success_id = event_of(client, "payment.success", payment_id)
    receiver.wait_for(lambda d: d.headers.get("webhook-id") == success_id, 30, success_id)

    listed = run_cli("events", "list", "--type", "payment.success", environment=environment)
    assert listed.returncode == 0 and success_id in listed.stdout
    shown = run_cli("events", "get", success_id, environment=environment)
    assert shown.returncode == 0 and payment_id in shown.stdout and "delivery" in shown.stdout

    resent = run_cli("events", "resend", success_id, environment=environment)
    assert resent.returncode == 0, resent.stderr
    wait_for(
        lambda: len([d for d in receiver.deliveries() if d.headers.get("webhook-id") == success_id]) >= 2,
        30,
        "the resent delivery",
    )

    missing = run_cli("events", "get", "evt_0000000000000000", environment=environment)
    assert missing.returncode == 1 and missing.stderr.startswith("error: NOT_FOUND_ERROR: Event not found")


def test_the_cli_recovers_a_range_and_reports_progress_until_completed(
    live_stack: LiveStack, credentials: dict[str, str], client: Client, receiver: CapturingReceiver
) -> None:
    since = iso(datetime.now(UTC) - timedelta(seconds=1))
    settled_payment(client)
    client.webhooks.update_config(receiver.url)
    finished = run_cli("recover", "--since", since, environment=gateway_environment(live_stack, credentials))
    assert finished.returncode == 0, finished.stderr
    assert re.search(r"Recovery rcv_[A-Za-z0-9]{16} completed: sent (\d+) of \1\.", finished.stdout)


def test_listen_forwards_each_new_event_signed_with_its_local_secret_and_stops_on_ctrl_c(
    live_stack: LiveStack,
    credentials: dict[str, str],
    client: Client,
    receiver: CapturingReceiver,
    tmp_path: Path,
) -> None:
    # GIVEN `gateway listen` following the deployment as a fresh merchant
    environment = {**gateway_environment(live_stack, credentials), "XDG_CONFIG_HOME": str(tmp_path)}
    with Listening(receiver.url, environment, "--interval", "0.2") as (process, lines):
        secret = re.search(r"signing secret is (whsec_\S+)", "".join(lines)).group(1)  # type: ignore[union-attr]

        # WHEN a payment succeeds on the deployment
        started = time.monotonic()
        payment_id = settled_payment(client)
        success_id = event_of(client, "payment.success", payment_id)

        # THEN the listener posts it to the local URL, signed with the local secret, under its event id
        delivery = receiver.wait_for(
            lambda d: d.headers.get("webhook-id") == success_id, 30, "the forwarded event"
        )
        forwarded_after = time.monotonic() - started
        event = Webhook(secret).verify(delivery.body, delivery.headers)
        assert ReferenceWebhook(secret).verify(delivery.body, delivery.headers) == event
        assert event["event"] == "payment.success" and event["data"]["payment"]["id"] == payment_id
        line = wait_for(lambda: next((x for x in lines if success_id in x), None), 10, "the listener's line")
        assert "payment.success" in line and "--> 200" in line
        print(f"forwarding: {line.strip()} (payment created to forwarded: {forwarded_after:.2f} s)")

        # AND Ctrl-C stops it cleanly
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
    assert any("Stopped." in x for x in lines)


def test_events_list_in_process_prints_one_line_per_event(
    live_stack: LiveStack,
    credentials: dict[str, str],
    client: Client,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in gateway_environment(live_stack, credentials).items():
        monkeypatch.setenv(name, value)
    settled_payment(client)
    assert main(["events", "list", "--limit", "100"]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("evt_")]
    assert len(lines) == len(list(client.events.iterate()))
