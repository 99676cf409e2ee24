"""Business metrics as CloudWatch Embedded Metric Format: one JSON line per data point, which CloudWatch
Logs turns into a metric. Hand-written: the format is one small document, and Powertools Metrics would
add its import time to every cold start for the same line."""

from __future__ import annotations

import logging
import time
from typing import Literal

from gateway.telemetry.logs import EMF_ATTRIBUTE

NAMESPACE = "PaymentGateway"
Unit = Literal["Count", "Milliseconds"]
logger = logging.getLogger("gateway.metrics")


def emf_document(
    name: str, value: float, unit: Unit, dimensions: dict[str, str], timestamp_ms: int
) -> dict[str, object]:
    """The EMF document for one data point of `name` under one set of dimensions."""
    return {
        "_aws": {
            "Timestamp": timestamp_ms,
            "CloudWatchMetrics": [
                {
                    "Namespace": NAMESPACE,
                    "Dimensions": [sorted(dimensions)],
                    "Metrics": [{"Name": name, "Unit": unit}],
                }
            ],
        },
        **dimensions,
        name: value,
    }


def put_metric(name: str, value: float, unit: Unit = "Count", **dimensions: str) -> None:
    """Write one data point (best effort: a metric never fails the work it measures)."""
    document = emf_document(name, value, unit, dimensions, int(time.time() * 1000))
    logger.info(name, extra={EMF_ATTRIBUTE: document})
