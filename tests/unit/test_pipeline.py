"""The asynchronous pipeline: outbox dispatch, settlement, signed webhooks and their retry schedule."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import time
import uuid

import boto3
import pytest
from gateway.data.models import MerchantModel, WebhookLogModel
from gateway.data.payments import get_payment
from gateway.data.webhook_logs import get_webhook_log
from gateway.domain.messages import DeliveryBatch
from gateway.services import delivery
from standardwebhooks import Webhook

# Every event one successful payment raises (its order is paid by it).
PAYMENT_EVENTS = ["order.paid", "payment.created", "payment.pending", "payment.success"]


def logs_of(api):
    return api.call("GET", "/api/v1/webhooks?limit=100")[1]["data"]


def with_webhooks(api, receiver, rotate=True):
    api.call("PUT", "/api/v1/webhooks/config", {"webhook_url": receiver.url})
    if rotate:  # a whsec_<base64> secret, so Standard Webhooks headers are sent too
        return api.call("POST", "/api/v1/webhooks/regenerate-secret")[1]["webhook_secret"]
    return api.call("GET", "/api/v1/webhooks/config")[1]["webhook_secret"]


def test_payment_settles_and_every_event_arrives_signed(api, pipeline, receiver):
    secret = with_webhooks(api, receiver)
    payment = api.create_upi_payment()
    pipeline.run_until(lambda: len(receiver.deliveries) == 4)
    pipeline.settle()
    assert sorted(receiver.events()) == PAYMENT_EVENTS
    assert api.call("GET", f"/api/v1/payments/{payment['id']}")[1]["status"] == "success"
    for delivered in receiver.deliveries:
        body, headers = delivered["body"], delivered["headers"]
        assert headers["X-Webhook-Signature"] == hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        # A Node receiver verifies JSON.stringify(req.body): compact re-serialization gives the same bytes.
        assert json.dumps(json.loads(body), separators=(",", ":"), ensure_ascii=False).encode() == body
        envelope = Webhook(secret).verify(
            body, {k: v for k, v in headers.items() if k.startswith("webhook-")}
        )
        assert envelope["data"]["payment"]["id"] == payment["id"] and isinstance(envelope["timestamp"], int)
        if envelope["event"] == "order.paid":
            assert envelope["data"]["order"]["status"] == "paid"
    assert {log["status"] for log in logs_of(api)} == {"success"}


def test_card_failure_in_test_mode(api, pipeline, receiver, monkeypatch):
    from gateway import config

    monkeypatch.setenv("TEST_PAYMENT_SUCCESS", "false")
    config.get_settings.cache_clear()
    with_webhooks(api, receiver, rotate=False)
    order = api.create_order()
    card = {
        "number": "4111111111111111",
        "expiry_month": 12,
        "expiry_year": 2099,
        "cvv": "123",
        "holder_name": "A",
    }
    payment = api.call("POST", "/api/v1/payments", {"order_id": order["id"], "method": "card", "card": card})[
        1
    ]
    pipeline.run_until(lambda: "payment.failed" in receiver.events())
    stored = api.call("GET", f"/api/v1/payments/{payment['id']}")[1]
    assert stored["status"] == "failed" and stored["error_code"] == "PAYMENT_FAILED"
    assert stored["error_description"] == "Payment processing failed"
    failed_event = next(json.loads(d["body"]) for d in receiver.deliveries if b"payment.failed" in d["body"])
    assert (
        "4111111111111111" not in json.dumps(failed_event)
        and failed_event["data"]["payment"]["card_last4"] == "1111"
    )


def test_redelivered_payment_message_changes_nothing(api, pipeline, receiver):
    from gateway.services.settlement import process_payment

    with_webhooks(api, receiver, rotate=False)
    payment = api.create_upi_payment()
    pipeline.run_until(lambda: "payment.success" in receiver.events())
    pipeline.settle()
    before = get_payment(payment["id"])
    process_payment({"payment_id": payment["id"]})  # the same job, delivered again
    pipeline.settle()
    after = get_payment(payment["id"])
    assert (after.status, after.updated_at) == (before.status, before.updated_at)
    assert sorted(receiver.events()) == PAYMENT_EVENTS
    assert len(logs_of(api)) == 4


def test_redelivered_stream_record_creates_no_second_log(api, pipeline, receiver):
    with_webhooks(api, receiver, rotate=False)
    api.create_upi_payment()
    # The payment's INSERT record reaches the dispatcher twice.
    pipeline.dispatch_pending_twice("PaymentsTable")
    pipeline.run_until(lambda: "payment.success" in receiver.events())
    pipeline.settle()
    assert sorted(receiver.events()) == PAYMENT_EVENTS


def test_a_change_whose_logs_were_partly_recorded_creates_and_counts_only_the_others(api, aws):
    """The logs of one change are inserted in one transaction with one counter update; a redelivered change
    whose first run recorded some of them (then stopped) adds the rest, each counted once."""
    from gateway.data import totals
    from gateway.data.webhook_logs import insert_webhook_logs_if_absent
    from gateway.services.events import new_delivery, new_event

    merchant_id = api.merchant["id"]
    logs = [
        new_delivery(
            new_event(
                merchant_id, f"evt_{n}_{uuid.uuid4().hex}", "payment.created", "{}", "2026-12-06T00:00:00Z"
            ),
            str(uuid.uuid4()),
            "2026-12-06T00:00:00Z",
            "https://example.com/hook",
        )
        for n in range(3)
    ]
    assert insert_webhook_logs_if_absent([logs[1]], started_by_stream=False) == {logs[1].id}

    assert insert_webhook_logs_if_absent(logs, started_by_stream=False) == {logs[0].id, logs[2].id}
    assert insert_webhook_logs_if_absent(logs, started_by_stream=False) == set()
    assert all(get_webhook_log(log.id) is not None for log in logs)
    assert totals.webhook_log_count(merchant_id) == 3


def test_refund_is_processed_with_events(api, pipeline, receiver, successful_payment):
    with_webhooks(api, receiver, rotate=False)
    refund = api.call("POST", f"/api/v1/payments/{successful_payment['id']}/refunds", {"amount": 1000})[1]
    pipeline.run_until(lambda: "refund.processed" in receiver.events())
    stored = api.call("GET", f"/api/v1/refunds/{refund['id']}")[1]
    assert stored["status"] == "processed" and stored["processed_at"].endswith("Z")
    refund_events = [json.loads(d["body"]) for d in receiver.deliveries if b'"refund.' in d["body"]]
    assert sorted(e["event"] for e in refund_events) == ["refund.created", "refund.processed"]
    assert all(e["data"]["refund"]["id"] == refund["id"] for e in refund_events)


def test_no_webhook_url_means_no_log_and_nothing_sent(api, pipeline, receiver):
    payment = api.create_upi_payment()
    pipeline.run_until(lambda: get_payment(payment["id"]).status == "success")
    pipeline.settle()
    assert logs_of(api) == [] and receiver.deliveries == []


@pytest.mark.parametrize("queue", ["PaymentsQueue", "WebhooksQueue"])
def test_a_failed_queue_send_is_retried_from_the_stream_without_duplicates(
    api, aws, pipeline, receiver, monkeypatch, queue
):
    from gateway.data import queues

    with_webhooks(api, receiver, rotate=False)
    real_send, calls = queues.send, {"n": 0}
    failing_url = aws["physical"][queue]["Ref"]

    def flaky_send(queue_url, body, delay_seconds=0, dedupe_id=None):
        if queue_url == failing_url:
            calls["n"] += 1
            if calls["n"] == 1:  # the payment's job, or its first webhook's attempt
                raise ConnectionError("SQS unreachable")
        return real_send(queue_url, body, delay_seconds, dedupe_id)

    monkeypatch.setattr(queues, "send", flaky_send)
    payment = api.create_upi_payment()
    pipeline.run_until(lambda: "payment.success" in receiver.events())
    pipeline.settle()
    assert calls["n"] > 1 and get_payment(payment["id"]).status == "success"
    assert sorted(receiver.events()) == PAYMENT_EVENTS


def test_the_log_stream_invokes_the_dispatcher_only_for_rounds_an_api_request_started(
    api, aws, pipeline, receiver
):
    # GIVEN a dispatcher that notes the webhook-log records it is invoked with
    with_webhooks(api, receiver, rotate=False)
    log_table = aws["physical"]["WebhookLogsTable"]["Ref"]
    dispatched_logs, dispatch = [], pipeline.dispatch

    def noting_dispatch(event, context):
        records = event["Records"]
        dispatched_logs.extend(r for r in records if f"table/{log_table}/" in r["eventSourceARN"])
        return dispatch(event, context)

    pipeline.dispatch = noting_dispatch
    # WHEN a payment settles and its four webhooks are delivered
    api.create_upi_payment()
    pipeline.run_until(lambda: len(receiver.deliveries) == 4)
    pipeline.settle()
    # THEN the dispatcher sent every first attempt itself: no log record invoked it, and every event's
    # delivery status followed its delivery all the same
    assert dispatched_logs == []
    delivered = api.call("GET", "/api/v1/events?delivery_status=success&limit=100")[1]["data"]
    assert sorted(event["type"] for event in delivered) == PAYMENT_EVENTS
    # WHEN the merchant retries one delivery and sends a test webhook (API requests: the stream starts them)
    retried = logs_of(api)[0]
    api.call("POST", f"/api/v1/webhooks/{retried['id']}/retry")
    api.call("POST", "/api/v1/webhooks/test")
    pipeline.run_until(lambda: len(receiver.deliveries) == 6)
    pipeline.settle()
    # THEN exactly those two log records reached the dispatcher, and both were delivered
    assert len(dispatched_logs) == 2
    assert sorted(receiver.events()) == sorted([*PAYMENT_EVENTS, retried["event"], "webhook.test"])


def test_the_first_attempts_of_one_change_share_a_message_and_arrive_in_order(
    api, aws, pipeline, receiver, monkeypatch
):
    from gateway.data import queues

    # GIVEN a merchant with webhooks, and the webhook queue's messages noted as they are sent
    with_webhooks(api, receiver, rotate=False)
    webhooks_queue, sent, real_send = aws["physical"]["WebhooksQueue"]["Ref"], [], queues.send

    def noting_send(queue_url, body, delay_seconds=0, dedupe_id=None):
        if queue_url == webhooks_queue:
            sent.append(body)
        return real_send(queue_url, body, delay_seconds, dedupe_id)

    monkeypatch.setattr(queues, "send", noting_send)
    # WHEN a payment settles
    api.create_upi_payment()
    pipeline.run_until(lambda: len(receiver.deliveries) == 4)
    pipeline.settle()
    # THEN its creation and its settlement each sent one message with both of their first attempts, and
    # each pair arrived in the order its events happened
    assert [len(message["deliveries"]) for message in sent] == [2, 2]
    assert receiver.events() == ["payment.created", "payment.pending", "payment.success", "order.paid"]


@pytest.mark.parametrize(
    "message",
    [{"deliveries": []}, {"deliveries": "log"}, {"deliveries": ["log"]}, {"deliveries": [{}, {}, {}]}],
)
def test_a_malformed_delivery_message_is_dropped_without_an_attempt(api, aws, receiver, message):
    from functions.deliver_webhook.app import handler

    # WHEN the webhooks queue hands the delivery function a message it cannot act on
    record = {"messageId": "m1", "body": json.dumps(message)}
    result = handler(
        {"Records": [record]}, type("Context", (), {"get_remaining_time_in_millis": lambda: 30_000})
    )
    # THEN it is dropped (not retried into the dead-letter queue) and nothing is sent
    assert result == {"batchItemFailures": []} and receiver.deliveries == []


def test_finished_jobs_are_not_counted_without_the_test_endpoints(api, pipeline, monkeypatch):
    from gateway import config
    from gateway.data.jobs import read_job_counters

    # GIVEN a deployment without the test endpoints (nobody can read the counters there)
    monkeypatch.setenv("TEST_ENDPOINTS", "false")
    config.get_settings.cache_clear()
    before = read_job_counters()
    # WHEN a payment is settled
    payment = api.create_upi_payment()
    pipeline.run_until(lambda: get_payment(payment["id"]).status == "success")
    # THEN no counter was written for it
    assert read_job_counters() == before


def test_poison_message_ends_in_the_dead_letter_queue(aws, pipeline):
    sqs = boto3.client("sqs")
    queue_url = aws["physical"]["PaymentsQueue"]["Ref"]
    dlq_url = aws["physical"]["PaymentsDeadLetterQueue"]["Ref"]
    sqs.send_message(QueueUrl=queue_url, MessageBody="{not json")
    for _ in range(8):
        pipeline.pump_queue("PaymentsQueue")
    moved = sqs.receive_message(QueueUrl=dlq_url, MaxNumberOfMessages=10).get("Messages", [])
    assert [m["Body"] for m in moved] == ["{not json"]


def test_jobs_status_counts_finished_jobs(api, pipeline):
    before = api.call("GET", "/api/v1/test/jobs/status")[1]
    payment = api.create_upi_payment()
    pipeline.run_until(lambda: get_payment(payment["id"]).status == "success")
    after = api.call("GET", "/api/v1/test/jobs/status")[1]
    assert after["completed"] == before["completed"] + 1
    assert set(after) == {"pending", "processing", "completed", "failed", "worker_status"}
    # No poller runs in unit tests: the event source mappings stay disabled until a test enables them.
    assert after["worker_status"] == "stopped"
    from local_runtime.provision import set_event_source_mappings

    mappings = os.environ["WORKER_EVENT_SOURCE_MAPPINGS"].split(",")
    set_event_source_mappings(mappings, enabled=True)
    try:
        assert api.call("GET", "/api/v1/test/jobs/status")[1]["worker_status"] == "running"
    finally:
        set_event_source_mappings(mappings, enabled=False)


def _worker_mapping(aws) -> str:
    """A worker function and its SQS event source mapping, registered in the emulator as on AWS."""
    import io
    import zipfile

    iam, functions = boto3.client("iam"), boto3.client("lambda")
    role = iam.create_role(
        RoleName=f"worker-{uuid.uuid4().hex[:8]}",
        AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}),
    )["Role"]["Arn"]
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return {}\n")
    function = functions.create_function(
        FunctionName=f"worker-{uuid.uuid4().hex[:8]}",
        Runtime="python3.12",
        Role=role,
        Handler="app.handler",
        Code={"ZipFile": code.getvalue()},
    )["FunctionArn"]
    queue_arn = aws["physical"]["PaymentsQueue"]["Arn"]
    return str(functions.create_event_source_mapping(EventSourceArn=queue_arn, FunctionName=function)["UUID"])


def test_worker_status_follows_the_workers_event_source_mappings(api, aws, monkeypatch):
    from gateway import config

    def worker_status(mappings: str) -> str:
        monkeypatch.setenv("WORKER_EVENT_SOURCE_MAPPINGS", mappings)
        config.get_settings.cache_clear()
        return str(api.call("GET", "/api/v1/test/jobs/status")[1]["worker_status"])

    # GIVEN two workers' event source mappings, both enabled
    first, second = _worker_mapping(aws), _worker_mapping(aws)
    # THEN the workers run; with no mapping known they count as stopped
    assert worker_status(f"{first},{second}") == "running"
    assert worker_status("") == "stopped"
    # WHEN one mapping is disabled THEN the workers are stopped, and running again once it is re-enabled
    functions = boto3.client("lambda")
    functions.update_event_source_mapping(UUID=second, Enabled=False)
    assert worker_status(f"{first},{second}") == "stopped"
    functions.update_event_source_mapping(UUID=second, Enabled=True)
    assert worker_status(f"{first},{second}") == "running"


# ---------------------------------------------------------------- the retry schedule, attempt by attempt


def failing_log(api, receiver, pipeline):
    receiver.default_status = 500
    with_webhooks(api, receiver, rotate=False)
    log = api.call("POST", "/api/v1/webhooks/test")[1]
    return log["id"]


def test_attempts_follow_the_schedule_then_give_up_after_five(api, receiver, monkeypatch):
    receiver.default_status = 503
    with_webhooks(api, receiver, rotate=False)
    log_id = api.call("POST", "/api/v1/webhooks/test")[1]["id"]
    answers, started = [], []
    monkeypatch.setattr(
        delivery.workflows,
        "report_attempt",
        lambda token, output, failure=None: answers.append((output, failure)),
    )
    monkeypatch.setattr(
        delivery.workflows, "start_retry_schedule", lambda arn, name, state: started.append((name, state))
    )

    delivery.deliver_webhook(DeliveryBatch.parse({"log_id": log_id, "round": 1, "attempt": 1}))
    assert started == [
        (f"{log_id}-1", {"outcome": "retry", "log_id": log_id, "round": 1, "attempt": 2, "wait_seconds": 5})
    ]
    for attempt, wait in ((2, 10), (3, 15), (4, 20)):
        delivery.deliver_webhook(
            DeliveryBatch.parse({"log_id": log_id, "round": 1, "attempt": attempt, "task_token": "t"})
        )
        assert answers[-1] == (
            {"outcome": "retry", "log_id": log_id, "round": 1, "attempt": attempt + 1, "wait_seconds": wait},
            None,
        )
        log = get_webhook_log(log_id)
        assert log.status == "pending" and int(log.attempts) == attempt and log.next_retry_at
    delivery.deliver_webhook(
        DeliveryBatch.parse({"log_id": log_id, "round": 1, "attempt": 5, "task_token": "t"})
    )
    log = get_webhook_log(log_id)
    assert (log.status, int(log.attempts), int(log.response_code), log.next_retry_at) == (
        "failed",
        5,
        503,
        None,
    )
    assert answers[-1][1] == "gave up after 5 attempts"
    assert len(receiver.deliveries) == 5
    # The same message again (SQS redelivery) neither posts nor records twice.
    delivery.deliver_webhook(
        DeliveryBatch.parse({"log_id": log_id, "round": 1, "attempt": 5, "task_token": "t"})
    )
    assert len(receiver.deliveries) == 5 and answers[-1][1] == "gave up after 5 attempts"


def test_gone_stops_retries_at_once(api, receiver, monkeypatch):
    receiver.default_status = 410
    with_webhooks(api, receiver, rotate=False)
    log_id = api.call("POST", "/api/v1/webhooks/test")[1]["id"]
    started = []
    monkeypatch.setattr(delivery.workflows, "start_retry_schedule", lambda *args: started.append(args))
    delivery.deliver_webhook(DeliveryBatch.parse({"log_id": log_id, "round": 1, "attempt": 1}))
    log = get_webhook_log(log_id)
    assert (log.status, int(log.attempts), started) == ("failed", 1, [])


def test_a_stale_round_is_ignored_after_a_manual_retry(api, receiver, monkeypatch):
    receiver.default_status = 500
    with_webhooks(api, receiver, rotate=False)
    log_id = api.call("POST", "/api/v1/webhooks/test")[1]["id"]
    monkeypatch.setattr(delivery.workflows, "start_retry_schedule", lambda *args: None)
    answers = []
    monkeypatch.setattr(
        delivery.workflows, "report_attempt", lambda token, output, failure=None: answers.append(output)
    )
    delivery.deliver_webhook(DeliveryBatch.parse({"log_id": log_id, "round": 1, "attempt": 1}))
    api.call("POST", f"/api/v1/webhooks/{log_id}/retry")
    delivery.deliver_webhook(
        DeliveryBatch.parse({"log_id": log_id, "round": 1, "attempt": 2, "task_token": "old"})
    )
    assert answers == [{"outcome": "superseded"}] and len(receiver.deliveries) == 1
    receiver.default_status = 200
    delivery.deliver_webhook(DeliveryBatch.parse({"log_id": log_id, "round": 2, "attempt": 1}))
    log = get_webhook_log(log_id)
    assert (log.status, int(log.attempts), int(log.round)) == ("success", 1, 2)


def test_state_machine_runs_the_retry_after_the_test_interval(api, pipeline, receiver):
    receiver.answers = [500]
    with_webhooks(api, receiver, rotate=False)
    log_id = api.call("POST", "/api/v1/webhooks/test")[1]["id"]
    pipeline.run_until(lambda: len(receiver.deliveries) == 2, timeout=40)
    gap = receiver.deliveries[1]["at"] - receiver.deliveries[0]["at"]
    assert 4.5 <= gap <= 12, gap
    pipeline.run_until(lambda: get_webhook_log(log_id).status == "success")
    sfn = boto3.client("stepfunctions")
    arn = pipeline.physical["WebhookRetryStateMachine"]["Ref"]

    def execution_succeeded():
        executions = sfn.list_executions(stateMachineArn=arn)["executions"]
        return any(e["name"] == f"{log_id}-1" and e["status"] == "SUCCEEDED" for e in executions)

    pipeline.run_until(execution_succeeded, timeout=20)
    assert int(get_webhook_log(log_id).attempts) == 2


# ---------------------------------------------------------------- secrets and targets


def test_rotation_signs_with_both_secrets_for_24_hours(api, pipeline, receiver):
    old = with_webhooks(api, receiver)  # already a whsec_<base64> secret
    new = api.call("POST", "/api/v1/webhooks/regenerate-secret")[1]["webhook_secret"]
    api.call("POST", "/api/v1/webhooks/test")
    pipeline.run_until(lambda: len(receiver.deliveries) == 1)
    delivered = receiver.deliveries[0]
    standard = {k: v for k, v in delivered["headers"].items() if k.startswith("webhook-")}
    assert len(standard["webhook-signature"].split(" ")) == 2
    for secret in (old, new):
        Webhook(secret).verify(delivered["body"], standard)
    assert (
        delivered["headers"]["X-Webhook-Signature"]
        == hmac.new(new.encode(), delivered["body"], hashlib.sha256).hexdigest()
    )
    merchant = MerchantModel.get(api.merchant["id"])
    merchant.update(actions=[MerchantModel.previous_secret_expires_at.set(int(time.time()) - 1)])
    api.call("POST", "/api/v1/webhooks/test")
    pipeline.run_until(lambda: len(receiver.deliveries) == 2)
    assert len(receiver.deliveries[1]["headers"]["webhook-signature"].split(" ")) == 1


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/hook",
        "http://169.254.169.254/latest",
        "http://10.0.0.5/hook",
        "http://[::1]:9/hook",
    ],
)
def test_private_address_literals_are_refused_when_saved(api, monkeypatch, url):
    from gateway import config

    monkeypatch.setenv("ALLOW_PRIVATE_WEBHOOK_URLS", "false")
    config.get_settings.cache_clear()
    status, body, _ = api.call("PUT", "/api/v1/webhooks/config", {"webhook_url": url})
    assert status == 400 and body["error"]["code"] == "BAD_REQUEST_ERROR"


def test_a_name_that_resolves_to_a_private_address_is_refused_at_delivery(api, monkeypatch):
    from gateway import config

    monkeypatch.setenv("ALLOW_PRIVATE_WEBHOOK_URLS", "false")
    config.get_settings.cache_clear()
    assert api.call("PUT", "/api/v1/webhooks/config", {"webhook_url": "http://localhost:9/hook"})[0] == 200
    log_id = api.call("POST", "/api/v1/webhooks/test")[1]["id"]
    monkeypatch.setattr(delivery.workflows, "start_retry_schedule", lambda *args: None)
    delivery.deliver_webhook(DeliveryBatch.parse({"log_id": log_id, "round": 1, "attempt": 1}))
    log = WebhookLogModel.get(log_id)
    assert int(log.attempts) == 1 and log.response_code is None
    assert "private or reserved" in log.response_body


def test_production_intervals_are_computed_into_next_retry_at(api, receiver, monkeypatch):
    from datetime import datetime

    from gateway import config

    monkeypatch.setenv("WEBHOOK_RETRY_INTERVALS_TEST", "false")
    config.get_settings.cache_clear()
    receiver.default_status = 500
    with_webhooks(api, receiver, rotate=False)
    log_id = api.call("POST", "/api/v1/webhooks/test")[1]["id"]
    started = []
    monkeypatch.setattr(
        delivery.workflows, "start_retry_schedule", lambda arn, name, state: started.append(state)
    )
    delivery.deliver_webhook(DeliveryBatch.parse({"log_id": log_id, "round": 1, "attempt": 1}))
    log = get_webhook_log(log_id)
    wait = (
        datetime.fromisoformat(log.next_retry_at.replace("Z", "+00:00"))
        - datetime.fromisoformat(log.last_attempt_at.replace("Z", "+00:00"))
    ).total_seconds()
    assert started[0]["wait_seconds"] == 60 and abs(wait - 60) < 1


def test_base64_secret_helper_matches_the_reference_key(api):
    secret = api.call("POST", "/api/v1/webhooks/regenerate-secret")[1]["webhook_secret"]
    assert len(base64.b64decode(secret[len("whsec_") :])) == 32


def test_worker_waits_only_for_what_is_left_of_the_sub_second_delay(api, monkeypatch):
    from gateway.services import settlement

    slept = []
    monkeypatch.setattr(settlement.time, "sleep", slept.append)
    late, early = api.create_upi_payment(), api.create_upi_payment()
    settlement.process_payment({"payment_id": late["id"], "due_at_ms": int(time.time() * 1000) - 500})
    assert slept == []  # arrived after it was due: no wait at all
    settlement.process_payment({"payment_id": early["id"], "due_at_ms": int(time.time() * 1000) + 5000})
    assert slept == [1.0]  # never more than a second, whatever the message says
    assert get_payment(late["id"]).status == get_payment(early["id"]).status == "success"
