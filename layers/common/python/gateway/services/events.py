"""Events (`/api/v1/events` in openapi.yaml): every webhook event recorded for 30 days, with or without a
URL, and read back.

An event is recorded before its first delivery's log, both under ids derived from the occurrence, so a
redelivered stream record creates neither twice. Each delivery (the first, and every recovery's resend)
is a webhook log that points to its event; the event's `delivery_status` follows its deliveries: pending
when one starts (here, or when the stream starts a new round), final when an attempt ends it (the delivery
function writes that).
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from typing import Any

from gateway.data import events as event_store
from gateway.data import webhook_logs as log_store
from gateway.domain.events import Event, EventDeliveryStatus, EventQuery, expiry_of
from gateway.domain.lifecycle import DeliveryStatus
from gateway.domain.resources import Merchant, WebhookLog
from gateway.errors import BadRequestError, NotFoundError
from gateway.services.auth import Credentials
from gateway.services.merchants import authenticated_merchant
from gateway.services.payment_events import page_payment_events
from gateway.services.views import event_detail_view, event_view
from gateway.telemetry.logs import current_request_id

logger = logging.getLogger("gateway.events")


def new_event(merchant_id: str, event_id: str, event_type: str, payload: str, created_at: str) -> Event:
    return Event(
        id=event_id,
        merchant_id=merchant_id,
        type=event_type,
        payload=payload,
        created_at=created_at,
        delivery_status=EventDeliveryStatus.NONE,
        expires_at=expiry_of(created_at),
    )


def new_delivery(
    event: Event, log_id: str, created_at: str, url: str | None, recovery_id: str | None = None
) -> WebhookLog:
    return WebhookLog(
        id=log_id,
        merchant_id=event.merchant_id,
        event=event.type,
        payload=event.payload,
        status=DeliveryStatus.PENDING,
        created_at=created_at,
        event_id=event.id,
        url=url,
        recovery_id=recovery_id,
        request_id=current_request_id(),
    )


def record_event(
    event: Event, merchant: Merchant | None, log_id: str, now: str, started_by_stream: bool
) -> WebhookLog | None:
    """`record_events` for one event: its delivery, if it has one."""
    deliveries = record_events([(event, log_id)], merchant, now, started_by_stream)
    return deliveries[0] if deliveries else None


def record_events(
    events: list[tuple[Event, str]], merchant: Merchant | None, now: str, started_by_stream: bool
) -> list[WebhookLog]:
    """Record the events of one change, each `(event, log id)`, and when the merchant has a webhook URL
    their first deliveries as those logs (inserted together: one counter update for all of them); returns
    the deliveries, in the events' order. A worker queues the first attempts itself (one hop less than the
    log's stream, and no invocation for them); an API request leaves that to the stream
    (`started_by_stream`), so that it writes to one system only."""
    url = merchant.webhook_url if merchant is not None else None
    recorded = {}
    for event, log_id in events:
        recorded[event.id] = event_store.insert_event_if_absent(
            _with_delivery(event, log_id) if url else event
        )
        if recorded[event.id]:
            logger.info("event recorded", extra={"merchant_id": event.merchant_id, "event_id": event.id})
    if not url:
        return []
    deliveries = [new_delivery(event, log_id, now, url) for event, log_id in events]
    created = log_store.insert_webhook_logs_if_absent(deliveries, started_by_stream=started_by_stream)
    for event, log_id in events:
        if log_id in created and not recorded[event.id]:
            # Recorded before without a delivery (no URL then, one now): point it at this one.
            event_store.add_delivery(event.id, log_id)
    # A redelivered stream record finds the logs made before, and what became of them since.
    found = (d if d.id in created else log_store.get_webhook_log(d.id) for d in deliveries)
    return [delivery for delivery in found if delivery is not None]


def _with_delivery(event: Event, log_id: str) -> Event:
    return replace(event, deliveries=event.deliveries | {log_id}, delivery_status=EventDeliveryStatus.PENDING)


def follow_delivery(log: WebhookLog, before: WebhookLog) -> None:
    """The event's `delivery_status` follows a delivery that started a new round or ended."""
    if log.event_id is not None and (log.round != before.round or log.status is not before.status):
        event_store.set_delivery_status(log.event_id, EventDeliveryStatus(log.status.value))


def list_events(credentials: Credentials, query: EventQuery) -> dict[str, Any]:
    """The merchant's events that match a query `validate_event_query` made of the request's parameters."""
    if query.payment_id is not None:
        return page_payment_events(credentials, query.payment_id, query)
    merchant = authenticated_merchant(credentials)
    after = None
    if query.starting_after is not None:
        after = event_store.get_event(query.starting_after)
        if after is None or after.merchant_id != merchant.id:
            raise BadRequestError("starting_after is not an event of this account", field="starting_after")
    page, has_more = event_store.page_events(merchant.id, query, after)
    return {"data": [event_view(event) for event in page], "has_more": has_more}


def owned_event(merchant: Merchant, event_id: str) -> Event:
    event = event_store.get_event(event_id)
    # DynamoDB's TTL deletes late: an event past its 30 days is gone even while its item lingers.
    if event is None or event.merchant_id != merchant.id or event.expires_at < time.time():
        raise NotFoundError("Event not found")
    return event


def get_event(credentials: Credentials, event_id: str) -> dict[str, Any]:
    event = owned_event(authenticated_merchant(credentials), event_id)
    deliveries = log_store.get_webhook_logs(event.deliveries) if event.deliveries else []
    return event_detail_view(event, deliveries)
