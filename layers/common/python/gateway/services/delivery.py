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
from gateway.domain.resources import WebhookLog
from gateway.errors import ConflictError, PermanentDeliveryError
from gateway.services import business_metrics
from gateway.services.jobs import count_finished_job
from gateway.services.merchants import signing_secrets
from gateway.telemetry.logs import adopt_request_id
from gateway.transport import merchant_http

logger = logging.getLogger("gateway.delivery")
TIMEOUT_SECONDS = 5.0
# One attempt's deadline plus its reads and writes.
ATTEMPT_BUDGET_MS = int(TIMEOUT_SECONDS * 1000) + 2000
# One change raises at most two events (created and pending; success and order.paid): their first attempts
# travel in one message, which halves the queue requests and invocations of the happy path.
FIRST_ATTEMPTS_PER_MESSAGE = 2
# A message is started only with this much time left.
MESSAGE_BUDGET_MS = ATTEMPT_BUDGET_MS * FIRST_ATTEMPTS_PER_MESSAGE


@dataclass(frozen=True)
class DeliveryJob:
    log_id: str
    round: int
    attempt: int
    task_token: str | None

    @classmethod
    def parse(cls, message: dict[str, Any]) -> DeliveryJob:
        log_id, round_, attempt = message.get("log_id"), message.get("round"), message.get("attempt", 1)
        if not isinstance(log_id, str) or not isinstance(round_, int) or not isinstance(attempt, int):
            raise PermanentDeliveryError("delivery message lacks log_id, round or attempt")
        token = message.get("task_token")
        return cls(log_id, round_, attempt, token if isinstance(token, str) and token else None)


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
    for start in range(0, len(due), FIRST_ATTEMPTS_PER_MESSAGE):
        jobs = [
            {"log_id": log.id, "round": log.round, "attempt": 1}
            for log in due[start : start + FIRST_ATTEMPTS_PER_MESSAGE]
        ]
        queues.send(get_settings().webhooks_queue_url, {"deliveries": jobs})


def deliver_webhook(message: dict[str, Any]) -> None:
    """A message holds one attempt, or the first attempts of up to two logs, made one after the other."""
    jobs = message.get("deliveries", [message])
    if not isinstance(jobs, list) or not 0 < len(jobs) <= FIRST_ATTEMPTS_PER_MESSAGE:
        raise PermanentDeliveryError("deliveries is not a list of one or two attempts")
    for job in jobs:
        if not isinstance(job, dict):
            raise PermanentDeliveryError("a delivery is not an object")
        _deliver(DeliveryJob.parse(job))


def _deliver(job: DeliveryJob) -> None:
    log = log_store.get_webhook_log(job.log_id)
    if log is None:
        _answer(job, failure="webhook log does not exist")
        return
    adopt_request_id(log.request_id)
    if log.round != job.round:
        _answer(job, output={"outcome": "superseded"})  # a manual retry started a newer round
        return
    if log.status is not DeliveryStatus.PENDING or log.attempts >= job.attempt:
        _follow_up(job, log)  # this attempt was already made: repeat its follow-up, do not POST again
        return
    result = _attempt(log)
    try:
        recorded = _record(log, result)
    except ConflictError:
        return  # a concurrent delivery of the same message recorded this attempt first
    if recorded.status is not DeliveryStatus.PENDING and recorded.event_id is not None:
        event_store.set_delivery_status(recorded.event_id, EventDeliveryStatus(recorded.status.value))
        if recorded.status is DeliveryStatus.SUCCESS and (recorded.recovery_id or recorded.round > 1):
            _settle_earlier_failures(recorded.event_id, recorded.id)
    count_finished_job(result.delivered)
    if recorded.recovery_id is not None and recorded.round == 1 and recorded.attempts == 1:
        recoveries.count_sent(recorded.recovery_id)
    business_metrics.webhook_attempt(recorded, result.delivered, datetime.now(UTC))
    _follow_up(job, recorded)


def _settle_earlier_failures(event_id: str, delivered_log_id: str) -> None:
    """A resend or a retry got the event through: its earlier failed deliveries stop counting as failed
    in the merchant's pipeline (only a resend or a retry can follow a failure, so the happy path pays no
    read for this)."""
    event = event_store.get_event(event_id)
    if event is not None:
        log_store.leave_failed_count(event.deliveries - {delivered_log_id})


def _record(log: WebhookLog, result: AttemptResult) -> WebhookLog:
    attempt = log.attempts + 1
    now = datetime.now(UTC)
    finished: DeliveryStatus | None = None
    next_retry_at = None
    if result.delivered:
        finished = DeliveryStatus.SUCCESS
    elif result.status_code == webhooks.GONE_STATUS or attempt >= webhooks.MAX_ATTEMPTS:
        finished = DeliveryStatus.FAILED
    else:
        asked = webhooks.retry_after_seconds(result.status_code, result.retry_after, now)
        delay = _schedule().steered_delay_before(attempt + 1, asked)
        next_retry_at = iso(now + timedelta(seconds=delay))
    response_body = webhooks.truncate_response(result.body)
    recorded = log.after_attempt(result.status_code, response_body, iso(now), finished, next_retry_at)
    history = DeliveryAttempt(
        iso(now), result.status_code, result.duration_ms, response_body, result.headers or {}
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
    log_store.record_delivery_attempt(log, recorded, history, result.url)
    return recorded


def _follow_up(job: DeliveryJob, log: WebhookLog) -> None:
    if log.status is DeliveryStatus.SUCCESS:
        _answer(job, output={"outcome": "delivered"})
    elif log.status is DeliveryStatus.FAILED:
        _answer(job, failure=f"gave up after {log.attempts} attempts")
    elif log.attempts >= 1:
        next_attempt = log.attempts + 1
        state = {
            "outcome": "retry",
            "log_id": log.id,
            "round": log.round,
            "attempt": next_attempt,
            "wait_seconds": _wait_before(log, next_attempt),
        }
        if job.task_token:
            _answer(job, output=state)
        else:
            settings = get_settings()
            workflows.start_retry_schedule(
                settings.webhook_retry_state_machine_arn,
                webhooks.retry_schedule_name(log.id, log.round),
                state,
            )


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
