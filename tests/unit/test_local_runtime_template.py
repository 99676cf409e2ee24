"""The local runtime reads template.yaml as CloudFormation would: short tags, parameters, Globals."""

from __future__ import annotations

import pytest

from local_runtime.template import Template, TemplateError, load_template

PHYSICAL = {
    "PaymentsQueue": {"Ref": "http://q/payments", "Arn": "arn:aws:sqs:us-east-1:1:payments"},
    "RefundsQueue": {"Ref": "http://q/refunds", "Arn": "arn:aws:sqs:us-east-1:1:refunds"},
    "WebhooksQueue": {"Ref": "http://q/webhooks", "Arn": "arn:aws:sqs:us-east-1:1:webhooks"},
    "WebhookRetryStateMachine": {"Ref": "arn:aws:states:us-east-1:1:stateMachine:retry"},
    "ProcessPaymentFunctionPaymentsQueue": {"Ref": "esm-payments"},
    "ProcessRefundFunctionRefundsQueue": {"Ref": "esm-refunds"},
    "DeliverWebhookFunctionWebhooksQueue": {"Ref": "esm-webhooks"},
    "DispatchEventsFunctionPaymentsStream": {"Ref": "esm-payments-stream"},
    "DispatchEventsFunctionRefundsStream": {"Ref": "esm-refunds-stream"},
    "DispatchEventsFunctionWebhookLogsStream": {"Ref": "esm-webhook-logs-stream"},
}


@pytest.fixture(scope="module")
def document() -> dict:
    return load_template()


def test_short_tags_become_intrinsic_functions(document: dict) -> None:
    queue = document["Resources"]["PaymentsQueue"]["Properties"]
    assert queue["QueueName"] == {"Fn::Sub": "${AWS::StackName}-payments"}
    assert queue["RedrivePolicy"]["deadLetterTargetArn"] == {"Fn::GetAtt": ["PaymentsDeadLetterQueue", "Arn"]}
    assert document["Conditions"]["IsTestMode"] == {"Fn::Equals": [{"Ref": "TestMode"}, "true"]}


def test_global_environment_resolves_with_defaults_and_local_overrides(document: dict) -> None:
    template = Template(document, stack_name="stack-a", environ={})
    environment = template.function_environment(template.function("ApiFunction"), PHYSICAL)
    assert environment["TABLE_PREFIX"] == "stack-a"
    assert environment["PAYMENTS_QUEUE_URL"] == "http://q/payments"
    assert environment["WEBHOOK_RETRY_STATE_MACHINE_ARN"] == "arn:aws:states:us-east-1:1:stateMachine:retry"
    assert environment["TEST_MODE"] == "false"
    assert environment["TEST_PROCESSING_DELAY"] == "1000"
    # Locally the test endpoints and private webhook targets are always on.
    assert environment["TEST_ENDPOINTS"] == "true"
    assert environment["ALLOW_PRIVATE_WEBHOOK_URLS"] == "true"
    # Worker liveness is read from the event source mappings, as on AWS.
    assert environment["WORKER_EVENT_SOURCE_MAPPINGS"].split(",")[:2] == ["esm-payments", "esm-refunds"]


def test_environment_variables_override_the_parameters_they_map_to(document: dict) -> None:
    template = Template(
        document,
        environ={"TEST_MODE": "true", "TEST_PROCESSING_DELAY": "250", "WEBHOOK_RETRY_INTERVALS_TEST": "true"},
    )
    assert template.parameters["TestMode"] == "true"
    assert template.conditions["IsTestMode"] is True
    environment = template.function_environment(template.function("ProcessPaymentFunction"), PHYSICAL)
    assert environment["TEST_PROCESSING_DELAY"] == "250"
    assert environment["WEBHOOK_RETRY_INTERVALS_TEST"] == "true"


def test_forced_local_variables_do_not_switch_test_mode_on(document: dict) -> None:
    template = Template(document, environ={"TEST_ENDPOINTS": "true"})
    assert template.parameters["TestMode"] == "false"


def test_each_queue_or_stream_subscription_has_the_mapping_id_sam_gives_it(document: dict) -> None:
    template = Template(document, environ={})
    assert {logical_id for _, _, logical_id in template.event_source_mapping_ids()} == {
        name for name in PHYSICAL if name.endswith(("Queue", "Stream")) and "Function" in name
    }


def test_a_value_outside_allowed_values_is_rejected(document: dict) -> None:
    with pytest.raises(TemplateError, match="TEST_MODE"):
        Template(document, environ={"TEST_MODE": "yes"})


def test_conditional_resources_follow_their_condition(document: dict) -> None:
    assert "SeedFunction" not in Template(document, environ={}).resources("AWS::Serverless::Function")
    test_mode = Template(document, environ={"TEST_MODE": "true"})
    assert "SeedFunction" in test_mode.resources("AWS::Serverless::Function")


def test_functions_expose_handler_timeout_and_event_sources(document: dict) -> None:
    template = Template(document, environ={})
    api = template.function("ApiFunction")
    assert (api.module, api.attribute, api.timeout_seconds, api.memory_mb) == (
        "functions.api.app",
        "app",
        10,
        1024,
    )
    webhooks = template.function("DeliverWebhookFunction")
    assert webhooks.timeout_seconds == 30
    (source,) = webhooks.events
    assert source.type == "SQS"
    assert source.properties["BatchSize"] == 5
    assert source.properties["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    dispatch = template.function("DispatchEventsFunction")
    assert {event.type for event in dispatch.events} == {"DynamoDB"}


def test_api_routes_and_cors_come_from_the_template(document: dict) -> None:
    template = Template(document, environ={})
    routes = template.api_routes()
    assert ("/api/v1/payments/{payment_id}", "GET") in routes
    assert ("/api/v1/payments", "POST") in routes
    settings = template.api_settings()
    assert settings["stage"] == "prod"
    assert settings["cors"]["AllowOrigin"] == "*"
    assert "X-Api-Key" in settings["cors"]["AllowHeaders"]


def test_sub_get_att_join_and_if_resolve(document: dict) -> None:
    template = Template(document, stack_name="s", environ={})
    physical = {"Table": {"Ref": "s-table", "StreamArn": "arn:stream"}}
    assert template.resolve({"Fn::Sub": "${AWS::StackName}-${Table.StreamArn}-${!Literal}"}, physical) == (
        "s-arn:stream-${Literal}"
    )
    assert template.resolve({"Fn::Sub": ["${X}/y", {"X": {"Ref": "Table"}}]}, physical) == "s-table/y"
    assert template.resolve({"Fn::Join": [",", ["a", {"Ref": "AWS::Region"}]]}, physical) == "a,us-east-1"
    assert template.resolve({"Fn::If": ["IsTestMode", "on", "off"]}, physical) == "off"


def test_a_reference_to_something_not_provisioned_is_an_error(document: dict) -> None:
    template = Template(document, environ={})
    with pytest.raises(TemplateError, match="GatewayApi"):
        template.resolve({"Ref": "GatewayApi"}, {})


def test_no_table_declares_an_index_or_attribute_twice(document: dict) -> None:
    """DynamoDB (and LocalStack) refuse a table whose indexes share a name; moto accepts it, so the local
    stack alone would never show it."""
    for name, resource in document["Resources"].items():
        if resource.get("Type") != "AWS::DynamoDB::Table":
            continue
        properties = resource["Properties"]
        indexes = [index["IndexName"] for index in properties.get("GlobalSecondaryIndexes", [])]
        attributes = [attribute["AttributeName"] for attribute in properties.get("AttributeDefinitions", [])]
        assert len(indexes) == len(set(indexes)), f"{name} repeats an index: {indexes}"
        assert len(attributes) == len(set(attributes)), f"{name} repeats an attribute: {attributes}"
