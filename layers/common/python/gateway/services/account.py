"""A merchant's own account: who it is and its current key pair, its key pairs, rolling them, and its
dashboard password."""

from __future__ import annotations

from typing import Any

from gateway.data import credentials as credential_store
from gateway.domain import clock
from gateway.domain.accounts import (
    ApiKeyPair,
    masked_secret,
    new_api_key_pair,
    new_password,
    overlap_hours,
    token_hash,
)
from gateway.domain.resources import LoginAccount, Merchant
from gateway.domain.validation import require_object
from gateway.errors import AuthenticationError, BadRequestError, ConflictError
from gateway.services.auth import Credentials, hash_password
from gateway.services.login import password_guess_right
from gateway.services.merchants import authenticated_merchant
from gateway.services.results import ApiResult

ROLLED_MEANWHILE = "The keys were rolled or the account changed meanwhile; reload and try again"


def account_view(credentials: Credentials) -> dict[str, Any]:
    """The merchant and its current key pair (the dashboard shows them; it keeps only its session)."""
    merchant = authenticated_merchant(credentials)
    return {
        "id": merchant.id,
        "name": merchant.name,
        "email": merchant.email,
        "api_key": merchant.api_key,
        "api_secret": merchant.api_secret,
    }


def _working_pairs(merchant: Merchant) -> list[ApiKeyPair]:
    """The merchant's pairs that still work, newest first (expired ones stay listed on the merchant until
    its next roll: a read never writes)."""
    now = clock.epoch_now()
    pairs = credential_store.get_key_pairs(sorted(merchant.api_keys or {merchant.api_key}))
    return sorted((p for p in pairs if p.usable_at(now)), key=lambda p: p.created_at, reverse=True)


def list_key_pairs(credentials: Credentials) -> dict[str, Any]:
    """Pairs that still work, newest first, secrets masked."""
    merchant = authenticated_merchant(credentials)
    live = _working_pairs(merchant)
    return {"data": [_key_pair_view(p, current=p.api_key == merchant.api_key) for p in live]}


def _key_pair_view(pair: ApiKeyPair, current: bool) -> dict[str, Any]:
    return {
        "api_key": pair.api_key,
        "api_secret": masked_secret(pair.api_secret),
        "current": current,
        "created_at": pair.created_at,
        "expires_at": clock.iso(clock.datetime_at(pair.expires_at)) if pair.expires_at is not None else None,
        "last_used_at": pair.last_used_at,
    }


def roll_key_pair(credentials: Credentials, body: Any) -> ApiResult:
    """A new current pair; the previous one keeps working for `expire_previous_in_hours` (0 = now)."""
    merchant = authenticated_merchant(credentials)
    hours = overlap_hours(require_object(body))
    api_key, api_secret = new_api_key_pair()
    now = clock.epoch_now()
    new = ApiKeyPair(merchant.id, api_key, api_secret, clock.now_iso())
    kept = {pair.api_key for pair in _working_pairs(merchant)}
    try:
        credential_store.roll_key_pair(new, merchant.api_key, int(now) + hours * 3600, kept, new.created_at)
    except ConflictError:
        raise BadRequestError(ROLLED_MEANWHILE) from None
    view = _key_pair_view(new, current=True)
    return ApiResult(201, {**view, "api_secret": api_secret})


def change_password(credentials: Credentials, body: Any, source_ip: str) -> dict[str, Any]:
    """A new dashboard password; every other session ends (the caller's own stays open). The current
    password is a guess like a login's, under the same limits: a stolen session cannot try passwords
    faster here than on the login form."""
    merchant = authenticated_merchant(credentials)
    body = require_object(body)
    current = body.get("current_password")
    if not isinstance(current, str) or len(current) > 1024:
        raise BadRequestError("current_password is required", field="current_password")
    password = new_password(body.get("new_password"), "new_password")
    account = LoginAccount(
        merchant.id,
        merchant.name,
        merchant.email,
        merchant.api_key,
        merchant.api_secret,
        merchant.password_hash,
        merchant.is_active,
    )
    if not password_guess_right(account, merchant.email, current, source_ip):
        raise BadRequestError("current_password is not this account's password", field="current_password")
    own_session = token_hash(credentials.session_token) if credentials.session_token else None
    try:
        credential_store.change_password(
            merchant.id, hash_password(password), merchant.session_generation, own_session, clock.now_iso()
        )
    except ConflictError:
        # Another change (or a deactivation) came first: this session has ended with it.
        raise AuthenticationError() from None
    return {"password_changed": True}
