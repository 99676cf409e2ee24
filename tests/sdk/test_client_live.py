"""The client against the live local stack: every resource, errors as raised by the real API, paging,
and an idempotent retry through a proxy that loses the first answer."""

from __future__ import annotations

import json
from collections.abc import Iterator

import gateway_client
import pytest
from gateway_client import Client
from gateway_client._transport import RetryPolicy

from devkit.live_stack import LiveStack
from tests.cards import VALID_CARD
from tests.sdk.loopback import CapturingReceiver, Fault, FaultyProxy

pytestmark = pytest.mark.integration
FAST_RETRIES = RetryPolicy(max_retries=3, backoff_base=0.05, backoff_cap=0.2)


@pytest.fixture
def proxy(live_stack: LiveStack) -> Iterator[FaultyProxy]:
    faulty = FaultyProxy(live_stack.api_url)
    yield faulty
    faulty.close()


def paid_payment(client: Client, amount: int = 50000) -> gateway_client.Payment:
    order = client.orders.create(amount=amount)
    payment = client.payments.create_upi(order.id, "success@upi")
    return client.payments.wait_until_final(payment.id, timeout=30, interval=0.2)


def test_orders_are_created_and_fetched(client: Client) -> None:
    order = client.orders.create(amount=50000, receipt="rcpt-1", notes={"customer": "Asha"})
    assert order.id.startswith("order_") and order.status == "created"
    assert (order.amount, order.currency, order.receipt, order.notes) == (
        50000,
        "INR",
        "rcpt-1",
        {"customer": "Asha"},
    )
    fetched = client.orders.get(order.id)
    assert fetched.id == order.id and fetched.updated_at is not None


def test_a_upi_payment_settles_is_captured_listed_and_counted(client: Client) -> None:
    payment = paid_payment(client)
    assert payment.status == "success" and payment.vpa == "success@upi"
    captured = client.payments.capture(payment.id, amount=payment.amount)
    assert captured.captured is True
    assert [p.id for p in client.payments.list()] == [payment.id]
    stats = client.payments.stats()
    assert (stats.total_transactions, stats.total_amount, stats.success_rate) == (1, 50000, 100)


def test_a_card_payment_keeps_only_network_and_last_four(client: Client) -> None:
    order = client.orders.create(amount=20000)
    payment = client.payments.create_card(order.id, **VALID_CARD)
    assert (payment.method, payment.card_network, payment.card_last4, payment.status) == (
        "card",
        "visa",
        "1111",
        "pending",
    )
    assert "number" not in payment.to_dict() and "cvv" not in json.dumps(payment.to_dict())


def test_refunds_are_created_listed_and_processed(client: Client) -> None:
    payment = paid_payment(client)
    refund = client.refunds.create(payment.id, amount=1000, reason="damaged")
    assert refund.id.startswith("rfnd_") and refund.status == "pending"
    assert [r.id for r in client.refunds.list(payment.id)] == [refund.id]
    processed = client.refunds.wait_until_processed(refund.id, timeout=30, interval=0.2)
    assert processed.status == "processed" and processed.processed_at


def test_every_payment_is_iterated_across_pages(client: Client) -> None:
    created = []
    for _ in range(5):
        order = client.orders.create(amount=10000)
        created.append(client.payments.create_upi(order.id, "user@paytm").id)
    iterated = [p.id for p in client.payments.iterate(page_size=2)]
    assert iterated == list(reversed(created))  # newest first, each once


def test_errors_from_the_live_api_carry_their_code_description_and_status(
    client: Client, live_stack: LiveStack
) -> None:
    order = client.orders.create(amount=50000)
    cases = [
        (
            lambda: client.orders.get("order_0000000000000000"),
            gateway_client.NotFoundError,
            "NOT_FOUND_ERROR",
            "Order not found",
            404,
        ),
        (
            lambda: client.orders.create(amount=99),
            gateway_client.BadRequestError,
            "BAD_REQUEST_ERROR",
            "amount must be at least 100",
            400,
        ),
        (
            lambda: client.payments.create_upi(order.id, "not a vpa"),
            gateway_client.InvalidVpaError,
            "INVALID_VPA",
            "VPA format invalid",
            400,
        ),
        (
            lambda: client.payments.create_card(order.id, **{**VALID_CARD, "number": "4111111111111112"}),
            gateway_client.InvalidCardError,
            "INVALID_CARD",
            "Card validation failed",
            400,
        ),
        (
            lambda: client.payments.create_card(order.id, **{**VALID_CARD, "expiry_year": "2020"}),
            gateway_client.ExpiredCardError,
            "EXPIRED_CARD",
            "Card expiry date invalid",
            400,
        ),
        (
            lambda: client.payments.get("pay_0000000000000000"),
            gateway_client.NotFoundError,
            "NOT_FOUND_ERROR",
            "Payment not found",
            404,
        ),
    ]
    for call, error_class, code, description, status in cases:
        with pytest.raises(error_class) as raised:
            call()
        assert (raised.value.code, raised.value.description, raised.value.status) == (
            code,
            description,
            status,
        )
    with (
        Client("key_test_abc123", "wrong-secret", live_stack.api_url) as stranger,
        pytest.raises(gateway_client.AuthenticationError) as raised,
    ):
        stranger.orders.get(order.id)
    assert (raised.value.description, raised.value.status) == ("Invalid API credentials", 401)


def test_a_reused_idempotency_key_with_another_body_raises_an_idempotency_error(client: Client) -> None:
    first = client.orders.create(amount=50000, idempotency_key="sdk-key-1")
    assert client.orders.create(amount=50000, idempotency_key="sdk-key-1").id == first.id  # replay
    with pytest.raises(gateway_client.IdempotencyError) as raised:
        client.orders.create(amount=60000, idempotency_key="sdk-key-1")
    assert raised.value.status == 422


def test_a_lost_answer_is_retried_with_the_same_key_and_creates_exactly_one_payment(
    client: Client, credentials: dict[str, str], proxy: FaultyProxy
) -> None:
    # GIVEN a proxy that forwards the first payment request but drops the gateway's answer
    order = client.orders.create(amount=50000)
    proxy.inject(Fault("POST", "/api/v1/payments", drop_answer=True))
    through_proxy = Client(
        credentials["api_key"], credentials["api_secret"], proxy.url, retry_policy=FAST_RETRIES
    )

    # WHEN the client creates a payment through it
    payment = through_proxy.payments.create_upi(order.id, "user@paytm")

    # THEN it sent the request twice with one key, and exactly one payment exists: the one returned
    attempts = proxy.requests_to("POST", "/api/v1/payments")
    assert len(attempts) == 2
    assert attempts[0]["Idempotency-Key"] == attempts[1]["Idempotency-Key"]
    assert [p.id for p in client.payments.list()] == [payment.id]


def test_a_get_answered_503_then_429_is_retried_until_it_succeeds(
    client: Client, credentials: dict[str, str], proxy: FaultyProxy
) -> None:
    order = client.orders.create(amount=50000)
    proxy.inject(Fault("GET", "/api/v1/orders/", status=503, body=b"upstream unavailable"))
    proxy.inject(Fault("GET", "/api/v1/orders/", status=429, headers={"Retry-After": "0"}, body=b"{}"))
    through_proxy = Client(
        credentials["api_key"], credentials["api_secret"], proxy.url, retry_policy=FAST_RETRIES
    )
    assert through_proxy.orders.get(order.id).id == order.id
    assert len(proxy.requests_to("GET", f"/api/v1/orders/{order.id}")) == 3


def test_webhook_config_test_delivery_logs_and_retry(client: Client, receiver: CapturingReceiver) -> None:
    config = client.webhooks.update_config(receiver.url)
    assert config.webhook_url == receiver.url and config.webhook_secret.startswith("whsec_")
    assert client.webhooks.config().webhook_url == receiver.url

    sent = client.webhooks.test()
    assert sent.event == "webhook.test"
    first = receiver.wait_for(lambda d: b"webhook.test" in d.body, 30, "webhook.test")

    log = client.webhooks.log(sent.id)
    assert log.payload is not None and log.payload.encode() == first.body
    page = client.webhooks.logs(limit=10, offset=0)
    assert page.total == 1 and [entry.id for entry in page.data] == [sent.id]
    assert [entry.id for entry in client.webhooks.iterate_logs(page_size=1)] == [sent.id]

    retry = client.webhooks.retry(sent.id)
    assert (retry.id, retry.status) == (sent.id, "pending")
    receiver.wait_for(lambda d: d is not first and b"webhook.test" in d.body, 30, "the retried webhook.test")

    new_secret = client.webhooks.regenerate_secret()
    assert new_secret.startswith("whsec_") and new_secret != config.webhook_secret
    assert client.webhooks.config().webhook_secret == new_secret


def test_payment_links_are_created_listed_paid_and_the_result_verified(
    client: Client, live_stack: LiveStack, credentials: dict[str, str]
) -> None:
    # GIVEN two links, one cancelled
    link = client.payment_links.create(
        amount=25000, description="Tea for two", return_url="https://shop.example/thanks"
    )
    spare = client.payment_links.create(amount=100)
    assert link.id.startswith("plink_") and link.url == f"{live_stack.checkout_url}/pay/{link.id}"
    assert client.payment_links.cancel(spare.id).status == "cancelled"
    page = client.payment_links.list(limit=1)
    assert [item.id for item in page.data] == [spare.id] and page.has_more
    assert [item.id for item in client.payment_links.list(starting_after=spare.id).data] == [link.id]
    # WHEN the open link's order is paid
    payment = client.payments.create_upi(link.order_id, "success@upi")
    client.payments.wait_until_final(payment.id, timeout=30, interval=0.2)
    # THEN the link is paid, and the signature the shopper's browser gets verifies with the API secret
    assert client.payment_links.get(link.id).status == "paid"
    public = client.request("GET", f"/api/v1/payments/{payment.id}/public")
    gateway_client.verify_payment_signature(
        link.order_id, payment.id, public["signature"], credentials["api_secret"]
    )
    with pytest.raises(gateway_client.SignatureVerificationError):
        gateway_client.verify_payment_signature(spare.order_id, payment.id, public["signature"], "x")
