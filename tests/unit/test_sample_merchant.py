"""The sample merchant verifies signatures, dedupes by webhook-id and can fail on purpose."""

from __future__ import annotations

import base64
import datetime as dt
import json
import random
import time

import pytest
from standardwebhooks.webhooks import Webhook

from test_merchant.server import ReceiverState, hex_signature, standard_webhooks_secret

BODY = json.dumps({"event": "payment.success", "timestamp": 1, "data": {}}, separators=(",", ":")).encode()
STANDARD_SECRET = "whsec_" + base64.b64encode(b"k" * 32).decode()


def _headers(secret: str, body: bytes = BODY, webhook_id: str = "msg_1") -> dict[str, str]:
    headers = {"Content-Type": "application/json", "X-Webhook-Signature": hex_signature(secret, body)}
    if standard_webhooks_secret(secret):
        timestamp = int(time.time())
        headers.update(
            {
                "webhook-id": webhook_id,
                "webhook-timestamp": str(timestamp),
                "webhook-signature": Webhook(secret).sign(webhook_id, _datetime(timestamp), body.decode()),
            }
        )
    return headers


def _datetime(timestamp: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(timestamp, tz=dt.UTC)


def test_a_valid_signature_is_accepted_and_recorded(capsys: pytest.CaptureFixture[str]) -> None:
    receiver = ReceiverState(secret="whsec_test_abc123")
    assert receiver.receive(BODY, _headers("whsec_test_abc123")) == (200, "OK")
    assert [event["event"] for event in receiver.snapshot()["events"]] == ["payment.success"]
    assert "✅ Webhook verified: payment.success" in capsys.readouterr().out


def test_a_wrong_signature_is_401() -> None:
    receiver = ReceiverState(secret="whsec_test_abc123")
    headers = _headers("whsec_other")
    assert receiver.receive(BODY, headers) == (401, "Invalid signature")
    assert receiver.snapshot()["events"] == []


def test_a_tampered_body_is_401() -> None:
    receiver = ReceiverState(secret="whsec_test_abc123")
    assert receiver.receive(BODY + b" ", _headers("whsec_test_abc123"))[0] == 401


def test_standard_webhooks_headers_are_verified_when_the_secret_is_base64() -> None:
    receiver = ReceiverState(secret=STANDARD_SECRET)
    headers = _headers(STANDARD_SECRET)
    assert receiver.receive(BODY, headers) == (200, "OK")
    forged = {**_headers(STANDARD_SECRET, webhook_id="msg_2"), "webhook-signature": "v1," + "A" * 44}
    assert receiver.receive(BODY, forged) == (401, "Invalid signature")


def test_a_repeated_webhook_id_is_acknowledged_but_counted_once() -> None:
    receiver = ReceiverState(secret=STANDARD_SECRET)
    headers = _headers(STANDARD_SECRET)
    assert receiver.receive(BODY, headers) == (200, "OK")
    assert receiver.receive(BODY, headers) == (200, "OK")
    snapshot = receiver.snapshot()
    assert len(snapshot["events"]) == 1
    assert len(snapshot["deliveries"]) == 2


def test_fail_first_n_answers_500_to_the_first_deliveries() -> None:
    receiver = ReceiverState(secret="whsec_test_abc123", fail_first_n=2)
    headers = _headers("whsec_test_abc123")
    statuses = [receiver.receive(BODY, headers)[0] for _ in range(3)]
    assert statuses == [500, 500, 200]
    assert len(receiver.snapshot()["events"]) == 1


def test_fail_rate_fails_that_share_of_deliveries_at_random() -> None:
    receiver = ReceiverState(secret="whsec_test_abc123", fail_rate=1 / 3, rng=random.Random(7))
    statuses = [
        receiver.receive(BODY, _headers("whsec_test_abc123", webhook_id=f"msg_{n}"))[0] for n in range(300)
    ]
    assert set(statuses) == {200, 500}
    assert 70 <= statuses.count(500) <= 130
    assert len(receiver.snapshot()["events"]) == statuses.count(200)


def test_shop_trusts_a_checkout_result_only_with_the_gateway_signature() -> None:
    from test_merchant.server import ShopSettings

    shop = ShopSettings("http://127.0.0.1:9", "key_x", "secret_test_xyz789", "http://127.0.0.1:9")
    signed = {
        "order_id": "order_NXhj3kdi8OVmXfOe",
        "payment_id": "pay_H8sK3jD9s2L1pQr",
        # The fixed vector of tests/unit/test_payment_signature.py.
        "signature": "612d5d2b359068d8521a8ccbe46e445e069290176b3dcbf266d5d48cbfec7bc6",
    }
    assert shop.verified_result(signed)[0] == 200
    assert shop.verified_result({**signed, "payment_id": "pay_other"}) == (
        400,
        {"verified": False, "error": "the payment signature does not match this order and payment"},
    )
    assert shop.verified_result({})[0] == 400
