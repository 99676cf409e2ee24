"""The sparse `unfinished` indexes: pending payments, refunds and deliveries, read by age, never scanned.

An item carries `unfinished` (its shard) only while its work is outstanding; the write that finishes the
work removes it, so the index holds exactly what is still open. Sharding spreads the index's writes over
several partitions; the reconciliation sweep queries every shard.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import Any, TypeVar

from pynamodb.attributes import Attribute
from pynamodb.indexes import GlobalSecondaryIndex

from gateway.data.dynamo import resource_from
from gateway.data.models import bind_tables

SHARDS = 8
R = TypeVar("R")


def shard_of(item_id: str) -> str:
    return f"s{zlib.crc32(item_id.encode()) % SHARDS}"


def older_than(
    index: GlobalSecondaryIndex[Any], range_key: Attribute[str], before: str, limit: int
) -> Iterator[Any]:
    """Items of a sparse index whose range key is before `before`, oldest first, at most `limit` per shard."""
    bind_tables()
    for shard in range(SHARDS):
        yield from index.query(f"s{shard}", range_key < before, limit=limit)


def pending_created_before(
    index: GlobalSecondaryIndex[Any],
    created_at: Attribute[str],
    before: str,
    limit: int,
    resource_type: type[R],
) -> list[R]:
    """The resources still pending that were created before `before` (ISO), at most `limit` per shard."""
    return [resource_from(item, resource_type) for item in older_than(index, created_at, before, limit)]
