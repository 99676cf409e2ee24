"""SQS webhooks queue -> one signed delivery attempt, recorded, and the retry schedule answered; or one
page of a recovery's resends."""

from __future__ import annotations

from typing import Any

from gateway.domain.messages import RecoveryPage, parse_webhooks_queue_message
from gateway.services import delivery
from gateway.services.recovery import resend_page
from gateway.telemetry.logs import configure_logging
from gateway.transport.batches import process_sqs_batch

configure_logging()


def deliver_webhook(message: dict[str, Any]) -> None:
    """One delivery attempt, or one page of a recovery's resends (named for the job log lines)."""
    work = parse_webhooks_queue_message(message)
    if isinstance(work, RecoveryPage):
        resend_page(work)
    else:
        delivery.deliver_webhook(work)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    remaining_ms = context.get_remaining_time_in_millis
    return process_sqs_batch(event, deliver_webhook, remaining_ms, delivery.MESSAGE_BUDGET_MS)
