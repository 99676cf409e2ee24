"""Webhook logs as merchants see them: listing, detail, test sends and manual retries."""

from __future__ import annotations

import time
from typing import Any

from gateway.data import webhook_logs as log_store
from gateway.data.dynamo import read_concurrently
from gateway.domain.clock import now_iso
from gateway.domain.ids import new_event_id, new_uuid
from gateway.domain.lifecycle import DeliveryStatus
from gateway.domain.resources import Merchant, WebhookLog
from gateway.domain.validation import validate_pagination
from gateway.domain.webhooks import WEBHOOK_TEST, serialize_envelope
from gateway.errors import BadRequestError, ConflictError, NotFoundError
from gateway.services.auth import Credentials
from gateway.services.events import new_delivery, new_event, record_event
from gateway.services.merchants import authenticated_merchant
from gateway.services.views import webhook_log_detail_view, webhook_log_view


def list_logs(credentials: Credentials, limit_raw: str | None, offset_raw: str | None) -> dict[str, Any]:
    limit, offset = validate_pagination(limit_raw, offset_raw, default_limit=10)
    merchant = authenticated_merchant(credentials)
    page, total = read_concurrently(
        lambda: log_store.page_webhook_logs(merchant.id, limit, offset),
        lambda: log_store.count_webhook_logs(merchant.id),
    )
    return {"data": [webhook_log_view(log) for log in page], "total": total, "limit": limit, "offset": offset}


def _owned_log(merchant: Merchant, log_id: str) -> WebhookLog:
    log = log_store.get_webhook_log(log_id)
    if log is None or log.merchant_id != merchant.id:
        raise NotFoundError("Webhook log not found")
    return log


def get_log(credentials: Credentials, log_id: str) -> dict[str, Any]:
    return webhook_log_detail_view(_owned_log(authenticated_merchant(credentials), log_id))


def send_test(credentials: Credentials) -> dict[str, Any]:
    """Record a `webhook.test` event and its log in `pending`; the outbox stream delivers it."""
    merchant = authenticated_merchant(credentials)
    if not merchant.webhook_url:
        raise BadRequestError("Webhook URL is not configured", field="webhook_url")
    now = now_iso()
    payload = serialize_envelope(
        WEBHOOK_TEST,
        int(time.time()),
        {"message": "This is a test webhook from the payment gateway", "merchant_id": merchant.id},
    )
    log_id = new_uuid()
    event = new_event(merchant.id, new_event_id(), WEBHOOK_TEST, payload, now)
    record_event(event, merchant, log_id, now, started_by_stream=True)
    log = new_delivery(event, log_id, now, merchant.webhook_url)
    return webhook_log_view(log)


def retry(credentials: Credentials, log_id: str) -> dict[str, Any]:
    """Start a fresh round of attempts: attempts back to 0, status pending (the stream delivers it)."""
    log = _owned_log(authenticated_merchant(credentials), log_id)
    try:
        log_store.start_new_round(log)
    except ConflictError:
        raise NotFoundError("Webhook log not found") from None
    return {"id": log.id, "status": DeliveryStatus.PENDING, "message": "Webhook retry scheduled"}
