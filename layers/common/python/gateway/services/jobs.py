"""Health of the pipeline: queue depths, finished-job counters and the workers' event source mappings."""

from __future__ import annotations

import logging
from typing import Any

from gateway.config import get_settings
from gateway.data import jobs as job_store
from gateway.data.dynamo import read_concurrently
from gateway.data.queues import queue_depths
from gateway.domain.clock import now_iso
from gateway.services.views import jobs_status_view

logger = logging.getLogger(__name__)


def count_finished_job(succeeded: bool) -> None:
    """Best effort: a lost increment skews a dashboard figure, never a payment. Only
    `/api/v1/test/jobs/status` reads the counters, so without the test endpoints no write is spent on them."""
    if not get_settings().test_endpoints:
        return
    try:
        job_store.count_job(succeeded)
    except Exception:
        logger.warning("job counter update failed", exc_info=True)


def jobs_status() -> dict[str, Any]:
    """Workers count as running when every one of their event source mappings is polling: on AWS the
    mappings are Lambda's; locally the runtime registers the same ones and toggles them with its pollers."""
    settings = get_settings()
    queues = (settings.payments_queue_url, settings.refunds_queue_url, settings.webhooks_queue_url)
    mappings = settings.worker_event_source_mappings
    results = read_concurrently(
        job_store.read_job_counters,
        *[lambda url=url: queue_depths(url) for url in queues],
        *[lambda uuid=uuid: job_store.event_source_mapping_polling(uuid) for uuid in mappings],
    )
    completed, failed = results[0]
    depths = results[1 : 1 + len(queues)]
    return jobs_status_view(
        waiting=sum(waiting for waiting, _ in depths),
        in_flight=sum(in_flight for _, in_flight in depths),
        completed=completed,
        failed=failed,
        workers_running=bool(mappings) and all(results[1 + len(queues) :]),
    )


def health() -> dict[str, Any]:
    """DatabaseUnavailableError (503, in the health shape) when the table store cannot be reached."""
    job_store.ping()
    return {"status": "healthy", "database": "connected", "timestamp": now_iso()}
