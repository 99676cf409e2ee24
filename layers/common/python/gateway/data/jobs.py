"""Pipeline health: finished-job counters, the workers' event source mappings, and table reachability."""

from __future__ import annotations

import logging
import random

from botocore.exceptions import BotoCoreError, ClientError
from pynamodb.exceptions import PynamoDBException

from gateway.data import dynamo
from gateway.data.aws_clients import client
from gateway.data.models import SystemRecordModel, bind_tables
from gateway.domain.clock import now_iso
from gateway.errors import DatabaseUnavailableError

JOBS_RECORD = "jobs"
# Every settlement and delivery counts itself; spreading the counter over items keeps it far below
# DynamoDB's per-item write limit (about 1000 writes/s) at any payment rate.
JOBS_COUNTER_SHARDS = 10
# Lambda polls while a mapping is enabled, and keeps polling while it is being enabled or updated.
POLLING_STATES = frozenset({"Enabled", "Enabling", "Updating"})
logger = logging.getLogger("gateway.jobs")


def count_job(succeeded: bool) -> None:
    """Atomically add one to the `completed` or `failed` counter (on a random shard)."""
    bind_tables()
    attribute = SystemRecordModel.completed if succeeded else SystemRecordModel.failed
    shard = random.randrange(JOBS_COUNTER_SHARDS)  # load spreading, not security
    counter = SystemRecordModel(f"{JOBS_RECORD}#{shard}")
    dynamo.retrying_conflicts(lambda: counter.update(actions=[attribute.add(1)]))


def read_job_counters() -> tuple[int, int]:
    """(completed, failed), summed over the shards in one BatchGetItem."""
    bind_tables()
    keys = [f"{JOBS_RECORD}#{shard}" for shard in range(JOBS_COUNTER_SHARDS)]
    completed = failed = 0
    for record in SystemRecordModel.batch_get(keys):
        completed += int(record.completed or 0)
        failed += int(record.failed or 0)
    return completed, failed


def event_source_mapping_polling(mapping_uuid: str) -> bool:
    """Whether Lambda (or the local runtime, which registers the same mappings) polls this source."""
    state = client("lambda").get_event_source_mapping(UUID=mapping_uuid).get("State")
    return state in POLLING_STATES


def ping() -> None:
    """A cheap keyed read; DatabaseUnavailableError when the table store cannot be reached."""
    try:
        dynamo.get_item(SystemRecordModel, "health")
    except (PynamoDBException, BotoCoreError, ClientError) as error:
        logger.warning("health check: table store unreachable", exc_info=True)
        raise DatabaseUnavailableError(now_iso()) from error
