"""Merchant accounts: API key pairs, dashboard sessions and one-time password links, and their rules."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from gateway.errors import BadRequestError

SESSION_SECONDS = 12 * 60 * 60
PASSWORD_LINK_SECONDS = 24 * 60 * 60
MAX_OVERLAP_HOURS = 168
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024
# A key's "last used" is written at most this often, so authentication stays one read per request.
LAST_USED_RESOLUTION_SECONDS = 60

SESSION_TOKEN_PREFIX = "sess_"  # noqa: S105 - a prefix, not a secret
PASSWORD_TOKEN_PREFIX = "pwt_"  # noqa: S105 - a prefix, not a secret


@dataclass(frozen=True)
class ApiKeyPair:
    merchant_id: str
    api_key: str
    api_secret: str
    created_at: str
    active: bool = True
    # Epoch seconds; None while the pair is the merchant's current one.
    expires_at: int | None = None
    last_used_at: str | None = None

    def usable_at(self, now: float) -> bool:
        return self.active and (self.expires_at is None or now < self.expires_at)


@dataclass(frozen=True)
class Session:
    token_hash: str
    merchant_id: str
    created_at: str
    expires_at: int
    generation: int


@dataclass(frozen=True)
class PasswordLink:
    token_hash: str
    merchant_id: str
    created_at: str
    expires_at: int
    used: bool = False


def new_api_key_pair() -> tuple[str, str]:
    return "key_" + secrets.token_hex(12), "secret_" + secrets.token_hex(16)


def new_token(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """Tokens are stored only as this hash: a copy of the table opens no session."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def masked_secret(secret: str) -> str:
    return secret[: secret.find("_") + 1] + "\u2022" * 8 + secret[-4:]


def overlap_hours(body: dict[str, Any]) -> int:
    hours = body.get("expire_previous_in_hours", 24)
    if isinstance(hours, bool) or not isinstance(hours, int) or not 0 <= hours <= MAX_OVERLAP_HOURS:
        raise BadRequestError(
            "expire_previous_in_hours must be an integer from 0 to 168", field="expire_previous_in_hours"
        )
    return hours


def new_password(value: Any, field: str) -> str:
    if not isinstance(value, str) or not MIN_PASSWORD_LENGTH <= len(value) <= MAX_PASSWORD_LENGTH:
        raise BadRequestError(f"{field} must be 10 to 1024 characters", field=field)
    return value
