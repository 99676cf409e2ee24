"""The gateway's business metrics, named once: what was created, settled and delivered, by what."""

from __future__ import annotations

from datetime import datetime

from gateway.domain.clock import parse_iso
from gateway.domain.resources import Payment, Refund, WebhookLog
from gateway.telemetry.metrics import put_metric


def payment_created(payment: Payment) -> None:
    put_metric("PaymentsCreated", 1, method=payment.method)


def payment_settled(payment: Payment) -> None:
    put_metric("PaymentsSettled", 1, method=payment.method, outcome=payment.status.value)


def refund_created(refund: Refund) -> None:
    put_metric("RefundsCreated", 1)


def refund_processed(refund: Refund) -> None:
    put_metric("RefundsProcessed", 1)


def webhook_attempt(recorded: WebhookLog, delivered: bool, at: datetime) -> None:
    """One attempt by its result; the first attempt of an event also by how long after the event it came."""
    put_metric("WebhookAttempts", 1, result="delivered" if delivered else "failed")
    if recorded.attempts == 1 and recorded.round == 1:
        latency_ms = max(0, int((at - parse_iso(recorded.created_at)).total_seconds() * 1000))
        put_metric("WebhookFirstAttemptLatency", latency_ms, "Milliseconds")
