"""`gateway_client.Webhook` against signatures made by the gateway's own signer (no sockets)."""

from __future__ import annotations

import base64
import json
import time

import pytest
from gateway.domain.webhooks import serialize_envelope, signature_headers
from gateway_client import SignatureVerificationError, Webhook
from standardwebhooks.webhooks import Webhook as ReferenceWebhook

NOW = 1_800_000_000
SECRET = "whsec_" + base64.b64encode(b"k" * 32).decode()
OLD_SECRET = "whsec_" + base64.b64encode(b"o" * 32).decode()
OTHER_SECRET = "whsec_" + base64.b64encode(b"x" * 32).decode()
HEX_ONLY_SECRET = "whsec_test_abc123"  # the seeded test merchant's: not base64, so hex only


def delivery(
    secrets: list[str], timestamp: int = NOW, event_id: str = "evt_AbCdEfGh12345678"
) -> tuple[bytes, dict[str, str]]:
    body = serialize_envelope(
        "payment.success", timestamp, {"payment": {"id": "pay_x", "amount": 50000}}
    ).encode()
    return body, signature_headers(secrets, event_id, timestamp, body)


def verifier(secrets: str | list[str], now: float = NOW) -> Webhook:
    return Webhook(secrets, clock=lambda: now)


def test_a_standard_webhooks_delivery_verifies_and_returns_the_event() -> None:
    body, headers = delivery([SECRET])
    event = verifier(SECRET).verify(body, headers)
    assert event == json.loads(body)
    assert event["event"] == "payment.success"


def test_header_names_are_matched_whatever_their_case() -> None:
    body, headers = delivery([SECRET])
    shouted = {name.upper(): value for name, value in headers.items()}
    assert verifier(SECRET).verify(body, shouted)["event"] == "payment.success"


def test_a_tampered_body_is_rejected() -> None:
    body, headers = delivery([SECRET])
    tampered = body.replace(b"50000", b"99999")
    with pytest.raises(SignatureVerificationError, match="no matching signature"):
        verifier(SECRET).verify(tampered, headers)


def test_a_delivery_signed_with_another_secret_is_rejected() -> None:
    body, headers = delivery([OTHER_SECRET])
    with pytest.raises(SignatureVerificationError):
        verifier(SECRET).verify(body, headers)


def test_a_stale_delivery_is_rejected_after_five_minutes() -> None:
    body, headers = delivery([SECRET])
    assert verifier(SECRET, now=NOW + 299).verify(body, headers)
    with pytest.raises(SignatureVerificationError, match="too old"):
        verifier(SECRET, now=NOW + 301).verify(body, headers)


def test_a_delivery_from_the_future_is_rejected_beyond_five_minutes() -> None:
    body, headers = delivery([SECRET])
    with pytest.raises(SignatureVerificationError, match="too new"):
        verifier(SECRET, now=NOW - 301).verify(body, headers)


def test_a_replay_with_a_fresh_timestamp_is_rejected() -> None:
    # GIVEN a captured delivery whose timestamp an attacker moves forward to pass the time check
    body, headers = delivery([SECRET])
    replayed = {**headers, "webhook-timestamp": str(NOW + 3600)}
    # THEN the signature (over id.timestamp.body) no longer matches
    with pytest.raises(SignatureVerificationError, match="no matching signature"):
        verifier(SECRET, now=NOW + 3600).verify(body, replayed)


def test_a_replay_under_another_event_id_is_rejected() -> None:
    body, headers = delivery([SECRET])
    with pytest.raises(SignatureVerificationError):
        verifier(SECRET).verify(body, {**headers, "webhook-id": "evt_Other0000000000"})


def test_during_rotation_either_secret_verifies_and_a_receiver_may_hold_both() -> None:
    # GIVEN a delivery signed by the new and the old secret (the gateway's rotation overlap)
    body, headers = delivery([SECRET, OLD_SECRET])
    assert len(headers["webhook-signature"].split()) == 2
    # THEN a receiver with either secret, or with both, accepts it
    assert verifier(OLD_SECRET).verify(body, headers)
    assert verifier(SECRET).verify(body, headers)
    assert verifier([OTHER_SECRET, SECRET]).verify(body, headers)
    with pytest.raises(SignatureVerificationError):
        verifier(OTHER_SECRET).verify(body, headers)


def test_the_hex_signature_is_used_when_standard_headers_are_absent() -> None:
    body, headers = delivery([HEX_ONLY_SECRET])
    assert "webhook-signature" not in headers
    # the gateway still sends webhook-id and webhook-timestamp then; the hex signature decides
    assert verifier(HEX_ONLY_SECRET).verify(body, headers)["event"] == "payment.success"
    hex_only = {"X-Webhook-Signature": headers["X-Webhook-Signature"]}
    assert verifier(HEX_ONLY_SECRET).verify(body, hex_only)["event"] == "payment.success"
    with pytest.raises(SignatureVerificationError):
        verifier(HEX_ONLY_SECRET).verify(body + b" ", hex_only)
    with pytest.raises(SignatureVerificationError):
        verifier(OTHER_SECRET).verify(body, hex_only)


def test_standard_headers_decide_even_when_the_hex_signature_is_right() -> None:
    # GIVEN a right hex signature but Standard Webhooks headers that are stale
    body, headers = delivery([SECRET])
    with pytest.raises(SignatureVerificationError, match="too old"):
        verifier(SECRET, now=NOW + 3600).verify(body, headers)
    # AND a delivery whose standard signature was stripped but whose id and timestamp remain
    stripped = {name: value for name, value in headers.items() if name != "webhook-signature"}
    with pytest.raises(SignatureVerificationError, match="missing"):
        verifier(SECRET).verify(body, stripped)


def test_an_unsigned_delivery_is_rejected() -> None:
    body, _headers = delivery([SECRET])
    with pytest.raises(SignatureVerificationError, match="no webhook signature"):
        verifier(SECRET).verify(body, {"Content-Type": "application/json"})


def test_the_signer_the_cli_uses_produces_what_the_reference_library_accepts() -> None:
    # GIVEN the CLI's signer (Webhook.sign) signing a body now
    body = b'{"event":"payment.success","timestamp":1,"data":{}}'
    now = int(time.time())
    headers = Webhook(SECRET).sign("evt_AbCdEfGh12345678", now, body)
    # THEN its headers equal the gateway's own, and the Standard Webhooks reference library accepts them
    assert headers == signature_headers([SECRET], "evt_AbCdEfGh12345678", now, body)
    assert ReferenceWebhook(SECRET).verify(body, headers) == json.loads(body)


def test_an_empty_secret_is_refused_up_front() -> None:
    with pytest.raises(ValueError):
        Webhook([])
    with pytest.raises(ValueError):
        Webhook("")
