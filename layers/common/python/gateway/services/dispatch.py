"""The outbox: every recorded state change becomes its downstream work.

Triggered by the tables' streams, which deliver each change at least once. Every effect here is
idempotent: jobs are consumed by conditional updates, and events and webhook logs have ids derived from
the occurrence they record and are written with a conditional put, so a redelivered record creates nothing
twice.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from typing import Any

from gateway.config import get_settings
from gateway.data import queues
from gateway.data.changes import changed_resource
from gateway.data.merchants import get_merchant
from gateway.data.orders import get_order
from gateway.data.payment_links import get_payment_link
from gateway.domain import webhooks
from gateway.domain.clock import now_iso, parse_iso, utc_now
from gateway.domain.ids import event_id, webhook_log_id
from gateway.domain.ids import occurrence as occurrence_of
from gateway.domain.lifecycle import PaymentStatus, RefundStatus
from gateway.domain.messages import BankJob, PaymentJob, RefundJob
from gateway.domain.processing import split_delay
from gateway.domain.resources import Payment, Refund, WebhookLog
from gateway.services import events as event_records
from gateway.services.delivery import queue_first_attempts
from gateway.services.settlement import processing_rules
from gateway.services.views import order_view, payment_link_view, payment_view, refund_view

logger = logging.getLogger("gateway.dispatch")

# One event a change raises: the resource it is about, its type and its payload's data.
Occurrence = tuple[str, str, dict[str, Any]]
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
    data = {"payment": payment_view(payment)}
    if before is None:
        _enqueue_job(
            get_settings().payments_queue_url,
            PaymentJob(payment.id),
            processing_rules().payment_delay_ms(),
        )
        created = [(payment.id, webhooks.PAYMENT_CREATED, data), (payment.id, webhooks.PAYMENT_PENDING, data)]
        _record_events(payment.merchant_id, payment.created_at, created)
        return
    changes: list[Occurrence] = []
    if before.status is PaymentStatus.PENDING and payment.status in SETTLED_PAYMENT_EVENTS:
        changes.append((payment.id, SETTLED_PAYMENT_EVENTS[payment.status], data))
    if payment.captured and not before.captured:
        # Every capture, by the endpoint or by the order's `payment_capture` in the settling write.
        changes.append((payment.id, webhooks.PAYMENT_CAPTURED, data))
    if payment.pays_order and not before.pays_order:
        changes += _order_paid(payment)
    if changes:
        _record_events(payment.merchant_id, payment.updated_at, changes)


def _order_paid(payment: Payment) -> list[Occurrence]:
    """`order.paid` comes from the settlement that paid the order (the orders table has no stream); the
    event's id is the order's, so it is sent once per order."""
    order = get_order(payment.order_id)
    if order is None:
        return []
    paid = [(order.id, webhooks.ORDER_PAID, {"order": order_view(order), "payment": payment_view(payment)})]
    return paid + _payment_link_paid(order.payment_link_id, payment)


def _payment_link_paid(link_id: str | None, payment: Payment) -> list[Occurrence]:
    """`payment_link.paid` from the same settlement (the link was marked paid in its transaction); the
    event's id is the link's, so it is sent once per link."""
    link = get_payment_link(link_id) if link_id else None
    if link is None:
        return []
    view = payment_link_view(link, utc_now(), get_settings().checkout_url)
    return [(link.id, webhooks.PAYMENT_LINK_PAID, {"payment_link": view, "payment": payment_view(payment)})]


def _on_refund(refund: Refund, before: Refund | None) -> None:
    data = {"refund": refund_view(refund)}
    if before is None:
        _enqueue_job(
            get_settings().refunds_queue_url, RefundJob(refund.id), processing_rules().refund_delay_ms()
        )
        _record_events(refund.merchant_id, refund.created_at, [(refund.id, webhooks.REFUND_CREATED, data)])
    elif before.status is RefundStatus.PENDING and refund.status is RefundStatus.PROCESSED:
        _record_events(refund.merchant_id, refund.updated_at, [(refund.id, webhooks.REFUND_PROCESSED, data)])


def _enqueue_job(queue_url: str, job: BankJob, delay_ms: int) -> None:
    """Whole seconds of the bank delay as the message's DelaySeconds; the job carries when it is due, so
    the worker waits out only what is left of the sub-second remainder (nothing if it arrives late)."""
    seconds, _ = split_delay(delay_ms)
    due = replace(job, due_at_ms=int(time.time() * 1000) + delay_ms)
    queues.send(queue_url, due.to_message(), delay_seconds=seconds)


def _on_webhook_log(log: WebhookLog, before: WebhookLog | None) -> None:
    """A round an API request started (a test webhook, a manual retry): send its first attempt. The
    stream mapping's filter passes only those; workers send the rounds they start themselves."""
    if before is None or log.round != before.round:
        queue_first_attempts([log])
    if before is not None:
        event_records.follow_delivery(log, before)


def _record_events(merchant_id: str, occurred_at: str, occurrences: list[Occurrence]) -> None:
    """Every event is recorded; it gets a delivery only when a URL is configured (docs/behaviour.md).
    The first attempts of the deliveries one change makes travel together, in the order of its events."""
    merchant = get_merchant(merchant_id)
    timestamp = int(parse_iso(occurred_at).timestamp())
    events = []
    for resource_id, event, data in occurrences:
        occurrence = occurrence_of(resource_id, event)
        payload = webhooks.serialize_envelope(event, timestamp, data)
        record = event_records.new_event(
            merchant_id, event_id(merchant_id, occurrence), event, payload, occurred_at
        )
        events.append((record, webhook_log_id(merchant_id, occurrence)))
    deliveries = event_records.record_events(events, merchant, now_iso(), started_by_stream=False)
    queue_first_attempts(deliveries)
