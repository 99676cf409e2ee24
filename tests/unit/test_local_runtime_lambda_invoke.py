"""The local runtime's answer to Lambda Invoke: the stack's own functions by logical id, name or ARN, run
in process as Lambda would run them; browsers refused."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from local_runtime.lambda_invoke import LambdaInvokeServer
from local_runtime.template import Template, load_template


@pytest.fixture(scope="module")
def template() -> Template:
    return Template(load_template())


@pytest.fixture
def lambda_url(aws: dict[str, Any], template: Template) -> Iterator[str]:
    server = LambdaInvokeServer(0, template)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def invoke(lambda_url: str, name: str, event: Any) -> dict[str, Any]:
    client = boto3.client(
        "lambda",
        endpoint_url=lambda_url,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    answer = client.invoke(FunctionName=name, Payload=json.dumps(event).encode())
    return {"payload": json.loads(answer["Payload"].read()), "error": answer.get("FunctionError")}


@pytest.mark.parametrize(
    "name",
    [
        "AdminFunction",
        "gateway-local-AdminFunction",
        "arn:aws:lambda:us-east-1:000000000000:function:x-AdminFunction",
    ],
)
def test_a_function_is_found_by_logical_id_name_or_arn(lambda_url: str, name: str) -> None:
    answer = invoke(
        lambda_url, name, {"action": "show", "merchant_id": "00000000-0000-4000-8000-000000000000"}
    )
    assert answer["error"] is None
    assert answer["payload"]["ok"] is False and answer["payload"]["error"]["code"] == "NOT_FOUND_ERROR"


def test_an_unknown_function_is_not_found(lambda_url: str) -> None:
    client = boto3.client(
        "lambda",
        endpoint_url=lambda_url,
        region_name="us-east-1",
        aws_access_key_id="l",
        aws_secret_access_key="l",
    )
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.invoke(FunctionName="NoSuchFunction", Payload=b"{}")


def test_a_browser_is_refused(lambda_url: str) -> None:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(
        f"{lambda_url}/2015-03-31/functions/AdminFunction/invocations",
        data=b'{"action": "list"}',
        headers={"Origin": "https://evil.example", "Content-Type": "text/plain"},
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 403
