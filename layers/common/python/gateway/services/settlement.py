"""The simulated bank: settles payments and refunds once, however often their message arrives."""

from __future__ import annotations

import logging
import time
from typing import Any

from gateway.config import get_settings
from gateway.data import store
from gateway.data.models import PaymentModel, RefundModel
from gateway.domain.clock import now_iso
from gateway.domain.processing import ProcessingRules
from gateway.errors import ConflictError, PermanentDeliveryError
from gateway.services.jobs import count_finished_job
from gateway.services.payments import FAILED, FAILURE_CODE, FAILURE_DESCRIPTION, PENDING, SUCCESS
from gateway.services.refunds import PENDING as REFUND_PENDING
from gateway.services.refunds import PROCESSED

logger = logging.getLogger("gateway.settlement")
MAX_REMAINDER_SECONDS = 1.0


def processing_rules() -> ProcessingRules:
    settings = get_settings()
    return ProcessingRules(
        test_mode=settings.test_mode,
        test_delay_ms=settings.test_processing_delay_ms,
        test_payment_success=settings.test_payment_success,
        delay_min_ms=settings.processing_delay_min_ms,
        delay_max_ms=settings.processing_delay_max_ms,
        upi_success_rate=settings.upi_success_rate,
        card_success_rate=settings.card_success_rate,
    )


def _wait_until_due(job: dict[str, Any]) -> None:
    """The sub-second part of the bank delay, which SQS DelaySeconds cannot express: sleep until the job is
    due, never more than a second, and not at all for a job that arrives late (later ones in a batch)."""
    due_at_ms = job.get("due_at_ms")
    if isinstance(due_at_ms, int):
        remaining = due_at_ms / 1000.0 - time.time()
        if remaining > 0:
            time.sleep(min(remaining, MAX_REMAINDER_SECONDS))


def _job_id(job: dict[str, Any], field: str) -> str:
    value = job.get(field)
    if not isinstance(value, str) or not value:
        raise PermanentDeliveryError(f"job has no {field}")
    return value


def process_payment(job: dict[str, Any]) -> None:
    payment_id = _job_id(job, "payment_id")
    payment = store.get_payment(payment_id)
    if payment is None:
        raise PermanentDeliveryError(f"unknown payment {payment_id}")
    if payment.status != PENDING:
        return  # a redelivered message: already settled
    _wait_until_due(job)
    succeeded = processing_rules().payment_succeeds(payment.method)
    actions: list[Any] = [
        PaymentModel.status.set(SUCCESS if succeeded else FAILED),
        PaymentModel.updated_at.set(now_iso()),
    ]
    if not succeeded:
        actions += [
            PaymentModel.error_code.set(FAILURE_CODE),
            PaymentModel.error_description.set(FAILURE_DESCRIPTION),
        ]
    try:
        store.transition(payment, actions, condition=PaymentModel.status == PENDING)
    except ConflictError:
        return  # settled concurrently by another delivery of the same message
    logger.info("payment settled", extra={"payment_id": payment_id, "succeeded": succeeded})
    count_finished_job(succeeded=True)


def process_refund(job: dict[str, Any]) -> None:
    refund_id = _job_id(job, "refund_id")
    refund = store.get_refund(refund_id)
    if refund is None:
        raise PermanentDeliveryError(f"unknown refund {refund_id}")
    if refund.status != REFUND_PENDING:
        return
    _wait_until_due(job)
    now = now_iso()
    try:
        store.transition(
            refund,
            [
                RefundModel.status.set(PROCESSED),
                RefundModel.processed_at.set(now),
                RefundModel.updated_at.set(now),
            ],
            condition=RefundModel.status == REFUND_PENDING,
        )
    except ConflictError:
        return
    logger.info("refund processed", extra={"refund_id": refund_id})
    count_finished_job(succeeded=True)
