"""Merchant authentication: API key pairs for the API, email and password for the dashboard."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from gateway.data.dynamo import read_concurrently
from gateway.data.merchants import find_merchant_by_api_key
from gateway.domain.resources import ApiKeyOwner
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


@dataclass(frozen=True)
class Credentials:
    api_key: str
    api_secret: str

    @classmethod
    def from_headers(cls, api_key: str | None, api_secret: str | None) -> Credentials:
        if not api_key or not api_secret:
            raise AuthenticationError()
        return cls(api_key=api_key, api_secret=api_secret)


def authenticate(merchant: ApiKeyOwner | None, credentials: Credentials) -> ApiKeyOwner:
    """The merchant if the secret matches (constant-time), else AuthenticationError."""
    expected = merchant.api_secret if merchant is not None else _DUMMY_SECRET
    matches = hmac.compare_digest(expected.encode(), credentials.api_secret.encode())
    if merchant is None or not matches or not merchant.is_active:
        raise AuthenticationError()
    bind_merchant_id(merchant.id)
    return merchant


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
    owner, resource = read_concurrently(lambda: find_merchant_by_api_key(credentials.api_key), read)
    return owned(authenticate(owner, credentials), resource, not_found)


def authenticated_command(
    credentials: Credentials, request: IdempotentRequest, read: Callable[[], Read]
) -> tuple[ApiKeyOwner, Read, ApiResult | None]:
    """The merchant, what `read` returns and, when the request repeats an earlier one, its stored answer:
    the key lookup, the read and the idempotency record cost one round trip."""
    owner, resource, stored = read_concurrently(
        lambda: find_merchant_by_api_key(credentials.api_key), read, request.lookup
    )
    return authenticate(owner, credentials), resource, request.replay(stored)


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
