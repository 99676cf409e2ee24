"""Dashboard login and sessions: e-mail and password, throttled, and no faster for an unknown e-mail than
a known one; a session token in answer (stored only as its hash), ended by logout, a password change or
deactivation."""

from __future__ import annotations

from typing import Any

from gateway.config import get_settings
from gateway.data import credentials as credential_store
from gateway.data import login_attempts
from gateway.data.merchants import find_merchant_by_email, get_merchant
from gateway.domain import clock
from gateway.domain.accounts import (
    PASSWORD_LINK_SECONDS,
    PASSWORD_TOKEN_PREFIX,
    SESSION_SECONDS,
    SESSION_TOKEN_PREFIX,
    PasswordLink,
    Session,
    new_password,
    new_token,
    token_hash,
)
from gateway.domain.login_policy import LoginWindow, login_limits
from gateway.domain.resources import LoginAccount
from gateway.domain.validation import require_object
from gateway.errors import AuthenticationError, BadRequestError, ConflictError, RateLimitError
from gateway.services.auth import (
    Credentials,
    authenticate,
    burn_password_hash,
    find_owner,
    hash_password,
    password_matches,
)
from gateway.services.merchants import TEST_MERCHANT_ID

MAX_EMAIL_LENGTH = 255
MAX_PASSWORD_LENGTH = 1024
LOCKED = "Too many failed login attempts; try again later"
LINK_INVALID = "This password link is invalid, used or expired"


def login(body: Any, source_ip: str) -> dict[str, Any]:
    email, password = _credentials(body)
    merchant = find_merchant_by_email(email)
    if not password_guess_right(merchant, email, password, source_ip):
        raise AuthenticationError()
    assert merchant is not None
    return _open_session(merchant.id, clock.epoch_now())


def password_guess_right(account: LoginAccount | None, email: str, password: str, source_ip: str) -> bool:
    """One guess at the password of `account` (None when no account has the address `email`), wherever it
    is typed (the login form, a password change): counted against the login limits before the password is
    checked, atomically, so a refused guess never reaches the hash and parallel guesses cannot all slip
    under a limit; a right guess gives its count back. RateLimitError when over a limit."""
    now = clock.epoch_now()
    window = LoginWindow.at(now)
    limits = login_limits(email, source_ip)
    if not login_attempts.count_attempt(limits, window.index, window.ends_at):
        raise RateLimitError(LOCKED, window.retry_after(now))
    if not password_accepted(account, password):
        return False
    login_attempts.give_back_attempt(list(limits), window.index)
    return True


def _open_session(merchant_id: str, now: float) -> dict[str, Any]:
    # Read strongly (the e-mail index lags): the session joins the merchant's current generation.
    merchant = get_merchant(merchant_id)
    if merchant is None or not merchant.is_active:
        raise AuthenticationError()
    token = new_token(SESSION_TOKEN_PREFIX)
    expires_at = int(now) + SESSION_SECONDS
    session = Session(
        token_hash(token), merchant.id, clock.now_iso(), expires_at, merchant.session_generation
    )
    try:
        credential_store.open_session(session)
    except ConflictError:  # deactivated, or its password changed, since it was read
        raise AuthenticationError() from None
    return {
        "token": token,
        "expires_at": clock.iso(clock.datetime_at(expires_at)),
        "merchant": {"id": merchant.id, "name": merchant.name, "email": merchant.email},
    }


def logout(credentials: Credentials) -> dict[str, Any]:
    """Ends the session the request carries. Only a live session can log out: a key pair, or a session that
    has ended already, is refused like any wrong credentials."""
    if credentials.session_token is None:
        raise AuthenticationError()
    authenticate(find_owner(credentials), credentials)
    credential_store.end_session(token_hash(credentials.session_token), int(clock.epoch_now()))
    return {"logged_out": True}


def new_password_link(merchant_id: str, dashboard_url: str) -> str:
    """A one-time link to `<dashboard>/set-password?token=...`, valid for 24 hours."""
    token = new_token(PASSWORD_TOKEN_PREFIX)
    expires_at = int(clock.epoch_now()) + PASSWORD_LINK_SECONDS
    credential_store.save_password_link(
        PasswordLink(token_hash(token), merchant_id, clock.now_iso(), expires_at)
    )
    return f"{dashboard_url.rstrip('/')}/set-password?token={token}"


def set_password(body: Any) -> dict[str, Any]:
    """Uses a password link once: sets the password and ends every session of the merchant."""
    body = require_object(body)
    token = body.get("token")
    if not isinstance(token, str) or not token or len(token) > 256:
        raise BadRequestError(LINK_INVALID, field="token")
    password = new_password(body.get("password"), "password")
    link = credential_store.get_password_link(token_hash(token))
    now = clock.epoch_now()
    if link is None or link.used or now >= link.expires_at:
        raise BadRequestError(LINK_INVALID, field="token")
    try:
        credential_store.use_password_link(
            link.token_hash, link.merchant_id, hash_password(password), int(now), clock.now_iso()
        )
    except ConflictError:  # used by a parallel request, or expired meanwhile
        raise BadRequestError(LINK_INVALID, field="token") from None
    return {"password_set": True}


def _credentials(body: Any) -> tuple[str, str]:
    body = require_object(body)
    email, password = body.get("email"), body.get("password")
    if not isinstance(email, str) or not email.strip() or len(email) > MAX_EMAIL_LENGTH:
        raise BadRequestError("email is required (at most 255 characters)", field="email")
    # Bounded so a huge body cannot make the password hash expensive.
    if not isinstance(password, str) or len(password) > MAX_PASSWORD_LENGTH:
        raise BadRequestError("password is required (at most 1024 characters)", field="password")
    return email.strip().lower(), password


def password_accepted(merchant: LoginAccount | None, password: str) -> bool:
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
