"""The SAM application deployed into LocalStack (`make test-deployed` deploys it and names it here).

These tests run only when DEPLOYED_STACK_NAME names a deployed stack and AWS_ENDPOINT_URL the LocalStack
that holds it; otherwise (plain `pytest`) they are skipped.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from deploy import local_stack
from devkit.merchant import Merchant
from local_runtime.template import load_template

# The seeded test merchant (docs/behaviour.md, "Test mode"): the only merchant a deployed stack has.
TEST_MERCHANT = {"api_key": "key_test_abc123", "api_secret": "secret_test_xyz789"}


@pytest.fixture(scope="session")
def stack_name() -> str:
    name = os.environ.get("DEPLOYED_STACK_NAME", "")
    if not name or not os.environ.get("AWS_ENDPOINT_URL"):
        pytest.skip("no deployed stack: `make test-deployed` sets DEPLOYED_STACK_NAME and AWS_ENDPOINT_URL")
    return name


@pytest.fixture(scope="session")
def api_url(stack_name: str) -> str:
    return local_stack.api_url(stack_name)


@pytest.fixture(scope="session")
def aws(stack_name: str) -> Any:
    """boto3 clients for the LocalStack holding the stack: aws("dynamodb")."""
    return local_stack.client


@pytest.fixture(scope="session")
def template() -> dict[str, Any]:
    return load_template()


@pytest.fixture(scope="session")
def physical_ids(stack_name: str) -> dict[str, str]:
    """Logical id -> physical id of every resource the stack created.

    LocalStack's legacy engine also lists resources whose Condition is false, without a physical id."""
    resources = local_stack.client("cloudformation").describe_stack_resources(StackName=stack_name)
    return {
        r["LogicalResourceId"]: r["PhysicalResourceId"]
        for r in resources["StackResources"]
        if r.get("PhysicalResourceId")
    }


@pytest.fixture
def test_merchant(api_url: str) -> Iterator[Merchant]:
    merchant = Merchant(api_url, TEST_MERCHANT)
    yield merchant
    merchant.close()
