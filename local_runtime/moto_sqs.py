"""moto's SQS queues without scans: send, receive, delete, visibility changes and delayed messages falling
due cost the same with 10 or 10,000 messages queued.

moto 5.2.5 keeps a queue's messages in one list and answers each call by walking it, re-reading the
clock per message: `Queue.messages` (the visible ones) is a list comprehension; SendMessage reads
`queue.attributes` to learn ContentBasedDeduplication, and that property counts visible, delayed and
in-flight messages (three walks); ReceiveMessage walks the visible list and, for each message it
returns, reads the retention period through `get_queue_attributes` (three more walks); DeleteMessage and
ChangeMessageVisibility find a receipt handle by walking every message's handles, and delete rebuilds
the list. Measured in process: send 26 ms and a one-message receive 73 ms with 1,000 messages queued.
The local stack's queues are long exactly when it matters (bank jobs wait out their delay in the
payments queue, retries and backlogs in the webhooks queue).

Here `Queue._messages` is a `MessageIndex`: still a list in send order to every moto line that reads
it, and beside it the messages by receipt handle (every handle each was given, as moto accepts old
ones), those visible now in order, and the rest in a heap by the moment they fall due. Each patch below
says which moto code it replaces. Standard queues only: a FIFO queue's group ordering is what moto's
walk gives, so FIFO queues keep moto's code (the stack has none).
"""

from __future__ import annotations

import functools
import heapq
import itertools
from collections.abc import Callable, Iterable, Iterator
from copy import deepcopy
from typing import Any

_MARK = "patched_by_local_runtime"


def _now_ms() -> float:
    from moto.core.utils import unix_time_millis

    return float(unix_time_millis())


def _ready(message: Any, now: float) -> bool:
    # moto's `Message.visible` is now > visible_at and `Message.delayed` is now < delayed_until.
    return bool(now > message.visible_at and now >= message.delayed_until)


class MessageIndex:
    """A queue's messages in send order (what moto's list held), indexed so no call walks them all."""

    def __init__(self, messages: Iterable[Any] = ()) -> None:
        self._all: dict[str, Any] = {}  # message id -> message, in send order
        self._handles: dict[str, Any] = {}  # every receipt handle ever given -> its message
        self._visible: dict[str, Any] = {}  # visible and not delayed, as of the last `_promote`
        self._due: list[tuple[float, int, Any]] = []  # (falls due at, entry, message), a heap
        self._entry: dict[str, int] = {}  # message id -> its one current heap entry; others are stale
        self._delayed: set[str] = set()  # waiting ids never received yet (moto's "delayed")
        self._entries = itertools.count()
        for message in messages:
            self.append(message)

    # ------------------------------------------------------------------ the list moto sees
    def __iter__(self) -> Iterator[Any]:
        return iter(list(self._all.values()))

    def __len__(self) -> int:
        return len(self._all)

    def __bool__(self) -> bool:
        return bool(self._all)

    def __contains__(self, message: Any) -> bool:
        return self._all.get(message.id) is message

    def append(self, message: Any) -> None:
        self._all[message.id] = message
        self._index_handles(message)
        self._place(message, _now_ms())

    def remove(self, message: Any) -> None:
        if message not in self:
            raise ValueError("message not in queue")
        del self._all[message.id]
        self._visible.pop(message.id, None)
        self._entry.pop(message.id, None)
        self._delayed.discard(message.id)
        for handle in message.all_receipt_handles:
            if handle is not None and self._handles.get(handle) is message:
                del self._handles[handle]

    # ------------------------------------------------------------------ the indexes
    def _index_handles(self, message: Any) -> None:
        for handle in message.all_receipt_handles:
            if handle is not None:
                self._handles[handle] = message

    def _place(self, message: Any, now: float) -> None:
        self._visible.pop(message.id, None)
        self._entry.pop(message.id, None)
        self._delayed.discard(message.id)
        if _ready(message, now):
            self._visible[message.id] = message
            return
        entry = next(self._entries)
        self._entry[message.id] = entry
        if now < message.delayed_until:
            self._delayed.add(message.id)
        heapq.heappush(self._due, (max(message.visible_at, message.delayed_until), entry, message))

    def _promote(self, now: float) -> None:
        """Moves every message due by `now` from the heap to the visible ones."""
        while self._due and self._due[0][0] < now:
            _, entry, message = heapq.heappop(self._due)
            if self._entry.get(message.id) == entry:
                self._place(message, now)

    def changed(self, message: Any) -> None:
        """A message was received or its visibility changed: new handle, new due time."""
        if message in self:
            self._index_handles(message)
            self._place(message, _now_ms())

    def by_handle(self, receipt_handle: str) -> Any | None:
        return self._handles.get(receipt_handle)

    def visible(self, now: float | None = None) -> Iterator[Any]:
        """The visible messages in the order they became visible (send order for undelayed ones)."""
        self._promote(_now_ms() if now is None else now)
        return iter(self._visible.values())

    def has_visible(self) -> bool:
        self._promote(_now_ms())
        return bool(self._visible)

    def next_due(self) -> float | None:
        while self._due and self._entry.get(self._due[0][2].id) != self._due[0][1]:
            heapq.heappop(self._due)  # stale entries of deleted or re-placed messages
        return self._due[0][0] if self._due else None

    def counts(self) -> tuple[int, int, int]:
        """(visible, in flight, delayed), as moto's approximate_number_of_messages* properties count."""
        self._promote(_now_ms())
        waiting = len(self._entry)
        return len(self._visible), waiting - len(self._delayed), len(self._delayed)


# ---------------------------------------------------------------------- the patches
def _messages_property() -> property:
    """moto: `self._messages: list[Message]`, a list every call walks. Here: a `MessageIndex`; assigning a
    list (PurgeQueue assigns []) builds a new index from it."""

    def get(self: Any) -> MessageIndex:
        index = self.__dict__.get("_message_index")
        if index is None:  # a queue made before the patch: index the list it has
            index = self.__dict__["_message_index"] = MessageIndex(self.__dict__.pop("_messages", []))
        return index

    def put(self: Any, messages: Iterable[Any]) -> None:
        self.__dict__["_message_index"] = (
            messages if isinstance(messages, MessageIndex) else MessageIndex(messages)
        )

    return property(get, put)


def _visible_messages(original: property) -> property:
    """moto: `[m for m in self._messages if m.visible and not m.delayed]`. Here: the index's visible ones."""

    def get(self: Any) -> list[Any]:
        if self.fifo_queue:
            return original.__get__(self, type(self))
        return list(self._messages.visible())

    return property(get)


def _counted(original: property, position: int) -> property:
    """moto: a walk per count (`len([m for m in self._messages if m.delayed])`...), and `attributes`
    (read by every SendMessage) makes three. Here: counts the index keeps."""

    def get(self: Any) -> int:
        if self.fifo_queue:
            return original.__get__(self, type(self))
        return self._messages.counts()[position]

    return property(get)


def _delete_by_handle(original: Callable[..., Any]) -> Callable[..., Any]:
    """moto: `any(m.had_receipt_handle(h) for m in self._messages)` and then a rebuilt list. Here: the
    handle's message from the index, removed from it."""

    @functools.wraps(original)
    def run(self: Any, receipt_handle: str) -> None:
        if self.fifo_queue:
            return original(self, receipt_handle)
        from moto.sqs.exceptions import ReceiptHandleIsInvalid

        with self._messages_lock:
            if receipt_handle in self.deleted_messages:
                return None  # already deleted: moto accepts a second delete
            message = self._messages.by_handle(receipt_handle)
            if message is None:
                raise ReceiptHandleIsInvalid()
            self.pending_messages.discard(message)
            self.deleted_messages.update(h for h in message.all_receipt_handles if h is not None)
            self._messages.remove(message)
        return None

    setattr(run, _MARK, True)
    return run


def _wait_until_visible_or_due(original: Callable[..., Any]) -> Callable[..., Any]:
    """moto's long poll re-checks the queue once a second (`wait_for(lambda: self.messages, 1)`), a walk
    each time, so a delayed or invisible message was received up to a second after it fell due. Here the
    wait ends when a message is sent or when the earliest waiting one falls due."""

    @functools.wraps(original)
    def run(self: Any, timeout: float) -> None:
        if self.fifo_queue:
            return original(self, timeout)
        with self._messages_lock:
            due = self._messages.next_due()
            if due is not None:
                timeout = max(0.0, min(timeout, (due - _now_ms()) / 1000 + 0.002))
            self._messages_lock.wait_for(self._messages.has_visible, timeout=timeout)
        return None

    setattr(run, _MARK, True)
    return run


def _receive_visible(original: Callable[..., Any]) -> Callable[..., Any]:
    """moto: walks `queue.messages` (itself a walk), then per message returned reads the retention period
    through `get_queue_attributes` (three walks). Here: the first visible messages of the index, in the
    same steps otherwise (mark received, copy, filter attributes, redrive to the dead-letter queue)."""

    @functools.wraps(original)
    def run(
        self: Any,
        queue_name: str,
        count: int,
        wait_seconds_timeout: int,
        visibility_timeout: int,
        message_attribute_names: list[str] | None = None,
    ) -> list[Any]:
        queue = self.get_queue(queue_name)
        if queue.fifo_queue:
            return original(
                self, queue_name, count, wait_seconds_timeout, visibility_timeout, message_attribute_names
            )
        from moto.core.utils import unix_time

        polling_end = unix_time() + wait_seconds_timeout
        while True:
            with queue._messages_lock:
                result = _take(self, queue, count, visibility_timeout, message_attribute_names or [])
            if result or not wait_seconds_timeout or unix_time() > polling_end:
                return result
            queue.wait_for_messages(min(1.0, max(0.0, polling_end - unix_time())))

    setattr(run, _MARK, True)
    return run


def _take(
    backend: Any, queue: Any, count: int, visibility_timeout: int, attribute_names: list[str]
) -> list[Any]:
    from moto.sqs.models import _filter_message_attributes

    index: MessageIndex = queue._messages
    chosen, to_dead_letters = [], []
    redrive = queue.redrive_policy if queue.dead_letter_queue is not None else None
    for message in index.visible():
        if redrive and message.approximate_receive_count >= redrive["maxReceiveCount"]:
            to_dead_letters.append(message)
            continue
        chosen.append(message)
        if len(chosen) >= count:
            break
    result = []
    for message in chosen:
        queue.pending_messages.add(message)
        message.mark_received(visibility_timeout=visibility_timeout)
        index.changed(message)
        copy = deepcopy(message)  # as moto: filtering attributes must not change the stored message
        _filter_message_attributes(copy, attribute_names)
        if not backend.is_message_valid_based_on_retention_period(queue.name, message):
            break
        result.append(copy)
    for message in to_dead_letters:
        index.remove(message)
        queue.dead_letter_queue.add_message(message)
    return result


def _change_visibility_by_handle(original: Callable[..., Any]) -> Callable[..., Any]:
    """moto: walks the queue's messages for the one that had the handle. Here: the index's lookup; the
    checks and the change are moto's."""

    @functools.wraps(original)
    def run(self: Any, queue_name: str, receipt_handle: str, visibility_timeout: int) -> None:
        queue = self.get_queue(queue_name)
        if queue.fifo_queue:
            return original(self, queue_name, receipt_handle, visibility_timeout)
        from moto.sqs.exceptions import InvalidParameterValue, ReceiptHandleIsInvalid

        with queue._messages_lock:
            message = queue._messages.by_handle(receipt_handle)
            if message is None:
                raise ReceiptHandleIsInvalid
            if _now_ms() + int(visibility_timeout) * 1000 - message.sent_timestamp > 43200 * 1000:
                raise InvalidParameterValue(
                    f"Value {visibility_timeout} for parameter VisibilityTimeout is invalid. Reason: Total "
                    "VisibilityTimeout for the message is beyond the limit [43200 seconds]"
                )
            message.change_visibility(visibility_timeout)
            queue._messages.changed(message)
            if message.visible and message in queue.pending_messages:
                queue.pending_messages.remove(message)
            queue._messages_lock.notify_all()  # a message made visible again ends a long poll
        return None

    setattr(run, _MARK, True)
    return run


def _retention_from_attribute(original: Callable[..., Any]) -> Callable[..., Any]:
    """moto reads the retention period through `get_queue_attributes`, which builds every attribute
    (three walks to count messages); here it is read from the queue."""

    @functools.wraps(original)
    def run(self: Any, queue_name: str, message: Any) -> bool:
        from moto.core.utils import unix_time

        retention = int(self.get_queue(queue_name).message_retention_period)
        return bool(retention + message.sent_timestamp / 1000 > unix_time())

    setattr(run, _MARK, True)
    return run


def patch_sqs() -> None:
    """Applies the patches above to moto's SQS models (idempotent)."""
    from moto.sqs.models import Queue, SQSBackend

    if isinstance(Queue.__dict__.get("_messages"), property):
        return
    counts = (
        "approximate_number_of_messages",
        "approximate_number_of_messages_not_visible",
        "approximate_number_of_messages_delayed",
    )
    properties = {
        "_messages": _messages_property(),
        "messages": _visible_messages(Queue.__dict__["messages"]),
        **{name: _counted(Queue.__dict__[name], position) for position, name in enumerate(counts)},
    }
    for name, value in properties.items():
        setattr(Queue, name, value)
    for cls, name, wrap in (
        (Queue, "delete_message", _delete_by_handle),
        (Queue, "wait_for_messages", _wait_until_visible_or_due),
        (SQSBackend, "receive_message", _receive_visible),
        (SQSBackend, "change_message_visibility", _change_visibility_by_handle),
        (SQSBackend, "is_message_valid_based_on_retention_period", _retention_from_attribute),
    ):
        setattr(cls, name, wrap(getattr(cls, name)))
