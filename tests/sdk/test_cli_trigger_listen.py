"""`gateway trigger` knows every event the gateway sends, from one list; `gateway listen` forwards the
events of one change in the order they happened and reports a failed forward in the dashboard's words."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from gateway_client import Client, event_types
from gateway_client.cli import TRIGGERS, build_parser, main

from devkit.live_stack import LiveStack, refusing_port
from devkit.merchant import wait_for
from tests.sdk.events_double import EventsApiDouble, double_environment, now_iso
from tests.sdk.loopback import CapturingReceiver
from tests.sdk.support import Listening, gateway_environment

REPO_ROOT = Path(__file__).resolve().parents[2]
DELIVERY_WORDS = REPO_ROOT / "dashboard_site" / "src" / "lib" / "deliveries.js"


def documented_event_types() -> list[str]:
    document = yaml.safe_load((REPO_ROOT / "openapi.yaml").read_text(encoding="utf-8"))
    return list(document["components"]["schemas"]["WebhookEvent"]["enum"])


def test_the_package_knows_every_event_the_api_documents_and_can_trigger_each() -> None:
    assert set(documented_event_types()) <= set(event_types.EVENT_TYPES)
    assert set(TRIGGERS) == set(event_types.EVENT_TYPES)
    parser = build_parser()
    for event_type in event_types.EVENT_TYPES:
        assert parser.parse_args(["trigger", event_type]).event == event_type


def test_an_event_the_gateway_does_not_send_is_refused_naming_the_ones_it_does(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["trigger", "payment.teleported"])
    assert exited.value.code == 2
    error = capsys.readouterr().err
    assert "invalid choice" in error and "payment.captured" in error and "refund.created" in error


@pytest.mark.integration
def test_listen_forwards_the_events_of_one_change_in_the_order_they_happened(
    double: EventsApiDouble, receiver: CapturingReceiver, tmp_path: Path
) -> None:
    with Listening(receiver.url, double_environment(double, tmp_path)):
        # GIVEN a settlement's two events, sharing its timestamp, listed with `order.paid` behind
        # `payment.success` (the API orders equal timestamps by id)
        moment = now_iso()
        paid = double.record("order.paid", {"order": {"id": "order_x"}}, created_at=moment)
        success = double.record("payment.success", {"payment": {"id": "pay_x"}}, created_at=moment)

        # WHEN the listener forwards them
        wait_for(lambda: len(receiver.deliveries()) >= 2, 15, "both events forwarded")

    # THEN the payment's success goes first, then the order it paid
    forwarded = [delivery.headers["webhook-id"] for delivery in receiver.deliveries()]
    assert forwarded == [success["id"], paid["id"]]


@pytest.mark.integration
def test_listen_reports_a_refused_forward_in_the_dashboards_words(
    double: EventsApiDouble, tmp_path: Path
) -> None:
    with (
        refusing_port() as port,
        Listening(f"http://127.0.0.1:{port}/webhook", double_environment(double, tmp_path)) as (_, lines),
    ):
        event = double.record("payment.success", {"payment": {"id": "pay_x"}})
        line = wait_for(lambda: next((x for x in lines if event["id"] in x), None), 15, "the forwarded line")
    assert "--> No answer: connection refused (" in line
    assert "ConnectionError" not in line


def dashboard_words(samples: list[str]) -> dict[str, str]:
    """What the dashboard shows for an attempt that got no answer, recorded as each sample says."""
    script = (
        f"const words = await import({json.dumps(DELIVERY_WORDS.as_uri())});"
        f"const samples = {json.dumps(samples)};"
        "console.log(JSON.stringify(Object.fromEntries(samples.map((s) => [s, words.attemptResult(null, s)]))));"
    )
    finished = subprocess.run(
        ["node", "--input-type=module", "-e", script], capture_output=True, text=True, timeout=30, check=True
    )
    return dict(json.loads(finished.stdout))


def test_the_cli_says_what_the_dashboard_says_for_every_kind_of_no_answer() -> None:
    # What the delivery worker records for each kind of failure, and the package's words for the same kind.
    kinds = {
        "Request failed: NameResolutionError": event_types.HOST_NOT_FOUND,
        "Request failed: timed out": event_types.TIMED_OUT,
        "Request failed: SSLError": event_types.TLS_FAILED,
        "Request failed: connection refused": event_types.CONNECTION_REFUSED,
        "Request failed: ConnectionReset": event_types.CONNECTION_DROPPED,
        "Request failed: something else": event_types.COULD_NOT_CONNECT,
    }
    shown = dashboard_words(list(kinds))
    for recorded, reason in kinds.items():
        assert shown[recorded] == event_types.NO_ANSWER.format(reason=reason)


@pytest.fixture
def as_merchant(live_stack: LiveStack, monkeypatch: pytest.MonkeyPatch) -> Iterator[Client]:
    merchant = live_stack.create_merchant()
    for name, value in gateway_environment(live_stack, merchant).items():
        monkeypatch.setenv(name, value)
    with Client(merchant["api_key"], merchant["api_secret"], live_stack.api_url) as sdk:
        yield sdk


@pytest.mark.integration
def test_trigger_payment_captured_captures_a_successful_payment(
    as_merchant: Client, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["trigger", "payment.captured"]) == 0
    out = capsys.readouterr().out
    payment = as_merchant.payments.get(re.findall(r"\bpay_[A-Za-z0-9]{16}\b", out)[0])
    assert (payment.status, payment.captured) == ("success", True)
    assert "Triggered payment.captured." in out


@pytest.mark.integration
def test_trigger_refund_created_refunds_without_waiting_for_processing(
    as_merchant: Client, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["trigger", "refund.created", "--amount", "2500"]) == 0
    out = capsys.readouterr().out
    refund = as_merchant.refunds.get(re.findall(r"\brfnd_[A-Za-z0-9]{16}\b", out)[0])
    assert refund.amount == 2500 and "Triggered refund.created." in out


@pytest.mark.integration
def test_events_list_filters_by_payment(as_merchant: Client, capsys: pytest.CaptureFixture[str]) -> None:
    # GIVEN two settled payments
    made = []
    for _ in range(2):
        order = as_merchant.orders.create(amount=10000)
        payment = as_merchant.payments.create_upi(order.id, "success@upi")
        made.append(as_merchant.payments.wait_until_final(payment.id, timeout=30, interval=0.2))
    wait_for(
        lambda: len(as_merchant.events.list(payment_id=made[0].id).data) == 4, 30, "the payment's four events"
    )

    # WHEN one payment's events are listed
    assert main(["events", "list", "--payment-id", made[0].id]) == 0

    # THEN its four events are printed, and none of the other payment's
    out = capsys.readouterr().out
    assert len(re.findall(r"^evt_", out, flags=re.MULTILINE)) == 4
    for event_type in ("payment.created", "payment.pending", "payment.success", "order.paid"):
        assert event_type in out
    other = {event.id for event in as_merchant.events.list(payment_id=made[1].id).data}
    assert other and not other & set(re.findall(r"evt_[A-Za-z0-9]{16}", out))


@pytest.mark.integration
def test_trigger_webhook_test_sends_one_to_the_configured_url(
    as_merchant: Client, receiver: CapturingReceiver, capsys: pytest.CaptureFixture[str]
) -> None:
    as_merchant.webhooks.update_config(receiver.url)
    assert main(["trigger", "webhook.test"]) == 0
    assert "Triggered webhook.test." in capsys.readouterr().out
    wait_for(lambda: receiver.deliveries(), 30, "the test webhook")
    assert json.loads(receiver.deliveries()[0].body)["event"] == "webhook.test"


@pytest.mark.integration
def test_trigger_payment_created_does_not_wait_for_the_bank(
    as_merchant: Client, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["trigger", "payment.created"]) == 0
    out = capsys.readouterr().out
    payment_id = re.findall(r"\bpay_[A-Za-z0-9]{16}\b", out)[0]
    assert as_merchant.payments.get(payment_id).vpa == "success@upi"
    assert out.count(payment_id) == 1  # created, and not followed to its outcome
