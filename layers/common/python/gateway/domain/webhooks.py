"""Webhook events: envelopes, signatures and the retry schedule."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

PAYMENT_CREATED = "payment.created"
PAYMENT_PENDING = "payment.pending"
PAYMENT_SUCCESS = "payment.success"
PAYMENT_FAILED = "payment.failed"
PAYMENT_CAPTURED = "payment.captured"
REFUND_CREATED = "refund.created"
REFUND_PROCESSED = "refund.processed"
ORDER_PAID = "order.paid"
PAYMENT_LINK_PAID = "payment_link.paid"
WEBHOOK_TEST = "webhook.test"
EVENT_TYPES = (
    PAYMENT_CREATED,
    PAYMENT_PENDING,
    PAYMENT_SUCCESS,
    PAYMENT_FAILED,
    PAYMENT_CAPTURED,
    REFUND_CREATED,
    REFUND_PROCESSED,
    ORDER_PAID,
    PAYMENT_LINK_PAID,
    WEBHOOK_TEST,
)

MAX_ATTEMPTS = 5
RESPONSE_BODY_LIMIT = 1000
SECRET_PREFIX = "whsec_"  # noqa: S105 - a format marker, not a secret


@dataclass(frozen=True)
class WebhookRetrySchedule:
    """Delay before attempt 2..5: production 1 min, 5 min, 30 min, 2 h; test mode 5, 10, 15, 20 s."""

    test_intervals: bool

    @property
    def delays_seconds(self) -> tuple[int, ...]:
        return (5, 10, 15, 20) if self.test_intervals else (60, 300, 1800, 7200)

    def delay_before(self, attempt: int) -> int:
        """Seconds to wait before attempt number `attempt` (2..MAX_ATTEMPTS)."""
        if not 2 <= attempt <= MAX_ATTEMPTS:
            raise ValueError(f"attempt {attempt} is outside 2..{MAX_ATTEMPTS}")
        return self.delays_seconds[attempt - 2]

    def steered_delay_before(self, attempt: int, retry_after_seconds: int | None) -> int:
        """The delay before `attempt`, pushed back to the receiver's `Retry-After` when it asked for longer,
        but never beyond the schedule's longest delay (a receiver cannot park a delivery indefinitely)."""
        delay = self.delay_before(attempt)
        if retry_after_seconds is None:
            return delay
        return max(delay, min(retry_after_seconds, max(self.delays_seconds)))


def retry_schedule_name(log_id: str, round_: int) -> str:
    """The retry schedule's execution name: one per log and round, so a redelivered message (or the
    reconciliation sweep) can never start a second one."""
    return f"{log_id}-{round_}"


def serialize_envelope(event: str, timestamp: int, data: dict[str, Any]) -> str:
    """Compact JSON, key order kept, non-ASCII raw: the exact text that is signed and sent."""
    return json.dumps(
        {"event": event, "timestamp": timestamp, "data": data}, separators=(",", ":"), ensure_ascii=False
    )


def hex_signature(secret: str, body: bytes) -> str:
    """`X-Webhook-Signature`: lowercase hex HMAC-SHA256 of the body, keyed by the secret string itself."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def standard_webhooks_key(secret: str) -> bytes | None:
    """The signing key of a `whsec_<base64>` secret, or None when the secret is not of that form."""
    if not secret.startswith(SECRET_PREFIX):
        return None
    try:
        key = base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        return None
    return key or None


def standard_webhooks_signature(key: bytes, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def signature_headers(secrets: list[str], message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """Headers for one attempt. `secrets` is newest first; during rotation the older one signs too."""
    headers = {
        "Content-Type": "application/json",
        "X-Webhook-Signature": hex_signature(secrets[0], body),
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
    }
    standard = [
        standard_webhooks_signature(key, message_id, timestamp, body)
        for key in (standard_webhooks_key(secret) for secret in secrets)
        if key is not None
    ]
    if standard:
        headers["webhook-signature"] = " ".join(standard)
    return headers


def is_success_status(status_code: int) -> bool:
    return 200 <= status_code < 300


# 410 Gone tells us the receiver has removed the endpoint: retrying cannot help.
GONE_STATUS = 410
# Standard Webhooks: a receiver answering these with `Retry-After` is asking for a later next attempt.
STEERING_STATUSES = frozenset({429, 503})
# Header values that would let someone forge a delivery are not shown back in the attempt history.
_SIGNATURE_HEADERS = frozenset({"x-webhook-signature", "webhook-signature"})
REDACTED = "[redacted]"


def retry_after_seconds(status_code: int | None, header: str | None, now: datetime) -> int | None:
    """Seconds the receiver asked to wait (delta-seconds or an HTTP date), for 429 and 503 only."""
    if status_code not in STEERING_STATUSES or not header:
        return None
    value = header.strip()
    if value.isascii() and value.isdigit():
        return int(value[:9])
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        return None
    return max(0, int((moment - now).total_seconds() + 0.999))


def headers_without_secrets(headers: dict[str, str]) -> dict[str, str]:
    return {
        name: REDACTED if name.lower() in _SIGNATURE_HEADERS else value for name, value in headers.items()
    }


def truncate_response(text: str) -> str:
    return text[:RESPONSE_BODY_LIMIT]
