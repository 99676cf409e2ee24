"""An operator onboards a merchant on the deployed stack: `gateway admin merchants create --stack NAME`
finds the admin function from the stack's outputs and invokes it through LocalStack's Lambda API; the
merchant sets its password with the link's token and logs in through API Gateway."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import requests

GATEWAY_CLI = Path(sys.executable).parent / "gateway"


def test_an_operator_creates_a_merchant_who_then_logs_in(stack_name: str, api_url: str) -> None:
    # GIVEN an operator's `gateway admin merchants create` against the deployed stack
    email = f"deployed-{secrets.token_hex(4)}@example.com"
    environment = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",  # LocalStack's fixed dummy credentials
        "AWS_REGION": "us-east-1",
    }
    command = [
        "admin",
        "merchants",
        "create",
        "--stack",
        stack_name,
        "--name",
        "Deployed Co",
        "--email",
        email,
    ]
    done = subprocess.run(
        [str(GATEWAY_CLI), *command, "--json"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    created = json.loads(done.stdout)
    assert created["api_key"].startswith("key_") and "/set-password?token=" in created["password_link"]

    # WHEN the merchant sets its password with the link's token
    token = created["password_link"].split("token=")[1]
    password = "a deployed password"
    set_password = requests.post(
        f"{api_url}/api/v1/auth/set-password", json={"token": token, "password": password}, timeout=60
    )
    assert set_password.status_code == 200, set_password.text

    # THEN it logs in, and its session reads its own key pair
    login = requests.post(
        f"{api_url}/api/v1/auth/login", json={"email": email, "password": password}, timeout=60
    )
    assert login.status_code == 200, login.text
    account = requests.get(
        f"{api_url}/api/v1/account", headers={"Authorization": f"Bearer {login.json()['token']}"}, timeout=60
    )
    assert account.status_code == 200
    assert (account.json()["api_key"], account.json()["api_secret"]) == (
        created["api_key"],
        created["api_secret"],
    )
