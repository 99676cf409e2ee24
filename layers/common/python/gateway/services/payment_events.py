"""A payment's events and their webhook deliveries, for the dashboard's payment page.

Event ids derive from what they record (`domain.ids.occurrence`), so the events of a payment, its
refunds and the order it paid are read by key: no scan and no extra index.
"""

from __future__ import annotations

import time
from typing import Any

from gateway.data import payments as payment_store
from gateway.data import refunds as refund_store
from gateway.data import webhook_logs as log_store
from gateway.data.dynamo import read_concurrently
from gateway.data.events_by_id import get_events
from gateway.domain import webhooks
from gateway.domain.events import Event, EventQuery
from gateway.domain.ids import event_id, occurrence
from gateway.domain.resources import ApiKeyOwner, Payment, Refund
from gateway.errors import BadRequestError
from gateway.services.auth import Credentials, authenticate, find_owner
from gateway.services.payments import owned_payment
from gateway.services.views import event_detail_view, event_view

PAYMENT_EVENT_TYPES = (
    webhooks.PAYMENT_CREATED,
    webhooks.PAYMENT_PENDING,
    webhooks.PAYMENT_SUCCESS,
    webhooks.PAYMENT_FAILED,
)
REFUND_EVENT_TYPES = (webhooks.REFUND_CREATED, webhooks.REFUND_PROCESSED)
# Events of one change share a timestamp; among themselves they read in the order the lifecycle runs.
_LIFECYCLE_ORDER = {event_type: rank for rank, event_type in enumerate(webhooks.EVENT_TYPES)}


def _candidate_ids(merchant_id: str, payment: Payment, refunds: list[Refund]) -> list[str]:
    """Every event the payment can have caused; `order.paid` is its order's, whichever payment paid it."""
    subjects = [(payment.id, PAYMENT_EVENT_TYPES), (payment.order_id, (webhooks.ORDER_PAID,))]
    subjects += [(refund.id, REFUND_EVENT_TYPES) for refund in refunds]
    return [
        event_id(merchant_id, occurrence(resource_id, event_type))
        for resource_id, event_types in subjects
        for event_type in event_types
    ]


def _belongs_to(event: Event, merchant_id: str, payment: Payment) -> bool:
    # DynamoDB's TTL deletes late: an event past its 30 days is gone even while its item lingers.
    if event.merchant_id != merchant_id or event.expires_at < time.time():
        return False
    return event.type != webhooks.ORDER_PAID or event.data.get("payment", {}).get("id") == payment.id


def _read_payment_and_events(
    credentials: Credentials, payment_id: str
) -> tuple[ApiKeyOwner, Payment | None, list[Event]]:
    """The merchant, the payment (None unless it is theirs) and its events oldest first, in the order
    they happened: the merchant's key, the payment and its refunds in one round trip, then the events by
    key."""
    merchant, payment, refunds = read_concurrently(
        lambda: find_owner(credentials),
        lambda: payment_store.get_payment(payment_id),
        lambda: refund_store.list_refunds_for_payment(payment_id),
    )
    merchant = authenticate(merchant, credentials)
    if payment is None or payment.merchant_id != merchant.id:
        return merchant, None, []
    events = [
        event
        for event in get_events(_candidate_ids(merchant.id, payment, refunds))
        if _belongs_to(event, merchant.id, payment)
    ]
    events.sort(key=lambda event: (event.created_at, _LIFECYCLE_ORDER.get(event.type, 0)))
    return merchant, payment, events


def list_payment_events(credentials: Credentials, payment_id: str) -> dict[str, Any]:
    """The payment's events oldest first, each with its deliveries and every attempt; 404 for a payment
    that is not this merchant's."""
    merchant, payment, events = _read_payment_and_events(credentials, payment_id)
    owned_payment(merchant, payment)
    delivery_ids = frozenset(log_id for event in events for log_id in event.deliveries)
    logs = log_store.get_webhook_logs(delivery_ids) if delivery_ids else []
    mine = [log for log in logs if log.merchant_id == merchant.id]
    return {
        "data": [
            event_detail_view(event, [log for log in mine if log.id in event.deliveries]) for event in events
        ]
    }


def page_payment_events(credentials: Credentials, payment_id: str, query: EventQuery) -> dict[str, Any]:
    """`GET /api/v1/events?payment_id=`: the payment's events as the events list shows them, newest first
    in the order they happened, with the list's other filters and cursor. Another merchant's payment has
    no events for this one (an empty list). The events are read by key, never by going through the
    merchant's events."""
    _, payment, events = _read_payment_and_events(credentials, payment_id)
    newest_first = list(reversed(events))
    if query.starting_after is not None:
        ids = [event.id for event in newest_first]
        if payment is None or query.starting_after not in ids:
            raise BadRequestError("starting_after is not an event of this payment", field="starting_after")
        newest_first = newest_first[ids.index(query.starting_after) + 1 :]
    matching = [event for event in newest_first if query.matches(event)]
    return {
        "data": [event_view(event) for event in matching[: query.limit]],
        "has_more": len(matching) > query.limit,
    }
