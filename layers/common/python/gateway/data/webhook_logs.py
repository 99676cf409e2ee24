"""The webhook-logs table: one item per event a merchant is sent, with its delivery attempts."""

from __future__ import annotations

import functools
from dataclasses import asdict, dataclass

from pynamodb.expressions.update import Action

from gateway.data import dynamo, totals
from gateway.data.models import WebhookLogModel, bind_tables
from gateway.data.unfinished import older_than, shard_of
from gateway.domain.clock import now_iso
from gateway.domain.events import DeliveryAttempt
from gateway.domain.lifecycle import DeliveryStatus
from gateway.domain.resources import WebhookLog
from gateway.errors import ConflictError

QUEUED, RETRYING, FAILED = "queued", "retrying", "failed"
STARTED_BY_STREAM, STARTED_BY_WRITER = "stream", "writer"


def webhook_log_from(item: WebhookLogModel) -> WebhookLog:
    return dynamo.resource_from(item, WebhookLog)


def get_webhook_log(log_id: str) -> WebhookLog | None:
    return dynamo.get_resource(WebhookLogModel, log_id, WebhookLog)


def insert_webhook_log_if_absent(log: WebhookLog, started_by_stream: bool) -> bool:
    """True when the log was created; False when its (deterministic) id was recorded before."""
    return bool(insert_webhook_logs_if_absent([log], started_by_stream))


def insert_webhook_logs_if_absent(logs: list[WebhookLog], started_by_stream: bool) -> set[str]:
    """Insert the logs of one change (one merchant's) and add them to its log count, in one transaction
    (one counter update for all of them, where a transaction per log paid one each). Returns the ids of
    the logs created: a log whose (deterministic) id was recorded before, by an earlier run of the same
    change, is left out and not counted again. With `started_by_stream` the table's stream sends their first
    attempts; otherwise the caller sends them."""
    started_by = STARTED_BY_STREAM if started_by_stream else STARTED_BY_WRITER
    absent = list(logs)
    while absent:
        try:
            dynamo.transact(functools.partial(_insert_counted, absent, started_by), None)
        except ConflictError as conflict:
            recorded = conflict.current_as(WebhookLog)
            if recorded is None:
                raise
            absent = [log for log in absent if log.id != recorded.id]  # a cancellation names one at a time
            continue
        return {log.id for log in absent}
    return set()


def _insert_counted(logs: list[WebhookLog], started_by: str, transaction: dynamo.Transaction) -> None:
    for log in logs:
        item = WebhookLogModel(
            **dynamo.plain_attributes(log),
            started_by=started_by,
            **asdict(_index_keys(log, now=log.created_at)),
        )
        transaction.save(item, condition=WebhookLogModel.id.does_not_exist())
    totals.count_webhook_logs(transaction, logs[0].merchant_id, logs[0].id, len(logs))


def delivery_state(merchant_id: str, state: str) -> str:
    return f"{merchant_id}#{state}"


@dataclass(frozen=True)
class IndexKeys:
    """The attributes a log's two sparse indexes read, derived from its state and written with every change
    of it (never on their own). None means absent: the log is then in neither index that reads it.

    - `unfinished`, the hash key of the `unfinished` index: the log's shard (`data.unfinished.shard_of`)
      while a delivery is pending, so the reconciliation sweep finds open deliveries without a scan.
    - `delivery_state`, the hash key of `by_delivery_state`: `<merchant id>#queued` before the round's first
      attempt, `#retrying` after a failed one, `#failed` once it gave up; a delivered log has none (and a
      failed one loses it when a later delivery of its event succeeds: `leave_failed_count`). The pipeline
      view counts each state of a merchant with one Query COUNT.
    - `due_at`, the range key of both: when the next attempt is due, so the sweep reads only overdue work
      and the pipeline tells overdue from on time; on a failed log, when it failed.
    """

    unfinished: str | None
    delivery_state: str | None
    due_at: str | None


def _index_keys(log: WebhookLog, now: str) -> IndexKeys:
    """`now` is when a pending log with no next attempt scheduled is due (a first attempt is due at once)."""
    if log.status is DeliveryStatus.SUCCESS:
        return IndexKeys(unfinished=None, delivery_state=None, due_at=None)
    if log.status is DeliveryStatus.FAILED:
        failed = delivery_state(log.merchant_id, FAILED)
        return IndexKeys(unfinished=None, delivery_state=failed, due_at=log.last_attempt_at or now)
    state = delivery_state(log.merchant_id, RETRYING if log.attempts else QUEUED)
    return IndexKeys(unfinished=shard_of(log.id), delivery_state=state, due_at=log.next_retry_at or now)


def _index_key_updates(log: WebhookLog) -> list[Action]:
    keys = _index_keys(log, now=now_iso())
    return [
        dynamo.set_or_remove(WebhookLogModel.unfinished, keys.unfinished),
        dynamo.set_or_remove(WebhookLogModel.delivery_state, keys.delivery_state),
        dynamo.set_or_remove(WebhookLogModel.due_at, keys.due_at),
    ]


def pending_logs_due_before(before: str, limit: int) -> list[WebhookLog]:
    """Pending deliveries whose next attempt was due before `before` (ISO), from the sparse index."""
    items = older_than(WebhookLogModel.unfinished_index, WebhookLogModel.due_at, before, limit)
    return [webhook_log_from(item) for item in items]


def count_in_delivery_state(
    merchant_id: str, state: str, due_before: str | None = None, due_from: str | None = None
) -> int:
    """How many of the merchant's logs are in `state`, optionally only those due in [due_from, due_before)."""
    bind_tables()
    condition = None
    if due_before is not None:
        condition = WebhookLogModel.due_at < due_before
    elif due_from is not None:
        condition = WebhookLogModel.due_at >= due_from
    return WebhookLogModel.by_delivery_state.count(delivery_state(merchant_id, state), condition)


def page_webhook_logs(merchant_id: str, limit: int, offset: int) -> list[WebhookLog]:
    bind_tables()
    items = WebhookLogModel.by_merchant.query(
        merchant_id, scan_index_forward=False, page_size=min(100, offset + limit)
    )
    page: list[WebhookLog] = []
    for position, item in enumerate(items):
        if position >= offset + limit:
            break
        if position >= offset:
            page.append(webhook_log_from(item))
    return page


def count_webhook_logs(merchant_id: str) -> int:
    """The merchant's number of logs, from its counters (a few items, not a count over every log)."""
    return totals.webhook_log_count(merchant_id)


def get_webhook_logs(log_ids: frozenset[str]) -> list[WebhookLog]:
    """The logs with these ids (one BatchGetItem per 100), oldest first."""
    bind_tables()
    logs = [webhook_log_from(item) for item in WebhookLogModel.batch_get(sorted(log_ids))]
    return sorted(logs, key=lambda log: (log.created_at, log.id))


def record_delivery_attempt(
    before: WebhookLog, after: WebhookLog, attempt: DeliveryAttempt, url: str
) -> None:
    """Store the attempt that moved `before` to `after`, once: ConflictError when another delivery of the
    same message recorded it first or a manual retry started a new round meanwhile."""
    dynamo.update_if(
        WebhookLogModel(after.id),
        [
            WebhookLogModel.attempt_log.set((WebhookLogModel.attempt_log | []).append([attempt.to_json()])),
            dynamo.set_or_remove(WebhookLogModel.url, url or None),
            WebhookLogModel.attempts.set(after.attempts),
            WebhookLogModel.status.set(after.status.value),
            dynamo.set_or_remove(WebhookLogModel.last_attempt_at, after.last_attempt_at),
            dynamo.set_or_remove(WebhookLogModel.response_code, after.response_code),
            dynamo.set_or_remove(WebhookLogModel.response_body, after.response_body),
            dynamo.set_or_remove(WebhookLogModel.next_retry_at, after.next_retry_at),
            *_index_key_updates(after),
        ],
        (WebhookLogModel.attempts == before.attempts)
        & (WebhookLogModel.round == before.round)
        & (WebhookLogModel.status == DeliveryStatus.PENDING.value),
    )


def leave_failed_count(log_ids: frozenset[str]) -> None:
    """A later delivery of their event succeeded: those of these logs that failed leave the merchant's
    failed count. Their status and attempts stay, as history; a manual retry puts one back in play."""
    for log_id in sorted(log_ids):
        try:
            dynamo.update_if(
                WebhookLogModel(log_id),
                [WebhookLogModel.delivery_state.remove()],
                WebhookLogModel.status == DeliveryStatus.FAILED.value,
            )
        except ConflictError:
            continue  # not failed: nothing to take out of the count


def start_new_round(log: WebhookLog) -> None:
    """A manual retry: attempts back to 0, status pending, round + 1 (the stream starts the delivery, as
    for any round an API request starts).
    ConflictError when the log no longer exists."""
    restarted = log.next_round()
    dynamo.update_if(
        WebhookLogModel(log.id),
        [
            WebhookLogModel.round.add(1),
            WebhookLogModel.attempts.set(restarted.attempts),
            WebhookLogModel.status.set(restarted.status.value),
            WebhookLogModel.next_retry_at.remove(),
            WebhookLogModel.started_by.set(STARTED_BY_STREAM),
            *_index_key_updates(restarted),
        ],
        WebhookLogModel.id.exists(),
    )
