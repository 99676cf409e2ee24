"""Two fixes to moto's DynamoDB so that its streams behave like DynamoDB's under concurrent requests.

moto runs a transaction by deep-copying the tables it touches and, when a condition fails, putting the
copies back. That restore (1) discards writes other requests made meanwhile, and (2) replaces the
table's stream shard with a copy, so open shard iterators keep reading the old, now dead shard and a
stream consumer silently stops seeing records; the failed transaction's own records were also visible
for a moment. Racing idempotent requests trigger exactly that. Here item and stream operations take
turns under one lock, and a failed transaction keeps the original shard, minus its own records.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

_LOCK = threading.RLock()
_MARK = "patched_by_local_runtime"
_DYNAMODB_OPERATIONS = (
    "put_item",
    "update_item",
    "delete_item",
    "batch_write_item",
    "get_item",
    "batch_get_item",
    "transact_get_items",
    "query",
    "scan",
)
_STREAMS_OPERATIONS = ("describe_stream", "get_shard_iterator", "get_records", "list_streams")


def _serialized(operation: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(operation)
    def run(self: Any, *args: Any, **kwargs: Any) -> Any:
        with _LOCK:
            return operation(self, *args, **kwargs)

    setattr(run, _MARK, True)
    return run


def _transaction_keeping_stream_shards(operation: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(operation)
    def run(self: Any, *args: Any, **kwargs: Any) -> Any:
        with _LOCK:
            shards = {
                name: (table.stream_shard, len(table.stream_shard.items))
                for name, table in self.tables.items()
                if getattr(table, "stream_shard", None) is not None
            }
            try:
                return operation(self, *args, **kwargs)
            except Exception:
                for name, (shard, length) in shards.items():
                    restored = self.tables.get(name)
                    if restored is not None and restored.stream_shard is not shard:
                        del shard.items[length:]
                        shard.table = restored
                        restored.stream_shard = shard
                raise

    setattr(run, _MARK, True)
    return run


def patch_moto_dynamodb() -> None:
    """Applies both fixes to the in-process moto (idempotent)."""
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodbstreams.models import DynamoDBStreamsBackend

    patches: list[tuple[type, str, Callable[[Callable[..., Any]], Callable[..., Any]]]] = [
        (DynamoDBBackend, name, _serialized) for name in _DYNAMODB_OPERATIONS
    ]
    patches += [(DynamoDBStreamsBackend, name, _serialized) for name in _STREAMS_OPERATIONS]
    patches.append((DynamoDBBackend, "transact_write_items", _transaction_keeping_stream_shards))
    for cls, name, wrap in patches:
        operation = getattr(cls, name)
        if not getattr(operation, _MARK, False):
            setattr(cls, name, wrap(operation))
