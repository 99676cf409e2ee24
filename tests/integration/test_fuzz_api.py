"""Fuzzing the running API against its own OpenAPI document, and proving wrong credentials never get in.

The fuzz run is schemathesis' `st run` (examples, coverage, fuzzing and stateful phases, every check) with the
settings in schemathesis.toml next to this file. It runs as a fresh merchant: fuzzing rewrites the webhook URL
and secret, which other tests rely on for the shared test merchant.

Run alone: `.venv/bin/pytest -m integration tests/integration/test_fuzz_api.py` (FUZZ_MAX_EXAMPLES=20 and
FUZZ_SEED=<int> tune and reproduce a run; the JUnit report lands in test-artifacts/fuzz/).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devkit.live_stack import LiveStack
from devkit.merchant import wait_for

pytestmark = pytest.mark.integration

REPO_ROOT = Path(__file__).resolve().parents[2]
SCHEMATHESIS_CONFIG = Path(__file__).with_name("schemathesis.toml")
DEFAULT_FUZZ_SEED = "20261126"
ARTIFACTS = REPO_ROOT / "test-artifacts" / "fuzz"
FUZZ_DEADLINE_SECONDS = 540
AUTHENTICATION_ERROR = {"code": "AUTHENTICATION_ERROR", "description": "Invalid API credentials"}
HTTP_METHODS = ("get", "post", "put", "delete", "patch")
# Methods no route of the gateway serves; OPTIONS (CORS preflight) and HEAD are answered for every route.
NEVER_SERVED_METHODS = ("DELETE", "PATCH", "TRACE", "QUERY")


def openapi_document() -> dict[str, Any]:
    document = yaml.safe_load((REPO_ROOT / "openapi.yaml").read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


def merchant_operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method in HTTP_METHODS:
            operation = item.get(method)
            if operation is not None and operation.get("security"):
                yield method.upper(), path, operation


@pytest.fixture(scope="module")
def fuzz_merchant(live_stack: LiveStack) -> dict[str, str]:
    return live_stack.create_merchant()


@pytest.fixture(scope="module")
def other_merchant(live_stack: LiveStack) -> dict[str, str]:
    return live_stack.create_merchant()


def auth_headers(merchant: dict[str, str]) -> dict[str, str]:
    return {"X-Api-Key": merchant["api_key"], "X-Api-Secret": merchant["api_secret"]}


def failures_section(output: str) -> str:
    """The errors, failures and summary of `st run`, without its progress lines and warnings.

    A CI log shows only so much of an assertion message; the long link tips under WARNINGS would push out
    the one thing a reader of a failure needs, the traceback under ERRORS.
    """
    sections = re.split(r"^=+ ([A-Z ]+) =+$", output, flags=re.MULTILINE)
    kept = [
        f"== {title} ==\n{body.strip()}\n"
        for title, body in zip(sections[1::2], sections[2::2], strict=True)
        if title.strip() in {"ERRORS", "FAILURES", "SUMMARY"}
    ]
    return "\n".join(kept) if kept else output[-20000:]


# ---------------------------------------------------------------- the fuzz run


def test_api_conforms_to_its_openapi_document_under_fuzzing(
    live_stack: LiveStack, fuzz_merchant: dict[str, str], tmp_path: Path
) -> None:
    # GIVEN the running stack, a fresh merchant and the document the API serves about itself
    environment = {
        **os.environ,
        "FUZZ_BASE_URL": live_stack.api_url,
        "FUZZ_API_KEY": fuzz_merchant["api_key"],
        "FUZZ_API_SECRET": fuzz_merchant["api_secret"],
    }
    command = [
        sys.executable,
        "-c",
        "import sys; from schemathesis.cli import schemathesis; sys.exit(schemathesis())",
        "--no-color",
        "--config-file",
        str(SCHEMATHESIS_CONFIG),
        "run",
        f"{live_stack.api_url}/api/v1/openapi.json",
        "--max-examples",
        os.environ.get("FUZZ_MAX_EXAMPLES", "20"),
        "--report",
        "junit",
        "--report-junit-path",
        str(ARTIFACTS / "schemathesis-junit.xml"),
    ]
    # A fixed seed keeps CI reproducible; FUZZ_SEED=<other int> explores further.
    command += ["--seed", os.environ.get("FUZZ_SEED") or DEFAULT_FUZZ_SEED]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    # WHEN schemathesis fuzzes every operation with every check (cwd: keep its caches out of the repo)
    result = subprocess.run(
        command,
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=FUZZ_DEADLINE_SECONDS,
        check=False,
    )
    (ARTIFACTS / "schemathesis-output.txt").write_text(result.stdout + result.stderr, encoding="utf-8")

    # THEN no request gets a 5xx and every response matches the document
    assert result.returncode == 0, failures_section(result.stdout) + result.stderr[-5000:]


# ---------------------------------------------------------------- credentials


@pytest.fixture(scope="module")
def owned_resources(live_stack: LiveStack, fuzz_merchant: dict[str, str]) -> dict[str, str]:
    """Real ids of the fuzz merchant, so a route that skipped authentication would answer 200, not 404."""
    headers = auth_headers(fuzz_merchant)
    order = requests.post(
        f"{live_stack.api_url}/api/v1/orders", json={"amount": 50000}, headers=headers, timeout=30
    )
    assert order.status_code == 201, order.text
    payment = requests.post(
        f"{live_stack.api_url}/api/v1/payments",
        json={"order_id": order.json()["id"], "method": "upi", "vpa": "user@paytm"},
        headers=headers,
        timeout=30,
    )
    assert payment.status_code == 201, payment.text
    link = requests.post(
        f"{live_stack.api_url}/api/v1/payment_links", json={"amount": 50000}, headers=headers, timeout=30
    )
    assert link.status_code == 201, link.text
    events_url = f"{live_stack.api_url}/api/v1/events"
    events = wait_for(
        lambda: requests.get(events_url, headers=headers, timeout=30).json()["data"],
        30,
        "the payment's events",
    )
    return {
        "order_id": order.json()["id"],
        "payment_id": payment.json()["id"],
        "refund_id": "rfnd_0000000000000000",
        "webhook_id": "00000000-0000-4000-8000-000000000000",
        "event_id": events[0]["id"],
        "recovery_id": "rcv_0000000000000000",
        "payment_link_id": link.json()["id"],
    }


def example_body(document: dict[str, Any], operation: dict[str, Any]) -> Any:
    """A valid body for the operation (its first example), or None when it takes none."""
    request_body = operation.get("requestBody")
    if request_body is None:
        return None
    if "$ref" in request_body:
        request_body = document["components"]["requestBodies"][request_body["$ref"].rsplit("/", 1)[-1]]
    media = request_body["content"]["application/json"]
    if "example" in media:
        return media["example"]
    return next(iter(media["examples"].values()))["value"]


def wrong_credentials(merchant: dict[str, str], other: dict[str, str]) -> dict[str, dict[str, str]]:
    key, secret = merchant["api_key"], merchant["api_secret"]
    return {
        "none": {},
        "key only": {"X-Api-Key": key},
        "secret only": {"X-Api-Secret": secret},
        "empty pair": {"X-Api-Key": "", "X-Api-Secret": ""},
        "wrong secret": {"X-Api-Key": key, "X-Api-Secret": "secret_wrong"},
        "secret of another merchant": {"X-Api-Key": key, "X-Api-Secret": other["api_secret"]},
        "key of another merchant": {"X-Api-Key": other["api_key"], "X-Api-Secret": secret},
        "secret missing its last character": {"X-Api-Key": key, "X-Api-Secret": secret[:-1]},
        "secret with an extra character": {"X-Api-Key": key, "X-Api-Secret": secret + "0"},
        "secret in upper case": {"X-Api-Key": key, "X-Api-Secret": secret.upper()},
        "unknown key": {"X-Api-Key": "key_unknown_000", "X-Api-Secret": secret},
        "pair swapped": {"X-Api-Key": secret, "X-Api-Secret": key},
    }


def merchant_money_state(live_stack: LiveStack, merchant: dict[str, str]) -> list[tuple[str, bool, int]]:
    """Per payment: id, captured, number of refunds. The status is left out: payments settle on their own."""
    headers = auth_headers(merchant)
    payments = requests.get(f"{live_stack.api_url}/api/v1/payments", headers=headers, timeout=30).json()
    state = []
    for payment in payments:
        refunds_url = f"{live_stack.api_url}/api/v1/payments/{payment['id']}/refunds"
        refunds = requests.get(refunds_url, headers=headers, timeout=30).json()
        state.append((payment["id"], payment["captured"], len(refunds)))
    return state


def test_wrong_credentials_never_succeed_on_merchant_routes(
    live_stack: LiveStack,
    fuzz_merchant: dict[str, str],
    other_merchant: dict[str, str],
    owned_resources: dict[str, str],
) -> None:
    # GIVEN every merchant route with real resource ids and a valid body, and the merchant's current state
    document = openapi_document()
    config_url = f"{live_stack.api_url}/api/v1/webhooks/config"
    config_before = requests.get(config_url, headers=auth_headers(fuzz_merchant), timeout=30).json()
    payments_before = merchant_money_state(live_stack, fuzz_merchant)
    accepted = []

    # WHEN each is called with each kind of wrong credentials
    for method, path, operation in merchant_operations(document):
        url = live_stack.api_url + path.format(**owned_resources)
        body = example_body(document, operation)
        if isinstance(body, dict) and "order_id" in body:
            body = {**body, "order_id": owned_resources["order_id"]}
        for name, headers in wrong_credentials(fuzz_merchant, other_merchant).items():
            response = requests.request(method, url, json=body, headers=headers, timeout=30)
            envelope = response.json().get("error") if response.content else None
            if (
                response.status_code != 401
                or envelope is None
                or not AUTHENTICATION_ERROR.items() <= envelope.items()
            ):
                accepted.append(f"{method} {path} with {name}: {response.status_code} {response.text[:200]}")

    # THEN every request is refused with the documented 401 envelope, and nothing changed
    assert accepted == []
    assert requests.get(config_url, headers=auth_headers(fuzz_merchant), timeout=30).json() == config_before
    assert merchant_money_state(live_stack, fuzz_merchant) == payments_before


# Header values travel as latin-1; these are the printable ones an attacker can send.
# Printable ASCII without surrounding spaces: what an HTTP client can send as a header value at all.
header_text = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=80).map(
    str.strip
)


def test_fuzzed_credentials_are_refused(live_stack: LiveStack, fuzz_merchant: dict[str, str]) -> None:
    session = requests.Session()

    @settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(api_key=header_text, api_secret=header_text)
    def refused(api_key: str, api_secret: str) -> None:
        # GIVEN any key and secret that are not the merchant's pair
        if (api_key.strip(), api_secret.strip()) == (fuzz_merchant["api_key"], fuzz_merchant["api_secret"]):
            return
        headers = {"X-Api-Key": api_key, "X-Api-Secret": api_secret}
        # WHEN they are used to read and to write
        listing = session.get(f"{live_stack.api_url}/api/v1/payments", headers=headers, timeout=30)
        creation = session.post(
            f"{live_stack.api_url}/api/v1/orders", json={"amount": 100}, headers=headers, timeout=30
        )
        # THEN both are refused with the documented envelope
        for response in (listing, creation):
            assert response.status_code == 401, response.text
            assert response.json()["error"]["code"] == "AUTHENTICATION_ERROR"

    refused()


# ---------------------------------------------------------------- unknown methods


def test_unknown_methods_are_bad_requests_with_the_error_envelope(live_stack: LiveStack) -> None:
    # GIVEN every documented path, and methods no route serves (docs/behaviour.md: 400 BAD_REQUEST_ERROR,
    # never 5xx)
    document = openapi_document()
    ids = {"order_id": "order_0000000000000000", "payment_id": "pay_0000000000000000"}
    ids |= {"refund_id": "rfnd_0000000000000000", "webhook_id": "00000000-0000-4000-8000-000000000000"}
    ids |= {"event_id": "evt_0000000000000000", "recovery_id": "rcv_0000000000000000"}
    ids |= {"payment_link_id": "plink_0000000000000000"}
    wrong = []

    # WHEN each path is called with each of them
    for path in document["paths"]:
        for method in NEVER_SERVED_METHODS:
            response = requests.request(method, live_stack.api_url + path.format(**ids), timeout=30)
            try:
                code = response.json()["error"]["code"]
            except (ValueError, KeyError, TypeError):
                code = None
            if response.status_code != 400 or code != "BAD_REQUEST_ERROR":
                wrong.append(f"{method} {path}: {response.status_code} {response.text[:120]!r}")

    # THEN each answer is a 400 with the error envelope
    assert wrong == [], json.dumps(wrong, indent=1)
