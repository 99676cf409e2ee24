"""Python client for the serverless payment gateway: `Client` for the merchant API, `Webhook` to verify
deliveries, and the `gateway` command line (`gateway --help`)."""

from __future__ import annotations

__version__ = "0.1.0"

from gateway_client.checkout import verify_payment_signature
from gateway_client.client import Client, iso
from gateway_client.errors import (
    ApiError,
    AuthenticationError,
    BadRequestError,
    ConnectionError,
    ExpiredCardError,
    GatewayClientError,
    IdempotencyError,
    InvalidCardError,
    InvalidVpaError,
    NotFoundError,
    RateLimitError,
    ServerError,
    SignatureVerificationError,
)
from gateway_client.models import (
    Account,
    Delivery,
    DeliveryAttempt,
    Event,
    EventPage,
    KeyPair,
    Order,
    OrderPage,
    Payment,
    PaymentLink,
    PaymentLinkPage,
    PaymentStats,
    Recovery,
    Refund,
    RefundPage,
    WebhookConfig,
    WebhookLog,
    WebhookLogPage,
    WebhookRetry,
)
from gateway_client.money import format_amount, minor_units
from gateway_client.webhook import Webhook

__all__ = [
    "Account",
    "ApiError",
    "AuthenticationError",
    "BadRequestError",
    "Client",
    "ConnectionError",
    "Delivery",
    "DeliveryAttempt",
    "Event",
    "EventPage",
    "ExpiredCardError",
    "GatewayClientError",
    "IdempotencyError",
    "InvalidCardError",
    "InvalidVpaError",
    "KeyPair",
    "NotFoundError",
    "Order",
    "OrderPage",
    "Payment",
    "PaymentLink",
    "PaymentLinkPage",
    "PaymentStats",
    "RateLimitError",
    "Recovery",
    "Refund",
    "RefundPage",
    "ServerError",
    "SignatureVerificationError",
    "Webhook",
    "WebhookConfig",
    "WebhookLog",
    "WebhookLogPage",
    "WebhookRetry",
    "__version__",
    "format_amount",
    "iso",
    "minor_units",
    "verify_payment_signature",
]
