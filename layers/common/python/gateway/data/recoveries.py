"""The recoveries table: one item per `POST /webhooks/recover`, with its paging cursor and progress."""

from __future__ import annotations

from pynamodb.expressions.update import Action

from gateway.data.dynamo import get_resource, insert_if_absent, update_if
from gateway.data.models import RecoveryModel
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
