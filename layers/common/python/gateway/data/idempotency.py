"""The idempotency-keys table. Records are written by `dynamo.transact`, inside the resource's transaction."""

from __future__ import annotations

import time

from gateway.data import dynamo
from gateway.data.models import IdempotencyRecordModel
from gateway.domain.idempotency import IdempotencyRecord


def get_idempotency_record(key: str) -> IdempotencyRecord | None:
    """The live record under `key`; an expired one counts as absent (DynamoDB's TTL deletes late)."""
    item = dynamo.get_item(IdempotencyRecordModel, key)
    if item is None:
        return None
    record = dynamo.resource_from(item, IdempotencyRecord)
    return None if record.expired(time.time()) else record
