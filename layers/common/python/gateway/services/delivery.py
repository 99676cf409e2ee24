"""Webhook delivery: one signed attempt per message, recorded once, then the next step of the schedule.

The first attempt comes from the outbox; if it fails, a Step Functions execution (named after the log and
round, so a redelivered message cannot start two) waits out each delay and sends the next attempt with a
task token, which this module answers: delivered, retry after N seconds, or failed for good.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from gateway.config import get_settings
from gateway.data import events as event_store
from gateway.data import queues, recoveries, workflows
from gateway.data import webhook_logs as log_store
from gateway.data.merchants import get_merchant
from gateway.domain import webhooks
from gateway.domain.clock import iso, parse_iso
from gateway.domain.events import DeliveryAttempt, EventDeliveryStatus
from gateway.domain.lifecycle import DeliveryStatus
from gateway.domain.messages import MAX_DELIVERIES_PER_MESSAGE, DeliveryBatch, DeliveryJob, RetryStep
from gateway.domain.resources import WebhookLog
from gateway.errors import ConflictError
from gateway.services import business_metrics
from gateway.services.jobs import count_finished_job
from gateway.services.merchants import signing_secrets
from gateway.telemetry.logs import adopt_request_id
from gateway.transport import merchant_http

logger = logging.getLogger("gateway.delivery")
TIMEOUT_SECONDS = 5.0
# One attempt's deadline plus its reads and writes.
ATTEMPT_BUDGET_MS = int(TIMEOUT_SECONDS * 1000) + 2000
# A message is started only with this much time left.
MESSAGE_BUDGET_MS = ATTEMPT_BUDGET_MS * MAX_DELIVERIES_PER_MESSAGE


@dataclass(frozen=True)
class AttemptResult:
    status_code: int | None
    body: str
    duration_ms: int = 0
    url: str = ""
    # What was sent, signature values masked (they are shown back to the merchant).
    headers: dict[str, str] | None = None
    retry_after: str | None = None

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and webhooks.is_success_status(self.status_code)


def queue_first_attempts(logs: list[WebhookLog]) -> None:
    """Queue the first attempt of each log's current round that has none yet (a second message for an
    attempt is harmless: each attempt is recorded once), in the order given."""
    due = [log for log in logs if log.status is DeliveryStatus.PENDING and log.attempts == 0]
    for start in range(0, len(due), MAX_DELIVERIES_PER_MESSAGE):
        batch = due[start : start + MAX_DELIVERIES_PER_MESSAGE]
        message = DeliveryBatch(tuple(DeliveryJob(log.id, log.round, attempt=1) for log in batch))
        queues.send(get_settings().webhooks_queue_url, message.to_message())


def deliver_webhook(batch: DeliveryBatch) -> None:
    """The message's attempts (one, or the first attempts of two logs), made one after the other."""
    for job in batch.jobs:
        _deliver(job)


def _deliver(job: DeliveryJob) -> None:
    """One attempt: POST when it is due, record it once, then settle its event, count it, and tell the
    retry schedule what comes next."""
    log = _log_to_post_for(job)
    if log is None:
        return
    result = _attempt(log)
    recorded = _record_attempt(log, result)
    if recorded is None:
        return  # a concurrent delivery of the same message recorded this attempt first
    _settle_event(recorded)
    _count_attempt(recorded, result.delivered)
    _follow_up(job, recorded)


def _log_to_post_for(job: DeliveryJob) -> WebhookLog | None:
    """The log whose attempt the job asks for, or None when no POST is due (the job is answered here):
    the log is gone, a manual retry started a newer round, or the attempt was made before (by an earlier
    delivery of this message, which may have stopped before its follow-up, so the follow-up is repeated)."""
    log = log_store.get_webhook_log(job.log_id)
    if log is None:
        _answer(job, failure="webhook log does not exist")
        return None
    adopt_request_id(log.request_id)
    if log.round != job.round:
        _answer(job, output={"outcome": "superseded"})
        return None
    if log.status is not DeliveryStatus.PENDING or log.attempts >= job.attempt:
        _follow_up(job, log)
        return None
    return log


def _record_attempt(log: WebhookLog, result: AttemptResult) -> WebhookLog | None:
    """Store the attempt and what it decided, on condition that nobody stored it first: the log as it
    now is, or None when another delivery of the same message (or a new round) got there first."""
    attempt = log.attempts + 1
    now = datetime.now(UTC)
    finished, next_retry_at = _decide(attempt, result, now)
    response_body = webhooks.truncate_response(result.body)
    recorded = log.after_attempt(result.status_code, response_body, iso(now), finished, next_retry_at)
    history = DeliveryAttempt(
        iso(now), result.status_code, result.duration_ms, response_body, result.headers or {}, result.url
    )
    logger.info(
        "webhook attempt",
        extra={
            "log_id": log.id,
            "attempt": attempt,
            "status_code": result.status_code,
            "delivered": result.delivered,
        },
    )
    try:
        log_store.record_delivery_attempt(log, recorded, history, result.url)
    except ConflictError:
        return None
    return recorded


def _decide(attempt: int, result: AttemptResult, now: datetime) -> tuple[DeliveryStatus | None, str | None]:
    """What attempt number `attempt` makes of its log: (the final status, None) when it was delivered or
    is failed for good (the receiver answered 410 Gone, or it was the last attempt); otherwise (None, when
    the next attempt is due), after the schedule's delay or later if the receiver asked with Retry-After."""
    if result.delivered:
        return DeliveryStatus.SUCCESS, None
    if result.status_code == webhooks.GONE_STATUS or attempt >= webhooks.MAX_ATTEMPTS:
        return DeliveryStatus.FAILED, None
    asked = webhooks.retry_after_seconds(result.status_code, result.retry_after, now)
    delay = _schedule().steered_delay_before(attempt + 1, asked)
    return None, iso(now + timedelta(seconds=delay))


def _settle_event(recorded: WebhookLog) -> None:
    """A finished delivery gives its event its delivery status. A success that followed a failure (only a
    resend or a later round can) also takes the event's earlier failed logs out of the merchant's failed
    count; the happy path pays no read for that."""
    if recorded.status is DeliveryStatus.PENDING or recorded.event_id is None:
        return
    event_store.set_delivery_status(recorded.event_id, EventDeliveryStatus(recorded.status.value))
    if recorded.status is DeliveryStatus.SUCCESS and (recorded.recovery_id or recorded.round > 1):
        event = event_store.get_event(recorded.event_id)
        if event is not None:
            log_store.leave_failed_count(event.deliveries - {recorded.id})


def _count_attempt(recorded: WebhookLog, delivered: bool) -> None:
    """The counters one attempt moves: finished jobs, the attempt metrics, and a recovery's `sent`. A
    resend counts as sent once, at its first attempt: its retries, and the rounds a manual retry starts
    later, are not the recovery sending it."""
    count_finished_job(delivered)
    if recorded.recovery_id is not None and recorded.round == 1 and recorded.attempts == 1:
        recoveries.count_sent(recorded.recovery_id)
    business_metrics.webhook_attempt(recorded, delivered, datetime.now(UTC))


def _follow_up(job: DeliveryJob, log: WebhookLog) -> None:
    """Tell the retry schedule what the log's last attempt decided: delivered, gave up, or retry after
    N seconds. A failed attempt that no schedule sent (a first attempt, or the sweep's) starts one."""
    if log.status is DeliveryStatus.SUCCESS:
        _answer(job, output={"outcome": "delivered"})
    elif log.status is DeliveryStatus.FAILED:
        _answer(job, failure=f"gave up after {log.attempts} attempts")
    elif log.attempts >= 1 and job.task_token:
        _answer(job, output=_retry_step(log))
    elif log.attempts >= 1:
        workflows.start_retry_schedule(
            get_settings().webhook_retry_state_machine_arn,
            webhooks.retry_schedule_name(log.id, log.round),
            _retry_step(log),
        )


def _retry_step(log: WebhookLog) -> dict[str, Any]:
    next_attempt = log.attempts + 1
    return RetryStep(log.id, log.round, next_attempt, _wait_before(log, next_attempt)).to_message()


def _answer(job: DeliveryJob, output: dict[str, Any] | None = None, failure: str | None = None) -> None:
    if job.task_token:
        workflows.report_attempt(job.task_token, output, failure)


def _wait_before(log: WebhookLog, attempt: int) -> int:
    """Seconds until the attempt recorded as due (a receiver's `Retry-After` may have pushed it back)."""
    if log.next_retry_at is None:
        return _schedule().delay_before(attempt)
    return max(0, math.ceil((parse_iso(log.next_retry_at) - datetime.now(UTC)).total_seconds()))


def _schedule() -> webhooks.WebhookRetrySchedule:
    return webhooks.WebhookRetrySchedule(test_intervals=get_settings().webhook_retry_intervals_test)


# ---------------------------------------------------------------- the HTTP attempt


def _attempt(log: WebhookLog) -> AttemptResult:
    merchant = get_merchant(log.merchant_id)
    if merchant is None or not merchant.webhook_url:
        return AttemptResult(None, "No webhook URL configured")
    body = log.payload.encode()
    timestamp = int(time.time())
    secrets = signing_secrets(merchant, timestamp)
    headers = webhooks.signature_headers(secrets, log.message_id, timestamp, body)
    attempt = merchant_http.post_to_merchant(
        merchant.webhook_url,
        body,
        headers,
        deadline_seconds=TIMEOUT_SECONDS,
        body_limit=webhooks.RESPONSE_BODY_LIMIT,
        allow_private=get_settings().allow_private_webhook_urls,
        refused_private_ports=get_settings().refused_private_webhook_ports,
    )
    return AttemptResult(
        attempt.status_code,
        attempt.body,
        attempt.duration_ms,
        merchant.webhook_url,
        webhooks.headers_without_secrets(headers),
        attempt.retry_after,
    )
