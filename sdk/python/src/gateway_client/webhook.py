"""Verifying (and, for the CLI, signing) the gateway's webhook deliveries.

The gateway signs each delivery twice (docs/behaviour.md, "Webhooks"):
- Standard Webhooks: `webhook-id`, `webhook-timestamp` and `webhook-signature`, a space-separated list of
  `v1,<base64 HMAC-SHA256>` over `<id>.<timestamp>.<body>`, keyed by the base64-decoded part of a
  `whsec_<base64>` secret; during a secret rotation the old and the new secret both sign.
- `X-Webhook-Signature`: lowercase hex HMAC-SHA256 of the body keyed by the whole secret string.
When `webhook-signature` is present the Standard Webhooks headers decide, since they bind the id and the
time and so stop replays; the hex header counts only when it is absent, which the gateway does only for
secrets not of the `whsec_<base64>` form (the seeded test merchant's `whsec_test_abc123`, for one).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from collections.abc import Mapping, Sequence
from typing import Any, Callable

from gateway_client.errors import SignatureVerificationError

DEFAULT_TOLERANCE_SECONDS = 300
SECRET_PREFIX = "whsec_"  # noqa: S105 - a format marker, not a secret
STANDARD_HEADERS = ("webhook-id", "webhook-timestamp", "webhook-signature")


class Webhook:
    """`Webhook(secret)` or, while rotating, `Webhook([new_secret, old_secret])`."""

    def __init__(
        self,
        secret_or_secrets: str | Sequence[str],
        *,
        tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        secrets = [secret_or_secrets] if isinstance(secret_or_secrets, str) else list(secret_or_secrets)
        if not secrets or not all(isinstance(secret, str) and secret for secret in secrets):
            raise ValueError("give at least one webhook secret (a non-empty string)")
        self.secrets = secrets
        self.tolerance_seconds = tolerance_seconds
        self._clock = clock
        self._keys = [key for key in (standard_webhooks_key(secret) for secret in secrets) if key is not None]

    def verify(self, body: bytes | str, headers: Mapping[str, str]) -> dict[str, Any]:
        """The delivered event (`{"event", "timestamp", "data"}`) once its signature checks out.

        Pass the raw request body, before any JSON parsing: the signature is over those exact bytes.
        Raises `SignatureVerificationError` for an unsigned, tampered, stale or foreign delivery.
        """
        raw = body.encode() if isinstance(body, str) else bytes(body)
        lowered = {name.lower(): value for name, value in headers.items()}
        if "webhook-signature" in lowered:
            self._verify_standard(raw, lowered)
        elif "x-webhook-signature" in lowered:
            self._verify_hex(raw, lowered["x-webhook-signature"])
        else:
            raise SignatureVerificationError("no webhook signature headers")
        try:
            event = json.loads(raw)
        except ValueError:
            raise SignatureVerificationError("the signed body is not JSON") from None
        if not isinstance(event, dict):
            raise SignatureVerificationError("the signed body is not a JSON object")
        return event

    def sign(self, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
        """The headers the gateway would send with `body` (Standard Webhooks headers when the first
        secret is a `whsec_<base64>` one, and always the hex header)."""
        headers = {
            "Content-Type": "application/json",
            "X-Webhook-Signature": hex_signature(self.secrets[0], body),
            "webhook-id": message_id,
            "webhook-timestamp": str(timestamp),
        }
        if self._keys:
            headers["webhook-signature"] = " ".join(
                standard_signature(key, message_id, timestamp, body) for key in self._keys
            )
        return headers

    def _verify_standard(self, body: bytes, headers: dict[str, str]) -> None:
        missing = [name for name in STANDARD_HEADERS if not headers.get(name)]
        if missing:
            raise SignatureVerificationError(f"missing header(s): {', '.join(missing)}")
        if not self._keys:
            raise SignatureVerificationError("none of the secrets is a whsec_<base64> signing secret")
        try:
            timestamp = int(headers["webhook-timestamp"])
        except ValueError:
            raise SignatureVerificationError("webhook-timestamp is not an integer") from None
        drift = self._clock() - timestamp
        if drift > self.tolerance_seconds:
            raise SignatureVerificationError("message timestamp too old")
        if drift < -self.tolerance_seconds:
            raise SignatureVerificationError("message timestamp too new")
        offered = _offered_signatures(headers["webhook-signature"])
        for key in self._keys:
            expected = standard_signature(key, headers["webhook-id"], timestamp, body)
            if any(hmac.compare_digest(expected.encode(), candidate.encode()) for candidate in offered):
                return
        raise SignatureVerificationError("no matching signature")

    def _verify_hex(self, body: bytes, offered: str) -> None:
        # The gateway signs every delivery for a `whsec_<base64>` secret the Standard way too, so for such
        # a secret a missing `webhook-signature` means it was stripped: no falling back to the weaker hex.
        hex_only = [secret for secret in self.secrets if standard_webhooks_key(secret) is None]
        if not hex_only:
            raise SignatureVerificationError("missing header(s): webhook-signature")
        candidate = offered.strip().lower().encode()
        expected = (hex_signature(secret, body).encode() for secret in hex_only)
        if any(hmac.compare_digest(signature, candidate) for signature in expected):
            return
        raise SignatureVerificationError("no matching signature")


def standard_webhooks_key(secret: str) -> bytes | None:
    """The HMAC key of a `whsec_<base64>` secret; None for a secret of another form."""
    if not secret.startswith(SECRET_PREFIX):
        return None
    try:
        key = base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        return None
    return key or None


def standard_signature(key: bytes, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def hex_signature(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _offered_signatures(header: str) -> list[str]:
    """The `v1,` entries of a `webhook-signature` header (other versions are ignored)."""
    return [entry for entry in header.split() if entry.startswith("v1,")]
