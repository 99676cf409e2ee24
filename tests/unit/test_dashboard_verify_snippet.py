"""The Python verification snippet the dashboard docs show (dashboard_site/snippets/verify_webhook.py)."""

from __future__ import annotations

import hashlib
import hmac
import importlib.util
import time
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import pytest
from standardwebhooks.webhooks import Webhook

SNIPPET = Path(__file__).resolve().parents[2] / "dashboard_site" / "snippets" / "verify_webhook.py"
GENERATED_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
ROTATED_OUT_SECRET = "whsec_dGhlIG9sZCBzZWNyZXQgYmVmb3JlIHJvdGF0aW9u"
LEGACY_SECRET = "whsec_test_abc123"
UNRELATED_SECRET = "whsec_c29tZWJvZHkgZWxzZXMgc2VjcmV0"
# Non-ASCII on purpose: the gateway sends raw UTF-8, and the signature covers those bytes.
BODY = '{"event":"payment.success","timestamp":1700000000,"data":{"payment":{"note":"₹"}}}'.encode()


def load_snippet() -> ModuleType:
    """The snippet loaded exactly as a merchant would copy it: as a file of its own, not as a package module."""
    spec = importlib.util.spec_from_file_location("verify_webhook", SNIPPET)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def snippet() -> ModuleType:
    return load_snippet()


def signed_headers(secrets: list[str], msg_id: str = "msg_1", at: int | None = None) -> dict[str, str]:
    """Headers as the gateway sends them, the Standard Webhooks part made by the reference library."""
    timestamp = datetime.fromtimestamp(at if at is not None else time.time(), tz=UTC)
    signatures = [Webhook(secret).sign(msg_id, timestamp, BODY.decode()) for secret in secrets]
    return {
        "X-Webhook-Signature": hmac.new(secrets[0].encode(), BODY, hashlib.sha256).hexdigest(),
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(timestamp.timestamp())),
        "webhook-signature": " ".join(signatures),
    }


def test_accepts_the_published_standard_webhooks_vector(snippet: ModuleType) -> None:
    headers = {
        "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
        "webhook-timestamp": "1614265330",
        "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    }
    assert snippet.verify_standard_webhook(b'{"test": 2432232314}', headers, GENERATED_SECRET, now=1614265330)


def test_accepts_a_delivery_signed_by_the_reference_library(snippet: ModuleType) -> None:
    assert snippet.verify_webhook(BODY, signed_headers([GENERATED_SECRET]), GENERATED_SECRET)


def test_accepts_either_secret_during_rotation(snippet: ModuleType) -> None:
    headers = signed_headers([GENERATED_SECRET, ROTATED_OUT_SECRET])
    assert snippet.verify_standard_webhook(BODY, headers, ROTATED_OUT_SECRET)
    assert snippet.verify_standard_webhook(BODY, headers, GENERATED_SECRET)


def test_a_receiver_still_holding_the_old_secret_accepts_deliveries_after_a_rotation(
    snippet: ModuleType,
) -> None:
    # GIVEN a delivery made just after "Regenerate": hex by the new secret, Standard Webhooks by both
    headers = signed_headers([GENERATED_SECRET, ROTATED_OUT_SECRET])
    # THEN the hex signature alone no longer matches the old secret
    assert not snippet.verify_signature(BODY, headers["X-Webhook-Signature"], ROTATED_OUT_SECRET)
    # BUT verify_webhook accepts it with the old secret, the new one, or both
    assert snippet.verify_webhook(BODY, headers, ROTATED_OUT_SECRET)
    assert snippet.verify_webhook(BODY, headers, GENERATED_SECRET)
    assert snippet.verify_webhook(BODY, headers, [GENERATED_SECRET, ROTATED_OUT_SECRET])
    assert not snippet.verify_webhook(BODY, headers, [UNRELATED_SECRET])


def test_a_wrong_hex_signature_does_not_matter_when_the_standard_one_decides(snippet: ModuleType) -> None:
    headers = {**signed_headers([GENERATED_SECRET]), "X-Webhook-Signature": "0" * 64}
    assert snippet.verify_webhook(BODY, headers, GENERATED_SECRET)
    forged = {**signed_headers([GENERATED_SECRET]), "webhook-signature": "v1,bm9wZQ=="}
    assert not snippet.verify_webhook(BODY, forged, GENERATED_SECRET)


def test_rejects_a_tampered_body(snippet: ModuleType) -> None:
    assert not snippet.verify_webhook(BODY + b" ", signed_headers([GENERATED_SECRET]), GENERATED_SECRET)


def test_rejects_a_replayed_old_delivery(snippet: ModuleType) -> None:
    old = signed_headers([GENERATED_SECRET], at=int(time.time()) - 3600)
    assert not snippet.verify_webhook(BODY, old, GENERATED_SECRET)


def test_rejects_a_generated_secret_delivery_stripped_of_its_standard_headers(snippet: ModuleType) -> None:
    headers = signed_headers([GENERATED_SECRET])
    stripped = {"X-Webhook-Signature": headers["X-Webhook-Signature"]}
    assert not snippet.verify_webhook(BODY, stripped, GENERATED_SECRET)


def test_accepts_the_hex_signature_alone_for_a_legacy_secret(snippet: ModuleType) -> None:
    hex_signature = hmac.new(LEGACY_SECRET.encode(), BODY, hashlib.sha256).hexdigest()
    assert snippet.verify_webhook(BODY, {"x-webhook-signature": hex_signature}, LEGACY_SECRET)
    assert not snippet.verify_webhook(BODY, {"x-webhook-signature": "0" * 64}, LEGACY_SECRET)


def _sdk_snippet() -> str:
    import html
    import re

    docs = (SNIPPET.parents[1] / "src" / "html" / "docs.html").read_text(encoding="utf-8")
    match = re.search(r'data-test-id="code-snippet-webhook-sdk">(.*?)</code>', docs, re.S)
    assert match, "the docs page shows the SDK verification snippet"
    return html.unescape(match.group(1))


@pytest.mark.parametrize(("tamper", "accepted"), [(False, True), (True, False)])
def test_the_docs_sdk_snippet_verifies_a_delivery_and_refuses_a_tampered_one(
    tamper: bool, accepted: bool
) -> None:
    class Request:
        headers = signed_headers([GENERATED_SECRET, ROTATED_OUT_SECRET])

        @staticmethod
        def get_data() -> bytes:
            return BODY + (b" " if tamper else b"")

    aborted: list[int] = []
    scope = {
        "request": Request,
        "abort": aborted.append,
        "NEW_WEBHOOK_SECRET": GENERATED_SECRET,
        "OLD_WEBHOOK_SECRET": ROTATED_OUT_SECRET,
    }
    exec(_sdk_snippet(), scope)
    assert (aborted == []) is accepted
    if accepted:
        assert scope["event"]["event"] == "payment.success"
