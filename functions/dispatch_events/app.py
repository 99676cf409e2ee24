"""DynamoDB Streams (the outbox) -> jobs on the work queues and webhook logs."""

from __future__ import annotations

from typing import Any

from gateway.services.dispatch import dispatch_change
from gateway.telemetry.logs import configure_logging
from gateway.transport.batches import process_stream_batch

configure_logging()


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return process_stream_batch(event, dispatch_change)
