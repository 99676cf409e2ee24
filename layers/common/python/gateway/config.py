"""Settings read once from the environment into a frozen object.

Names of environment variables live here and nowhere else. A missing required value fails fast with a
message that says which variable to set.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

from gateway.domain.processing import ProcessingRules
from gateway.errors import ConfigurationError

TABLE_PREFIX = "TABLE_PREFIX"
PAYMENTS_QUEUE_URL = "PAYMENTS_QUEUE_URL"
REFUNDS_QUEUE_URL = "REFUNDS_QUEUE_URL"
WEBHOOKS_QUEUE_URL = "WEBHOOKS_QUEUE_URL"
WEBHOOK_RETRY_STATE_MACHINE_ARN = "WEBHOOK_RETRY_STATE_MACHINE_ARN"
TEST_MODE = "TEST_MODE"
TEST_PROCESSING_DELAY = "TEST_PROCESSING_DELAY"
TEST_PAYMENT_SUCCESS = "TEST_PAYMENT_SUCCESS"
PROCESSING_DELAY_MIN = "PROCESSING_DELAY_MIN"
PROCESSING_DELAY_MAX = "PROCESSING_DELAY_MAX"
UPI_SUCCESS_RATE = "UPI_SUCCESS_RATE"
CARD_SUCCESS_RATE = "CARD_SUCCESS_RATE"
WEBHOOK_RETRY_INTERVALS_TEST = "WEBHOOK_RETRY_INTERVALS_TEST"
ALLOW_PRIVATE_WEBHOOK_URLS = "ALLOW_PRIVATE_WEBHOOK_URLS"
WEBHOOK_REFUSED_PRIVATE_PORTS = "WEBHOOK_REFUSED_PRIVATE_PORTS"
CORS_ALLOW_ORIGIN = "CORS_ALLOW_ORIGIN"
CHECKOUT_URL = "CHECKOUT_URL"
DEFAULT_CHECKOUT_URL = "http://localhost:3001"
TEST_ENDPOINTS = "TEST_ENDPOINTS"
WORKER_EVENT_SOURCE_MAPPINGS = "WORKER_EVENT_SOURCE_MAPPINGS"
RECONCILE_GRACE_SECONDS = "RECONCILE_GRACE_SECONDS"
DASHBOARD_URL = "DASHBOARD_URL"
AWS_REGION = "AWS_REGION"
AWS_DEFAULT_REGION = "AWS_DEFAULT_REGION"
DEFAULT_REGION = "us-east-1"
# Unset: the stack's own origins, from the API stage (functions/api/app.py); "*" only on the local stack.
DEFAULT_CORS_ALLOW_ORIGIN = ""
DEFAULT_DASHBOARD_URL = "http://localhost:3000"


@dataclass(frozen=True)
class Settings:
    table_prefix: str
    payments_queue_url: str
    refunds_queue_url: str
    webhooks_queue_url: str
    webhook_retry_state_machine_arn: str
    test_mode: bool
    # How the simulated bank decides a payment and how long it takes.
    processing: ProcessingRules
    webhook_retry_intervals_test: bool
    allow_private_webhook_urls: bool
    # Ports a webhook may not reach on a private address even where private targets are allowed: the
    # local runtime's control port (comma-separated; empty on AWS, where private targets are refused).
    refused_private_webhook_ports: frozenset[int]
    cors_allow_origin: str
    # Seeds the test merchant and serves /api/v1/test/*: always locally, only in test mode on AWS.
    test_endpoints: bool
    # The workers' event source mappings: their state is the workers' state, on AWS and locally alike.
    worker_event_source_mappings: tuple[str, ...]
    # How late (beyond its planned delay) work must be before the reconciliation sweep puts it back.
    reconcile_grace_seconds: int
    aws_region: str
    # Where the hosted checkout is served: payment link URLs point there.
    checkout_url: str = DEFAULT_CHECKOUT_URL
    # Where password links point (`<dashboard>/set-password?token=...`).
    dashboard_url: str = DEFAULT_DASHBOARD_URL

    def table_name(self, suffix: str) -> str:
        return f"{self.table_prefix}-{suffix}"


def _required(environ: dict[str, str], name: str) -> str:
    value = environ.get(name, "").strip()
    if not value:
        raise ConfigurationError(f"environment variable {name} is required but not set")
    return value


def _flag(environ: dict[str, str], name: str) -> bool:
    # docs/behaviour.md, "Test mode": flags are true only for the exact string "true".
    return environ.get(name) == "true"


def _int(environ: dict[str, str], name: str, default: int) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigurationError(f"environment variable {name} must be an integer, got {raw!r}") from None


def _rate(environ: dict[str, str], name: str, default: float) -> float:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigurationError(f"environment variable {name} must be a number, got {raw!r}") from None
    if not 0.0 <= value <= 1.0:
        raise ConfigurationError(f"environment variable {name} must be between 0 and 1, got {raw!r}")
    return value


def settings_from(environ: dict[str, str]) -> Settings:
    test_mode = _flag(environ, TEST_MODE)
    return Settings(
        table_prefix=_required(environ, TABLE_PREFIX),
        payments_queue_url=_required(environ, PAYMENTS_QUEUE_URL),
        refunds_queue_url=_required(environ, REFUNDS_QUEUE_URL),
        webhooks_queue_url=_required(environ, WEBHOOKS_QUEUE_URL),
        webhook_retry_state_machine_arn=_required(environ, WEBHOOK_RETRY_STATE_MACHINE_ARN),
        test_mode=test_mode,
        processing=ProcessingRules(
            test_mode=test_mode,
            test_delay_ms=_int(environ, TEST_PROCESSING_DELAY, 1000),
            # docs/behaviour.md: TEST_PAYMENT_SUCCESS is true unless exactly "false".
            test_payment_success=environ.get(TEST_PAYMENT_SUCCESS) != "false",
            delay_min_ms=_int(environ, PROCESSING_DELAY_MIN, 5000),
            delay_max_ms=_int(environ, PROCESSING_DELAY_MAX, 10000),
            upi_success_rate=_rate(environ, UPI_SUCCESS_RATE, 0.90),
            card_success_rate=_rate(environ, CARD_SUCCESS_RATE, 0.95),
        ),
        webhook_retry_intervals_test=_flag(environ, WEBHOOK_RETRY_INTERVALS_TEST),
        allow_private_webhook_urls=_flag(environ, ALLOW_PRIVATE_WEBHOOK_URLS),
        refused_private_webhook_ports=_ports(environ, WEBHOOK_REFUSED_PRIVATE_PORTS),
        cors_allow_origin=_cors_allow_origin(environ),
        test_endpoints=_flag(environ, TEST_ENDPOINTS),
        worker_event_source_mappings=tuple(
            uuid.strip() for uuid in environ.get(WORKER_EVENT_SOURCE_MAPPINGS, "").split(",") if uuid.strip()
        ),
        reconcile_grace_seconds=_int(environ, RECONCILE_GRACE_SECONDS, 120),
        aws_region=environ.get(AWS_REGION) or environ.get(AWS_DEFAULT_REGION) or DEFAULT_REGION,
        checkout_url=_checkout_url(environ),
        dashboard_url=environ.get(DASHBOARD_URL) or DEFAULT_DASHBOARD_URL,
    )


def _checkout_url(environ: dict[str, str]) -> str:
    """CHECKOUT_URL (the local runtime sets it); on AWS the checkout's origin is the second of the stack's
    CORS origins (`dashboard,checkout`, as `deploy.cors_origins` writes them): the API cannot reference the
    checkout's distribution in the template without a cycle."""
    named = environ.get(CHECKOUT_URL)
    if named:
        return named.rstrip("/")
    origins = [origin.strip() for origin in _cors_allow_origin(environ).split(",") if origin.strip()]
    return origins[1].rstrip("/") if len(origins) > 1 else DEFAULT_CHECKOUT_URL


def _ports(environ: dict[str, str], name: str) -> frozenset[int]:
    raw = [part.strip() for part in environ.get(name, "").split(",") if part.strip()]
    if not all(part.isdigit() and 0 < int(part) < 65536 for part in raw):
        raise ConfigurationError(f"environment variable {name} must list ports (1-65535), got {raw!r}")
    return frozenset(int(part) for part in raw)


def _cors_allow_origin(environ: dict[str, str]) -> str:
    return environ.get(CORS_ALLOW_ORIGIN) or DEFAULT_CORS_ALLOW_ORIGIN


def cors_allow_origin() -> str:
    """The origin browsers may call the API from. Read alone, because the API builds its CORS configuration
    at import, before the other settings need to exist (tools import the app just to list its routes)."""
    return _cors_allow_origin(dict(os.environ))


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read on first use (not at import, so tests can set the environment)."""
    return settings_from(dict(os.environ))
