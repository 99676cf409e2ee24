"""The merchants table: lookups by id, API key and email; webhook configuration changes."""

from __future__ import annotations

from gateway.data import dynamo
from gateway.data.models import MerchantModel
from gateway.domain.resources import ApiKeyOwner, LoginAccount, Merchant


def find_merchant_by_api_key(api_key: str) -> ApiKeyOwner | None:
    """From the `by_api_key` index, which holds only what authentication needs."""
    return dynamo.find_by_index(MerchantModel.by_api_key, api_key, ApiKeyOwner)


def find_merchant_by_email(email: str) -> LoginAccount | None:
    """From the `by_email` index, which holds only what a login needs."""
    return dynamo.find_by_index(MerchantModel.by_email, email, LoginAccount)


def get_merchant(merchant_id: str) -> Merchant | None:
    return dynamo.get_resource(MerchantModel, merchant_id, Merchant)


def insert_merchant_if_absent(merchant: Merchant) -> bool:
    """True when the merchant was created; False when one with that id already exists."""
    return dynamo.insert_if_absent(MerchantModel, merchant)


def set_webhook_url(merchant_id: str, url: str | None, at: str) -> None:
    """ConflictError when the merchant does not exist."""
    dynamo.update_if(
        MerchantModel(merchant_id),
        [dynamo.set_or_remove(MerchantModel.webhook_url, url or None), MerchantModel.updated_at.set(at)],
        MerchantModel.id.exists(),
    )


def set_active(merchant_id: str, active: bool, at: str) -> None:
    """An inactive merchant's keys and logins stop working (ConflictError when it does not exist)."""
    dynamo.update_if(
        MerchantModel(merchant_id),
        [MerchantModel.is_active.set(active), MerchantModel.updated_at.set(at)],
        MerchantModel.id.exists(),
    )


def rotate_webhook_secret(merchant: Merchant, secret: str, previous_expires_at: int, at: str) -> None:
    """The new secret signs from now on; the current one keeps signing until `previous_expires_at`."""
    dynamo.update_if(
        MerchantModel(merchant.id),
        [
            MerchantModel.webhook_secret.set(secret),
            MerchantModel.previous_webhook_secret.set(merchant.webhook_secret),
            MerchantModel.previous_secret_expires_at.set(previous_expires_at),
            MerchantModel.updated_at.set(at),
        ],
        MerchantModel.id.exists(),
    )
