"""Fixes to moto: DynamoDB under concurrent requests, event source mappings that are records only, stream
writes that wake the stream pollers, and SQS queues that do not scan (`local_runtime/moto_sqs.py`).

moto runs a transaction by deep-copying the tables it touches and, when a condition fails, putting the
copies back. That restore (1) discards writes other requests made meanwhile, (2) replaces the table's
stream shard with a copy, so open shard iterators keep reading the old, now dead shard and a stream
consumer silently stops seeing records, and (3) costs time in proportion to the table and its stream.
Racing idempotent requests trigger the first two. Here item and stream operations take turns under one
lock, and a transaction checks all its conditions before it writes anything, as DynamoDB does.
"""

from __future__ import annotations

import functools
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from local_runtime.moto_sqs import patch_sqs

# The moto release these patches were written against (they replace its code): requirements/dev.txt pins
# it, and tests/unit/test_local_runtime_moto_fixes.py fails on any other.
MOTO_VERSION = "5.2.5"
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


def _checked_then_applied_transaction(self: Any, transact_items: list[dict[str, Any]]) -> None:
    """TransactWriteItems as DynamoDB runs it: every condition checked first, then every write applied.

    Replaces moto's version, which deep-copies each touched table (with its whole stream) to roll back a
    failed transaction: O(table size) per call, so the local stack slowed down as it filled up, and the
    restore swapped out stream shards under open iterators. Under the lock nothing can change between
    the check and the writes, so a failed transaction never writes anything and needs no rollback.
    """
    from moto.dynamodb.exceptions import (
        ConditionalCheckFailed,
        MultipleTransactionsException,
        TooManyTransactionsException,
        TransactionCanceledException,
        TransactWriteSingleOpException,
    )
    from moto.dynamodb.models import get_filter_expression

    if len(transact_items) > 100:
        raise TooManyTransactionsException()
    with _LOCK:
        seen: set[tuple[str, str]] = set()
        writes: list[tuple[str, dict[str, Any]]] = []
        errors: list[Any] = []
        for entry in transact_items:
            if len(entry) > 1:
                raise TransactWriteSingleOpException
            op_type, op = next(iter(entry.items()))
            table = self.get_table(op["TableName"])
            if op_type == "Put":
                key = {table.hash_key_attr: op["Item"][table.hash_key_attr]}
                if table.range_key_attr is not None:
                    key[table.range_key_attr] = op["Item"][table.range_key_attr]
            else:
                key = op["Key"]
            identity = (op["TableName"], str(dict(sorted(key.items()))))
            if identity in seen:
                raise MultipleTransactionsException()
            seen.add(identity)
            current = self.get_item(op["TableName"], key)
            condition = op.get("ConditionExpression")
            if condition is not None and not get_filter_expression(
                condition, op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
            ).expr(current):
                old = None
                if op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current:
                    old = current.to_json()["Attributes"]
                errors.append(("ConditionalCheckFailed", ConditionalCheckFailed().message, old))
                continue
            errors.append((None, None, None))
            writes.append((op_type, {**op, "Key": key}))
        if any(code is not None for code, _, _ in errors):
            raise TransactionCanceledException(errors)
        for op_type, op in writes:
            names, values = op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
            if op_type == "Put":
                self.put_item(
                    op["TableName"],
                    op["Item"],
                    expression_attribute_names=names,
                    expression_attribute_values=values,
                )
            elif op_type == "Delete":
                self.delete_item(op["TableName"], op["Key"])
            elif op_type == "Update":
                self.update_item(
                    op["TableName"],
                    op["Key"],
                    update_expression=op["UpdateExpression"],
                    expression_attribute_names=names,
                    expression_attribute_values=values,
                )


def _recorded_only(create: Callable[..., Any]) -> Callable[..., Any]:
    """moto delivers to a mapping's function itself (in Docker, on each write, ignoring `Enabled` for
    streams, taking the messages off the queue); the runtime's pollers are the mappings, so moto's
    copy of the mapping stays a record that Get/Update/List read."""

    @functools.wraps(create)
    def run(self: Any, spec: dict[str, Any]) -> Any:
        from moto.dynamodb.models import dynamodb_backends
        from moto.sqs.models import sqs_backends

        mapping = create(self, spec)
        sources: list[Any] = [
            *sqs_backends[self.account_id][self.region_name].queues.values(),
            *dynamodb_backends[self.account_id][self.region_name].tables.values(),
        ]
        for source in sources:
            source.lambda_event_source_mappings.pop(mapping.function_arn, None)
        return mapping

    setattr(run, _MARK, True)
    return run


# Set on a write to a table's stream (by table name), so the in-process pollers of that stream wake at
# once instead of on a timer, and the others sleep on: a payment writes a dozen stream records, and waking
# every poller for each made most of their reads empty ones.
STREAM_WRITTEN: dict[str, list[threading.Event]] = {}


def wake_on_stream_writes(stream_arn: str, written: threading.Event) -> None:
    """`written` is set whenever a record is added to the stream `stream_arn`
    (arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label>)."""
    table_name = stream_arn.split(":table/", 1)[-1].split("/stream/", 1)[0]
    STREAM_WRITTEN.setdefault(table_name, []).append(written)


def _announced(add: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(add)
    def run(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = add(self, *args, **kwargs)
        for written in STREAM_WRITTEN.get(self.table.name, ()):
            written.set()
        return result

    setattr(run, _MARK, True)
    return run


# DynamoDB Streams: a shard iterator expires 15 minutes after it is returned.
SHARD_ITERATOR_LIFETIME_SECONDS = 15 * 60


def _monotonic() -> float:
    return time.monotonic()


def _expiring_shard_iterators(get_records: Callable[..., Any]) -> Callable[..., Any]:
    """moto keeps every shard iterator it hands out, and each GetRecords hands out a new one (its
    NextShardIterator): a stack polling its streams a few times a second kept tens of thousands of them an
    hour, for as long as it ran. Here those expire 15 minutes after they were returned, as DynamoDB's do."""

    @functools.wraps(get_records)
    def run(self: Any, iterator_arn: str, limit: int) -> Any:
        result = get_records(self, iterator_arn, limit)
        issued: deque[tuple[float, str]] = self.__dict__.setdefault("_issued_iterators", deque())
        now = _monotonic()
        issued.append((now, result["NextShardIterator"]))
        while now - issued[0][0] > SHARD_ITERATOR_LIFETIME_SECONDS:
            self.shard_iterators.pop(issued.popleft()[1], None)
        return result

    setattr(run, _MARK, True)
    return run


def _remembered_method_names() -> None:
    """moto's `BaseResponse.call_action` lists the handler class's methods with `inspect.getmembers` on
    every request, to check the action is one of them: as long as GetItem itself. A class's methods do
    not change while it serves, so the list is made once per class."""
    import moto.core.responses

    listed = moto.core.responses.method_names_from_class
    if not getattr(listed, _MARK, False):
        remembered = functools.cache(listed)
        setattr(remembered, _MARK, True)
        moto.core.responses.method_names_from_class = remembered


def _parsed_once_per_expression() -> None:
    """moto parses an UpdateItem's update expression twice per call (once to list its placeholders, once
    to apply it), and a conditional UpdateItem spent more time there than anywhere else; the local stack
    sends the same few expressions over and over. Parsed once per distinct expression here: moto's
    validator deep-copies the tree before it fills in the values, so one tree serves every call."""
    from moto.dynamodb.parsing.expressions import UpdateExpressionParser  # type: ignore[attr-defined]

    if getattr(UpdateExpressionParser.make, _MARK, False):
        return
    parse = UpdateExpressionParser.make.__func__
    parsed = functools.lru_cache(maxsize=1024)(lambda expression: parse(UpdateExpressionParser, expression))

    def make(cls: type, expression_str: str) -> Any:
        return parsed(expression_str)

    setattr(make, _MARK, True)
    UpdateExpressionParser.make = classmethod(make)


def patch_moto() -> None:
    """Applies the fixes to the in-process moto (idempotent)."""
    from moto.awslambda.models import LambdaBackend
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.table import StreamShard
    from moto.dynamodbstreams.models import DynamoDBStreamsBackend

    patches: list[tuple[type, str, Callable[[Callable[..., Any]], Callable[..., Any]]]] = [
        (DynamoDBBackend, name, _serialized) for name in _DYNAMODB_OPERATIONS
    ]
    patches.append((DynamoDBStreamsBackend, "get_records", _expiring_shard_iterators))
    patches += [(DynamoDBStreamsBackend, name, _serialized) for name in _STREAMS_OPERATIONS]
    patches.append((LambdaBackend, "create_event_source_mapping", _recorded_only))
    patches.append((StreamShard, "add", _announced))
    for cls, name, wrap in patches:
        operation = getattr(cls, name)
        # One mark per fix, so that two fixes of one method both apply (functools.wraps carries the
        # marks of the method it wraps over to the wrapper), and none twice.
        mark = f"{_MARK}_{wrap.__name__}"
        if not getattr(operation, mark, False):
            wrapped = wrap(operation)
            setattr(wrapped, mark, True)
            setattr(cls, name, wrapped)
    if not getattr(DynamoDBBackend.transact_write_items, _MARK, False):
        setattr(_checked_then_applied_transaction, _MARK, True)
        DynamoDBBackend.transact_write_items = _checked_then_applied_transaction  # type: ignore[method-assign]
    patch_sqs()
    _remembered_method_names()
    _parsed_once_per_expression()
