"""How the data modules talk to DynamoDB: keyed reads, conditional writes, transactions, conflict retries.

Nothing outside `gateway.data` sees pynamodb. A lost condition surfaces as `ConflictError` (or
`IdempotencyKeyTakenError`), recognised by DynamoDB's response code, never by message text.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import fields
from enum import Enum
from typing import Any, TypeVar, get_type_hints

from pynamodb.attributes import Attribute
from pynamodb.connection import Connection
from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.indexes import GlobalSecondaryIndex
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from gateway.config import get_settings
from gateway.data.models import IdempotencyRecordModel, bind_tables
from gateway.domain.idempotency import IdempotencyRecord
from gateway.errors import ConflictError, IdempotencyKeyTakenError

T = TypeVar("T")
M = TypeVar("M", bound=Model)
R = TypeVar("R")

_CONDITION_FAILED = "ConditionalCheckFailedException"
_TRANSACTION_CONFLICT = "TransactionConflictException"
CONFLICT_ATTEMPTS = 5
_executor: ThreadPoolExecutor | None = None
_connection: Connection | None = None


def _is_condition_failure(error: Exception) -> bool:
    return getattr(error, "cause_response_code", None) == _CONDITION_FAILED


def _is_transaction_conflict(error: Exception) -> bool:
    """DynamoDB refused the write because a concurrent transaction held one of its items.

    Neither botocore nor pynamodb retries this, and nothing was written, so it is safe to try again: the
    conditions are evaluated afresh, and a write the other transaction made obsolete fails its condition.
    """
    if getattr(error, "cause_response_code", None) == _TRANSACTION_CONFLICT:
        return True
    reasons = getattr(error, "cancellation_reasons", None) or []
    codes = {reason.code for reason in reasons if reason is not None}
    return "TransactionConflict" in codes and "ConditionalCheckFailed" not in codes


def retrying_conflicts(write: Callable[[], T]) -> T:
    """Run `write`, trying again with jittered backoff while it loses to a concurrent transaction."""
    for attempt in range(CONFLICT_ATTEMPTS):
        try:
            return write()
        except (PutError, UpdateError, TransactWriteError) as error:
            if attempt == CONFLICT_ATTEMPTS - 1 or not _is_transaction_conflict(error):
                raise
            time.sleep(random.uniform(0, 0.02 * 2**attempt))  # jitter, not security
    raise AssertionError("unreachable")


def read_concurrently(*reads: Callable[[], Any]) -> list[Any]:
    """Run independent reads at the same time: one round trip of latency instead of several."""
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(max_workers=8, thread_name_prefix="dynamodb-read")
    futures = [_executor.submit(read) for read in reads]
    return [future.result() for future in futures]


# DynamoDB refuses a partition key over 2048 bytes with a ValidationException (moto does not): a value that
# long, from a path or a header, names nothing, so it is looked up as nothing rather than sent.
MAX_KEY_BYTES = 2048


def can_be_a_key(value: str) -> bool:
    return 0 < len(value.encode("utf-8", "surrogatepass")) <= MAX_KEY_BYTES


def get_item(model: type[M], key: str) -> M | None:
    if not can_be_a_key(key):
        return None
    bind_tables()
    try:
        return model.get(key)
    except DoesNotExist:
        return None


def get_resource(model: type[Model], key: str, resource_type: type[R]) -> R | None:
    item = get_item(model, key)
    return resource_from(item, resource_type) if item is not None else None


def find_by_index(index: GlobalSecondaryIndex[Any], key: str, resource_type: type[R]) -> R | None:
    """The item under `key` in an index whose keys are unique, as the resource the index projects."""
    if not can_be_a_key(key):
        return None
    bind_tables()
    item = next(iter(index.query(key, limit=1)), None)
    return resource_from(item, resource_type) if item is not None else None


def insert_if_absent(model: type[Model], resource: Any) -> bool:
    """True when the resource was stored; False when one with its key already exists."""
    return put_if_absent(model(**plain_attributes(resource)))


def save_new(transaction: TransactWrite, model: type[Model], resource: Any, **stored_only: Any) -> None:
    """Add the resource to a transaction as a new item: the transaction fails if its key exists.
    `stored_only` are attributes the data layer keeps beside the resource (index keys)."""
    key = model._hash_key_attribute()
    transaction.save(model(**plain_attributes(resource), **stored_only), condition=key.does_not_exist())


def put_if_absent(item: Model) -> bool:
    """True when the item was written; False when one with its key already exists."""
    bind_tables()
    key = type(item)._hash_key_attribute()
    try:
        retrying_conflicts(lambda: item.save(condition=key.does_not_exist()))
    except PutError as error:
        if _is_condition_failure(error):
            return False
        raise
    return True


def update_if(item: Model, actions: list[Action], condition: Condition) -> None:
    """Apply `actions` only if `condition` holds; ConflictError otherwise."""
    bind_tables()
    try:
        retrying_conflicts(lambda: item.update(actions=actions, condition=condition))
    except UpdateError as error:
        if _is_condition_failure(error):
            raise ConflictError(f"{type(item).__name__} not in the expected state") from error
        raise


def _shared_connection() -> Connection:
    global _connection
    if _connection is None:
        _connection = Connection(region=get_settings().aws_region)
    return _connection


def transact(build: Callable[[TransactWrite], None], idempotency: IdempotencyRecord | None) -> None:
    """Write the items `build` adds, plus the idempotency record, all or nothing.

    Raises IdempotencyKeyTakenError when a live record already holds the key, ConflictError when any other
    condition failed.
    """
    bind_tables()
    record = IdempotencyRecordModel(**plain_attributes(idempotency)) if idempotency is not None else None

    def attempt() -> None:
        with TransactWrite(connection=_shared_connection()) as transaction:
            build(transaction)
            if record is not None:
                transaction.save(
                    record,
                    condition=IdempotencyRecordModel.key.does_not_exist()
                    | (IdempotencyRecordModel.expires_at < int(time.time())),
                )

    try:
        retrying_conflicts(attempt)
    except TransactWriteError as error:
        reasons = error.cancellation_reasons or []
        failed = [i for i, reason in enumerate(reasons) if reason and reason.code == "ConditionalCheckFailed"]
        if record is not None and failed and failed[-1] == len(reasons) - 1:
            raise IdempotencyKeyTakenError("idempotency key already holds a response") from error
        if failed:
            raise ConflictError("a transaction condition failed") from error
        raise


def plain_attributes(resource: Any) -> dict[str, Any]:
    """A domain dataclass as the attribute values a model takes (enums as their wire values)."""
    values = {}
    for spec in fields(resource):
        value = getattr(resource, spec.name)
        values[spec.name] = value.value if isinstance(value, Enum) else value
    return values


_field_types: dict[type, dict[str, Any]] = {}


def resource_from(item: Model, resource_type: type[R]) -> R:
    """A stored item as its domain dataclass: wire words become enums, and an attribute the item lacks
    (stored before the attribute existed, or null) takes the dataclass default."""
    types = _field_types.get(resource_type)
    if types is None:
        types = _field_types[resource_type] = get_type_hints(resource_type)
    values = {}
    for spec in fields(resource_type):  # type: ignore[arg-type]
        value = getattr(item, spec.name, None)
        if value is None:
            continue
        kind = types[spec.name]
        values[spec.name] = kind(value) if isinstance(kind, type) and issubclass(kind, Enum) else value
    return resource_type(**values)


def set_or_remove(attribute: Attribute[Any], value: Any) -> Action:
    """SET the attribute, or REMOVE it when the value is None (DynamoDB stores no nulls)."""
    if value is None:
        return attribute.remove()
    return attribute.set(value.value if isinstance(value, Enum) else value)
