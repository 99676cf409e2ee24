"""Resource identifiers, drawn from a CSPRNG (event ids excepted: derived from what they record)."""

from __future__ import annotations

import hashlib
import secrets
import string
import uuid

_ALPHABET = string.ascii_letters + string.digits
ID_BODY_LENGTH = 16

ORDER_PREFIX = "order_"
PAYMENT_PREFIX = "pay_"
REFUND_PREFIX = "rfnd_"
EVENT_PREFIX = "evt_"
RECOVERY_PREFIX = "rcv_"
PAYMENT_LINK_PREFIX = "plink_"

# Webhook log ids are derived from the event they carry, so a redelivered stream record maps to the same log.
_WEBHOOK_NAMESPACE = uuid.UUID("7b0c2f3e-9a51-4c4e-8d0a-2f7f6f0c1d11")


def new_id(prefix: str) -> str:
    return prefix + "".join(secrets.choice(_ALPHABET) for _ in range(ID_BODY_LENGTH))


def new_order_id() -> str:
    return new_id(ORDER_PREFIX)


def new_payment_id() -> str:
    return new_id(PAYMENT_PREFIX)


def new_refund_id() -> str:
    return new_id(REFUND_PREFIX)


def new_payment_link_id() -> str:
    return new_id(PAYMENT_LINK_PREFIX)


def new_uuid() -> str:
    return str(uuid.UUID(bytes=secrets.token_bytes(16), version=4))


def webhook_log_id(merchant_id: str, occurrence: str) -> str:
    """Deterministic id of the log for one occurrence of an event (e.g. `pay_x:payment.success`)."""
    return str(uuid.uuid5(_WEBHOOK_NAMESPACE, f"{merchant_id}:{occurrence}"))


def new_event_id() -> str:
    return new_id(EVENT_PREFIX)


def new_recovery_id() -> str:
    return new_id(RECOVERY_PREFIX)


def occurrence(resource_id: str, event_type: str) -> str:
    """What one event records: `event_type` happening to `resource_id` (e.g. `pay_x:payment.success`).
    Its event and first webhook log take their ids from it, so a resource's events can be read by key."""
    return f"{resource_id}:{event_type}"


def event_id(merchant_id: str, occurrence: str) -> str:
    """Deterministic id of one occurrence of an event, so a redelivered stream record maps to the same
    event: SHA-256 of the occurrence read as a number in base 62 (62^16 ids, collisions negligible)."""
    number = int.from_bytes(hashlib.sha256(f"{merchant_id}:{occurrence}".encode()).digest(), "big")
    body = []
    for _ in range(ID_BODY_LENGTH):
        number, digit = divmod(number, len(_ALPHABET))
        body.append(_ALPHABET[digit])
    return EVENT_PREFIX + "".join(body)


def resend_log_id(event: str, generation: int) -> str:
    """The webhook log of an event's `generation`-th delivery (the first is the event's own log). Every
    recovery that finds the event with the same deliveries derives the same id, so concurrent or repeated
    recoveries send it once more, not once more each."""
    return str(uuid.uuid5(_WEBHOOK_NAMESPACE, f"{event}:resend:{generation}"))


def has_prefix_format(value: str, prefix: str) -> bool:
    body = value[len(prefix) :]
    return value.startswith(prefix) and len(body) == ID_BODY_LENGTH and all(c in _ALPHABET for c in body)
