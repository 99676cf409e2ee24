"""moto's SQS queue as `local_runtime/moto_sqs.py` patches it: the same answers as moto's, and no call
walks the queue (the walk made a send cost 26 ms with 1,000 messages queued)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto.sqs.models import Message

from local_runtime import moto_fixes

QUEUED = 1000


@pytest.fixture
def sqs(aws: dict[str, Any]) -> Any:
    return boto3.client("sqs", region_name="us-east-1")


@pytest.fixture
def queue(sqs: Any) -> str:
    return str(sqs.create_queue(QueueName=f"q-{uuid.uuid4().hex[:12]}")["QueueUrl"])


@pytest.fixture
def clock_reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Counts reads of a message's visibility, which moto's list walk makes once per queued message."""
    reads = [0]
    visible = Message.visible

    def counted(message: Message) -> bool:
        reads[0] += 1
        return bool(visible.fget(message))  # type: ignore[attr-defined]

    monkeypatch.setattr(Message, "visible", property(counted))
    yield reads


def attributes(sqs: Any, queue: str) -> dict[str, int]:
    names = [
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed",
    ]
    found = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=names)["Attributes"]
    return {name: int(found[name]) for name in names}


def test_the_patches_are_written_against_the_pinned_moto() -> None:
    from importlib.metadata import version

    assert version("moto") == moto_fixes.MOTO_VERSION, (
        "local_runtime/moto_fixes.py and moto_sqs.py replace moto code: re-check each patch against this "
        "moto release, then update MOTO_VERSION and requirements/dev.txt"
    )


def test_no_call_walks_the_queue(sqs: Any, queue: str, clock_reads: list[int]) -> None:
    # GIVEN a thousand messages queued, half of them delayed
    for start in range(0, QUEUED, 10):
        sqs.send_message_batch(
            QueueUrl=queue,
            Entries=[
                {"Id": str(i), "MessageBody": f"m{start + i}", "DelaySeconds": 900 * (i % 2)}
                for i in range(10)
            ],
        )
    clock_reads[0] = 0
    # WHEN one message is sent, received, made visible again, received and deleted
    sqs.send_message(QueueUrl=queue, MessageBody="last")
    first = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=1)["Messages"][0]
    sqs.change_message_visibility(QueueUrl=queue, ReceiptHandle=first["ReceiptHandle"], VisibilityTimeout=0)
    again = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=1, VisibilityTimeout=30)["Messages"][0]
    sqs.delete_message(QueueUrl=queue, ReceiptHandle=again["ReceiptHandle"])
    counts = attributes(sqs, queue)
    # THEN no call looked at more than a handful of messages
    assert clock_reads[0] < 20
    assert counts == {
        "ApproximateNumberOfMessages": QUEUED // 2,
        "ApproximateNumberOfMessagesNotVisible": 0,
        "ApproximateNumberOfMessagesDelayed": QUEUED // 2,
    }


def test_messages_come_in_send_order_and_leave_when_deleted(sqs: Any, queue: str) -> None:
    for body in ("a", "b", "c"):
        sqs.send_message(QueueUrl=queue, MessageBody=body)
    received = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in received] == ["a", "b", "c"]
    assert attributes(sqs, queue)["ApproximateNumberOfMessagesNotVisible"] == 3
    for message in received:
        sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])
    sqs.delete_message(QueueUrl=queue, ReceiptHandle=received[0]["ReceiptHandle"])  # again: accepted
    assert attributes(sqs, queue) == {
        "ApproximateNumberOfMessages": 0,
        "ApproximateNumberOfMessagesNotVisible": 0,
        "ApproximateNumberOfMessagesDelayed": 0,
    }


def test_an_unknown_receipt_handle_is_refused(sqs: Any, queue: str) -> None:
    sqs.send_message(QueueUrl=queue, MessageBody="a")
    with pytest.raises(sqs.exceptions.ReceiptHandleIsInvalid):
        sqs.delete_message(QueueUrl=queue, ReceiptHandle="not-a-handle")
    with pytest.raises(sqs.exceptions.ReceiptHandleIsInvalid):
        sqs.change_message_visibility(QueueUrl=queue, ReceiptHandle="not-a-handle", VisibilityTimeout=5)


def test_a_delayed_message_is_received_when_it_falls_due(sqs: Any, queue: str) -> None:
    sqs.send_message(QueueUrl=queue, MessageBody="later", DelaySeconds=1)
    assert sqs.receive_message(QueueUrl=queue).get("Messages") is None
    assert attributes(sqs, queue)["ApproximateNumberOfMessagesDelayed"] == 1
    sent = time.monotonic()
    # The long poll ends when the message falls due, not on moto's once-a-second re-check.
    messages = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=5)["Messages"]
    assert [m["Body"] for m in messages] == ["later"]
    assert time.monotonic() - sent < 1.5


def test_a_message_not_deleted_comes_back_after_its_visibility_timeout(sqs: Any, queue: str) -> None:
    sqs.send_message(QueueUrl=queue, MessageBody="retry me")
    first = sqs.receive_message(QueueUrl=queue, VisibilityTimeout=1)["Messages"][0]
    assert sqs.receive_message(QueueUrl=queue).get("Messages") is None
    again = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=5, AttributeNames=["All"])["Messages"][0]
    assert again["MessageId"] == first["MessageId"]
    assert again["Attributes"]["ApproximateReceiveCount"] == "2"
    # both handles stay valid, as in moto
    sqs.delete_message(QueueUrl=queue, ReceiptHandle=first["ReceiptHandle"])
    assert attributes(sqs, queue)["ApproximateNumberOfMessagesNotVisible"] == 0


def test_a_message_received_too_often_moves_to_the_dead_letter_queue(sqs: Any, queue: str) -> None:
    dead = sqs.create_queue(QueueName=f"dlq-{uuid.uuid4().hex[:12]}")["QueueUrl"]
    dead_arn = sqs.get_queue_attributes(QueueUrl=dead, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sqs.set_queue_attributes(
        QueueUrl=queue,
        Attributes={"RedrivePolicy": f'{{"deadLetterTargetArn": "{dead_arn}", "maxReceiveCount": 1}}'},
    )
    sqs.send_message(QueueUrl=queue, MessageBody="poison")
    sqs.receive_message(QueueUrl=queue, VisibilityTimeout=0)
    assert sqs.receive_message(QueueUrl=queue).get("Messages") is None
    assert [m["Body"] for m in sqs.receive_message(QueueUrl=dead)["Messages"]] == ["poison"]


def test_a_purged_queue_is_empty_and_takes_new_messages(sqs: Any, queue: str) -> None:
    sqs.send_message(QueueUrl=queue, MessageBody="old")
    sqs.purge_queue(QueueUrl=queue)
    assert sqs.receive_message(QueueUrl=queue).get("Messages") is None
    sqs.send_message(QueueUrl=queue, MessageBody="new")
    assert [m["Body"] for m in sqs.receive_message(QueueUrl=queue)["Messages"]] == ["new"]
