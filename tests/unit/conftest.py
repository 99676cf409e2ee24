"""Unit tests run the real services against moto in-process (mock_aws), tables made from template.yaml."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from moto import mock_aws

UNIT_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "STACK_NAME": "unit",
    "TEST_MODE": "true",
    "TEST_PROCESSING_DELAY": "0",
    "WEBHOOK_RETRY_INTERVALS_TEST": "true",
}


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """GIVEN an empty AWS account with the stack's tables, queues and state machine."""
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in UNIT_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    from gateway import config
    from gateway.data import aws_clients, models

    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        from local_runtime.provision import provision
        from local_runtime.template import Template

        template = Template.from_environment()
        physical = provision(template)
        environment = template.function_environment(template.function("ApiFunction"), physical)
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        config.get_settings.cache_clear()
        aws_clients._clients.clear()
        models._bound_prefix = None
        for model in models.ALL_MODELS:
            model._connection = None
        yield {"physical": physical, "environment": environment}
        config.get_settings.cache_clear()
        aws_clients._clients.clear()
        models._bound_prefix = None


@pytest.fixture
def test_merchant(aws: dict[str, Any]) -> dict[str, str]:
    from gateway.services.merchants import seed_test_merchant

    seed_test_merchant()
    return {"api_key": "key_test_abc123", "api_secret": "secret_test_xyz789"}


@pytest.fixture
def client(aws: dict[str, Any]) -> Iterator[Any]:
    from chalice.test import Client

    from functions.api.app import app

    with Client(app) as chalice_client:
        yield chalice_client


@pytest.fixture
def auth(test_merchant: dict[str, str]) -> dict[str, str]:
    return {
        "X-Api-Key": test_merchant["api_key"],
        "X-Api-Secret": test_merchant["api_secret"],
        "Content-Type": "application/json",
    }


def json_of(response: Any) -> Any:
    import json

    return json.loads(response.body)


os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
