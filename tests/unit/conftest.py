"""Unit tests run the real services in-process against moto's in-process mock (no sockets), resources
made from template.yaml."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

UNIT_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "STACK_NAME": "unit",
    "TEST_MODE": "true",
    "TEST_PROCESSING_DELAY": "0",
    "WEBHOOK_RETRY_INTERVALS_TEST": "true",
    # botocore addresses DynamoDB Streams at <account>.streams-ddb..., a host moto's mock does not know.
    "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
}


# The product hashes passwords with scrypt at N=2^17, ~0.4 s of CPU each. The unit tests check who hashes,
# when and with which parameters, not scrypt's cost, so here the work is done at N=2^10 while the
# parameters passed (and written into stored hashes) stay the product's. The integration and browser
# tests run the stack as shipped, at full cost.
CHEAP_SCRYPT_N = 2**10


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashes() -> Iterator[None]:
    import hashlib

    from gateway.services import auth

    def cheap_scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
        return hashlib.scrypt(password.encode(), salt=salt, n=min(n, CHEAP_SCRYPT_N), r=r, p=p)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(auth, "_scrypt", cheap_scrypt)
        yield


@pytest.fixture(scope="session")
def aws_session() -> Iterator[dict[str, Any]]:
    """An emulated AWS account with the stack's tables, queues and state machine, made once per session.

    Tests isolate themselves by working as a merchant of their own (see `api`), not by resetting the account.
    """
    saved = dict(os.environ)
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_PROFILE"):
        os.environ.pop(name, None)
    os.environ.update(UNIT_ENVIRONMENT)
    from gateway import config
    from gateway.data import aws_clients, models
    from moto import mock_aws

    from local_runtime import bridge
    from local_runtime.moto_fixes import patch_moto
    from local_runtime.provision import provision, register_event_source_mappings
    from local_runtime.template import Template

    patch_moto()  # DynamoDB calls serialized and transactions checked before they write, as in the runtime
    emulator = mock_aws(config={"stepfunctions": {"execute_state_machine": True}})
    emulator.start()
    bridge.install()  # as in the runtime: calls reach moto's handlers at botocore's before-call hook
    template = Template.from_environment()
    physical = provision(template)
    register_event_source_mappings(template, physical)
    environment = template.function_environment(template.function("ApiFunction"), physical)
    os.environ.update(environment)
    config.get_settings.cache_clear()
    aws_clients._clients.clear()
    models._bound_prefix = None
    for model in models.ALL_MODELS:
        model._connection = None
    yield {"physical": physical, "environment": environment}
    emulator.stop()
    config.get_settings.cache_clear()
    aws_clients._clients.clear()
    models._bound_prefix = None
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture
def aws(aws_session: dict[str, Any]) -> dict[str, Any]:
    from gateway import config

    config.get_settings.cache_clear()
    return aws_session


@pytest.fixture
def client(aws: dict[str, Any]) -> Iterator[Any]:
    from chalice.test import Client

    from functions.api.app import app

    with Client(app) as chalice_client:
        yield chalice_client


@pytest.fixture
def test_merchant(aws: dict[str, Any]) -> dict[str, str]:
    from gateway.services.merchants import seed_test_merchant

    seed_test_merchant()
    return {"api_key": "key_test_abc123", "api_secret": "secret_test_xyz789"}


@pytest.fixture
def auth(test_merchant: dict[str, str]) -> dict[str, str]:
    return {
        "X-Api-Key": test_merchant["api_key"],
        "X-Api-Secret": test_merchant["api_secret"],
        "Content-Type": "application/json",
    }


class Api:
    """A thin JSON wrapper over Chalice's in-process test client, acting as one merchant."""

    def __init__(self, client: Any, headers: dict[str, str], merchant: dict[str, str] | None = None) -> None:
        self.client = client
        self.headers = headers
        self.merchant = merchant or {}

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        headers: dict[str, str] | None = None,
        raw: str | None = None,
    ) -> tuple[int, Any, dict[str, str]]:
        merged = {**self.headers, **(headers or {})}
        payload = raw if raw is not None else (json.dumps(body) if body is not None else None)
        response = self.client.http.request(method, path, headers=merged, body=payload or b"")
        parsed = json.loads(response.body) if response.body else None
        return response.status_code, parsed, response.headers

    def create_order(self, amount: int = 50000, **extra: Any) -> dict[str, Any]:
        status, body, _ = self.call("POST", "/api/v1/orders", {"amount": amount, **extra})
        assert status == 201, body
        return dict(body)

    def create_upi_payment(self, order_id: str | None = None, vpa: str = "user@paytm") -> dict[str, Any]:
        order_id = order_id or self.create_order()["id"]
        payload = {"order_id": order_id, "method": "upi", "vpa": vpa}
        status, body, _ = self.call("POST", "/api/v1/payments", payload)
        assert status == 201, body
        return dict(body)


def merchant_api(client: Any, password: str | None = None) -> Api:
    """A merchant of its own, so a test sees only its own data. Without a password unless a test needs
    one: hashing it costs a deliberate fraction of a second."""
    from gateway.services.merchants import create_merchant

    merchant = create_merchant("Shop", f"shop-{uuid.uuid4().hex[:12]}@example.com", password=password)
    headers = {
        "X-Api-Key": merchant["api_key"],
        "X-Api-Secret": merchant["api_secret"],
        "Content-Type": "application/json",
    }
    return Api(client, headers, merchant)


@pytest.fixture
def api(client: Any) -> Api:
    return merchant_api(client)


@pytest.fixture
def other_api(client: Any) -> Api:
    """A second merchant, for tenancy checks."""
    return merchant_api(client)


@pytest.fixture
def test_merchant_api(client: Any, auth: dict[str, str]) -> Api:
    return Api(client, auth)


def settle(payment_id: str) -> None:
    """Run the payment worker's use case directly (test mode: success unless told otherwise)."""
    from gateway.services.settlement import process_payment

    process_payment({"payment_id": payment_id})


@pytest.fixture
def successful_payment(api: Api) -> dict[str, Any]:
    payment = api.create_upi_payment()
    settle(payment["id"])
    return payment


@pytest.fixture
def pipeline(aws: dict[str, Any]) -> Any:
    """The workers, driven in-process; starts from the streams' current end, so earlier tests do not leak in."""
    from devkit.pipeline import Pipeline

    return Pipeline(aws["physical"])


@pytest.fixture
def receiver() -> Iterator[Any]:
    from devkit.pipeline import Receiver

    endpoint = Receiver()
    yield endpoint
    endpoint.close()
