"""The outbox: every recorded state change becomes its downstream work.

Triggered by the tables' streams, which deliver each change at least once. Every effect here is
idempotent: jobs are consumed by conditional updates, and webhook logs have ids derived from the event
they carry and are written with a conditional put, so a redelivered record creates nothing twice.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from gateway.config import get_settings
from gateway.data import queues, store
from gateway.data.models import PaymentModel, RefundModel, WebhookLogModel
from gateway.domain import webhooks
from gateway.domain.clock import parse_iso
from gateway.domain.ids import webhook_log_id
from gateway.domain.processing import split_delay
from gateway.services.settlement import processing_rules
from gateway.services.views import payment_view, refund_view
from gateway.services.webhook_logs import PENDING, new_log

logger = logging.getLogger("gateway.dispatch")

SETTLED_PAYMENT_EVENTS = {"success": webhooks.PAYMENT_SUCCESS, "failed": webhooks.PAYMENT_FAILED}


def dispatch_change(record: dict[str, Any]) -> None:
    """One stream record: route it by the table it came from."""
    table = _table_suffix(record.get("eventSourceARN", ""))
    change = record.get("eventName")
    images = record.get("dynamodb", {})
    new, old = images.get("NewImage"), images.get("OldImage")
    if change == "REMOVE" or new is None:
        return
    if table == "payments":
        _on_payment(PaymentModel.from_raw_data(new), PaymentModel.from_raw_data(old) if old else None)
    elif table == "refunds":
        _on_refund(RefundModel.from_raw_data(new), RefundModel.from_raw_data(old) if old else None)
    elif table == "webhook-logs":
        _on_webhook_log(
            WebhookLogModel.from_raw_data(new), WebhookLogModel.from_raw_data(old) if old else None
        )


def _table_suffix(stream_arn: str) -> str:
    # arn:aws:dynamodb:<region>:<account>:table/<stack>-<suffix>/stream/<label>
    table_name = stream_arn.split(":table/", 1)[-1].split("/stream/", 1)[0]
    prefix = get_settings().table_prefix + "-"
    return table_name[len(prefix) :] if table_name.startswith(prefix) else ""


def _on_payment(payment: PaymentModel, before: PaymentModel | None) -> None:
    if before is None:
        _enqueue_job(
            get_settings().payments_queue_url,
            {"payment_id": payment.id},
            processing_rules().payment_delay_ms(),
        )
        events = (webhooks.PAYMENT_CREATED, webhooks.PAYMENT_PENDING)
        _record_events(
            payment.merchant_id, payment.id, events, payment.created_at, {"payment": payment_view(payment)}
        )
    elif before.status == "pending" and payment.status in SETTLED_PAYMENT_EVENTS:
        event = SETTLED_PAYMENT_EVENTS[payment.status]
        _record_events(
            payment.merchant_id, payment.id, (event,), payment.updated_at, {"payment": payment_view(payment)}
        )


def _on_refund(refund: RefundModel, before: RefundModel | None) -> None:
    if before is None:
        _enqueue_job(
            get_settings().refunds_queue_url, {"refund_id": refund.id}, processing_rules().refund_delay_ms()
        )
        _record_events(
            refund.merchant_id,
            refund.id,
            (webhooks.REFUND_CREATED,),
            refund.created_at,
            {"refund": refund_view(refund)},
        )
    elif before.status == "pending" and refund.status == "processed":
        _record_events(
            refund.merchant_id,
            refund.id,
            (webhooks.REFUND_PROCESSED,),
            refund.updated_at,
            {"refund": refund_view(refund)},
        )


def _enqueue_job(queue_url: str, job: dict[str, Any], delay_ms: int) -> None:
    """Whole seconds of the bank delay as the message's DelaySeconds; the job carries when it is due, so
    the worker waits out only what is left of the sub-second remainder (nothing if it arrives late)."""
    seconds, _ = split_delay(delay_ms)
    due_at_ms = int(time.time() * 1000) + delay_ms
    queues.send(queue_url, {**job, "due_at_ms": due_at_ms}, delay_seconds=seconds)


def _on_webhook_log(log: WebhookLogModel, before: WebhookLogModel | None) -> None:
    """A new log, or a manual retry (a new round), starts a delivery."""
    starts_round = before is None or int(log.round) != int(before.round)
    if starts_round and log.status == PENDING:
        queues.send(
            get_settings().webhooks_queue_url, {"log_id": log.id, "round": int(log.round), "attempt": 1}
        )


def _record_events(
    merchant_id: str, resource_id: str, events: tuple[str, ...], occurred_at: str, data: dict[str, Any]
) -> None:
    merchant = store.get_merchant(merchant_id)
    if merchant is None or not merchant.webhook_url:
        return  # SPEC: no URL configured -> nothing is sent and no log
    timestamp = int(parse_iso(occurred_at).timestamp())
    for event in events:
        payload = webhooks.serialize_envelope(event, timestamp, data)
        log_id = webhook_log_id(merchant_id, f"{resource_id}:{event}")
        if store.put_webhook_log_if_absent(new_log(merchant_id, log_id, event, payload)):
            logger.info(
                "webhook event recorded", extra={"merchant_id": merchant_id, "event": event, "log_id": log_id}
            )
