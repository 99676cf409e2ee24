"""Logins that hold and accounts that end, over real HTTP against the local stack.

The stack sees each request's source address from its socket, so an attacker and the owner are told
apart by binding the client to different loopback addresses (127.0.0.x all reach the stack).
"""

from __future__ import annotations

import http.client
import json
import secrets
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from devkit.live_stack import LiveStack

pytestmark = pytest.mark.integration

ATTEMPTS = 30
PER_ACCOUNT_AND_ADDRESS = 5


def post_from(address: str, url: str, body: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, str]]:
    """POST a JSON body from a given loopback source address."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection("127.0.0.1", parts.port, timeout=60, source_address=(address, 0))
    try:
        connection.request("POST", parts.path, json.dumps(body), {"Content-Type": "application/json"})
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"{}"), dict(response.getheaders())
    finally:
        connection.close()


def log_in_from(address: str, live_stack: LiveStack, email: str, password: str) -> tuple[int, Any, Any]:
    return post_from(
        address, f"{live_stack.api_url}/api/v1/auth/login", {"email": email, "password": password}
    )


def fresh_address() -> str:
    return f"127.0.{secrets.randbelow(200) + 20}.{secrets.randbelow(250) + 2}"


def test_parallel_logins_never_pass_the_limit_and_the_owner_still_gets_in_from_elsewhere(
    live_stack: LiveStack,
) -> None:
    # GIVEN a merchant with a password, and an attacker sending 30 attempts at once, the right password
    # among them
    merchant = live_stack.create_merchant()
    attacker = fresh_address()
    start = Barrier(ATTEMPTS)

    def attempt(index: int) -> int:
        password = merchant["password"] if index == ATTEMPTS - 1 else f"guess-{index}"
        start.wait()
        return log_in_from(attacker, live_stack, merchant["email"], password)[0]

    # WHEN they arrive together
    with ThreadPoolExecutor(ATTEMPTS) as pool:
        statuses = list(pool.map(attempt, range(ATTEMPTS)))

    # THEN at most the limit reached the password check (401 or 200); every other one was refused first
    checked = [status for status in statuses if status in (200, 401)]
    assert len(checked) <= PER_ACCOUNT_AND_ADDRESS, statuses
    assert statuses.count(429) == ATTEMPTS - len(checked), statuses

    # AND an attacker whose parallel guesses were all wrong stays throttled, with Retry-After, even with the
    # right password (in the burst above the right one may have been among those checked, and a successful
    # login gives its count back)
    guesser = fresh_address()
    guesses = Barrier(ATTEMPTS)

    def guess(index: int) -> int:
        guesses.wait()
        return log_in_from(guesser, live_stack, merchant["email"], f"guess-{index}")[0]

    with ThreadPoolExecutor(ATTEMPTS) as pool:
        statuses = list(pool.map(guess, range(ATTEMPTS)))
    assert statuses.count(401) <= PER_ACCOUNT_AND_ADDRESS and 200 not in statuses, statuses
    status, body, headers = log_in_from(guesser, live_stack, merchant["email"], merchant["password"])
    assert status == 429 and body["error"]["code"] == "RATE_LIMIT_ERROR"
    assert 1 <= int({k.lower(): v for k, v in headers.items()}["retry-after"]) <= 900

    # AND the owner, from another address, logs in
    status, body, _ = log_in_from(fresh_address(), live_stack, merchant["email"], merchant["password"])
    assert status == 200 and body["merchant"]["email"] == merchant["email"]


def test_a_session_works_on_merchant_routes_until_logout(live_stack: LiveStack) -> None:
    merchant = live_stack.create_merchant()
    status, login, _ = log_in_from(fresh_address(), live_stack, merchant["email"], merchant["password"])
    assert status == 200
    bearer = {"Authorization": f"Bearer {login['token']}"}
    order = requests.post(
        f"{live_stack.api_url}/api/v1/orders", json={"amount": 5000}, headers=bearer, timeout=30
    )
    assert order.status_code == 201 and order.json()["merchant_id"] == merchant["id"]
    assert (
        requests.post(f"{live_stack.api_url}/api/v1/auth/logout", headers=bearer, timeout=30).status_code
        == 200
    )
    after = requests.get(
        f"{live_stack.api_url}/api/v1/orders/{order.json()['id']}", headers=bearer, timeout=30
    )
    assert after.status_code == 401


def test_a_deactivated_merchants_checkout_takes_no_payment(live_stack: LiveStack) -> None:
    # GIVEN a merchant with an order, deactivated by an operator through the admin function (Lambda Invoke)
    import boto3

    merchant = live_stack.create_merchant()
    keys = {"X-Api-Key": merchant["api_key"], "X-Api-Secret": merchant["api_secret"]}
    order = requests.post(
        f"{live_stack.api_url}/api/v1/orders", json={"amount": 5000}, headers=keys, timeout=30
    )
    admin = boto3.client(
        "lambda",
        endpoint_url=live_stack.lambda_url,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    command = {"action": "deactivate", "merchant_id": merchant["id"]}
    answer = json.loads(
        admin.invoke(FunctionName="AdminFunction", Payload=json.dumps(command))["Payload"].read()
    )
    assert answer["ok"] is True and answer["result"]["active"] is False

    # WHEN a shopper tries to pay its order, and the merchant to use its keys
    pay = {"order_id": order.json()["id"], "method": "upi", "vpa": "shopper@upi"}
    paid = requests.post(f"{live_stack.api_url}/api/v1/payments/public", json=pay, timeout=30)
    shown = requests.get(f"{live_stack.api_url}/api/v1/orders/{order.json()['id']}/public", timeout=30)
    used = requests.get(f"{live_stack.api_url}/api/v1/payments", headers=keys, timeout=30)

    # THEN everything is refused
    assert paid.status_code == 404 and paid.json()["error"]["description"] == "Order not found"
    assert shown.status_code == 404
    assert used.status_code == 401
