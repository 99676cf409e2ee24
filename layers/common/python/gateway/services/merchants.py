"""Merchants: the seeded test merchant, dashboard login and webhook configuration."""

from __future__ import annotations

import base64
import secrets
import time
from typing import Any

from gateway.config import get_settings
from gateway.data import credentials as credential_store
from gateway.data import merchants as merchant_store
from gateway.domain.accounts import ApiKeyPair, new_api_key_pair
from gateway.domain.clock import now_iso
from gateway.domain.ids import new_uuid
from gateway.domain.resources import LoginAccount, Merchant
from gateway.domain.validation import validate_webhook_url
from gateway.domain.webhooks import SECRET_PREFIX
from gateway.errors import AuthenticationError, BadRequestError, ConflictError, NotFoundError
from gateway.services.auth import Credentials, authenticate, find_owner, hash_password

TEST_MERCHANT_ID = "550e8400-e29b-41d4-a716-446655440000"
TEST_MERCHANT = {
    "name": "Test Merchant",
    "email": "test@example.com",
    "api_key": "key_test_abc123",
    "api_secret": "secret_test_xyz789",
    "webhook_secret": "whsec_test_abc123",
}
SECRET_ROTATION_OVERLAP_SECONDS = 24 * 60 * 60
DUPLICATE_EMAIL = "A merchant with this email already exists"


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
    created = merchant_store.insert_merchant_if_absent(merchant)
    existing = merchant if created else merchant_store.get_merchant(TEST_MERCHANT_ID)
    if existing is None:
        return created
    # Its pair is a record of its own, like every merchant's (a stack seeded before pairs were records
    # gets it now); the demo pair never expires.
    credential_store.insert_key_pair_if_absent(
        ApiKeyPair(
            TEST_MERCHANT_ID, existing.api_key, existing.api_secret, existing.created_at, existing.is_active
        )
    )
    if not existing.is_active:  # test mode switched back on
        set_merchant_active(TEST_MERCHANT_ID, True)
    return created


def deactivate_test_merchant() -> None:
    """When a deployment leaves test mode, the demo account and its public keys stop working."""
    if merchant_store.get_merchant(TEST_MERCHANT_ID) is not None:
        set_merchant_active(TEST_MERCHANT_ID, False)


def set_merchant_active(merchant_id: str, active: bool) -> None:
    """Deactivation refuses the merchant everywhere: its key pairs are switched off and its sessions end
    (the flag is also checked by every session and public route). Activation switches its pairs back on;
    sessions stay ended. NotFoundError when there is no such merchant."""
    try:
        api_keys, generation = merchant_store.set_active(merchant_id, active, now_iso())
    except ConflictError:
        raise NotFoundError("Merchant not found") from None
    credential_store.set_key_pairs_active(api_keys, active, generation)


def create_merchant(name: str, email: str, password: str | None = None) -> dict[str, str]:
    """A new merchant with fresh credentials (operators' tooling and tests); BadRequestError when the
    e-mail address already belongs to a merchant."""
    now = now_iso()
    email = email.strip().lower()
    if merchant_store.find_merchant_by_email(email) is not None:
        raise BadRequestError(DUPLICATE_EMAIL, field="email")
    api_key, api_secret = new_api_key_pair()
    merchant = Merchant(
        id=new_uuid(),
        name=name,
        email=email,
        api_key=api_key,
        api_secret=api_secret,
        webhook_secret=new_webhook_secret(),
        webhook_url=None,
        password_hash=hash_password(password) if password else None,
        is_active=True,
        created_at=now,
        updated_at=now,
        api_keys={api_key},
    )
    pair = ApiKeyPair(merchant.id, api_key, api_secret, now)
    if not merchant_store.insert_merchant_with_key_pair(merchant, pair):
        raise BadRequestError(DUPLICATE_EMAIL, field="email")
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
    owner = authenticate(find_owner(credentials), credentials)
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
