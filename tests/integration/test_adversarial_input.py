"""Adversarial bodies and headers against every JSON route of the running API: always a 4xx envelope.

Schemathesis (test_fuzz_api.py) generates data its schema allows, plus some it does not; this adds what an
attacker sends on purpose: bodies nested past any parser's stack, lone surrogates, `NaN`, numbers with
thousands of digits, bodies past the size limit, bytes that are not UTF-8, and oversized or odd headers.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devkit.live_stack import LiveStack

pytestmark = pytest.mark.integration

JSON_ROUTES = [
    ("POST", "/api/v1/orders"),
    ("POST", "/api/v1/payments"),
    ("POST", "/api/v1/payments/public"),
    ("POST", "/api/v1/payments/pay_0000000000000000/capture"),
    ("POST", "/api/v1/payments/pay_0000000000000000/refunds"),
    ("PUT", "/api/v1/webhooks/config"),
    ("POST", "/api/v1/auth/login"),
]

HOSTILE_BODIES = st.sampled_from(
    [
        b"[" * 50_000 + b"]" * 50_000,
        b'{"amount": 50000, "notes": {"a": "\\ud800"}}',
        b'{"amount": 50000, "currency": "\\udfff\\ud800"}',
        b'{"amount": NaN}',
        b'{"amount": 50000, "notes": {"x": -Infinity}}',
        b'{"amount": ' + b"9" * 5000 + b"}",
        b'{"amount": 50000, "receipt": "' + b"r" * 200_000 + b'"}',
        b'{"amount": 50000, "notes": {"k": "\xff\xfe"}}',
        b'{"order_id": "' + b"o" * 5000 + b'", "method": "upi", "vpa": "a@b"}',
        b'{"webhook_url": "http://[::1]:99999/\\u0000"}',
        b'{"email": "' + b"e" * 300 + b'@x.io", "password": "p"}',
        b"\x00\x01\x02",
        b'"just a string"',
        b"null",
    ]
)
NESTED_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=40,
)
HOSTILE_HEADERS = st.fixed_dictionaries(
    {},
    optional={
        "Idempotency-Key": st.sampled_from(["k" * 10_000, "a b", "k\tk", "ключ", "a\u00ffb"]),
        "Content-Type": st.sampled_from(["text/plain", "application/json; charset=latin-1", "", "*/*"]),
        "X-Api-Key": st.sampled_from(["key_" + "x" * 5000, "ключ"]),
    },
)


def _is_envelope(body: Any) -> bool:
    return isinstance(body, dict) and isinstance(body.get("error"), dict) and "code" in body["error"]


@pytest.fixture(scope="module")
def merchant_headers(live_stack: LiveStack) -> dict[str, str]:
    merchant = live_stack.create_merchant()
    return {"X-Api-Key": merchant["api_key"], "X-Api-Secret": merchant["api_secret"]}


def _send(url: str, method: str, body: bytes, headers: dict[str, str]) -> None:
    sent = {"Content-Type": "application/json", **headers}
    encoded = {name: value.encode("utf-8") for name, value in sent.items()}
    response = requests.request(method, url, data=body, headers=encoded, timeout=30)
    assert response.status_code < 500, f"{method} {url} -> {response.status_code}: {response.text[:300]}"
    if response.status_code >= 400:
        assert _is_envelope(response.json()), response.text[:300]


@pytest.mark.parametrize(("method", "path"), JSON_ROUTES)
def test_hostile_bodies_and_headers_never_cause_a_5xx(
    live_stack: LiveStack, merchant_headers: dict[str, str], method: str, path: str
) -> None:
    @settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(
        body=HOSTILE_BODIES | NESTED_JSON.map(lambda value: json.dumps(value).encode()),
        headers=HOSTILE_HEADERS,
    )
    def attempt(body: bytes, headers: dict[str, str]) -> None:
        _send(live_stack.api_url + path, method, body, {**merchant_headers, **headers})

    attempt()
