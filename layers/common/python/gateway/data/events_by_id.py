"""Events read by their ids: one BatchGetItem per 100 keys, for a resource whose event ids are known."""

from __future__ import annotations

from collections.abc import Iterable

from gateway.data.events import event_from
from gateway.data.models import EventModel, bind_tables
from gateway.domain.events import Event


def get_events(event_ids: Iterable[str]) -> list[Event]:
    """The events with these ids that exist, oldest first (an id never recorded is simply absent)."""
    bind_tables()
    events = [event_from(item) for item in EventModel.batch_get(sorted(set(event_ids)))]
    return sorted(events, key=lambda event: (event.created_at, event.id))
