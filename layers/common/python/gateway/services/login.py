"""Dashboard login: e-mail and password, throttled, and no faster for an unknown e-mail than a known one."""

from __future__ import annotations

import time
from typing import Any

from gateway.config import get_settings
from gateway.data import login_attempts
from gateway.data.dynamo import read_concurrently
from gateway.data.merchants import find_merchant_by_email
from gateway.domain.login_policy import (
    LoginWindow,
    account_subject,
    address_subject,
    is_locked,
)
from gateway.domain.resources import LoginAccount
from gateway.domain.validation import require_object
from gateway.errors import AuthenticationError, BadRequestError, RateLimitError
from gateway.services.auth import burn_password_hash, password_matches
from gateway.services.merchants import TEST_MERCHANT_ID, credentials_view

MAX_EMAIL_LENGTH = 255
MAX_PASSWORD_LENGTH = 1024
LOCKED = "Too many failed login attempts; try again later"


def login(body: Any, source_ip: str) -> dict[str, Any]:
    email, password = _credentials(body)
    now = time.time()
    window = LoginWindow.at(now)
    account, address = account_subject(email), address_subject(source_ip)
    merchant, failures = read_concurrently(
        lambda: find_merchant_by_email(email),
        lambda: login_attempts.read_failures([account, address], window.index),
    )
    if is_locked(failures[account], failures[address]):
        # Checked before the password, so the right password does not get through a lock either.
        raise RateLimitError(LOCKED, window.retry_after(now))
    if not _password_accepted(merchant, password):
        read_concurrently(
            lambda: login_attempts.add_failure(account, window.index, window.ends_at),
            lambda: login_attempts.add_failure(address, window.index, window.ends_at),
        )
        raise AuthenticationError()
    assert merchant is not None
    return {"merchant": credentials_view(merchant)}


def _credentials(body: Any) -> tuple[str, str]:
    body = require_object(body)
    email, password = body.get("email"), body.get("password")
    if not isinstance(email, str) or not email.strip() or len(email) > MAX_EMAIL_LENGTH:
        raise BadRequestError("email is required (at most 255 characters)", field="email")
    # Bounded so a huge body cannot make the password hash expensive.
    if not isinstance(password, str) or len(password) > MAX_PASSWORD_LENGTH:
        raise BadRequestError("password is required (at most 1024 characters)", field="password")
    return email.strip().lower(), password


def _password_accepted(merchant: LoginAccount | None, password: str) -> bool:
    """Every path runs exactly one password hash, so timing does not tell which e-mails exist."""
    if merchant is not None and merchant.is_active and merchant.password_hash:
        return password_matches(password, merchant.password_hash)
    burn_password_hash(password)
    # Only the seeded demo merchant logs in without a password, and only where test endpoints are on.
    return (
        merchant is not None
        and merchant.is_active
        and merchant.id == TEST_MERCHANT_ID
        and get_settings().test_endpoints
    )
