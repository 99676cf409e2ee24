"""The simulated bank: settles payments and refunds once, however often their message arrives."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from gateway.config import get_settings
from gateway.data import orders as order_store
from gateway.data import payments as payment_store
from gateway.data import refunds as refund_store
from gateway.domain.clock import now_iso
from gateway.domain.ids import new_refund_id
from gateway.domain.lifecycle import OrderStatus, PaymentStatus, RefundStatus
from gateway.domain.messages import BankJob, PaymentJob, RefundJob
from gateway.domain.processing import ProcessingRules
from gateway.domain.resources import ORDER_ALREADY_PAID, Order, Payment
from gateway.errors import ConflictError, PermanentDeliveryError
from gateway.services import business_metrics
from gateway.services.jobs import count_finished_job
from gateway.telemetry.logs import adopt_request_id

logger = logging.getLogger("gateway.settlement")
MAX_REMAINDER_SECONDS = 1.0


def processing_rules() -> ProcessingRules:
    return get_settings().processing


def _wait_until_due(job: BankJob) -> None:
    """The sub-second part of the bank delay, which SQS DelaySeconds cannot express: sleep until the job is
    due, never more than a second, and not at all for a job that arrives late (later ones in a batch)."""
    if job.due_at_ms is not None:
        remaining = job.due_at_ms / 1000.0 - time.time()
        if remaining > 0:
            time.sleep(min(remaining, MAX_REMAINDER_SECONDS))


class _Traced(Protocol):
    @property
    def request_id(self) -> str | None: ...


Subject = TypeVar("Subject", bound=_Traced)


def _job_subject(job: BankJob, read: Callable[[str], Subject | None]) -> Subject:
    """What the job is about, its request id adopted for the logs; a job that names nothing that exists
    can never succeed, so it is refused for good."""
    subject = read(job.subject_id)
    if subject is None:
        raise PermanentDeliveryError(f"unknown {job.subject} {job.subject_id}")
    adopt_request_id(subject.request_id)
    return subject


def process_payment(message: dict[str, Any]) -> None:
    """Settle a pending payment once. A success pays its order, unless another payment paid it first: then
    the payment is refunded in full at once, in the same transaction, so an order is never paid twice."""
    job = PaymentJob.parse(message)
    payment = _job_subject(job, payment_store.get_payment)
    if payment.status is not PaymentStatus.PENDING:
        return  # a redelivered message: already settled
    _wait_until_due(job)
    outcome = processing_rules().payment_outcome(payment.method, payment.test_outcome)
    settled = payment.settled(outcome, now_iso())
    try:
        if not outcome.succeeded:
            payment_store.settle_payment(settled)
        else:
            _settle_success(payment, settled)
    except ConflictError:
        return  # settled concurrently by another delivery of the same message
    logger.info("payment settled", extra={"payment_id": payment.id, "status": settled.status.value})
    business_metrics.payment_settled(settled)
    count_finished_job(succeeded=True)


def _settle_success(payment: Payment, settled: Payment) -> None:
    order = order_store.get_order(payment.order_id)
    if order is None:
        raise PermanentDeliveryError(f"payment {payment.id} has no order")
    if order.status is not OrderStatus.PAID:
        try:
            payment_store.settle_payment_paying_order(
                settled.paying_order(), order.moved_to(OrderStatus.PAID, settled.updated_at)
            )
            return
        except ConflictError as conflict:
            if not conflict.failed_on(Order):
                raise  # another delivery of the same message settled this payment
            # Another payment paid the order first: this one is refunded in full below.
    refund = settled.new_refund(
        new_refund_id(), settled.amount, ORDER_ALREADY_PAID, settled.updated_at, settled.request_id
    )
    payment_store.settle_payment_refunding_in_full(settled.refunded_in_full(), refund)
    business_metrics.refund_created(refund)
    logger.info("payment on a paid order refunded", extra={"payment_id": payment.id, "order_id": order.id})


def process_refund(message: dict[str, Any]) -> None:
    job = RefundJob.parse(message)
    refund = _job_subject(job, refund_store.get_refund)
    if refund.status is not RefundStatus.PENDING:
        return
    _wait_until_due(job)
    try:
        refund_store.mark_refund_processed(refund.processed(now_iso()))
    except ConflictError:
        return
    logger.info("refund processed", extra={"refund_id": refund.id})
    business_metrics.refund_processed(refund)
    count_finished_job(succeeded=True)
