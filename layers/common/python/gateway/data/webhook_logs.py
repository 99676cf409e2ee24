"""The webhook-logs table: one item per event a merchant is sent, with its delivery attempts."""

from __future__ import annotations

from gateway.data import dynamo
from gateway.data.models import WebhookLogModel, bind_tables
from gateway.domain.events import DeliveryAttempt
from gateway.domain.lifecycle import DeliveryStatus
from gateway.domain.resources import WebhookLog


def webhook_log_from(item: WebhookLogModel) -> WebhookLog:
    return dynamo.resource_from(item, WebhookLog)


def get_webhook_log(log_id: str) -> WebhookLog | None:
    return dynamo.get_resource(WebhookLogModel, log_id, WebhookLog)


def insert_webhook_log_if_absent(log: WebhookLog) -> bool:
    """True when the log was created; False when its (deterministic) id was recorded before."""
    return dynamo.insert_if_absent(WebhookLogModel, log)


def page_webhook_logs(merchant_id: str, limit: int, offset: int) -> list[WebhookLog]:
    bind_tables()
    items = WebhookLogModel.by_merchant.query(
        merchant_id, scan_index_forward=False, page_size=min(100, offset + limit)
    )
    page: list[WebhookLog] = []
    for position, item in enumerate(items):
        if position >= offset + limit:
            break
        if position >= offset:
            page.append(webhook_log_from(item))
    return page


def count_webhook_logs(merchant_id: str) -> int:
    bind_tables()
    return WebhookLogModel.by_merchant.count(merchant_id)


def get_webhook_logs(log_ids: frozenset[str]) -> list[WebhookLog]:
    """The logs with these ids (one BatchGetItem per 100), oldest first."""
    bind_tables()
    logs = [webhook_log_from(item) for item in WebhookLogModel.batch_get(sorted(log_ids))]
    return sorted(logs, key=lambda log: (log.created_at, log.id))


def record_delivery_attempt(
    before: WebhookLog, after: WebhookLog, attempt: DeliveryAttempt, url: str
) -> None:
    """Store the attempt that moved `before` to `after`, once: ConflictError when another delivery of the
    same message recorded it first or a manual retry started a new round meanwhile."""
    dynamo.update_if(
        WebhookLogModel(after.id),
        [
            WebhookLogModel.attempt_log.set((WebhookLogModel.attempt_log | []).append([attempt.to_json()])),
            dynamo.set_or_remove(WebhookLogModel.url, url or None),
            WebhookLogModel.attempts.set(after.attempts),
            WebhookLogModel.status.set(after.status.value),
            dynamo.set_or_remove(WebhookLogModel.last_attempt_at, after.last_attempt_at),
            dynamo.set_or_remove(WebhookLogModel.response_code, after.response_code),
            dynamo.set_or_remove(WebhookLogModel.response_body, after.response_body),
            dynamo.set_or_remove(WebhookLogModel.next_retry_at, after.next_retry_at),
        ],
        (WebhookLogModel.attempts == before.attempts)
        & (WebhookLogModel.round == before.round)
        & (WebhookLogModel.status == DeliveryStatus.PENDING.value),
    )


def start_new_round(log: WebhookLog) -> None:
    """A manual retry: attempts back to 0, status pending, round + 1 (the stream starts the delivery).
    ConflictError when the log no longer exists."""
    restarted = log.next_round()
    dynamo.update_if(
        WebhookLogModel(log.id),
        [
            WebhookLogModel.round.add(1),
            WebhookLogModel.attempts.set(restarted.attempts),
            WebhookLogModel.status.set(restarted.status.value),
            WebhookLogModel.next_retry_at.remove(),
        ],
        WebhookLogModel.id.exists(),
    )
