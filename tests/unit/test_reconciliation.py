"""The reconciliation sweep puts lost work back on its path, and merchants see their webhook pipeline."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import boto3
import pytest
from gateway.data import queues, workflows
from gateway.data.payments import get_payment
from gateway.data.refunds import get_refund
from gateway.data.webhook_logs import get_webhook_log, insert_webhook_log_if_absent, record_delivery_attempt
from gateway.domain.clock import iso, now_iso, utc_now
from gateway.domain.events import DeliveryAttempt
from gateway.domain.lifecycle import DeliveryStatus, PaymentStatus, RefundStatus
from gateway.domain.resources import WebhookLog
from gateway.services.reconciliation import reconcile

# Past the sweep's grace (120 s) and the unit stack's bank delay (0 ms).
LATE = timedelta(seconds=121)


def new_log(merchant_id: str, log_id: str, event: str, payload: str) -> WebhookLog:
    """A pending delivery as the dispatcher writes one (without its event record)."""
    return WebhookLog(
        id=log_id,
        merchant_id=merchant_id,
        event=event,
        payload=payload,
        status=DeliveryStatus.PENDING,
        created_at=now_iso(),
    )


def with_webhooks(api, receiver):
    api.call("PUT", "/api/v1/webhooks/config", {"webhook_url": receiver.url})


def lose_messages(aws: dict[str, Any], *queues_: str) -> None:
    """The messages on these queues are lost (deleted by hand, expired): nothing will process them."""
    sqs = boto3.client("sqs")
    for logical in queues_:
        url = aws["physical"][logical]["Ref"]
        while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
            for message in messages:
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


@pytest.fixture
def sent(monkeypatch) -> list[tuple[str, dict[str, Any]]]:
    """Messages sent to the work queues (still sent), by queue URL."""
    recorded: list[tuple[str, dict[str, Any]]] = []
    real_send = queues.send

    def recording_send(queue_url: str, body: dict[str, Any], **options: Any) -> None:
        recorded.append((queue_url, body))
        real_send(queue_url, body, **options)

    monkeypatch.setattr(queues, "send", recording_send)
    return recorded


def test_lost_payment_and_delivery_messages_are_put_back_and_everything_arrives(aws, api, pipeline, receiver):
    # GIVEN a payment whose job and first webhook attempts were lost from their queues
    with_webhooks(api, receiver)
    _, _, headers = api.call("GET", "/api/v1/payments")
    payment = api.create_upi_payment()
    for _ in range(3):
        pipeline.pump_streams()  # the outbox enqueued the job and recorded created/pending
    lose_messages(aws, "PaymentsQueue", "WebhooksQueue")
    pipeline.settle()
    assert get_payment(payment["id"]).status is PaymentStatus.PENDING and receiver.deliveries == []
    # WHEN the sweep runs once the payment is late
    started = time.perf_counter()
    report = reconcile(now=utc_now() + LATE)
    sweep_ms = (time.perf_counter() - started) * 1000
    pipeline.run_until(lambda: len(receiver.deliveries) == 4)
    pipeline.settle()
    # THEN the payment settled and all four events arrived, once each
    assert get_payment(payment["id"]).status is PaymentStatus.SUCCESS
    assert sorted(receiver.events()) == [
        "order.paid",
        "payment.created",
        "payment.pending",
        "payment.success",
    ]
    assert report["payments"] >= 1 and report["deliveries"] >= 2
    print(f"sweep took {sweep_ms:.0f} ms for {report}")


def test_a_payment_not_yet_due_is_left_alone(aws, api, pipeline, sent):
    # GIVEN a payment whose job was lost a moment ago (not late yet)
    payment = api.create_upi_payment()
    pipeline.pump_streams()
    lose_messages(aws, "PaymentsQueue")
    sent.clear()
    # WHEN the sweep runs now
    reconcile()
    pipeline.settle()
    # THEN nothing was put back for it, and it is still pending
    assert not [body for _, body in sent if body.get("payment_id") == payment["id"]]
    assert get_payment(payment["id"]).status is PaymentStatus.PENDING


def test_running_the_sweep_twice_changes_nothing_more(aws, api, pipeline, receiver, sent):
    # GIVEN a lost payment job, rescued by one sweep and settled
    with_webhooks(api, receiver)
    payment = api.create_upi_payment()
    pipeline.pump_streams()
    lose_messages(aws, "PaymentsQueue")
    later = utc_now() + LATE
    reconcile(now=later)
    pipeline.run_until(lambda: len(receiver.deliveries) == 4)
    pipeline.settle()
    settled = get_payment(payment["id"])
    sent.clear()
    # WHEN the sweep runs again
    reconcile(now=later)
    pipeline.settle()
    # THEN nothing is put back for it, and nothing about it changed or was sent again
    assert not [body for _, body in sent if body.get("payment_id") == payment["id"]]
    assert get_payment(payment["id"]) == settled and len(receiver.deliveries) == 4


def test_a_lost_refund_job_is_put_back_and_the_refund_processed(aws, api, pipeline, successful_payment):
    # GIVEN a refund whose job was lost
    status, refund, _ = api.call(
        "POST", f"/api/v1/payments/{successful_payment['id']}/refunds", {"amount": 500}
    )
    assert status == 201
    pipeline.pump_streams()
    lose_messages(aws, "RefundsQueue")
    pipeline.settle()
    assert get_refund(refund["id"]).status is RefundStatus.PENDING
    # WHEN the sweep runs once it is late
    report = reconcile(now=utc_now() + LATE)
    pipeline.run_until(lambda: get_refund(refund["id"]).status is RefundStatus.PROCESSED)
    # THEN it was put back and processed
    assert report["refunds"] >= 1


def retrying_log(merchant_id: str, next_retry_at: str):
    """A delivery whose first attempt failed and whose second is due at `next_retry_at`."""
    log = new_log(merchant_id, f"{merchant_id[:8]}-{time.time_ns()}", "payment.created", '{"event":"x"}')
    assert insert_webhook_log_if_absent(log, started_by_stream=False)
    attempted_at = iso(utc_now())
    after = log.after_attempt(500, "nope", attempted_at, None, next_retry_at)
    attempt = DeliveryAttempt(
        attempted_at=attempted_at, response_code=500, duration_ms=3, response_body="nope"
    )
    record_delivery_attempt(log, after, attempt, "https://shop.example.com/hook")
    return after


def test_an_overdue_retry_whose_schedule_still_runs_is_left_to_the_schedule(aws, api, sent, monkeypatch):
    # GIVEN an overdue retry whose retry schedule is running
    log = retrying_log(api.merchant["id"], iso(utc_now() - timedelta(minutes=10)))
    monkeypatch.setattr(workflows, "execution_status", lambda arn, name: "RUNNING")
    # WHEN the sweep runs
    report = reconcile()
    # THEN it sends nothing for it
    assert not [body for _, body in sent if body.get("log_id") == log.id]
    assert report["scheduled"] >= 1


@pytest.mark.parametrize("schedule", [None, "FAILED", "TIMED_OUT", "SUCCEEDED"])
def test_an_overdue_retry_without_a_running_schedule_gets_its_next_attempt(
    aws, api, sent, monkeypatch, schedule
):
    # GIVEN an overdue retry whose schedule never started, or ended with the delivery still pending
    log = retrying_log(api.merchant["id"], iso(utc_now() - timedelta(minutes=10)))
    asked: list[str] = []

    def status(arn: str, name: str) -> str | None:
        asked.append(name)
        return schedule

    monkeypatch.setattr(workflows, "execution_status", status)
    # WHEN the sweep runs
    reconcile()
    # THEN the schedule looked up is the deterministic one, and the second attempt is sent
    assert f"{log.id}-1" in asked
    assert {"log_id": log.id, "round": 1, "attempt": 2} in [body for _, body in sent]


def test_a_retry_not_yet_due_is_left_alone(aws, api, sent, monkeypatch):
    log = retrying_log(api.merchant["id"], iso(utc_now() + timedelta(minutes=5)))
    monkeypatch.setattr(workflows, "execution_status", lambda arn, name: None)
    reconcile()
    assert not [body for _, body in sent if body.get("log_id") == log.id]


def test_execution_status_reads_the_retry_schedule_by_name(aws):
    # GIVEN a retry schedule started under its deterministic name
    arn = aws["environment"]["WEBHOOK_RETRY_STATE_MACHINE_ARN"]
    name = f"status-check-{time.time_ns()}"
    state = {"outcome": "retry", "log_id": "x", "round": 1, "attempt": 2, "wait_seconds": 3600}
    assert workflows.start_retry_schedule(arn, name, state)
    # THEN it is found running, and an unknown name is None
    assert workflows.execution_status(arn, name) == "RUNNING"
    assert workflows.execution_status(arn, f"{name}-missing") is None


def test_the_scheduled_function_runs_the_sweep(aws):
    from functions.reconcile.app import handler

    report = handler({"source": "aws.events", "detail-type": "Scheduled Event"}, None)
    assert set(report) == {"payments", "refunds", "deliveries", "scheduled", "links_expired"}


# ---------------------------------------------------------------- the merchant's pipeline view


def test_pipeline_counts_the_merchants_deliveries_by_state(api, other_api, pipeline, receiver):
    # GIVEN a merchant whose receiver refuses the first two deliveries, and another merchant
    with_webhooks(api, receiver)
    receiver.answers = [500, 500]
    api.create_upi_payment()
    pipeline.run_until(lambda: len(receiver.deliveries) >= 4)
    # WHEN each asks for its pipeline
    status, mine, _ = api.call("GET", "/api/v1/webhooks/pipeline")
    _, theirs, _ = other_api.call("GET", "/api/v1/webhooks/pipeline")
    # THEN the two refused deliveries are in flight (being retried), and the other merchant sees nothing
    assert status == 200
    assert mine == {"queued": 0, "in_flight": 2, "failed": 0, "dead_lettered": 0}
    assert theirs == {"queued": 0, "in_flight": 0, "failed": 0, "dead_lettered": 0}


def test_pipeline_counts_queued_failed_and_dead_lettered_deliveries(api):
    # GIVEN deliveries waiting, one failed for good, and one overdue past the dead-letter horizon
    merchant_id = api.merchant["id"]
    for index in range(2):
        insert_webhook_log_if_absent(
            new_log(merchant_id, f"{merchant_id}-q{index}", "payment.created", "{}"), started_by_stream=False
        )
    failed = new_log(merchant_id, f"{merchant_id}-f", "payment.created", "{}")
    insert_webhook_log_if_absent(failed, started_by_stream=False)
    attempted_at = iso(utc_now())
    gone = DeliveryAttempt(attempted_at=attempted_at, response_code=410, duration_ms=3, response_body="gone")
    after = failed.after_attempt(410, "gone", attempted_at, DeliveryStatus.FAILED)
    record_delivery_attempt(failed, after, gone, "https://shop.example.com/hook")
    retrying_log(merchant_id, iso(utc_now() - timedelta(minutes=20)))
    # WHEN the merchant asks for its pipeline
    status, body, _ = api.call("GET", "/api/v1/webhooks/pipeline")
    # THEN each delivery is counted once, in its state
    assert status == 200
    assert body == {"queued": 2, "in_flight": 0, "failed": 1, "dead_lettered": 1}


def test_a_delivered_log_leaves_the_pipeline(api, pipeline, receiver):
    with_webhooks(api, receiver)
    status, log, _ = api.call("POST", "/api/v1/webhooks/test")
    assert status == 200 or status == 201
    assert api.call("GET", "/api/v1/webhooks/pipeline")[1]["queued"] == 1
    pipeline.run_until(lambda: get_webhook_log(log["id"]).status is DeliveryStatus.SUCCESS)
    assert api.call("GET", "/api/v1/webhooks/pipeline")[1] == {
        "queued": 0,
        "in_flight": 0,
        "failed": 0,
        "dead_lettered": 0,
    }


def test_pipeline_needs_credentials(api):
    status, body, headers = api.call("GET", "/api/v1/webhooks/pipeline", headers={"X-Api-Secret": "wrong"})
    assert status == 401 and body["error"]["code"] == "AUTHENTICATION_ERROR"
    assert body["error"]["request_id"] == headers["Request-Id"]


def test_dead_letter_horizon_matches_the_webhooks_queue(aws):
    from gateway.services.webhook_pipeline import DEAD_LETTER_AFTER

    from local_runtime.template import Template

    queue = Template.from_environment().resources("AWS::SQS::Queue")["WebhooksQueue"]["Properties"]
    expected = queue["VisibilityTimeout"] * queue["RedrivePolicy"]["maxReceiveCount"]
    assert DEAD_LETTER_AFTER.total_seconds() == expected
