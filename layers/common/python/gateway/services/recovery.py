"""Recovery by time range (`POST /api/v1/webhooks/recover` in openapi.yaml): every event in [since, until]
whose delivery failed or never happened is sent again to the merchant's current URL.

`POST /webhooks/recover` counts the events, records the recovery, makes it the merchant's one running
recovery (within an hourly rate of starts) and puts its first page on the webhooks queue. Each page message
resends one index page of events (a Query, never a scan) and queues the next page, until the recovery has
made MAX_EVENTS_PER_RECOVERY deliveries; the recovery's cursor moves with a conditional write, so a
redelivered page message resends and counts nothing twice. A resend is a new webhook log whose id derives
from the event and how many deliveries it had, so two recoveries that find the event in the same state
make one resend between them; the page sends its first attempt, which counts as `sent`.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from gateway.config import get_settings
from gateway.data import events as event_store
from gateway.data import queues, recoveries
from gateway.data import webhook_logs as log_store
from gateway.data.merchants import get_merchant
from gateway.domain.clock import iso, utc_now
from gateway.domain.events import (
    RECOVERY_STARTS_PER_HOUR,
    RETENTION,
    Event,
    Recovery,
    validate_recovery_range,
)
from gateway.domain.ids import RECOVERY_PREFIX, has_prefix_format, new_recovery_id, resend_log_id
from gateway.domain.messages import RecoveryPage
from gateway.domain.validation import require_object
from gateway.errors import BadRequestError, NotFoundError, RateLimitError
from gateway.services.auth import Credentials
from gateway.services.delivery import queue_first_attempts
from gateway.services.events import new_delivery
from gateway.services.merchants import authenticated_merchant
from gateway.services.results import ApiResult
from gateway.services.views import recovery_view

logger = logging.getLogger("gateway.recovery")
PAGE_SIZE = 25


def start_recovery(credentials: Credentials, body: Any) -> ApiResult:
    merchant = authenticated_merchant(credentials)
    now = utc_now()
    since, until = validate_recovery_range(require_object(body), now)
    if not merchant.webhook_url:
        raise BadRequestError("Webhook URL is not configured", field="webhook_url")
    previous_id = _ensure_a_start_is_allowed(merchant.id, now)
    recovery = Recovery(
        id=new_recovery_id(),
        merchant_id=merchant.id,
        since=since,
        until=until,
        events=event_store.count_recoverable(merchant.id, since, until),
        created_at=iso(now),
        expires_at=int((now + RETENTION).timestamp()),
    )
    # Stored before it takes the slot, so a concurrent start that reads the slot finds what it names.
    recoveries.insert_recovery(recovery)
    if not recoveries.take_running_slot(merchant.id, recovery.id, previous_id, recovery.expires_at):
        raise _already_running(recoveries.running_recovery_id(merchant.id))
    _queue_page(recovery.id, None)
    logger.info("recovery started", extra={"recovery_id": recovery.id, "events": recovery.events})
    return ApiResult(202, recovery_view(recovery))


def _ensure_a_start_is_allowed(merchant_id: str, now: datetime) -> str | None:
    """One recovery at a time per merchant, and at most RECOVERY_STARTS_PER_HOUR started an hour (a
    recovery multiplies deliveries, so starting them is what is limited); checked before the events are
    counted, which reads the whole range. Returns the slot's previous recovery id, for the conditional
    write that takes it."""
    previous_id = recoveries.running_recovery_id(merchant_id)
    previous = recoveries.get_recovery(previous_id) if previous_id else None
    if previous is not None and previous.holds_the_slot(now):
        raise _already_running(previous.id)
    hour = int(now.timestamp()) // 3600
    if not recoveries.count_start(merchant_id, hour, RECOVERY_STARTS_PER_HOUR):
        raise RateLimitError(
            f"At most {RECOVERY_STARTS_PER_HOUR} recoveries can be started an hour",
            (hour + 1) * 3600 - int(now.timestamp()),
        )
    return previous_id


def _already_running(recovery_id: str | None) -> BadRequestError:
    return BadRequestError(f"Recovery {recovery_id} is still running: start another once it completes")


def get_recovery(credentials: Credentials, recovery_id: str) -> dict[str, Any]:
    merchant = authenticated_merchant(credentials)
    well_formed = has_prefix_format(recovery_id, RECOVERY_PREFIX)
    recovery = recoveries.get_recovery(recovery_id) if well_formed else None
    if recovery is None or recovery.merchant_id != merchant.id:
        raise NotFoundError("Recovery not found")
    return recovery_view(recovery)


def _queue_page(recovery_id: str, cursor: str | None) -> None:
    queues.send(get_settings().webhooks_queue_url, RecoveryPage(recovery_id, cursor).to_message())


def resend_page(page: RecoveryPage) -> None:
    """One page of a recovery: resend its recoverable events, then queue the next page (or finish)."""
    recovery = recoveries.get_recovery(page.recovery_id)
    if recovery is None or recovery.paging_done or page.cursor != recovery.cursor:
        return  # expired, finished, or this page was done before (a redelivered message)
    events, next_cursor = event_store.recoverable_page(
        recovery.merchant_id, recovery.since, recovery.until, recovery.cursor, PAGE_SIZE
    )
    if len(events) >= recovery.room_left():
        events, next_cursor = events[: recovery.room_left()], None  # its cap: the rest is another's
    merchant = get_merchant(recovery.merchant_id)
    url = merchant.webhook_url if merchant is not None else None
    queued = sum(_resend(recovery, event, url) for event in events)
    if recoveries.advance_page(recovery, next_cursor, queued) and next_cursor is not None:
        _queue_page(recovery.id, next_cursor)


def _resend(recovery: Recovery, event: Event, url: str | None) -> bool:
    """Make the event's next delivery; True when it is this recovery's (not another's made first)."""
    log_id = resend_log_id(event.id, len(event.deliveries))
    resend = new_delivery(event, log_id, iso(utc_now()), url, recovery.id)
    ours = log_store.insert_webhook_log_if_absent(resend, started_by_stream=False)
    event_store.add_delivery(event.id, log_id)
    if ours:
        queue_first_attempts([resend])
        return True
    made = log_store.get_webhook_log(log_id)  # made before: by this page's earlier run, or another recovery
    if made is None or made.recovery_id != recovery.id:
        return False
    queue_first_attempts([made])  # this page ran before and may have stopped before queueing it
    return True
