"""Health of the pipeline: queue depths, finished-job counters and the workers' heartbeat."""

from __future__ import annotations

import logging
import time
from typing import Any

from gateway.config import get_settings
from gateway.data import store
from gateway.data.queues import event_source_mapping_enabled, queue_depths
from gateway.domain.clock import now_iso
from gateway.errors import ServiceUnavailableError

logger = logging.getLogger(__name__)

# Pollers beat every 2 s; three missed beats mean they are not running.
HEARTBEAT_FRESH_SECONDS = 6


def record_worker_heartbeat() -> None:
    store.write_heartbeat(time.time())


def count_finished_job(succeeded: bool) -> None:
    """Best effort: a lost increment skews a dashboard figure, never a payment."""
    try:
        store.count_job("completed" if succeeded else "failed")
    except Exception:
        logger.warning("job counter update failed", exc_info=True)


def jobs_status() -> dict[str, Any]:
    settings = get_settings()
    queues = (settings.payments_queue_url, settings.refunds_queue_url, settings.webhooks_queue_url)
    mappings = settings.worker_event_source_mappings
    results = store.read_concurrently(
        store.read_job_counters,
        *[lambda url=url: queue_depths(url) for url in queues],
        *[lambda uuid=uuid: event_source_mapping_enabled(uuid) for uuid in mappings],
    )
    completed, failed, heartbeat_at = results[0]
    depths = results[1 : 1 + len(queues)]
    if mappings:
        running = all(results[1 + len(queues) :])
    else:
        running = heartbeat_at is not None and time.time() - heartbeat_at <= HEARTBEAT_FRESH_SECONDS
    return {
        "pending": sum(waiting for waiting, _ in depths),
        "processing": sum(in_flight for _, in_flight in depths),
        "completed": completed,
        "failed": failed,
        "worker_status": "running" if running else "stopped",
    }


def health() -> dict[str, Any]:
    try:
        store.ping()
    except Exception as error:
        logger.warning("health check: table store unreachable", exc_info=True)
        raise DatabaseDisconnected() from error
    return {"status": "healthy", "database": "connected", "timestamp": now_iso()}


class DatabaseDisconnected(ServiceUnavailableError):
    def __init__(self) -> None:
        super().__init__("Database unreachable")

    def to_body(self) -> dict[str, Any]:
        return {"status": "unhealthy", "database": "disconnected", "timestamp": now_iso()}
