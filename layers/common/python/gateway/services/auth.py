"""Merchant authentication: an API key pair (`X-Api-Key` / `X-Api-Secret`) or a dashboard session
(`Authorization: Bearer <token>`), and password hashing for dashboard logins."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol, TypeVar

from gateway.data import credentials as credential_store
from gateway.data.dynamo import read_concurrently
from gateway.data.merchants import get_merchant
from gateway.domain import clock
from gateway.domain.accounts import LAST_USED_RESOLUTION_SECONDS, token_hash
from gateway.domain.resources import ApiKeyOwner, Merchant
from gateway.errors import AuthenticationError, NotFoundError
from gateway.services.idempotency import IdempotentRequest
from gateway.services.results import ApiResult
from gateway.telemetry.logs import bind_merchant_id

# N=2^17 (128 MiB, OWASP's recommended minimum for scrypt); stored hashes carry their own parameters.
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**17, 8, 1
_SCRYPT_MAXMEM = 256 * 1024 * 1024
_DUMMY_SALT = bytes(16)
# Compared against when the key is unknown, so a miss takes as long as a wrong secret.
_DUMMY_SECRET = "secret_" + "x" * 24


_BEARER = "bearer "


@dataclass(frozen=True)
class Credentials:
    """An API key pair, or (with `session_token`) a dashboard session."""

    api_key: str = ""
    api_secret: str = ""
    session_token: str | None = None

    @classmethod
    def from_headers(
        cls, api_key: str | None, api_secret: str | None, authorization: str | None = None
    ) -> Credentials:
        if api_key and api_secret:
            return cls(api_key=api_key, api_secret=api_secret)
        if authorization and authorization[: len(_BEARER)].lower() == _BEARER:
            token = authorization[len(_BEARER) :].strip()
            if token:
                return cls(session_token=token)
        raise AuthenticationError()

    @property
    def scope(self) -> str:
        """Where this caller's idempotency keys live (the key, or the session)."""
        if self.session_token is not None:
            return "session:" + token_hash(self.session_token)
        return self.api_key


def find_owner(credentials: Credentials) -> ApiKeyOwner | None:
    """Who the credentials would authenticate as, for `authenticate` to check: the key pair's record (one
    read), or the session and its merchant."""
    now = clock.epoch_now()
    if credentials.session_token is not None:
        return _session_owner(credentials.session_token, now)
    pair = credential_store.get_key_pair(credentials.api_key)
    if pair is None:
        return None
    return ApiKeyOwner(
        id=pair.merchant_id,
        api_secret=pair.api_secret,
        is_active=pair.usable_at(now),
        last_used_at=pair.last_used_at,
    )


def _session_owner(token: str, now: float) -> ApiKeyOwner | None:
    session = credential_store.get_session(token_hash(token))
    if session is None or now >= session.expires_at:
        return None
    merchant = get_merchant(session.merchant_id)
    if merchant is None:
        return None
    return ApiKeyOwner(
        id=merchant.id,
        api_secret=merchant.api_secret,
        # A password change or deactivation raises the generation: every session opened before ends.
        is_active=merchant.is_active and merchant.session_generation == session.generation,
    )


def authenticate(merchant: ApiKeyOwner | None, credentials: Credentials) -> ApiKeyOwner:
    """The merchant if the credentials hold (the secret compared in constant time), else
    AuthenticationError."""
    if credentials.session_token is None:
        expected = merchant.api_secret if merchant is not None else _DUMMY_SECRET
        matches = hmac.compare_digest(expected.encode(), credentials.api_secret.encode())
    else:
        matches = True
    if merchant is None or not matches or not merchant.is_active:
        raise AuthenticationError()
    if credentials.session_token is None:
        _record_key_use(credentials.api_key, merchant.last_used_at)
    bind_merchant_id(merchant.id)
    return merchant


def _record_key_use(api_key: str, last_used_at: str | None) -> None:
    now = clock.utc_now()
    stale_before = clock.iso(now - timedelta(seconds=LAST_USED_RESOLUTION_SECONDS))
    if last_used_at is None or last_used_at < stale_before:
        credential_store.touch_key_pair(api_key, clock.iso(now), stale_before)


class _MerchantOwned(Protocol):
    @property
    def merchant_id(self) -> str: ...


Owned = TypeVar("Owned", bound=_MerchantOwned)
Found = TypeVar("Found")
Read = TypeVar("Read")


def found(resource: Found | None, not_found: str) -> Found:
    """The resource, or NotFoundError (404) with `not_found` when there is none."""
    if resource is None:
        raise NotFoundError(not_found)
    return resource


def owned(owner: ApiKeyOwner, resource: Owned | None, not_found: str) -> Owned:
    """The resource if it is this merchant's; another merchant's does not exist for them (404)."""
    present = found(resource, not_found)
    if present.merchant_id != owner.id:
        raise NotFoundError(not_found)
    return present


def read_owned(credentials: Credentials, read: Callable[[], Owned | None], not_found: str) -> Owned:
    """The merchant's resource that `read` returns, read while the key is authenticated (one round trip)."""
    owner, resource = read_concurrently(lambda: find_owner(credentials), read)
    return owned(authenticate(owner, credentials), resource, not_found)


def authenticated_command(
    credentials: Credentials, request: IdempotentRequest, read: Callable[[], Read]
) -> tuple[ApiKeyOwner, Read, ApiResult | None]:
    """The merchant, what `read` returns and, when the request repeats an earlier one, its stored answer:
    the key lookup, the read and the idempotency record cost one round trip."""
    owner, resource, stored = read_concurrently(lambda: find_owner(credentials), read, request.lookup)
    return authenticate(owner, credentials), resource, request.replay(stored)


def active_merchant(merchant_id: str, not_found: str) -> Merchant:
    """The merchant behind a public route's resource: a deactivated merchant's orders and payments are
    refused everywhere, as if they did not exist (NotFoundError with `not_found`)."""
    merchant = get_merchant(merchant_id)
    if merchant is None or not merchant.is_active:
        raise NotFoundError(not_found)
    return merchant


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, _SCRYPT_N, _SCRYPT_R, _SCRYPT_P)
    encode = base64.b64encode
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${encode(salt).decode()}${encode(digest).decode()}"


def password_matches(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        actual = _scrypt(password, base64.b64decode(salt), int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(actual, base64.b64decode(digest))


def burn_password_hash(password: str) -> None:
    """Spend what checking a password costs, where there is no hash to check it against."""
    _scrypt(password, _DUMMY_SALT, _SCRYPT_N, _SCRYPT_R, _SCRYPT_P)


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, maxmem=_SCRYPT_MAXMEM)
