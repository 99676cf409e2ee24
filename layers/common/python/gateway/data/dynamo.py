"""How the data modules talk to DynamoDB: keyed reads, conditional writes, transactions, conflict retries.

Nothing outside `gateway.data` sees pynamodb. A lost condition surfaces as `ConflictError` (or
`IdempotencyKeyTakenError`), recognised by DynamoDB's response code, never by message text.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields
from enum import Enum
from typing import Any, TypeVar, get_type_hints

from pynamodb.attributes import Attribute
from pynamodb.connection import Connection
from pynamodb.constants import ALL_OLD, RETURN_VALUES_ON_CONDITION_FAILURE
from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.indexes import GlobalSecondaryIndex
from pynamodb.models import Model

from gateway.config import get_settings
from gateway.data.aws_clients import botocore_session
from gateway.data.models import (
    IdempotencyRecordModel,
    OrderModel,
    PaymentModel,
    RefundModel,
    WebhookLogModel,
    bind_tables,
    use_session,
)
from gateway.domain.idempotency import IdempotencyRecord
from gateway.domain.resources import Order, Payment, Refund, WebhookLog
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


def _full_jitter(ceiling: float) -> float:
    return random.uniform(0, ceiling)  # jitter, not security


@dataclass(frozen=True)
class ConflictBackoff:
    """How often and how far apart `retrying_conflicts` tries a write again.

    The pause before retry n is `jitter(base_seconds * 2**n)` ("full jitter": anywhere up to the ceiling,
    so racing writers spread out). `jitter` and `sleep` are the seams a test replaces to assert the
    schedule exactly; nothing else here is random.
    """

    attempts: int = CONFLICT_ATTEMPTS
    base_seconds: float = 0.02
    jitter: Callable[[float], float] = _full_jitter
    sleep: Callable[[float], None] = time.sleep

    def pauses(self) -> Iterator[float]:
        """The pause before each retry, in order: one fewer than the attempts."""
        for retry in range(self.attempts - 1):
            yield self.jitter(self.base_seconds * 2**retry)


CONFLICT_BACKOFF = ConflictBackoff()


def retrying_conflicts(write: Callable[[], T], backoff: ConflictBackoff | None = None) -> T:
    """Run `write`, trying again after a jittered pause while it loses to a concurrent transaction."""
    backoff = backoff or CONFLICT_BACKOFF
    pauses = backoff.pauses()
    while True:
        try:
            return write()
        except (PutError, UpdateError, TransactWriteError) as error:
            pause = next(pauses, None)
            if pause is None or not _is_transaction_conflict(error):
                raise
            backoff.sleep(pause)


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


def save_new(transaction: Transaction, model: type[Model], resource: Any, **stored_only: Any) -> None:
    """Add the resource to a transaction as a new item: the transaction fails if its key exists.
    `stored_only` are attributes the data layer keeps beside the resource (index keys)."""
    key = model._hash_key_attribute()
    transaction.save(model(**plain_attributes(resource), **stored_only), condition=key.does_not_exist())


def put_if_absent(item: Model) -> bool:
    """True when the item was written; False when one with its key already exists."""
    return put_if(item, type(item)._hash_key_attribute().does_not_exist())


def put_if(item: Model, condition: Condition) -> bool:
    """Write the whole item if `condition` holds: True when written, False when it did not hold."""
    bind_tables()
    try:
        retrying_conflicts(lambda: item.save(condition=condition))
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
        use_session(_connection, botocore_session())
    return _connection


# The domain type each table that takes part in transactions holds: a failed item is named by it.
_RESOURCE_TYPES: dict[type[Model], type] = {
    OrderModel: Order,
    PaymentModel: Payment,
    RefundModel: Refund,
    IdempotencyRecordModel: IdempotencyRecord,
    WebhookLogModel: WebhookLog,
}


class Transaction:
    """The items of one TransactWriteItems call, each remembered by its table.

    DynamoDB answers a cancelled transaction with one reason per item, in the order the items were sent.
    pynamodb's `TransactWrite` sends condition checks, then deletes, puts and updates, whatever order they
    were added in; so this class keeps its own lists in that same order and sends them itself, and can say
    which item a reason belongs to. Every item asks for its stored record on a failed condition
    (`ReturnValuesOnConditionCheckFailure: ALL_OLD`), so the caller learns what it lost to without a re-read.
    The methods take the arguments of `TransactWrite`'s.
    """

    def __init__(self) -> None:
        self._checks: list[tuple[type[Model], dict[str, Any]]] = []
        self._puts: list[tuple[type[Model], dict[str, Any]]] = []
        self._updates: list[tuple[type[Model], dict[str, Any]]] = []

    def condition_check(self, model: type[Model], hash_key: str, *, condition: Condition) -> None:
        kwargs = model.get_operation_kwargs_from_class(hash_key, condition=condition)
        kwargs[RETURN_VALUES_ON_CONDITION_FAILURE] = ALL_OLD
        self._checks.append((model, kwargs))

    def save(self, item: Model, *, condition: Condition) -> None:
        kwargs = item.get_save_kwargs_from_instance(
            condition=condition, return_values_on_condition_failure=ALL_OLD
        )
        self._puts.append((type(item), kwargs))

    def update(self, item: Model, *, actions: list[Action], condition: Condition | None = None) -> None:
        kwargs = item.get_update_kwargs_from_instance(
            actions=actions, condition=condition, return_values_on_condition_failure=ALL_OLD
        )
        self._updates.append((type(item), kwargs))

    def tables_in_sent_order(self) -> list[type[Model]]:
        return [model for model, _ in (*self._checks, *self._puts, *self._updates)]

    def commit(self, connection: Connection) -> None:
        connection.transact_write_items(
            condition_check_items=[kwargs for _, kwargs in self._checks],
            delete_items=[],
            put_items=[kwargs for _, kwargs in self._puts],
            update_items=[kwargs for _, kwargs in self._updates],
        )


def transact(build: Callable[[Transaction], None], idempotency: IdempotencyRecord | None) -> None:
    """Write the items `build` adds, plus the idempotency record, all or nothing.

    A failed condition raises `IdempotencyKeyTakenError` carrying the record that holds the key, when the
    key was taken (whatever else failed: a repeat is answered as a repeat), else `ConflictError` naming the
    first item whose condition failed, with that item as stored.
    """
    bind_tables()
    record = IdempotencyRecordModel(**plain_attributes(idempotency)) if idempotency is not None else None
    sent: list[type[Model]] = []

    def attempt() -> None:
        transaction = Transaction()
        build(transaction)
        if record is not None:
            transaction.save(
                record,
                condition=IdempotencyRecordModel.key.does_not_exist()
                | (IdempotencyRecordModel.expires_at < int(time.time())),
            )
        sent[:] = transaction.tables_in_sent_order()
        transaction.commit(_shared_connection())

    try:
        retrying_conflicts(attempt)
    except TransactWriteError as error:
        failed = _failed_items(sent, error)
        if not failed:
            raise
        taken = failed.get(IdempotencyRecordModel, _NOT_FAILED)
        if taken is not _NOT_FAILED:
            raise IdempotencyKeyTakenError(
                "idempotency key already holds a response", resource=IdempotencyRecord, current=taken
            ) from error
        model, current = next(iter(failed.items()))
        name = _RESOURCE_TYPES.get(model, model).__name__
        raise ConflictError(
            f"the transaction's {name} condition failed", resource=_RESOURCE_TYPES.get(model), current=current
        ) from error


_NOT_FAILED = object()


def _failed_items(sent: list[type[Model]], error: TransactWriteError) -> dict[type[Model], Any]:
    """Each table whose item failed its condition, in sent order, with that item as stored (a domain
    resource; None when there was no item)."""
    failed: dict[type[Model], Any] = {}
    for model, reason in zip(sent, error.cancellation_reasons or [], strict=False):
        if reason is None or reason.code != "ConditionalCheckFailed" or model in failed:
            continue
        resource_type = _RESOURCE_TYPES.get(model)
        stored: Any = None
        if reason.raw_item and resource_type is not None:
            stored = resource_from(model.from_raw_data(reason.raw_item), resource_type)
        failed[model] = stored
    return failed


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
