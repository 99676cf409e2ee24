"""The work queues' messages: one type each, built by its sender and parsed by its receiver.

On the wire a message is a JSON object; here it is a frozen dataclass. `to_message` is the only place a
sender writes the wire names and `parse` the only place a receiver reads them, so code on either side
uses attributes, and a renamed attribute is a type error rather than a message dropped in production.
Messages already in a queue when this code changes must still parse: a wire name never changes, and a new
field is optional.

| queue    | message         | sent by                                        | parsed by                   |
|----------|-----------------|------------------------------------------------|-----------------------------|
| payments | `PaymentJob`    | the outbox (`services.dispatch`), the sweep    | `services.settlement`       |
| refunds  | `RefundJob`     | the outbox, the sweep                          | `services.settlement`       |
| webhooks | `DeliveryBatch` | `services.delivery.queue_first_attempts`       | `functions/deliver_webhook` |
| webhooks | `DeliveryJob`   | the retry schedule (`state_machines/`), sweep  | `functions/deliver_webhook` |
| webhooks | `RecoveryPage`  | `services.recovery`                            | `functions/deliver_webhook` |
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Self

from gateway.errors import PermanentDeliveryError

# One change raises at most two events (created and pending; success and order.paid): their first attempts
# travel in one message, which halves the queue requests and invocations of the happy path.
MAX_DELIVERIES_PER_MESSAGE = 2


def _present(fields: dict[str, Any]) -> dict[str, Any]:
    """The fields that have a value: an optional field that is absent is left out, not sent as null."""
    return {name: value for name, value in fields.items() if value is not None}


def _text(message: dict[str, Any], name: str) -> str | None:
    value = message.get(name)
    return value if isinstance(value, str) and value else None


def _integer(message: dict[str, Any], name: str) -> int | None:
    value = message.get(name)
    return value if isinstance(value, int) else None


@dataclass(frozen=True)
class BankJob:
    """Settle one pending payment or refund at the simulated bank: sent by the outbox when the resource is
    created, and again by the reconciliation sweep when it is still pending past its due time."""

    # The wire name of the id, which is also how a log line names the job's resource.
    ID_FIELD: ClassVar[str]

    subject_id: str
    # When the bank's delay ends (epoch milliseconds): SQS `DelaySeconds` covers the whole seconds and the
    # worker waits out the rest. A job the sweep puts back is late already and carries none.
    due_at_ms: int | None = None
    # The API request behind the job, for the logs (the batch transport reads it before parsing).
    request_id: str | None = None

    @property
    def subject(self) -> str:
        """What the job is about, as error messages name it: `payment`, `refund`."""
        return self.ID_FIELD.removesuffix("_id")

    def to_message(self) -> dict[str, Any]:
        return _present(
            {self.ID_FIELD: self.subject_id, "due_at_ms": self.due_at_ms, "request_id": self.request_id}
        )

    @classmethod
    def parse(cls, message: dict[str, Any]) -> Self:
        subject_id = _text(message, cls.ID_FIELD)
        if subject_id is None:
            raise PermanentDeliveryError(f"job has no {cls.ID_FIELD}")
        return cls(subject_id, _integer(message, "due_at_ms"), _text(message, "request_id"))


@dataclass(frozen=True)
class PaymentJob(BankJob):
    """Settle this pending payment (payments queue)."""

    ID_FIELD: ClassVar[str] = "payment_id"


@dataclass(frozen=True)
class RefundJob(BankJob):
    """Process this pending refund (refunds queue)."""

    ID_FIELD: ClassVar[str] = "refund_id"


@dataclass(frozen=True)
class DeliveryJob:
    """Make attempt `attempt` of round `round` of a webhook log. With a task token it was sent by the
    retry schedule, which waits for the answer; without one it is a first attempt or the sweep's."""

    log_id: str
    round: int
    attempt: int
    task_token: str | None = None

    def to_message(self) -> dict[str, Any]:
        return _present(
            {
                "log_id": self.log_id,
                "round": self.round,
                "attempt": self.attempt,
                "task_token": self.task_token,
            }
        )

    @classmethod
    def parse(cls, message: dict[str, Any]) -> DeliveryJob:
        log_id, round_, attempt = message.get("log_id"), message.get("round"), message.get("attempt", 1)
        if not isinstance(log_id, str) or not isinstance(round_, int) or not isinstance(attempt, int):
            raise PermanentDeliveryError("delivery message lacks log_id, round or attempt")
        return cls(log_id, round_, attempt, _text(message, "task_token"))


@dataclass(frozen=True)
class DeliveryBatch:
    """The first attempts of up to two logs, made one after the other. On the wire it is
    `{"deliveries": [...]}`; a bare `DeliveryJob` (the retry schedule's, the sweep's) parses as a batch
    of one."""

    jobs: tuple[DeliveryJob, ...]

    def to_message(self) -> dict[str, Any]:
        return {"deliveries": [job.to_message() for job in self.jobs]}

    @classmethod
    def parse(cls, message: dict[str, Any]) -> DeliveryBatch:
        jobs = message.get("deliveries", [message])
        if not isinstance(jobs, list) or not 0 < len(jobs) <= MAX_DELIVERIES_PER_MESSAGE:
            raise PermanentDeliveryError("deliveries is not a list of one or two attempts")
        if not all(isinstance(job, dict) for job in jobs):
            raise PermanentDeliveryError("a delivery is not an object")
        return cls(tuple(DeliveryJob.parse(job) for job in jobs))


@dataclass(frozen=True)
class RecoveryPage:
    """Resend the recoverable events of one index page of a recovery; `cursor` is where the page starts
    (None for the first), so a redelivered page message is recognised by a cursor that has moved on."""

    recovery_id: str
    cursor: str | None

    def to_message(self) -> dict[str, Any]:
        return {"recovery_id": self.recovery_id, "cursor": self.cursor}

    @classmethod
    def parse(cls, message: dict[str, Any]) -> RecoveryPage:
        recovery_id, cursor = _text(message, "recovery_id"), message.get("cursor")
        if recovery_id is None:
            raise PermanentDeliveryError("recovery message lacks recovery_id")
        if cursor is not None and not isinstance(cursor, str):
            raise PermanentDeliveryError("recovery message has a cursor that is not a string")
        return cls(recovery_id, cursor)


@dataclass(frozen=True)
class RetryStep:
    """The retry schedule's next step (the state machine's input, and a task's answer): wait
    `wait_seconds`, then send attempt `attempt` as a `DeliveryJob`, which
    `state_machines/webhook_retry.asl.json` builds from these fields and its task token."""

    log_id: str
    round: int
    attempt: int
    wait_seconds: int

    def to_message(self) -> dict[str, Any]:
        return {
            "outcome": "retry",
            "log_id": self.log_id,
            "round": self.round,
            "attempt": self.attempt,
            "wait_seconds": self.wait_seconds,
        }


def parse_webhooks_queue_message(message: dict[str, Any]) -> DeliveryBatch | RecoveryPage:
    """The webhooks queue carries delivery attempts and recovery pages; a page names its recovery."""
    if "recovery_id" in message:
        return RecoveryPage.parse(message)
    return DeliveryBatch.parse(message)
