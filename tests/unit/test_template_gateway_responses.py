"""API Gateway's own error answers (no route, throttled, WAF-blocked, integration failure) are valid JSON."""

from __future__ import annotations

import json

import pytest

from local_runtime.template import load_template

# API Gateway substitutes $context.error.messageString with the message already in double quotes.
SAMPLE_MESSAGES = ['"Missing Authentication Token"', '"Too Many Requests"', '"Say \\"hi\\" \\u00e9"']


def gateway_responses() -> dict[str, str]:
    api = load_template()["Resources"]["GatewayApi"]["Properties"]
    return {
        name: response["ResponseTemplates"]["application/json"]
        for name, response in api["GatewayResponses"].items()
    }


@pytest.mark.parametrize("name", sorted(gateway_responses()))
@pytest.mark.parametrize("message", SAMPLE_MESSAGES)
def test_gateway_response_bodies_render_to_json_with_the_error_shape(name: str, message: str) -> None:
    # GIVEN the body template API Gateway fills in for this response type
    body_template = gateway_responses()[name]

    # WHEN it is rendered as API Gateway renders it
    rendered = body_template.replace("$context.error.messageString", message).replace(
        "$context.requestId", "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"
    )

    # THEN the body parses, with the API's error shape and the message as the description when it is used
    body = json.loads(rendered)
    assert set(body["error"]) == {"code", "description", "request_id"}
    assert body["error"]["request_id"] == "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"
    if "$context.error.messageString" in body_template:
        assert body["error"]["description"] == json.loads(message)
