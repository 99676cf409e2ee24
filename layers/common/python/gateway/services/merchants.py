"""Merchants: the seeded test merchant, dashboard login and webhook configuration."""

from __future__ import annotations

import base64
import secrets
import time
from typing import Any

from gateway.config import get_settings
from gateway.data import merchants as merchant_store
from gateway.domain.clock import now_iso
from gateway.domain.ids import new_uuid
from gateway.domain.resources import LoginAccount, Merchant
from gateway.domain.validation import validate_webhook_url
from gateway.domain.webhooks import SECRET_PREFIX
from gateway.errors import AuthenticationError, NotFoundError
from gateway.services.auth import Credentials, authenticate, hash_password

TEST_MERCHANT_ID = "550e8400-e29b-41d4-a716-446655440000"
TEST_MERCHANT = {
    "name": "Test Merchant",
    "email": "test@example.com",
    "api_key": "key_test_abc123",
    "api_secret": "secret_test_xyz789",
    "webhook_secret": "whsec_test_abc123",
}
SECRET_ROTATION_OVERLAP_SECONDS = 24 * 60 * 60


def seed_test_merchant() -> bool:
    """Create the test merchant if it is missing (idempotent). True when it was created now."""
    now = now_iso()
    merchant = Merchant(
        id=TEST_MERCHANT_ID,
        name=TEST_MERCHANT["name"],
        email=TEST_MERCHANT["email"],
        api_key=TEST_MERCHANT["api_key"],
        api_secret=TEST_MERCHANT["api_secret"],
        webhook_secret=TEST_MERCHANT["webhook_secret"],
        webhook_url=None,
        is_active=True,
        created_at=now,
        updated_at=now,
    )
    if merchant_store.insert_merchant_if_absent(merchant):
        return True
    existing = merchant_store.get_merchant(TEST_MERCHANT_ID)
    if existing is not None and not existing.is_active:  # test mode switched back on
        merchant_store.set_active(TEST_MERCHANT_ID, True, now)
    return False


def deactivate_test_merchant() -> None:
    """When a deployment leaves test mode, the demo account and its public keys stop working."""
    if merchant_store.get_merchant(TEST_MERCHANT_ID) is not None:
        merchant_store.set_active(TEST_MERCHANT_ID, False, now_iso())


def create_merchant(name: str, email: str, password: str | None = None) -> dict[str, str]:
    """A new merchant with fresh credentials (used by operators' tooling and tests)."""
    now = now_iso()
    email = email.strip().lower()
    merchant = Merchant(
        id=new_uuid(),
        name=name,
        email=email,
        api_key="key_" + secrets.token_hex(12),
        api_secret="secret_" + secrets.token_hex(16),
        webhook_secret=new_webhook_secret(),
        webhook_url=None,
        password_hash=hash_password(password) if password else None,
        is_active=True,
        created_at=now,
        updated_at=now,
    )
    merchant_store.insert_merchant_if_absent(merchant)
    return credentials_view(merchant)


def credentials_view(account: Merchant | LoginAccount) -> dict[str, str]:
    """Who the merchant is and its API key pair: what creating a merchant and logging in answer."""
    return {
        "id": account.id,
        "name": account.name,
        "email": account.email,
        "api_key": account.api_key,
        "api_secret": account.api_secret,
    }


def new_webhook_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def authenticated_merchant(credentials: Credentials) -> Merchant:
    """The whole merchant, for the routes that need more than its id: the API-key index holds only what
    authentication reads, so this is one keyed read more than `authenticate`."""
    owner = authenticate(merchant_store.find_merchant_by_api_key(credentials.api_key), credentials)
    merchant = merchant_store.get_merchant(owner.id)
    if merchant is None or not merchant.is_active:
        raise AuthenticationError()
    return merchant


def test_merchant_view() -> dict[str, Any]:
    merchant = merchant_store.get_merchant(TEST_MERCHANT_ID)
    return {
        "id": TEST_MERCHANT_ID,
        "email": TEST_MERCHANT["email"],
        "api_key": TEST_MERCHANT["api_key"],
        "seeded": merchant is not None,
    }


def webhook_config(credentials: Credentials) -> dict[str, Any]:
    merchant = authenticated_merchant(credentials)
    return {"webhook_url": merchant.webhook_url or "", "webhook_secret": merchant.webhook_secret}


def update_webhook_config(credentials: Credentials, body: Any) -> dict[str, Any]:
    merchant = authenticated_merchant(credentials)
    settings = get_settings()
    url = validate_webhook_url(
        body, settings.allow_private_webhook_urls, settings.refused_private_webhook_ports
    )
    merchant_store.set_webhook_url(merchant.id, url, now_iso())
    return {"webhook_url": url, "webhook_secret": merchant.webhook_secret}


def regenerate_webhook_secret(credentials: Credentials) -> dict[str, Any]:
    """A new secret; the old one keeps signing deliveries for 24 h so receivers can rotate."""
    merchant = authenticated_merchant(credentials)
    secret = new_webhook_secret()
    merchant_store.rotate_webhook_secret(
        merchant, secret, int(time.time()) + SECRET_ROTATION_OVERLAP_SECONDS, now_iso()
    )
    return {"webhook_secret": secret}


def signing_secrets(merchant: Merchant, now: float) -> list[str]:
    """Newest first; the previous secret only while its overlap window lasts."""
    current = [merchant.webhook_secret]
    previous = merchant.previous_webhook_secret
    expires = merchant.previous_secret_expires_at
    if previous and expires is not None and now < float(expires):
        current.append(previous)
    return current


def require_merchant(merchant_id: str) -> Merchant:
    merchant = merchant_store.get_merchant(merchant_id)
    if merchant is None:
        raise NotFoundError("Merchant not found")
    return merchant
