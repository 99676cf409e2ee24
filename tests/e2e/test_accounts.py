"""Onboarding end to end: an operator creates a merchant with the `gateway` CLI against the local stack,
the merchant sets a password through the link, logs in, sees its keys and rolls them; the dashboard keeps
only its session, and logging out ends it on the server. (The `page` fixture fails a test on any console
error or uncaught exception.)"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Page, Playwright, expect

from devkit.live_stack import LiveStack
from tests.e2e.conftest import artifact_folder

GATEWAY_CLI = Path(sys.executable).parent / "gateway"
PASSWORD = "a long enough password"


@pytest.fixture(scope="module", autouse=True)
def test_ids_use_the_spec_attribute(playwright_instance: Playwright) -> None:
    """docs/browser-contract.md names elements by `data-test-id`, not Playwright's default `data-testid`."""
    playwright_instance.selectors.set_test_id_attribute("data-test-id")


@pytest.fixture
def screenshots(artifacts_dir: Path) -> Path:
    return artifact_folder(artifacts_dir, "accounts")


def gateway_cli(live_stack: LiveStack, *arguments: str) -> str:
    """`gateway ...` as an operator runs it; the local stack's Lambda port is the default one's stand-in."""
    environment = {**os.environ, "GATEWAY_LAMBDA_URL": live_stack.lambda_url}
    for name in ("AWS_ENDPOINT_URL", "GATEWAY_STACK", "GATEWAY_ADMIN_FUNCTION"):
        environment.pop(name, None)
    done = subprocess.run(
        [str(GATEWAY_CLI), *arguments], env=environment, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def log_in(page: Page, live_stack: LiveStack, email: str, password: str) -> None:
    page.goto(live_stack.dashboard_url + "/login")
    page.get_by_test_id("email-input").fill(email)
    page.get_by_test_id("password-input").fill(password)
    page.get_by_test_id("login-button").click()
    page.wait_for_url(live_stack.dashboard_url + "/dashboard")


def read_like_a_contract_check(page: Page, test_id: str) -> str:
    element = page.wait_for_selector(f'[data-test-id="{test_id}"]')
    assert element is not None
    return element.inner_text()


def test_onboarding_from_the_cli_to_rolled_keys(
    live_stack: LiveStack, page: Page, screenshots: Path, viewport: str
) -> None:
    # GIVEN an operator creating a merchant with the CLI
    email = f"onboard-{secrets.token_hex(4)}@example.com"
    created = json.loads(
        gateway_cli(
            live_stack, "admin", "merchants", "create", "--name", "Onboard Co", "--email", email, "--json"
        )
    )
    assert set(created) == {"id", "api_key", "api_secret", "password_link"}
    assert created["api_key"].startswith("key_") and created["api_secret"].startswith("secret_")
    assert created["password_link"].startswith(f"{live_stack.dashboard_url}/set-password?token=")
    shown = gateway_cli(live_stack, "admin", "merchants", "show", email)
    assert created["id"] in shown and "secret_" not in shown

    # WHEN the merchant opens the link and sets a password
    page.goto(created["password_link"])
    page.screenshot(path=screenshots / f"set-password-{viewport}.png", full_page=True)
    page.get_by_test_id("new-password-input").fill(PASSWORD)
    page.get_by_test_id("confirm-password-input").fill(PASSWORD)
    page.get_by_test_id("set-password-button").click()
    page.wait_for_url(re.compile(r"/login\?reason=password-set"))

    # THEN it logs in with it and sees its own keys, exactly as the contract names them
    log_in(page, live_stack, email, PASSWORD)
    assert read_like_a_contract_check(page, "api-key") == created["api_key"]
    assert read_like_a_contract_check(page, "api-secret") == created["api_secret"]
    stored = page.evaluate("JSON.stringify(Object.assign({}, sessionStorage))")
    assert created["api_secret"] not in stored and created["api_key"] not in stored
    expect(page.get_by_test_id("key-pair-row")).to_have_count(1)

    # WHEN it rolls its keys with a day of overlap
    page.get_by_test_id("roll-overlap-select").select_option("24")
    page.get_by_test_id("roll-keys-button").click()

    # THEN the new pair is shown and listed beside the previous one, and both work
    expect(page.get_by_test_id("key-pair-row")).to_have_count(2)
    expect(page.get_by_test_id("roll-keys-status")).to_contain_text("24 hours")
    new_key = page.get_by_test_id("api-key").inner_text()
    new_secret = page.get_by_test_id("api-secret").inner_text()
    assert new_key != created["api_key"] and new_secret.startswith("secret_")
    expect(page.locator(f'[data-test-id="key-pair-row"][data-api-key="{new_key}"]')).to_have_attribute(
        "data-current", "true"
    )
    page.screenshot(path=screenshots / f"keys-rolled-{viewport}.png", full_page=True)
    for key, secret in ((new_key, new_secret), (created["api_key"], created["api_secret"])):
        answer = requests.get(
            f"{live_stack.api_url}/api/v1/payments",
            headers={"X-Api-Key": key, "X-Api-Secret": secret},
            timeout=30,
        )
        assert answer.status_code == 200

    # AND the link worked once only
    token = created["password_link"].split("token=")[1]
    again = requests.post(
        f"{live_stack.api_url}/api/v1/auth/set-password",
        json={"token": token, "password": PASSWORD},
        timeout=30,
    )
    assert again.status_code == 400


def test_logging_out_ends_the_session_on_the_server(live_stack: LiveStack, page: Page) -> None:
    merchant = live_stack.create_merchant()
    log_in(page, live_stack, merchant["email"], merchant["password"])
    token = page.evaluate("JSON.parse(sessionStorage.getItem('gateway.dashboard.session')).token")
    account = f"{live_stack.api_url}/api/v1/account"
    bearer = {"Authorization": f"Bearer {token}"}
    assert requests.get(account, headers=bearer, timeout=30).status_code == 200
    page.get_by_test_id("logout-button").click()
    page.wait_for_url(re.compile(r"/login"))
    assert requests.get(account, headers=bearer, timeout=30).status_code == 401


def test_a_deactivated_merchant_is_sent_back_to_log_in(live_stack: LiveStack, page: Page) -> None:
    merchant = live_stack.create_merchant()
    log_in(page, live_stack, merchant["email"], merchant["password"])
    expect(page.get_by_test_id("api-key")).to_have_text(merchant["api_key"])
    gateway_cli(live_stack, "admin", "merchants", "deactivate", merchant["email"])
    page.reload()
    page.wait_for_url(re.compile(r"/login\?reason=expired"))
    expect(page.get_by_test_id("login-notice")).to_be_visible()
