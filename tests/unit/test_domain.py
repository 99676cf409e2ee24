"""Pure domain rules: no AWS."""

from __future__ import annotations

import base64
import json
import random
import time
from datetime import date

import pytest
from gateway.config import settings_from
from gateway.domain import ids, processing, validation, webhooks
from gateway.errors import (
    BadRequestError,
    ConfigurationError,
    ExpiredCardError,
    InvalidCardError,
    InvalidVpaError,
)
from standardwebhooks import Webhook

TODAY = date(2026, 11, 26)


@pytest.mark.parametrize("vpa", ["user@paytm", "first.last@okhdfc", "a_b-c@ybl", "9876543210@upi"])
def test_vpa_accepts_handle_at_provider(vpa):
    request = validation.validate_payment_method(
        {"method": "upi", "vpa": vpa}, "order_x", TODAY, currency="INR"
    )
    assert request.vpa == vpa


@pytest.mark.parametrize(
    "vpa", ["user", "user@", "@paytm", "us er@paytm", "user@pay.tm", "user@@paytm", 42, None]
)
def test_vpa_rejects_malformed(vpa):
    with pytest.raises(InvalidVpaError):
        validation.validate_payment_method({"method": "upi", "vpa": vpa}, "order_x", TODAY, currency="INR")


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("4111111111111111", True),
        ("4111 1111 1111 1111", True),
        ("4111-1111-1111-1111", True),
        ("4111111111111112", False),
        ("411111111111", False),
        ("41111111111111111111", False),
        ("4111abcd11111111", False),
    ],
)
def test_card_number_needs_13_to_19_luhn_valid_digits(number, valid):
    if valid:
        assert validation.normalize_card_number(number) == "4111111111111111"
    else:
        with pytest.raises(InvalidCardError):
            validation.normalize_card_number(number)


@pytest.mark.parametrize(
    ("prefix_number", "network"),
    [
        ("4111111111111111", "visa"),
        ("5555555555554444", "mastercard"),
        ("5105105105105100", "mastercard"),
        ("378282246310005", "amex"),
        ("341111111111111", "amex"),
        ("6011111111111117", "rupay"),
        ("6521000000000003", "rupay"),
        ("8100000000000007", "rupay"),
        ("3530111333300000", "unknown"),
    ],
)
def test_card_network_by_prefix(prefix_number, network):
    assert validation.card_network(prefix_number) == network


@pytest.mark.parametrize(
    ("month", "year", "expected"),
    [("12", "2026", (12, 2026)), (11, "26", (11, 2026)), ("1", 30, (1, 2030)), ("01", "2031", (1, 2031))],
)
def test_expiry_accepts_current_and_future_months(month, year, expected):
    assert validation.validate_expiry(month, year, TODAY) == expected


@pytest.mark.parametrize(
    ("month", "year"),
    [
        ("13", "2027"),
        ("0", "2027"),
        ("10", "2026"),
        ("12", "25"),
        ("ab", "27"),
        ("12", "202"),
        (None, "2027"),
    ],
)
def test_expiry_rejects_invalid_month_or_past_date(month, year):
    with pytest.raises(ExpiredCardError):
        validation.validate_expiry(month, year, TODAY)


@pytest.mark.parametrize("amount", [None, 99, 0, -100])
def test_order_amount_must_be_at_least_100(amount):
    with pytest.raises(BadRequestError, match="^amount must be at least 100$"):
        validation.validate_order({"amount": amount})


@pytest.mark.parametrize("amount", ["500", 100.5, 50000.0, True])
def test_order_amount_must_be_an_integer_of_minor_units(amount):
    with pytest.raises(BadRequestError, match="^amount must be an integer in the currency's smallest unit$"):
        validation.validate_order({"amount": amount})


def test_order_defaults_currency_and_notes():
    order = validation.validate_order({"amount": 100})
    assert (order.amount, order.currency, order.notes, order.receipt) == (100, "INR", {}, None)


def test_ids_have_prefix_and_16_alphanumerics_and_do_not_repeat():
    made = {ids.new_payment_id() for _ in range(2000)}
    assert len(made) == 2000
    assert all(ids.has_prefix_format(value, "pay_") for value in made)
    assert ids.has_prefix_format(ids.new_order_id(), "order_") and ids.has_prefix_format(
        ids.new_refund_id(), "rfnd_"
    )


def test_webhook_log_id_is_deterministic_per_occurrence():
    assert ids.webhook_log_id("m", "pay_1:payment.success") == ids.webhook_log_id(
        "m", "pay_1:payment.success"
    )
    assert ids.webhook_log_id("m", "pay_1:payment.success") != ids.webhook_log_id("m", "pay_1:payment.failed")


def test_retry_schedule_production_and_test_intervals():
    assert [webhooks.WebhookRetrySchedule(False).delay_before(n) for n in range(2, 6)] == [
        60,
        300,
        1800,
        7200,
    ]
    assert [webhooks.WebhookRetrySchedule(True).delay_before(n) for n in range(2, 6)] == [5, 10, 15, 20]
    with pytest.raises(ValueError):
        webhooks.WebhookRetrySchedule(True).delay_before(6)


def test_envelope_is_compact_ordered_and_keeps_non_ascii():
    body = webhooks.serialize_envelope(
        "payment.success", 1700000000, {"payment": {"id": "pay_x", "vpa": "ü@x"}}
    )
    assert (
        body
        == '{"event":"payment.success","timestamp":1700000000,"data":{"payment":{"id":"pay_x","vpa":"ü@x"}}}'
    )


def test_signatures_verify_as_hex_and_with_the_standard_webhooks_reference():
    secret = "whsec_" + base64.b64encode(b"k" * 32).decode()
    body = webhooks.serialize_envelope("payment.success", 1700000000, {"payment": {"id": "pay_x"}}).encode()
    headers = webhooks.signature_headers([secret], "msg_1", int(time.time()), body)
    import hashlib
    import hmac

    assert headers["X-Webhook-Signature"] == hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    # The Node-style receiver re-serializes the parsed body compactly and must get the same bytes.
    assert json.dumps(json.loads(body), separators=(",", ":"), ensure_ascii=False).encode() == body
    assert Webhook(secret).verify(
        body, {k: v for k, v in headers.items() if k.startswith("webhook-")}
    ) == json.loads(body)


def test_test_secret_without_base64_gets_only_the_hex_signature():
    headers = webhooks.signature_headers(["whsec_test_abc123"], "msg_1", 1, b"{}")
    assert "webhook-signature" not in headers and len(headers["X-Webhook-Signature"]) == 64


def test_rotation_signs_with_both_secrets_space_separated():
    new, old = ("whsec_" + base64.b64encode(bytes([n]) * 32).decode() for n in (1, 2))
    headers = webhooks.signature_headers([new, old], "msg_1", 1, b"{}")
    assert len(headers["webhook-signature"].split(" ")) == 2
    assert headers["X-Webhook-Signature"] == webhooks.hex_signature(new, b"{}")


def test_delay_splits_into_whole_seconds_and_a_remainder():
    assert processing.split_delay(1000) == (1, 0.0)
    assert processing.split_delay(7450) == (7, 0.45)
    assert processing.split_delay(0) == (0, 0.0)


def test_test_mode_outcome_and_delay_follow_the_flags():
    rules = processing.ProcessingRules(True, 1000, False, 5000, 10000, 0.9, 0.95)
    assert rules.payment_delay_ms() == 1000 and rules.payment_outcome("upi") == processing.DECLINED
    live = processing.ProcessingRules(False, 1000, True, 5000, 10000, 0.9, 0.95)
    rng = random.Random(7)
    assert all(5000 <= live.payment_delay_ms(rng) <= 10000 for _ in range(200))
    outcomes = [live.payment_outcome("upi", rng=rng).succeeded for _ in range(4000)]
    assert 0.87 < sum(outcomes) / len(outcomes) < 0.93


BASE_ENV = {
    "TABLE_PREFIX": "s",
    "PAYMENTS_QUEUE_URL": "q1",
    "REFUNDS_QUEUE_URL": "q2",
    "WEBHOOKS_QUEUE_URL": "q3",
    "WEBHOOK_RETRY_STATE_MACHINE_ARN": "arn",
}


@pytest.mark.parametrize(
    ("value", "expected"), [("true", True), ("TRUE", False), ("1", False), (None, False)]
)
def test_flags_are_true_only_for_the_exact_string_true(value, expected):
    env = {**BASE_ENV, **({"TEST_MODE": value} if value is not None else {})}
    assert settings_from(env).test_mode is expected


@pytest.mark.parametrize(
    ("value", "expected"), [("false", False), ("False", True), ("0", True), (None, True)]
)
def test_payment_success_is_true_unless_exactly_false(value, expected):
    env = {**BASE_ENV, **({"TEST_PAYMENT_SUCCESS": value} if value is not None else {})}
    assert settings_from(env).processing.test_payment_success is expected


def test_missing_configuration_names_the_variable():
    with pytest.raises(ConfigurationError, match="PAYMENTS_QUEUE_URL"):
        settings_from({k: v for k, v in BASE_ENV.items() if k != "PAYMENTS_QUEUE_URL"})


def test_fingerprint_keeps_no_card_number_or_cvv_but_tells_cards_apart():
    from gateway.domain.idempotency import request_fingerprint, without_card_data

    card = {
        "number": "4111 1111 1111 1111",
        "expiry_month": 1,
        "expiry_year": 30,
        "cvv": "123",
        "holder_name": "A",
    }
    body = {"order_id": "order_x", "method": "card", "card": card}
    assert without_card_data(body)["card"] == {
        "network": "visa",
        "last4": "1111",
        "expiry_month": 1,
        "expiry_year": 30,
        "holder_name": "A",
    }
    other_cvv = {**body, "card": {**card, "cvv": "999"}}
    other_card = {**body, "card": {**card, "number": "5555555555554444"}}
    assert request_fingerprint(body) == request_fingerprint(other_cvv) != request_fingerprint(other_card)
