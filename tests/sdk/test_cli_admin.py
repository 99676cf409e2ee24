"""`gateway admin merchants ...` against the session's local stack (its runtime answers Lambda Invoke), and
`client.account` for the merchant it creates."""

from __future__ import annotations

import json
import secrets

import pytest
from gateway_client import AuthenticationError, Client

from devkit.live_stack import LiveStack
from tests.sdk.support import run_cli

pytestmark = pytest.mark.integration


def admin(live_stack: LiveStack, *arguments: str) -> str:
    done = run_cli(
        "admin", "merchants", *arguments, environment={"GATEWAY_LAMBDA_URL": live_stack.lambda_url}
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_create_prints_the_keys_once_and_a_password_link(live_stack: LiveStack) -> None:
    email = f"cli-{secrets.token_hex(4)}@example.com"
    printed = admin(live_stack, "create", "--name", "CLI Shop", "--email", email)
    assert "API key     key_" in printed and "API secret  secret_" in printed
    assert f"{live_stack.dashboard_url}/set-password?token=" in printed
    listed = admin(live_stack, "list", "--limit", "100")
    assert email in listed or "--starting-after" in listed
    shown = admin(live_stack, "show", email)
    assert "secret_" not in shown and "password_set  False" in shown
    assert "Password link for" in admin(live_stack, "reset-password", email)


def test_deactivate_and_activate_switch_the_merchants_keys(live_stack: LiveStack) -> None:
    email = f"cli-{secrets.token_hex(4)}@example.com"
    created = json.loads(admin(live_stack, "create", "--name", "Switch", "--email", email, "--json"))
    with Client(created["api_key"], created["api_secret"], live_stack.api_url) as client:
        assert client.account.get().email == email
        assert "deactivated" in admin(live_stack, "deactivate", created["id"])
        with pytest.raises(AuthenticationError):
            client.account.get()
        assert "activated" in admin(live_stack, "activate", created["id"])
        assert [pair.api_key for pair in client.account.list_keys()] == [created["api_key"]]


def test_client_account_rolls_keys_with_an_overlap(live_stack: LiveStack) -> None:
    merchant = live_stack.create_merchant()
    with Client(merchant["api_key"], merchant["api_secret"], live_stack.api_url) as client:
        rolled = client.account.roll_keys(expire_previous_in_hours=1)
        assert rolled.current and rolled.api_secret.startswith("secret_") and rolled.expires_at is None
        listed = client.account.list_keys()
        assert [pair.api_key for pair in listed] == [rolled.api_key, merchant["api_key"]]
        assert listed[1].expires_at is not None and "\u2022" in listed[1].api_secret
    with Client(rolled.api_key, rolled.api_secret, live_stack.api_url) as client:
        assert client.account.get().api_secret == rolled.api_secret


def test_admin_errors_are_one_clear_line(live_stack: LiveStack) -> None:
    environment = {"GATEWAY_LAMBDA_URL": live_stack.lambda_url}
    done = run_cli("admin", "merchants", "show", "nobody@example.com", environment=environment)
    assert done.returncode == 1 and done.stderr.strip() == "error: Merchant not found"
    nowhere = run_cli("admin", "merchants", "list", environment={"GATEWAY_LAMBDA_URL": "http://127.0.0.1:9"})
    assert nowhere.returncode == 1 and "start one with `make run`" in nowhere.stderr
