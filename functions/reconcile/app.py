"""EventBridge schedule -> the reconciliation sweep: late payments, refunds and deliveries put back."""

from __future__ import annotations

from typing import Any

from gateway.services.reconciliation import reconcile
from gateway.telemetry.logs import configure_logging

configure_logging()


def handler(event: dict[str, Any], context: Any) -> dict[str, int]:
    return reconcile()
