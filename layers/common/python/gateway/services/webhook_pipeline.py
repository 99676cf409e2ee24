"""A merchant's webhook pipeline at a glance: what waits, is being retried, failed, or is stuck."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from gateway.data import webhook_logs as log_store
from gateway.data.dynamo import read_concurrently
from gateway.domain.clock import iso, utc_now
from gateway.services.auth import Credentials
from gateway.services.merchants import authenticated_merchant

# The webhooks queue's VisibilityTimeout (180 s) times its maxReceiveCount (5) in template.yaml: a delivery
# whose next attempt is overdue by longer has had its message dead-lettered (or lost); the sweep resends it.
DEAD_LETTER_AFTER = timedelta(seconds=180 * 5)


def webhook_pipeline(credentials: Credentials) -> dict[str, Any]:
    """Counts of the merchant's deliveries, from the sparse delivery-state index (keys only, no scan):
    `queued` waits for its first attempt, `in_flight` is being retried on schedule, `failed` gave up, and
    `dead_lettered` is overdue past the dead-letter horizon (counted there, not in the first two)."""
    merchant = authenticated_merchant(credentials)
    horizon = iso(utc_now() - DEAD_LETTER_AFTER)
    count = log_store.count_in_delivery_state
    queued, queued_late, retrying, retrying_late, failed = read_concurrently(
        lambda: count(merchant.id, log_store.QUEUED, due_from=horizon),
        lambda: count(merchant.id, log_store.QUEUED, due_before=horizon),
        lambda: count(merchant.id, log_store.RETRYING, due_from=horizon),
        lambda: count(merchant.id, log_store.RETRYING, due_before=horizon),
        lambda: count(merchant.id, log_store.FAILED),
    )
    return {
        "queued": queued,
        "in_flight": retrying,
        "failed": failed,
        "dead_lettered": queued_late + retrying_late,
    }
