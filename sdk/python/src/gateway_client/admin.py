"""Operators' merchant administration: commands sent to the deployment's admin function through Lambda's
Invoke API, with the operator's AWS credentials (the function has no HTTP route).

Where the function is:
- `function` (or GATEWAY_ADMIN_FUNCTION) names it outright;
- `stack` (or GATEWAY_STACK) names a CloudFormation stack, whose `AdminFunctionName` output names it,
  on AWS or, with AWS_ENDPOINT_URL, on LocalStack;
- neither: the local stack (`make run`), whose runtime answers Lambda Invoke for its own functions on
  its Lambda port (`endpoint_url`, else GATEWAY_LAMBDA_URL, else http://127.0.0.1:8098).

boto3 is needed for this part only: `pip install 'gateway-client[admin]'`.
"""

from __future__ import annotations

import importlib
import json
import os
from dataclasses import dataclass
from typing import Any

LOCAL_LAMBDA_URL = "http://127.0.0.1:8098"
LOCAL_FUNCTION = "AdminFunction"
FUNCTION_OUTPUT = "AdminFunctionName"
DEFAULT_REGION = "us-east-1"


class AdminError(Exception):
    """The command could not run, or the admin function refused it (its description, and `status`)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class AdminTarget:
    function: str
    endpoint_url: str | None
    region: str
    # The local stack takes any credentials; elsewhere the operator's own are used.
    local: bool


def _boto3() -> Any:
    try:
        return importlib.import_module("boto3")
    except ImportError:
        raise AdminError("the admin commands need boto3: pip install 'gateway-client[admin]'") from None


def find_target(
    function: str | None = None, stack: str | None = None, endpoint_url: str | None = None
) -> AdminTarget:
    function = function or os.environ.get("GATEWAY_ADMIN_FUNCTION")
    stack = stack or os.environ.get("GATEWAY_STACK")
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or DEFAULT_REGION
    if function:
        return AdminTarget(function, endpoint_url, region, local=False)
    if stack:
        return AdminTarget(_function_of_stack(stack, endpoint_url, region), endpoint_url, region, local=False)
    local_url = endpoint_url or os.environ.get("GATEWAY_LAMBDA_URL") or LOCAL_LAMBDA_URL
    return AdminTarget(LOCAL_FUNCTION, local_url, region, local=True)


def _function_of_stack(stack: str, endpoint_url: str | None, region: str) -> str:
    cloudformation = _boto3().client("cloudformation", endpoint_url=endpoint_url, region_name=region)
    try:
        described = cloudformation.describe_stacks(StackName=stack)["Stacks"][0]
    except Exception as error:
        raise AdminError(f"cannot read the stack {stack}: {error}") from None
    outputs = {item["OutputKey"]: item["OutputValue"] for item in described.get("Outputs", [])}
    if FUNCTION_OUTPUT not in outputs:
        raise AdminError(f"the stack {stack} has no {FUNCTION_OUTPUT} output (deployed before accounts?)")
    return str(outputs[FUNCTION_OUTPUT])


def invoke(target: AdminTarget, command: dict[str, Any]) -> dict[str, Any]:
    """The admin function's result for one command; AdminError when it refused or failed."""
    boto3 = _boto3()
    botocore_config = importlib.import_module("botocore.config")
    options: dict[str, Any] = {"endpoint_url": target.endpoint_url, "region_name": target.region}
    if target.local:
        options.update(aws_access_key_id="local", aws_secret_access_key="local")  # noqa: S106 - not checked
    # One attempt: a create that timed out must not run twice.
    config = botocore_config.Config(retries={"max_attempts": 1}, read_timeout=60)
    client = boto3.client("lambda", config=config, **options)
    try:
        answer = client.invoke(FunctionName=target.function, Payload=json.dumps(command).encode())
    except Exception as error:
        if target.local and type(error).__name__ == "EndpointConnectionError":
            raise AdminError(
                f"no local stack answers at {target.endpoint_url}: start one with `make run`, "
                "or name a deployment with --stack (or GATEWAY_STACK)"
            ) from None
        raise AdminError(f"invoking {target.function} failed: {error}") from None
    payload = json.loads(answer["Payload"].read() or b"null")
    if answer.get("FunctionError"):
        message = payload.get("errorMessage") if isinstance(payload, dict) else payload
        raise AdminError(f"the admin function failed: {message}")
    if not isinstance(payload, dict) or "ok" not in payload:
        raise AdminError(f"unexpected answer from {target.function}: {payload!r}")
    if not payload["ok"]:
        refusal = payload.get("error") or {}
        raise AdminError(str(refusal.get("description") or refusal), payload.get("status"))
    result: dict[str, Any] = payload["result"]
    return result
