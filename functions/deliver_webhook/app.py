"""SQS webhooks queue -> one signed delivery attempt, recorded, and the retry schedule answered; or one
page of a recovery's resends."""

from __future__ import annotations

from typing import Any

from gateway.services.delivery import ATTEMPT_BUDGET_MS, deliver_webhook
from gateway.services.recovery import is_recovery_page, resend_page
from gateway.transport.batches import process_sqs_batch


def handle_message(message: dict[str, Any]) -> None:
    if is_recovery_page(message):
        resend_page(message)
    else:
        deliver_webhook(message)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return process_sqs_batch(event, handle_message, context.get_remaining_time_in_millis, ATTEMPT_BUDGET_MS)
