"""The reconciliation sweep: work that fell through every crack is put back on its path.

Streams and queues deliver at least once, but a message can still be lost (deleted by hand, expired in a
dead-letter queue, a function killed between two writes). Everything still open is in a sparse index
(`gateway.data.unfinished`), so the sweep reads only what is late, never the whole tables, and puts it back
where it would have been: the job onto its queue, the delivery attempt onto the webhooks queue. Every
consumer is idempotent and conditional, so a sweep that races the work it rescues changes nothing twice.
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from gateway.config import get_settings
from gateway.data import payments as payment_store
from gateway.data import queues, workflows
from gateway.data import refunds as refund_store
from gateway.data import webhook_logs as log_store
from gateway.domain.clock import iso, utc_now
from gateway.domain.messages import DeliveryJob, PaymentJob, RefundJob
from gateway.domain.resources import WebhookLog
from gateway.domain.webhooks import retry_schedule_name
from gateway.services.payment_links import expire_overdue_links
from gateway.services.settlement import processing_rules
from gateway.telemetry.logs import request_scope
from gateway.telemetry.metrics import put_metric

logger = logging.getLogger("gateway.reconciliation")
# Items read per shard of each index per run: a backlog larger than this is worked off over several runs.
SWEEP_LIMIT_PER_SHARD = 100
RUNNING = "RUNNING"


@dataclass(frozen=True)
class SweepReport:
    payments: int
    refunds: int
    deliveries: int
    # Overdue deliveries left alone because their retry schedule is still running.
    scheduled: int
    # Open payment links whose `expire_by` passed, recorded as expired.
    links_expired: int = 0


def reconcile(now: datetime | None = None) -> dict[str, int]:
    """One sweep. Payments and refunds are late once their planned delay and the grace have passed;
    deliveries once their next attempt is overdue by the grace and no retry schedule runs for them; open
    payment links once their `expire_by` has passed (no grace: the hosted page already treats them so)."""
    started = time.perf_counter()
    now = now or utc_now()
    settings = get_settings()
    grace = timedelta(seconds=settings.reconcile_grace_seconds)
    jobs_late_before = iso(now - grace - timedelta(milliseconds=processing_rules().longest_delay_ms))
    payments = payment_store.pending_payments_created_before(jobs_late_before, SWEEP_LIMIT_PER_SHARD)
    for payment in payments:
        with request_scope(payment.request_id):
            payment_job = PaymentJob(payment.id, request_id=payment.request_id)
            queues.send(settings.payments_queue_url, payment_job.to_message())
            logger.info("payment job put back", extra={"payment_id": payment.id})
    refunds = refund_store.pending_refunds_created_before(jobs_late_before, SWEEP_LIMIT_PER_SHARD)
    for refund in refunds:
        with request_scope(refund.request_id):
            refund_job = RefundJob(refund.id, request_id=refund.request_id)
            queues.send(settings.refunds_queue_url, refund_job.to_message())
            logger.info("refund job put back", extra={"refund_id": refund.id})
    overdue = log_store.pending_logs_due_before(iso(now - grace), SWEEP_LIMIT_PER_SHARD)
    resent = [log for log in overdue if _resend_attempt(log)]
    links_expired = expire_overdue_links(now)
    report = SweepReport(len(payments), len(refunds), len(resent), len(overdue) - len(resent), links_expired)
    for kind in ("payments", "refunds", "deliveries"):
        put_metric("SweepRequeued", getattr(report, kind), kind=kind)
    logger.info(
        "reconciliation sweep",
        extra={**asdict(report), "latency_ms": round((time.perf_counter() - started) * 1000, 1)},
    )
    return asdict(report)


def _resend_attempt(log: WebhookLog) -> bool:
    """Send the log's next attempt to the webhooks queue, unless its retry schedule is still running (the
    schedule owns the attempt then: its own timeouts and retries cover a lost task message). False when
    left alone."""
    settings = get_settings()
    if log.attempts:
        name = retry_schedule_name(log.id, log.round)
        if workflows.execution_status(settings.webhook_retry_state_machine_arn, name) == RUNNING:
            return False
    with request_scope(log.request_id):
        # Without a task token: the delivery records the attempt and, if it fails, starts the schedule when
        # none exists for this round; a schedule that ended leaves the next overdue attempt to the sweep.
        message = DeliveryJob(log.id, log.round, log.attempts + 1)
        queues.send(settings.webhooks_queue_url, message.to_message())
        logger.info("webhook attempt put back", extra={"log_id": log.id, "attempt": log.attempts + 1})
    return True
