"""Fidelity fixes for moto's DynamoDB when it is served to many threads at once.

moto runs a transaction by deep-copying every table it touches, applying the writes, and restoring the
copies if any condition fails. Two threads doing that at once can restore over each other's committed
writes, and a conditional put can interleave with another. DynamoDB itself is serializable per item, and
the gateway's correctness (one resource per idempotency key, refund totals) depends on that, so every
DynamoDB data call into moto runs under one lock. Only the emulator is patched, never the product code.
"""

from __future__ import annotations

import functools
import threading
from typing import Any

_LOCK = threading.RLock()
_DATA_METHODS = (
    "put_item",
    "get_item",
    "update_item",
    "delete_item",
    "query",
    "scan",
    "transact_write_items",
    "transact_get_items",
    "batch_get_item",
    "batch_write_item",
)
_applied = False


def serialize_dynamodb_data_calls() -> None:
    """Idempotent; call before moto serves any request."""
    global _applied
    if _applied:
        return
    from moto.dynamodb.models import DynamoDBBackend

    for name in _DATA_METHODS:
        original = getattr(DynamoDBBackend, name, None)
        if original is None:
            continue

        def locked(*args: Any, __original: Any = original, **kwargs: Any) -> Any:
            with _LOCK:
                return __original(*args, **kwargs)

        setattr(DynamoDBBackend, name, functools.wraps(original)(locked))
    _applied = True
