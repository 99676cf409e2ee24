"""Webhook delivery: one signed attempt per message, recorded once, then the next step of the schedule.

The first attempt comes from the outbox; if it fails, a Step Functions execution (named after the log and
round, so a redelivered message cannot start two) waits out each delay and sends the next attempt with a
task token, which this module answers: delivered, retry after N seconds, or failed for good.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from gateway.config import get_settings
from gateway.data import store, workflows
from gateway.data.models import WebhookLogModel
from gateway.domain import webhooks
from gateway.domain.clock import iso
from gateway.errors import ConflictError, PermanentDeliveryError
from gateway.services.jobs import count_finished_job
from gateway.services.merchants import signing_secrets
from gateway.services.webhook_logs import FAILED, PENDING, SUCCESS
from gateway.transport.merchant_http import post_to_merchant

logger = logging.getLogger("gateway.delivery")
TIMEOUT_SECONDS = 5.0
# One attempt's deadline plus its reads and writes: a message is started only with this much time left.
ATTEMPT_BUDGET_MS = int(TIMEOUT_SECONDS * 1000) + 2000


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

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and webhooks.is_success_status(self.status_code)


def deliver_webhook(message: dict[str, Any]) -> None:
    job = DeliveryJob.parse(message)
    log = store.get_webhook_log(job.log_id)
    if log is None:
        _answer(job, failure="webhook log does not exist")
        return
    if int(log.round) != job.round:
        _answer(job, output={"outcome": "superseded"})  # a manual retry started a newer round
        return
    if log.status != PENDING or int(log.attempts) >= job.attempt:
        _follow_up(job, log)  # this attempt was already made: repeat its follow-up, do not POST again
        return
    result = _attempt(log)
    try:
        recorded = _record(log, job, result)
    except ConflictError:
        return  # a concurrent delivery of the same message recorded this attempt first
    count_finished_job(result.delivered)
    _follow_up(job, recorded)


def _record(log: WebhookLogModel, job: DeliveryJob, result: AttemptResult) -> WebhookLogModel:
    made = int(log.attempts)
    attempt = made + 1
    now = datetime.now(UTC)
    gone = result.status_code == webhooks.GONE_STATUS
    actions: list[Any] = [
        WebhookLogModel.attempts.set(attempt),
        WebhookLogModel.last_attempt_at.set(iso(now)),
        WebhookLogModel.response_body.set(webhooks.truncate_response(result.body)),
    ]
    actions.append(
        WebhookLogModel.response_code.set(result.status_code)
        if result.status_code is not None
        else WebhookLogModel.response_code.remove()
    )
    if result.delivered:
        actions += [WebhookLogModel.status.set(SUCCESS), WebhookLogModel.next_retry_at.remove()]
    elif gone or attempt >= webhooks.MAX_ATTEMPTS:
        actions += [WebhookLogModel.status.set(FAILED), WebhookLogModel.next_retry_at.remove()]
    else:
        delay = _schedule().delay_before(attempt + 1)
        actions.append(WebhookLogModel.next_retry_at.set(iso(now + timedelta(seconds=delay))))
    logger.info(
        "webhook attempt",
        extra={
            "log_id": log.id,
            "attempt": attempt,
            "status_code": result.status_code,
            "delivered": result.delivered,
        },
    )
    return store.transition(
        log,
        actions,
        condition=(WebhookLogModel.attempts == made)
        & (WebhookLogModel.round == job.round)
        & (WebhookLogModel.status == PENDING),
    )


def _follow_up(job: DeliveryJob, log: WebhookLogModel) -> None:
    if log.status == SUCCESS:
        _answer(job, output={"outcome": "delivered"})
    elif log.status == FAILED:
        _answer(job, failure=f"gave up after {int(log.attempts)} attempts")
    elif int(log.attempts) >= 1:
        next_attempt = int(log.attempts) + 1
        state = {
            "outcome": "retry",
            "log_id": log.id,
            "round": int(log.round),
            "attempt": next_attempt,
            "wait_seconds": _schedule().delay_before(next_attempt),
        }
        if job.task_token:
            _answer(job, output=state)
        else:
            settings = get_settings()
            workflows.start_retry_schedule(
                settings.webhook_retry_state_machine_arn, f"{log.id}-{log.round}", state
            )


def _answer(job: DeliveryJob, output: dict[str, Any] | None = None, failure: str | None = None) -> None:
    if job.task_token:
        workflows.report_attempt(job.task_token, output, failure)


def _schedule() -> webhooks.WebhookRetrySchedule:
    return webhooks.WebhookRetrySchedule(test_intervals=get_settings().webhook_retry_intervals_test)


# ---------------------------------------------------------------- the HTTP attempt


def _attempt(log: WebhookLogModel) -> AttemptResult:
    merchant = store.get_merchant(log.merchant_id)
    if merchant is None or not merchant.webhook_url:
        return AttemptResult(None, "No webhook URL configured")
    body = log.payload.encode()
    timestamp = int(time.time())
    headers = webhooks.signature_headers(signing_secrets(merchant, timestamp), log.id, timestamp, body)
    attempt = post_to_merchant(
        merchant.webhook_url,
        body,
        headers,
        deadline_seconds=TIMEOUT_SECONDS,
        body_limit=webhooks.RESPONSE_BODY_LIMIT,
        allow_private=get_settings().allow_private_webhook_urls,
    )
    return AttemptResult(attempt.status_code, attempt.body)
