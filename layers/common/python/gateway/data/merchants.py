"""The merchants table: lookups by id and email, creation with a first key pair, the active flag and
webhook configuration changes. (Authentication reads key pairs from `gateway.data.credentials`.)"""

from __future__ import annotations

from gateway.data import dynamo
from gateway.data.credentials import add_first_key_pair
from gateway.data.models import CredentialModel, MerchantModel, bind_tables
from gateway.domain.accounts import ApiKeyPair
from gateway.domain.resources import LoginAccount, Merchant
from gateway.errors import ConflictError

EMAIL_PREFIX = "email#"


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


def insert_merchant_with_key_pair(merchant: Merchant, pair: ApiKeyPair) -> bool:
    """The merchant, its first key pair and a claim on its e-mail address, all or nothing: False when the
    address is already taken (or the id exists)."""

    def build(transaction: dynamo.Transaction) -> None:
        dynamo.save_new(transaction, MerchantModel, merchant)
        add_first_key_pair(transaction, pair)
        transaction.save(
            CredentialModel(
                EMAIL_PREFIX + merchant.email, merchant_id=merchant.id, created_at=merchant.created_at
            ),
            condition=CredentialModel.id.does_not_exist(),
        )

    try:
        dynamo.transact(build, None)
    except ConflictError:
        return False
    return True


def set_active(merchant_id: str, active: bool, at: str) -> tuple[set[str], int]:
    """An inactive merchant's keys, sessions and logins stop working; every change of the flag starts a new
    session generation, so no session outlives a deactivation. Returns the merchant's API keys and that
    generation, read in the same update (ConflictError when it does not exist)."""
    item = MerchantModel(merchant_id)
    dynamo.update_if(
        item,
        [
            MerchantModel.is_active.set(active),
            MerchantModel.session_generation.add(1),
            MerchantModel.updated_at.set(at),
        ],
        MerchantModel.id.exists(),
    )
    return set(item.api_keys or ()), int(item.session_generation)


def merchants_page(limit: int, after: str | None) -> tuple[list[Merchant], str | None]:
    """Operators' listing (a scan, paged: the admin function is the only caller, never a request path)."""
    bind_tables()
    start = {"id": {"S": after}} if after else None
    result = MerchantModel.scan(limit=limit, last_evaluated_key=start)
    merchants = [dynamo.resource_from(item, Merchant) for item in result]
    last = result.last_evaluated_key
    return merchants, (last["id"]["S"] if last else None)


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
