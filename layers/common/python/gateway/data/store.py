"""Reads and conditional writes on the gateway's tables.

Every read is a GetItem or a Query on a key or index. Every state change is conditional, and a lost
condition surfaces as `ConflictError` (or `IdempotencyKeyTaken`), never as a pynamodb exception.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from pynamodb.connection import Connection
from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from gateway.data.models import (
    IdempotencyRecordModel,
    MerchantModel,
    OrderModel,
    PaymentModel,
    RefundModel,
    SystemRecordModel,
    WebhookLogModel,
    bind_tables,
)
from gateway.errors import ConflictError

T = TypeVar("T")
M = TypeVar("M", bound=Model)

_CONDITION_FAILED = "ConditionalCheckFailedException"
_TRANSACTION_CONFLICT = "TransactionConflictException"
_CONFLICT_ATTEMPTS = 5
_executor: ThreadPoolExecutor | None = None
_connection: Connection | None = None


class IdempotencyKeyTaken(Exception):
    """Another request stored a response under the same idempotency key first."""


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


def _retrying_conflicts(write: Callable[[], T]) -> T:
    """Run `write`, trying again with jittered backoff while it loses to a concurrent transaction."""
    for attempt in range(_CONFLICT_ATTEMPTS):
        try:
            return write()
        except (PutError, UpdateError, TransactWriteError) as error:
            if attempt == _CONFLICT_ATTEMPTS - 1 or not _is_transaction_conflict(error):
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


def _get(model: type[M], key: str) -> M | None:
    bind_tables()
    try:
        return model.get(key)
    except DoesNotExist:
        return None


# ---------------------------------------------------------------- merchants


def find_merchant_by_api_key(api_key: str) -> MerchantModel | None:
    bind_tables()
    return next(iter(MerchantModel.by_api_key.query(api_key, limit=1)), None)


def find_merchant_by_email(email: str) -> MerchantModel | None:
    bind_tables()
    return next(iter(MerchantModel.by_email.query(email, limit=1)), None)


def get_merchant(merchant_id: str) -> MerchantModel | None:
    return _get(MerchantModel, merchant_id)


def put_merchant_if_absent(merchant: MerchantModel) -> bool:
    """True when the merchant was created; False when one with that id already exists."""
    bind_tables()
    try:
        _retrying_conflicts(lambda: merchant.save(condition=MerchantModel.id.does_not_exist()))
    except PutError as error:
        if _is_condition_failure(error):
            return False
        raise
    return True


def update_merchant(merchant: MerchantModel, actions: list[Any]) -> None:
    bind_tables()
    try:
        _retrying_conflicts(lambda: merchant.update(actions=actions, condition=MerchantModel.id.exists()))
    except UpdateError as error:
        if _is_condition_failure(error):
            raise ConflictError("merchant does not exist") from error
        raise


# ---------------------------------------------------------------- orders, payments, refunds


def get_order(order_id: str) -> OrderModel | None:
    return _get(OrderModel, order_id)


def get_payment(payment_id: str) -> PaymentModel | None:
    return _get(PaymentModel, payment_id)


def get_refund(refund_id: str) -> RefundModel | None:
    return _get(RefundModel, refund_id)


def iter_payments_newest_first(merchant_id: str, page_size: int = 100) -> Iterator[PaymentModel]:
    bind_tables()
    return iter(PaymentModel.by_merchant.query(merchant_id, scan_index_forward=False, page_size=page_size))


def list_refunds_for_payment(payment_id: str) -> list[RefundModel]:
    bind_tables()
    return list(RefundModel.by_payment.query(payment_id, scan_index_forward=False))


def transition(model: M, actions: list[Any], condition: Condition) -> M:
    """Apply `actions` only if `condition` holds; ConflictError otherwise. Returns the updated item."""
    bind_tables()
    try:
        _retrying_conflicts(lambda: model.update(actions=actions, condition=condition))
    except UpdateError as error:
        if _is_condition_failure(error):
            raise ConflictError(f"{type(model).__name__} not in the expected state") from error
        raise
    return model


# ---------------------------------------------------------------- transactions with an idempotency record


def _shared_connection() -> Connection:
    global _connection
    if _connection is None:
        _connection = Connection(region=getattr(MerchantModel.Meta, "region", None))
    return _connection


def write_transaction(
    build: Callable[[TransactWrite], None], idempotency_record: IdempotencyRecordModel | None
) -> None:
    """Write the items `build` adds, plus the idempotency record, all or nothing.

    Raises IdempotencyKeyTaken when a live record already holds the key, ConflictError when any other
    condition failed.
    """
    bind_tables()

    def attempt() -> None:
        with TransactWrite(connection=_shared_connection()) as transaction:
            build(transaction)
            if idempotency_record is not None:
                transaction.save(
                    idempotency_record,
                    condition=IdempotencyRecordModel.key.does_not_exist()
                    | (IdempotencyRecordModel.expires_at < int(time.time())),
                )

    try:
        _retrying_conflicts(attempt)
    except TransactWriteError as error:
        reasons = error.cancellation_reasons or []
        failed = [i for i, reason in enumerate(reasons) if reason and reason.code == "ConditionalCheckFailed"]
        if idempotency_record is not None and failed and failed[-1] == len(reasons) - 1:
            raise IdempotencyKeyTaken() from error
        if failed:
            raise ConflictError("a transaction condition failed") from error
        raise


def get_idempotency_record(key: str) -> IdempotencyRecordModel | None:
    record = _get(IdempotencyRecordModel, key)
    if record is not None and record.expires_at < time.time():
        return None  # expired; DynamoDB's TTL deletes it eventually
    return record


# ---------------------------------------------------------------- webhook logs


def get_webhook_log(log_id: str) -> WebhookLogModel | None:
    return _get(WebhookLogModel, log_id)


def put_webhook_log_if_absent(log: WebhookLogModel) -> bool:
    bind_tables()
    try:
        _retrying_conflicts(lambda: log.save(condition=WebhookLogModel.id.does_not_exist()))
    except PutError as error:
        if _is_condition_failure(error):
            return False
        raise
    return True


def page_webhook_logs(merchant_id: str, limit: int, offset: int) -> list[WebhookLogModel]:
    bind_tables()
    logs = WebhookLogModel.by_merchant.query(
        merchant_id, scan_index_forward=False, page_size=min(100, offset + limit)
    )
    page: list[WebhookLogModel] = []
    for position, log in enumerate(logs):
        if position >= offset + limit:
            break
        if position >= offset:
            page.append(log)
    return page


def count_webhook_logs(merchant_id: str) -> int:
    bind_tables()
    return WebhookLogModel.by_merchant.count(merchant_id)


# ---------------------------------------------------------------- job counters and heartbeat

JOBS_RECORD = "jobs"
HEARTBEAT_RECORD = "worker-heartbeat"
# Every settlement and delivery counts itself; spreading the counter over items keeps it far below
# DynamoDB's per-item write limit (about 1000 writes/s) at any payment rate.
JOBS_COUNTER_SHARDS = 10


def count_job(outcome: str) -> None:
    """Atomically add one to the `completed` or `failed` counter (on a random shard)."""
    bind_tables()
    attribute = SystemRecordModel.completed if outcome == "completed" else SystemRecordModel.failed
    shard = random.randrange(JOBS_COUNTER_SHARDS)  # load spreading, not security
    counter = SystemRecordModel(f"{JOBS_RECORD}#{shard}")
    _retrying_conflicts(lambda: counter.update(actions=[attribute.add(1)]))


def read_job_counters() -> tuple[int, int, float | None]:
    """(completed, failed, last heartbeat epoch seconds) in one BatchGetItem."""
    bind_tables()
    keys = [f"{JOBS_RECORD}#{shard}" for shard in range(JOBS_COUNTER_SHARDS)] + [HEARTBEAT_RECORD]
    completed = failed = 0
    heartbeat: float | None = None
    for record in SystemRecordModel.batch_get(keys):
        if record.name == HEARTBEAT_RECORD:
            heartbeat = float(record.heartbeat_at) if record.heartbeat_at is not None else None
        else:
            completed += int(record.completed or 0)
            failed += int(record.failed or 0)
    return completed, failed, heartbeat


def write_heartbeat(at: float) -> None:
    bind_tables()
    SystemRecordModel(HEARTBEAT_RECORD).update(actions=[SystemRecordModel.heartbeat_at.set(int(at))])


def ping() -> None:
    """A cheap keyed read that fails when the table store cannot be reached."""
    _get(SystemRecordModel, "health")
