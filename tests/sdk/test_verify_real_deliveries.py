"""`Webhook.verify` on deliveries the live stack really sent to a loopback receiver, and on tampered,
stale, replayed, foreign and rotated variants of them."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from gateway_client import Client, SignatureVerificationError, Webhook

from devkit.live_stack import LiveStack
from tests.sdk.loopback import CapturingReceiver, Delivery

pytestmark = pytest.mark.integration

FOREIGN_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


def payment_success_delivery(client: Client, receiver: CapturingReceiver) -> tuple[str, Delivery]:
    order = client.orders.create(amount=50000)
    payment = client.payments.create_upi(order.id, "success@upi")
    delivery = receiver.wait_for(
        lambda d: b'"payment.success"' in d.body and payment.id.encode() in d.body, 30, "payment.success"
    )
    return payment.id, delivery


def test_a_real_payment_success_delivery_verifies_with_the_merchants_secret(
    client: Client, receiver: CapturingReceiver
) -> None:
    secret = client.webhooks.update_config(receiver.url).webhook_secret
    payment_id, delivery = payment_success_delivery(client, receiver)

    event = Webhook(secret).verify(delivery.body, delivery.headers)

    assert event["event"] == "payment.success"
    assert event["data"]["payment"]["id"] == payment_id
    assert event == json.loads(delivery.body)


def test_tampered_stale_replayed_and_foreign_variants_of_a_real_delivery_are_rejected(
    client: Client, receiver: CapturingReceiver
) -> None:
    secret = client.webhooks.update_config(receiver.url).webhook_secret
    _, delivery = payment_success_delivery(client, receiver)
    sent_at = int(delivery.headers["webhook-timestamp"])
    body, headers = delivery.body, delivery.headers

    with pytest.raises(SignatureVerificationError):  # tampered amount
        Webhook(secret).verify(body.replace(b'"amount":50000', b'"amount":1'), headers)
    with pytest.raises(SignatureVerificationError, match="too old"):  # replayed six minutes later
        Webhook(secret, clock=lambda: sent_at + 360).verify(body, headers)
    with pytest.raises(SignatureVerificationError):  # replayed with a fresh timestamp
        Webhook(secret, clock=lambda: sent_at + 360).verify(
            body, {**headers, "webhook-timestamp": str(sent_at + 360)}
        )
    with pytest.raises(SignatureVerificationError):  # another merchant's secret
        Webhook(FOREIGN_SECRET).verify(body, headers)
    with pytest.raises(SignatureVerificationError):  # the Standard signature stripped, hex left
        Webhook(secret).verify(body, {k: v for k, v in headers.items() if k.lower() != "webhook-signature"})


def test_after_a_secret_rotation_deliveries_verify_with_the_old_the_new_or_both_secrets(
    client: Client, receiver: CapturingReceiver
) -> None:
    # GIVEN a merchant who rotates its webhook secret
    old_secret = client.webhooks.update_config(receiver.url).webhook_secret
    new_secret = client.webhooks.regenerate_secret()

    # WHEN the gateway delivers an event during the overlap
    client.webhooks.test()
    delivery = receiver.wait_for(lambda d: b"webhook.test" in d.body, 30, "webhook.test")

    # THEN it carries both signatures; a receiver holding either secret, or both, accepts it
    assert len(delivery.headers["webhook-signature"].split()) == 2
    for secrets in (old_secret, new_secret, [FOREIGN_SECRET, new_secret], [new_secret, old_secret]):
        assert Webhook(secrets).verify(delivery.body, delivery.headers)["event"] == "webhook.test"
    with pytest.raises(SignatureVerificationError):
        Webhook(FOREIGN_SECRET).verify(delivery.body, delivery.headers)


@pytest.fixture
def test_merchant(live_stack: LiveStack) -> Iterator[Client]:
    """The seeded test merchant, whose webhook URL is put back to empty afterwards."""
    with Client("key_test_abc123", "secret_test_xyz789", live_stack.api_url) as seeded:
        yield seeded
        seeded.webhooks.update_config("")


def test_the_seeded_merchants_hex_signed_delivery_verifies_with_its_secret(
    test_merchant: Client, receiver: CapturingReceiver
) -> None:
    # GIVEN the test merchant, whose secret `whsec_test_abc123` is not base64: hex signature only
    secret = test_merchant.webhooks.update_config(receiver.url).webhook_secret
    assert secret == "whsec_test_abc123"
    sent = test_merchant.webhooks.test()
    delivery = receiver.wait_for(
        lambda d: sent.id.encode() in d.body or b"webhook.test" in d.body, 30, "webhook.test"
    )
    assert "webhook-signature" not in {name.lower() for name in delivery.headers}

    assert Webhook(secret).verify(delivery.body, delivery.headers)["event"] == "webhook.test"
    with pytest.raises(SignatureVerificationError):
        Webhook(secret).verify(delivery.body + b" ", delivery.headers)
