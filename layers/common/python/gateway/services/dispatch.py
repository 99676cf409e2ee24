"""The outbox: every recorded state change becomes its downstream work.

Triggered by the tables' streams, which deliver each change at least once. Every effect here is
idempotent: jobs are consumed by conditional updates, and events and webhook logs have ids derived from
the occurrence they record and are written with a conditional put, so a redelivered record creates nothing
twice.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from gateway.config import get_settings
from gateway.data import queues
from gateway.data.changes import changed_resource
from gateway.data.merchants import get_merchant
from gateway.data.orders import get_order
from gateway.domain import webhooks
from gateway.domain.clock import now_iso, parse_iso
from gateway.domain.ids import event_id, webhook_log_id
from gateway.domain.lifecycle import DeliveryStatus, PaymentStatus, RefundStatus
from gateway.domain.processing import split_delay
from gateway.domain.resources import Payment, Refund, WebhookLog
from gateway.services import events as event_records
from gateway.services.settlement import processing_rules
from gateway.services.views import order_view, payment_view, refund_view

logger = logging.getLogger("gateway.dispatch")

SETTLED_PAYMENT_EVENTS = {
    PaymentStatus.SUCCESS: webhooks.PAYMENT_SUCCESS,
    PaymentStatus.FAILED: webhooks.PAYMENT_FAILED,
}


def dispatch_change(record: dict[str, Any]) -> None:
    """One stream record: route it by the resource it changed."""
    change = changed_resource(record)
    if change is None:
        return
    new, old = change
    if isinstance(new, Payment):
        _on_payment(new, old if isinstance(old, Payment) else None)
    elif isinstance(new, Refund):
        _on_refund(new, old if isinstance(old, Refund) else None)
    else:
        _on_webhook_log(new, old if isinstance(old, WebhookLog) else None)


def _on_payment(payment: Payment, before: Payment | None) -> None:
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
    elif before.status is PaymentStatus.PENDING and payment.status in SETTLED_PAYMENT_EVENTS:
        event = SETTLED_PAYMENT_EVENTS[payment.status]
        _record_events(
            payment.merchant_id, payment.id, (event,), payment.updated_at, {"payment": payment_view(payment)}
        )
        if payment.pays_order:
            _on_order_paid(payment)


def _on_order_paid(payment: Payment) -> None:
    """`order.paid` comes from the settlement that paid the order (the orders table has no stream); the
    event's id is the order's, so it is sent once per order."""
    order = get_order(payment.order_id)
    if order is None:
        return
    data = {"order": order_view(order), "payment": payment_view(payment)}
    _record_events(payment.merchant_id, order.id, (webhooks.ORDER_PAID,), payment.updated_at, data)


def _on_refund(refund: Refund, before: Refund | None) -> None:
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
    elif before.status is RefundStatus.PENDING and refund.status is RefundStatus.PROCESSED:
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


def _on_webhook_log(log: WebhookLog, before: WebhookLog | None) -> None:
    """A new log, or a manual retry (a new round), starts a delivery; its event follows its status."""
    starts_round = before is None or log.round != before.round
    if starts_round and log.status is DeliveryStatus.PENDING:
        queues.send(get_settings().webhooks_queue_url, {"log_id": log.id, "round": log.round, "attempt": 1})
    event_records.follow_delivery(log, before)


def _record_events(
    merchant_id: str, resource_id: str, events: tuple[str, ...], occurred_at: str, data: dict[str, Any]
) -> None:
    """Every event is recorded (SPEC §5.2); it gets a delivery only when a URL is configured (SPEC §3)."""
    merchant = get_merchant(merchant_id)
    timestamp = int(parse_iso(occurred_at).timestamp())
    for event in events:
        occurrence = f"{resource_id}:{event}"
        payload = webhooks.serialize_envelope(event, timestamp, data)
        record = event_records.new_event(
            merchant_id, event_id(merchant_id, occurrence), event, payload, occurred_at
        )
        event_records.record_event(record, merchant, webhook_log_id(merchant_id, occurrence), now_iso())
