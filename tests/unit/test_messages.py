"""The work queues' messages keep their wire format: what each sender puts on a queue, what a message
already in flight parses to, and what a receiver refuses for good."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from gateway.domain.messages import (
    DeliveryBatch,
    DeliveryJob,
    PaymentJob,
    RecoveryPage,
    RefundJob,
    RetryStep,
    parse_webhooks_queue_message,
)
from gateway.errors import PermanentDeliveryError

STATE_MACHINE = Path(__file__).resolve().parents[2] / "state_machines" / "webhook_retry.asl.json"

# Every message shape a sender wrote before the messages had types, beside the typed value that writes it.
WIRE_FORMATS = [
    (PaymentJob("pay_1", due_at_ms=1700000000123), {"payment_id": "pay_1", "due_at_ms": 1700000000123}),
    (PaymentJob("pay_1", request_id="req-1"), {"payment_id": "pay_1", "request_id": "req-1"}),
    (RefundJob("rfnd_1", due_at_ms=5), {"refund_id": "rfnd_1", "due_at_ms": 5}),
    (RefundJob("rfnd_1", request_id="req-1"), {"refund_id": "rfnd_1", "request_id": "req-1"}),
    (DeliveryJob("log-1", 1, 3), {"log_id": "log-1", "round": 1, "attempt": 3}),
    (
        DeliveryJob("log-1", 2, 4, task_token="token"),
        {"log_id": "log-1", "round": 2, "attempt": 4, "task_token": "token"},
    ),
    (
        DeliveryBatch((DeliveryJob("log-1", 1, 1), DeliveryJob("log-2", 1, 1))),
        {
            "deliveries": [
                {"log_id": "log-1", "round": 1, "attempt": 1},
                {"log_id": "log-2", "round": 1, "attempt": 1},
            ]
        },
    ),
    (RecoveryPage("rcv_1", None), {"recovery_id": "rcv_1", "cursor": None}),
    (RecoveryPage("rcv_1", "cursor-2"), {"recovery_id": "rcv_1", "cursor": "cursor-2"}),
]


@pytest.mark.parametrize(("typed", "wire"), WIRE_FORMATS)
def test_each_message_is_sent_in_the_wire_format_of_before_and_parses_back(typed: Any, wire: dict) -> None:
    assert typed.to_message() == wire
    # The JSON text, key order included, is what the untyped senders wrote.
    assert json.dumps(typed.to_message()) == json.dumps(wire)
    assert type(typed).parse(json.loads(json.dumps(wire))) == typed


@pytest.mark.parametrize(
    ("message", "parsed"),
    [
        # the first attempt of a log, as the untyped outbox queued it
        (
            {"deliveries": [{"log_id": "log-1", "round": 1, "attempt": 1}]},
            DeliveryBatch((DeliveryJob("log-1", 1, 1),)),
        ),
        # a bare attempt without `attempt` is the first; an empty task token is none
        ({"log_id": "log-1", "round": 1, "task_token": ""}, DeliveryBatch((DeliveryJob("log-1", 1, 1),))),
        ({"recovery_id": "rcv_1", "cursor": None}, RecoveryPage("rcv_1", None)),
    ],
)
def test_the_webhooks_queue_tells_attempts_from_recovery_pages(message: dict, parsed: object) -> None:
    assert parse_webhooks_queue_message(message) == parsed


def test_a_job_without_a_due_time_or_with_a_foreign_one_is_due_now() -> None:
    assert PaymentJob.parse({"payment_id": "pay_1"}) == PaymentJob("pay_1")
    assert PaymentJob.parse({"payment_id": "pay_1", "due_at_ms": "soon"}) == PaymentJob("pay_1")


@pytest.mark.parametrize(
    ("parse", "message", "reason"),
    [
        (PaymentJob.parse, {"refund_id": "rfnd_1"}, "job has no payment_id"),
        (PaymentJob.parse, {"payment_id": ""}, "job has no payment_id"),
        (RefundJob.parse, {"refund_id": 7}, "job has no refund_id"),
        (parse_webhooks_queue_message, {"deliveries": []}, "deliveries is not a list of one or two attempts"),
        (
            parse_webhooks_queue_message,
            {"deliveries": "log"},
            "deliveries is not a list of one or two attempts",
        ),
        (parse_webhooks_queue_message, {"deliveries": ["log"]}, "a delivery is not an object"),
        (
            parse_webhooks_queue_message,
            {"log_id": "log-1"},
            "delivery message lacks log_id, round or attempt",
        ),
        (parse_webhooks_queue_message, {"recovery_id": None}, "recovery message lacks recovery_id"),
        (
            parse_webhooks_queue_message,
            {"recovery_id": "rcv_1", "cursor": 3},
            "recovery message has a cursor that is not a string",
        ),
    ],
)
def test_a_message_that_can_never_be_acted_on_is_refused_for_good(
    parse: Any, message: dict, reason: str
) -> None:
    with pytest.raises(PermanentDeliveryError) as refused:
        parse(message)
    assert str(refused.value) == reason


def test_the_retry_schedule_reads_the_step_it_is_given_and_sends_an_attempt_the_worker_parses() -> None:
    # GIVEN the state machine definition and the step a failed attempt hands it
    states = json.loads(STATE_MACHINE.read_text())["States"]
    step = RetryStep("log-1", 2, 3, wait_seconds=60).to_message()
    # THEN every field the definition reads from its state is in the step
    body = states["DeliverAttempt"]["Parameters"]["MessageBody"]
    read = {path.removeprefix("$.") for path in body.values() if path.startswith("$.")}
    read |= {states["WaitBeforeAttempt"]["SecondsPath"].removeprefix("$.")}
    read |= {choice["Variable"].removeprefix("$.") for choice in states["AttemptOutcome"]["Choices"]}
    assert read <= step.keys()
    # AND the message it sends (the step's fields and the task token) is the attempt the step names
    sent = {
        key.removesuffix(".$"): step.get(value.removeprefix("$."), "token") for key, value in body.items()
    }
    assert DeliveryJob.parse(sent) == DeliveryJob("log-1", 2, 3, task_token="token")
