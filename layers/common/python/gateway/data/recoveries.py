"""The recoveries table: one item per `POST /webhooks/recover`, with its paging cursor and progress."""

from __future__ import annotations

from pynamodb.expressions.update import Action

from gateway.data.dynamo import get_item, get_resource, insert_if_absent, put_if, update_if
from gateway.data.models import RecoveryModel, RecoveryStartsModel, RunningRecoveryModel
from gateway.domain.events import Recovery
from gateway.errors import ConflictError


def insert_recovery(recovery: Recovery) -> None:
    if not insert_if_absent(RecoveryModel, recovery):
        raise ConflictError("recovery id already taken")


def get_recovery(recovery_id: str) -> Recovery | None:
    return get_resource(RecoveryModel, recovery_id, Recovery)


def advance_page(recovery: Recovery, next_cursor: str | None, queued: int) -> bool:
    """Record one page as done: the cursor moves on and its deliveries are counted, once. False when this
    page was recorded before (a redelivered message), so the caller must not go on from it."""
    cursor_unchanged = (
        RecoveryModel.cursor.does_not_exist()
        if recovery.cursor is None
        else RecoveryModel.cursor == recovery.cursor
    )
    actions: list[Action] = [RecoveryModel.queued.add(queued)]
    if next_cursor is None:
        actions += [RecoveryModel.paging_done.set(True), RecoveryModel.cursor.set("done")]
    else:
        actions.append(RecoveryModel.cursor.set(next_cursor))
    try:
        update_if(
            RecoveryModel(recovery.id),
            actions,
            cursor_unchanged & (RecoveryModel.paging_done == False),  # noqa: E712 - a DynamoDB condition
        )
    except ConflictError:
        return False
    return True


def count_sent(recovery_id: str) -> None:
    """One more of the recovery's deliveries made its first attempt."""
    try:
        update_if(RecoveryModel(recovery_id), [RecoveryModel.sent.add(1)], RecoveryModel.id.exists())
    except ConflictError:
        return  # the recovery has expired (TTL)


def _running_name(merchant_id: str) -> str:
    return f"recovery-running#{merchant_id}"


def running_recovery_id(merchant_id: str) -> str | None:
    """The id of the recovery the merchant started last, None before its first."""
    item = get_item(RunningRecoveryModel, _running_name(merchant_id))
    return item.recovery_id if item is not None else None


def take_running_slot(merchant_id: str, recovery_id: str, previous: str | None, expires_at: int) -> bool:
    """Make `recovery_id` the merchant's running recovery, on condition that the slot still holds
    `previous` (as read, and found finished): False when a concurrent start took it first."""
    slot = RunningRecoveryModel(_running_name(merchant_id), recovery_id=recovery_id, expires_at=expires_at)
    unchanged = (
        RunningRecoveryModel.name.does_not_exist()
        if previous is None
        else RunningRecoveryModel.recovery_id == previous
    )
    return put_if(slot, unchanged)


def count_start(merchant_id: str, hour: int, limit: int) -> bool:
    """Count one more start in this hour, atomically; False (and nothing counted) once `limit` were."""
    counter = RecoveryStartsModel(f"recovery-starts#{merchant_id}#{hour}")
    try:
        update_if(
            counter,
            [RecoveryStartsModel.starts.add(1), RecoveryStartsModel.expires_at.set((hour + 1) * 3600)],
            RecoveryStartsModel.starts.does_not_exist() | (RecoveryStartsModel.starts < limit),
        )
    except ConflictError:
        return False
    return True
