"""SQS webhooks queue -> one signed delivery attempt, recorded, and the retry schedule answered."""

from __future__ import annotations

from typing import Any

from gateway.services.delivery import ATTEMPT_BUDGET_MS, deliver_webhook
from gateway.telemetry.logs import configure_logging
from gateway.transport.batches import process_sqs_batch

configure_logging()


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return process_sqs_batch(event, deliver_webhook, context.get_remaining_time_in_millis, ATTEMPT_BUDGET_MS)
