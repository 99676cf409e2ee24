"""The events table: one item per event occurrence, read back only by key or by Query on `by_merchant`."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

from pynamodb.expressions.condition import Condition

from gateway.data.dynamo import get_item, put_if_absent, update_if
from gateway.data.models import EventModel, bind_tables
from gateway.domain.events import RECOVERABLE, Event, EventDeliveryStatus, EventQuery
from gateway.errors import ConflictError

# Bounds of the `created_key` sort key: every stored key is an ISO timestamp (`2...`) followed by `#evt_...`.
_LOWEST_KEY = "0"
_HIGHEST_SUFFIX = "~"


def _key_of(event: Event) -> str:
    return f"{event.created_at}#{event.id}"


def event_from(item: EventModel) -> Event:
    return Event(
        id=item.id,
        merchant_id=item.merchant_id,
        type=item.type,
        payload=item.payload,
        created_at=item.created_at,
        delivery_status=EventDeliveryStatus(item.delivery_status),
        deliveries=frozenset(item.deliveries or ()),
        expires_at=int(item.expires_at),
    )


def insert_event_if_absent(event: Event) -> bool:
    """True when the event was recorded; False when its (deterministic) id was recorded before."""
    return put_if_absent(
        EventModel(
            event.id,
            merchant_id=event.merchant_id,
            type=event.type,
            payload=event.payload,
            created_at=event.created_at,
            created_key=_key_of(event),
            delivery_status=event.delivery_status.value,
            deliveries=set(event.deliveries) or None,
            expires_at=event.expires_at,
        )
    )


def get_event(event_id: str) -> Event | None:
    item = get_item(EventModel, event_id)
    return event_from(item) if item is not None else None


def add_delivery(event_id: str, log_id: str) -> None:
    """Point the event at one more delivery, now under way. Adding the same log twice changes nothing."""
    _update(
        event_id,
        [
            EventModel.deliveries.add({log_id}),
            EventModel.delivery_status.set(EventDeliveryStatus.PENDING.value),
        ],
    )


def set_delivery_status(event_id: str, status: EventDeliveryStatus) -> None:
    """A delivery of the event moved to `status`. A failure does not hide that another delivery succeeded."""
    condition = EventModel.id.exists()
    if status is EventDeliveryStatus.FAILED:
        condition &= EventModel.delivery_status != EventDeliveryStatus.SUCCESS.value
    try:
        update_if(EventModel(event_id), [EventModel.delivery_status.set(status.value)], condition)
    except ConflictError:
        return  # expired, or already delivered by another delivery


def _update(event_id: str, actions: list[Any]) -> None:
    try:
        update_if(EventModel(event_id), actions, EventModel.id.exists())
    except ConflictError:
        return  # the event has expired (TTL): there is nothing left to point at


def _query(
    merchant_id: str,
    lower: str,
    upper: str,
    newest_first: bool,
    filters: Condition | None,
    start_key: dict[str, Any] | None = None,
    page_size: int | None = None,
) -> Any:
    bind_tables()
    return EventModel.by_merchant.query(
        merchant_id,
        EventModel.created_key.between(lower, upper),
        filter_condition=filters,
        scan_index_forward=not newest_first,
        last_evaluated_key=start_key,
        page_size=page_size,
    )


def _bounds(created_from: str | None, created_to: str | None) -> tuple[str, str]:
    """Sort-key bounds that include every event created in [from, to] (both inclusive)."""
    return created_from or _LOWEST_KEY, (created_to or _HIGHEST_SUFFIX) + "#" + _HIGHEST_SUFFIX


def page_events(merchant_id: str, query: EventQuery, after: Event | None) -> tuple[list[Event], bool]:
    """One page, newest first, and whether more follow. `after` (the page's predecessor) bounds the range
    from above by its sort key, so events recorded meanwhile, being newer, cannot shift later pages."""
    lower, upper = _bounds(query.created_from, query.created_to)
    if after is not None:
        upper = min(upper, _key_of(after))
    # DynamoDB's TTL deletes late: an event past its 30 days is not listed even while its item lingers.
    filters: Condition = EventModel.expires_at > int(time.time())
    if query.types:
        filters &= EventModel.type.is_in(*query.types)
    if query.delivery_status is not None:
        filters &= EventModel.delivery_status == query.delivery_status.value
    page: list[Event] = []
    items: Iterator[EventModel] = _query(
        merchant_id, lower, upper, True, filters, page_size=min(100, query.limit + 1)
    )
    for item in items:
        if after is not None and item.id == after.id:
            continue
        if len(page) == query.limit:
            return page, True
        page.append(event_from(item))
    return page, False


def _recoverable_filter() -> Condition:
    return EventModel.delivery_status.is_in(*(status.value for status in RECOVERABLE))


def count_recoverable(merchant_id: str, since: str, until: str) -> int:
    bind_tables()
    lower, upper = _bounds(since, until)
    return EventModel.by_merchant.count(
        merchant_id, EventModel.created_key.between(lower, upper), filter_condition=_recoverable_filter()
    )


def recoverable_page(
    merchant_id: str, since: str, until: str, cursor: str | None, page_size: int
) -> tuple[list[Event], str | None]:
    """Recoverable events of one index page in [since, until], oldest first, and the cursor of the next
    page (None when this was the last)."""
    lower, upper = _bounds(since, until)
    start_key = json.loads(cursor) if cursor else None
    result = _query(merchant_id, lower, upper, False, _recoverable_filter(), start_key, page_size)
    page = next(result.page_iter)  # one request: a worker message handles one page
    events = [event_from(EventModel.from_raw_data(item)) for item in page.get("Items", [])]
    last_key = result.page_iter.last_evaluated_key
    return events, json.dumps(last_key, sort_keys=True) if last_key else None
