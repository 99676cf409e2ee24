"""Messages to the SQS work queues."""

from __future__ import annotations

import json
from typing import Any

from gateway.data.aws_clients import client


def send(queue_url: str, body: dict[str, Any], delay_seconds: int = 0, dedupe_id: str | None = None) -> None:
    attributes = {}
    if dedupe_id:
        # Traceability only: standard queues do not dedupe; consumers are idempotent instead.
        attributes["job_id"] = {"DataType": "String", "StringValue": dedupe_id}
    client("sqs").send_message(
        QueueUrl=queue_url,
        MessageBody=json.dumps(body, separators=(",", ":")),
        DelaySeconds=delay_seconds,
        MessageAttributes=attributes,
    )


def queue_depths(queue_url: str) -> tuple[int, int]:
    """(waiting or delayed, in flight) for one queue."""
    attributes = client("sqs").get_queue_attributes(
        QueueUrl=queue_url,
        AttributeNames=[
            "ApproximateNumberOfMessages",
            "ApproximateNumberOfMessagesDelayed",
            "ApproximateNumberOfMessagesNotVisible",
        ],
    )["Attributes"]
    waiting = int(attributes.get("ApproximateNumberOfMessages", 0)) + int(
        attributes.get("ApproximateNumberOfMessagesDelayed", 0)
    )
    return waiting, int(attributes.get("ApproximateNumberOfMessagesNotVisible", 0))
