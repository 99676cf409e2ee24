"""Operators' commands (the admin function, invoked through Lambda Invoke with AWS credentials; no HTTP
route reaches them): create, list, show, deactivate, activate merchants and reset their passwords."""

from __future__ import annotations

from typing import Any

from gateway.config import get_settings
from gateway.data import merchants as merchant_store
from gateway.domain.resources import Merchant
from gateway.domain.validation import require_object
from gateway.errors import BadRequestError, NotFoundError
from gateway.services.login import new_password_link
from gateway.services.merchants import create_merchant, require_merchant, set_merchant_active

MAX_NAME_LENGTH = 255
MAX_PAGE = 100


def run(command: Any) -> dict[str, Any]:
    """One command `{"action": ..., ...}`; errors are the gateway's own (the function reports them)."""
    command = require_object(command)
    action = command.get("action")
    handler = _ACTIONS.get(action) if isinstance(action, str) else None
    if handler is None:
        raise BadRequestError(f"action must be one of {', '.join(sorted(_ACTIONS))}", field="action")
    return handler(command)


def _create(command: dict[str, Any]) -> dict[str, Any]:
    name, email = command.get("name"), command.get("email")
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME_LENGTH:
        raise BadRequestError("name is required (at most 255 characters)", field="name")
    if not isinstance(email, str) or "@" not in email or len(email) > MAX_NAME_LENGTH:
        raise BadRequestError("email must be an e-mail address", field="email")
    created = create_merchant(name.strip(), email)
    return {
        "id": created["id"],
        "api_key": created["api_key"],
        "api_secret": created["api_secret"],
        "password_link": new_password_link(created["id"], get_settings().dashboard_url),
    }


def _list(command: dict[str, Any]) -> dict[str, Any]:
    limit = command.get("limit", 20)
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE:
        raise BadRequestError("limit must be an integer from 1 to 100", field="limit")
    after = command.get("starting_after")
    if after is not None and not isinstance(after, str):
        raise BadRequestError("starting_after must be a merchant id", field="starting_after")
    merchants, next_after = merchant_store.merchants_page(limit, after)
    return {"data": [_summary(m) for m in merchants], "next": next_after}


def _show(command: dict[str, Any]) -> dict[str, Any]:
    return _summary(_merchant(command))


def _deactivate(command: dict[str, Any]) -> dict[str, Any]:
    set_merchant_active(_merchant(command).id, False)
    return _summary(_merchant(command))


def _activate(command: dict[str, Any]) -> dict[str, Any]:
    set_merchant_active(_merchant(command).id, True)
    return _summary(_merchant(command))


def _reset_password(command: dict[str, Any]) -> dict[str, Any]:
    merchant = _merchant(command)
    return {"id": merchant.id, "password_link": new_password_link(merchant.id, get_settings().dashboard_url)}


def _merchant(command: dict[str, Any]) -> Merchant:
    """By `merchant_id`, or by `email`."""
    merchant_id, email = command.get("merchant_id"), command.get("email")
    if isinstance(merchant_id, str) and merchant_id:
        return require_merchant(merchant_id)
    if isinstance(email, str) and email:
        found = merchant_store.find_merchant_by_email(email.strip().lower())
        if found is None:
            raise NotFoundError("Merchant not found")
        return require_merchant(found.id)
    raise BadRequestError("merchant_id or email is required", field="merchant_id")


def _summary(merchant: Merchant) -> dict[str, Any]:
    """What operators see: never a secret or a password hash."""
    return {
        "id": merchant.id,
        "name": merchant.name,
        "email": merchant.email,
        "api_key": merchant.api_key,
        "active": merchant.is_active,
        "password_set": merchant.password_hash is not None,
        "created_at": merchant.created_at,
    }


_ACTIONS = {
    "create": _create,
    "list": _list,
    "show": _show,
    "deactivate": _deactivate,
    "activate": _activate,
    "reset-password": _reset_password,
}
