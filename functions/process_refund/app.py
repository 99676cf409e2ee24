"""SQS refunds queue -> a pending refund becomes processed, once."""

from __future__ import annotations

from typing import Any

from gateway.services.settlement import process_refund
from gateway.telemetry.logs import configure_logging
from gateway.transport.batches import process_sqs_batch

configure_logging()


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return process_sqs_batch(event, process_refund)
