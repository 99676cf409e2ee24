"""The credentials table: API key pairs, dashboard sessions and one-time password links of merchants.

Every change that depends on the merchant being active is one transaction with a condition on the
merchant's item, so a key rolled or a session opened while the merchant is deactivated cannot survive it.
"""

from __future__ import annotations

import contextlib

from pynamodb.expressions.condition import Condition

from gateway.data import dynamo
from gateway.data.models import CredentialModel, MerchantModel, bind_tables
from gateway.domain.accounts import ApiKeyPair, PasswordLink, Session
from gateway.errors import ConflictError

KEY_PREFIX = "key#"
SESSION_PREFIX = "session#"
PASSWORD_LINK_PREFIX = "password#"  # noqa: S105 - a key prefix, not a password


def _key_id(api_key: str) -> str:
    return KEY_PREFIX + api_key


def get_key_pair(api_key: str) -> ApiKeyPair | None:
    item = dynamo.get_item(CredentialModel, _key_id(api_key))
    if item is None or item.api_secret is None:
        return None
    return _key_pair(item)


def get_key_pairs(api_keys: list[str]) -> list[ApiKeyPair]:
    """The stored pairs among `api_keys` (an expired pair may already be gone), in one BatchGetItem."""
    if not api_keys:
        return []
    bind_tables()
    items = CredentialModel.batch_get([_key_id(key) for key in api_keys])
    return [_key_pair(item) for item in items if item.api_secret is not None]


def _key_pair(item: CredentialModel) -> ApiKeyPair:
    return ApiKeyPair(
        merchant_id=item.merchant_id,
        api_key=item.id[len(KEY_PREFIX) :],
        api_secret=item.api_secret or "",
        created_at=item.created_at,
        active=bool(item.active),
        expires_at=int(item.expires_at) if item.expires_at is not None else None,
        last_used_at=item.last_used_at,
    )


def _save_key_pair(transaction: dynamo.Transaction, pair: ApiKeyPair) -> None:
    transaction.save(
        CredentialModel(
            _key_id(pair.api_key),
            merchant_id=pair.merchant_id,
            created_at=pair.created_at,
            api_secret=pair.api_secret,
            active=pair.active,
        ),
        condition=CredentialModel.id.does_not_exist(),
    )


def add_first_key_pair(transaction: dynamo.Transaction, pair: ApiKeyPair) -> None:
    """Part of creating a merchant: its first pair (the merchant item lists it in `api_keys`)."""
    _save_key_pair(transaction, pair)


def insert_key_pair_if_absent(pair: ApiKeyPair) -> bool:
    """The pair of a merchant stored before pairs were records of their own (the seeded test merchant)."""

    def build(transaction: dynamo.Transaction) -> None:
        _save_key_pair(transaction, pair)
        transaction.update(
            MerchantModel(pair.merchant_id),
            actions=[MerchantModel.api_keys.add({pair.api_key})],
            condition=MerchantModel.id.exists(),
        )

    try:
        dynamo.transact(build, None)
    except ConflictError:
        return False
    return True


def roll_key_pair(
    new: ApiKeyPair, previous_api_key: str, previous_expires_at: int, kept: set[str], at: str
) -> None:
    """The new pair becomes the merchant's current one; the previous pair works until
    `previous_expires_at`. The merchant's list of pairs becomes `kept` (those still working) and the new
    one: expired pairs leave it here, their records go with the table's TTL. ConflictError when the
    merchant is inactive or rolled meanwhile."""

    def build(transaction: dynamo.Transaction) -> None:
        _save_key_pair(transaction, new)
        transaction.update(
            MerchantModel(new.merchant_id),
            actions=[
                MerchantModel.api_key.set(new.api_key),
                MerchantModel.api_secret.set(new.api_secret),
                MerchantModel.api_keys.set(kept | {previous_api_key, new.api_key}),
                MerchantModel.updated_at.set(at),
            ],
            condition=(MerchantModel.is_active == True)  # noqa: E712 - a pynamodb condition
            & (MerchantModel.api_key == previous_api_key),
        )
        transaction.update(
            CredentialModel(_key_id(previous_api_key)),
            actions=[CredentialModel.expires_at.set(previous_expires_at)],
            condition=CredentialModel.id.exists(),
        )

    dynamo.transact(build, None)


def touch_key_pair(api_key: str, at: str, unless_used_since: str) -> None:
    """Record a use, at most once per interval: skipped (no error) when another request recorded one."""
    condition = CredentialModel.last_used_at.does_not_exist() | (
        CredentialModel.last_used_at < unless_used_since
    )
    with contextlib.suppress(ConflictError):
        dynamo.update_if(CredentialModel(_key_id(api_key)), [CredentialModel.last_used_at.set(at)], condition)


def set_key_pairs_active(api_keys: set[str], active: bool, generation: int) -> None:
    """Copy the merchant's active flag, as of its session `generation`, onto its pairs. Two changes of the
    flag that race copy in any order; the pairs keep the newer one's (a pair gone with its TTL, or holding
    a newer copy already, is skipped)."""
    not_newer = CredentialModel.generation.does_not_exist() | (CredentialModel.generation < generation)
    for api_key in sorted(api_keys):
        with contextlib.suppress(ConflictError):
            dynamo.update_if(
                CredentialModel(_key_id(api_key)),
                [CredentialModel.active.set(active), CredentialModel.generation.set(generation)],
                CredentialModel.id.exists() & not_newer,
            )


# ---------------------------------------------------------------- sessions


def open_session(session: Session) -> None:
    """Stored only while the merchant is active and still in the session's generation (a password
    change or deactivation that raced the login ends it before it starts); ConflictError otherwise."""

    def build(transaction: dynamo.Transaction) -> None:
        transaction.save(
            CredentialModel(
                SESSION_PREFIX + session.token_hash,
                merchant_id=session.merchant_id,
                created_at=session.created_at,
                expires_at=session.expires_at,
                generation=session.generation,
            ),
            condition=CredentialModel.id.does_not_exist(),
        )
        transaction.condition_check(
            MerchantModel,
            session.merchant_id,
            condition=(MerchantModel.is_active == True)  # noqa: E712 - a pynamodb condition
            & _in_generation(session.generation),
        )

    dynamo.transact(build, None)


def _in_generation(generation: int) -> Condition:
    # Merchants stored before sessions existed have no generation: theirs is 0.
    if generation == 0:
        return MerchantModel.session_generation.does_not_exist() | (MerchantModel.session_generation == 0)
    return MerchantModel.session_generation == generation


def get_session(token_hash: str) -> Session | None:
    item = dynamo.get_item(CredentialModel, SESSION_PREFIX + token_hash)
    if item is None or item.generation is None or item.expires_at is None:
        return None
    return Session(
        token_hash=token_hash,
        merchant_id=item.merchant_id,
        created_at=item.created_at,
        expires_at=int(item.expires_at),
        generation=int(item.generation),
    )


def end_session(token_hash: str, now: int) -> None:
    """Expired now (the TTL removes it later); ending an ended or unknown session changes nothing."""
    with contextlib.suppress(ConflictError):
        dynamo.update_if(
            CredentialModel(SESSION_PREFIX + token_hash),
            [CredentialModel.expires_at.set(now)],
            CredentialModel.id.exists() & (CredentialModel.expires_at > now),
        )


def change_password(
    merchant_id: str,
    password_hash: str,
    generation: int,
    keep_session: str | None,
    at: str,
) -> None:
    """A new password and a new session generation (every session opened before ends), in one transaction
    that also moves the caller's own session (`keep_session`) into the new generation. ConflictError when
    another change came first."""

    def build(transaction: dynamo.Transaction) -> None:
        transaction.update(
            MerchantModel(merchant_id),
            actions=[
                MerchantModel.password_hash.set(password_hash),
                MerchantModel.session_generation.set(generation + 1),
                MerchantModel.updated_at.set(at),
            ],
            condition=_in_generation(generation),
        )
        if keep_session is not None:
            transaction.update(
                CredentialModel(SESSION_PREFIX + keep_session),
                actions=[CredentialModel.generation.set(generation + 1)],
                condition=CredentialModel.id.exists(),
            )

    dynamo.transact(build, None)


# ---------------------------------------------------------------- password links


def save_password_link(link: PasswordLink) -> None:
    dynamo.put_if_absent(
        CredentialModel(
            PASSWORD_LINK_PREFIX + link.token_hash,
            merchant_id=link.merchant_id,
            created_at=link.created_at,
            expires_at=link.expires_at,
            used=False,
        )
    )


def get_password_link(token_hash: str) -> PasswordLink | None:
    item = dynamo.get_item(CredentialModel, PASSWORD_LINK_PREFIX + token_hash)
    if item is None or item.expires_at is None:
        return None
    return PasswordLink(
        token_hash=token_hash,
        merchant_id=item.merchant_id,
        created_at=item.created_at,
        expires_at=int(item.expires_at),
        used=bool(item.used),
    )


def use_password_link(token_hash: str, merchant_id: str, password_hash: str, now: int, at: str) -> None:
    """Marks the link used and sets the password, ending every session; ConflictError when the link was
    used, expired or the merchant is gone, in which case nothing changes."""

    def build(transaction: dynamo.Transaction) -> None:
        transaction.update(
            CredentialModel(PASSWORD_LINK_PREFIX + token_hash),
            actions=[CredentialModel.used.set(True)],
            condition=(CredentialModel.used == False)  # noqa: E712 - a pynamodb condition
            & (CredentialModel.expires_at > now)
            & (CredentialModel.merchant_id == merchant_id),
        )
        transaction.update(
            MerchantModel(merchant_id),
            actions=[
                MerchantModel.password_hash.set(password_hash),
                MerchantModel.session_generation.add(1),
                MerchantModel.updated_at.set(at),
            ],
            condition=MerchantModel.id.exists(),
        )

    dynamo.transact(build, None)
