"""`gateway listen`, `events` and `recover` against an in-memory stand-in of the events API
(openapi.yaml /api/v1/events): what the CLI itself decides (which events are new, their order, the
signing, the resend choice, the progress), runnable before the real API is deployed.
`test_events_live.py` covers the real one."""

from __future__ import annotations

import json
import re
import signal
import time
from pathlib import Path

import pytest
from gateway_client import Webhook
from gateway_client.cli import main, parse_timestamp
from standardwebhooks.webhooks import Webhook as ReferenceWebhook

from devkit.merchant import wait_for
from tests.sdk.events_double import API_KEY, API_SECRET, EventsApiDouble, double_environment
from tests.sdk.loopback import CapturingReceiver
from tests.sdk.support import Listening

pytestmark = pytest.mark.integration


@pytest.fixture
def as_double_merchant(double: EventsApiDouble, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GATEWAY_BASE_URL", double.url)
    monkeypatch.setenv("GATEWAY_API_KEY", API_KEY)
    monkeypatch.setenv("GATEWAY_API_SECRET", API_SECRET)


def payment_data(payment_id: str) -> dict[str, object]:
    return {"payment": {"id": payment_id, "amount": 50000, "status": "success"}}


def test_listen_forwards_only_new_events_oldest_first_signed_and_stops_on_ctrl_c(
    double: EventsApiDouble, receiver: CapturingReceiver, tmp_path: Path
) -> None:
    # GIVEN events that happened before the listener started
    old = [double.record("payment.success", payment_data(f"pay_old{i}")) for i in range(3)]

    # WHEN it starts, and new events arrive: two in order, then one recorded late (behind the newest)
    with Listening(receiver.url, double_environment(double, tmp_path)) as (process, lines):
        secret = re.search(r"signing secret is (whsec_\S+)", "".join(lines)).group(1)  # type: ignore[union-attr]
        first = double.record("payment.created", payment_data("pay_new1"))
        second = double.record("payment.success", payment_data("pay_new1"))
        recorded = time.monotonic()
        wait_for(lambda: len(receiver.deliveries()) >= 2, 15, "two forwarded events")
        forwarded_after = time.monotonic() - recorded
        late = double.record("refund.processed", {"refund": {"id": "rfnd_late"}}, position=1)
        wait_for(lambda: len(receiver.deliveries()) >= 3, 15, "the late event")

        # THEN exactly the new ones are posted, oldest first, each as the gateway would sign it
        deliveries = receiver.deliveries()
        assert [d.headers["webhook-id"] for d in deliveries] == [first["id"], second["id"], late["id"]]
        assert not {e["id"] for e in old} & {d.headers["webhook-id"] for d in deliveries}
        for delivery, event in zip(deliveries, (first, second, late), strict=True):
            envelope = Webhook(secret).verify(delivery.body, delivery.headers)
            assert envelope == {
                "event": event["type"],
                "timestamp": int(parse_timestamp(event["created_at"])),
                "data": event["data"],
            }
            assert ReferenceWebhook(secret).verify(delivery.body, delivery.headers) == envelope
            assert json.loads(delivery.body) == envelope
        # The CLI prints a delivery's line once the receiver has answered it, so the last may lag a moment.
        wait_for(lambda: sum("-->" in line for line in lines) >= 3, 15, "three forwarded lines")
        forwarded_lines = [line for line in lines if "-->" in line]
        assert len(forwarded_lines) == 3 and all("--> 200 OK" in line for line in forwarded_lines)
        print(
            f"forwarded within {forwarded_after:.2f} s of being recorded (poll interval 1 s): {forwarded_lines[1].strip()}"
        )

        # AND Ctrl-C stops it cleanly
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
    assert lines[-1].strip() == "Stopped."


def test_listen_reports_a_local_endpoint_that_is_down_and_goes_on(
    double: EventsApiDouble, receiver: CapturingReceiver, tmp_path: Path
) -> None:
    receiver.status = 500
    with Listening(receiver.url, double_environment(double, tmp_path)) as (process, lines):
        event = double.record("payment.failed", payment_data("pay_x"))
        line = wait_for(lambda: next((x for x in lines if event["id"] in x), None), 15, "the forwarded line")
        assert "--> 500" in line
        receiver.status = 200
        second = double.record("payment.success", payment_data("pay_y"))
        line = wait_for(lambda: next((x for x in lines if second["id"] in x), None), 15, "the next line")
        assert "--> 200 OK" in line
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0


@pytest.mark.usefixtures("as_double_merchant")
def test_events_list_prints_a_line_per_event_and_how_to_get_the_next_page(
    double: EventsApiDouble, capsys: pytest.CaptureFixture[str]
) -> None:
    events = [double.record("payment.success", payment_data(f"pay_{i}")) for i in range(3)]
    assert main(["events", "list", "--limit", "2"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in out[:2]] == [events[2]["id"], events[1]["id"]]
    assert out[2] == f"More: gateway events list --starting-after {events[1]['id']}"


@pytest.mark.usefixtures("as_double_merchant")
def test_events_get_shows_the_data_deliveries_and_attempts(
    double: EventsApiDouble, capsys: pytest.CaptureFixture[str]
) -> None:
    attempts = [
        {
            "attempted_at": "2026-01-15T10:31:00Z",
            "response_code": 500,
            "duration_ms": 12,
            "response_body": "no",
        }
    ]
    event = double.record(
        "payment.success",
        payment_data("pay_shown"),
        deliveries=[
            {"webhook_id": "0b8f6f3c", "url": "http://m/wh", "status": "failed", "attempts": attempts}
        ],
    )
    assert main(["events", "get", event["id"]]) == 0
    out = capsys.readouterr().out
    assert "pay_shown" in out and "delivery 0b8f6f3c  failed  to http://m/wh" in out and "500  12 ms" in out


@pytest.mark.usefixtures("as_double_merchant")
def test_resend_retries_the_latest_delivery_or_recovers_a_never_delivered_event(
    double: EventsApiDouble, capsys: pytest.CaptureFixture[str]
) -> None:
    delivered = double.record(
        "payment.success",
        payment_data("pay_a"),
        deliveries=[
            {"webhook_id": "first", "status": "failed", "attempts": []},
            {"webhook_id": "latest", "status": "failed", "attempts": []},
        ],
    )
    assert main(["events", "resend", delivered["id"]]) == 0
    assert double.retried == ["latest"]
    assert "Webhook retry scheduled" in capsys.readouterr().out

    never = double.record("payment.success", payment_data("pay_b"))
    assert main(["events", "resend", never["id"]]) == 0
    (recovery,) = double.recoveries.values()
    assert recovery["since"] == recovery["until"] == never["created_at"]
    assert "by recovery rcv_" in capsys.readouterr().out


@pytest.mark.usefixtures("as_double_merchant")
def test_recover_shows_progress_until_the_job_completes(
    double: EventsApiDouble, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["recover", "--since", "2026-01-15T10:00:00Z", "--until", "2026-01-15T11:00:00Z"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert re.fullmatch(
        r"recovery rcv_\w{16}: 3 event\(s\) from 2026-01-15T10:00:00Z to 2026-01-15T11:00:00Z", out[0]
    )
    assert [line.strip() for line in out[1:-1]] == [
        "sent 0/3 (running)",
        "sent 1/3 (running)",
        "sent 2/3 (running)",
        "sent 3/3 (completed)",
    ]
    assert re.fullmatch(r"Recovery rcv_\w{16} completed: sent 3 of 3\.", out[-1])


@pytest.mark.usefixtures("as_double_merchant")
def test_an_unknown_event_is_one_clear_error_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["events", "get", "evt_0000000000000000"]) == 1
    assert capsys.readouterr().err.strip() == "error: NOT_FOUND_ERROR: Event not found (HTTP 404)"


def test_a_deployment_without_the_events_api_is_named_as_such(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    older = EventsApiDouble(deployed=False)
    try:
        monkeypatch.setenv("GATEWAY_API_KEY", API_KEY)
        monkeypatch.setenv("GATEWAY_API_SECRET", API_SECRET)
        assert main(["--base-url", older.url, "events", "list"]) == 1
    finally:
        older.close()
    error = capsys.readouterr().err.strip()
    assert error.startswith("error: NOT_FOUND_ERROR: Route not found (HTTP 404)")
    assert "does not serve that endpoint" in error
