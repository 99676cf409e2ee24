"""What the deployed stack has is what template.yaml declares, read back through the AWS APIs.

Every comparison is built from the template itself (no copied expectations), so a change to one
without the other fails here. What community LocalStack does not create or report is listed in
NOT_EMULATED with the reason, and only that is skipped.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from local_runtime.template import Template

ROOT = Path(__file__).resolve().parents[2]
# Parameter values `make deploy-local` deploys with (deploy/local_stack.py PARAMETERS).
DEPLOYED_WITH = {
    "TEST_MODE": "true",
    "ALLOW_PRIVATE_WEBHOOK_URLS": "true",
    "WEBHOOK_RETRY_INTERVALS_TEST": "true",
}
# Resource types (and one property) community LocalStack 4.9.2 skips (CFN_IGNORE_UNSUPPORTED_RESOURCE_TYPES),
# never runs or does not apply.
NOT_EMULATED = {
    "AWS::CloudFront::Distribution": "CloudFront is not in LocalStack's community edition",
    "AWS::CloudFront::Function": "CloudFront is not in LocalStack's community edition",
    "AWS::CloudFront::CachePolicy": "CloudFront is not in LocalStack's community edition",
    "AWS::CloudFront::ResponseHeadersPolicy": "CloudFront is not in LocalStack's community edition",
    "AWS::CloudFront::OriginAccessControl": "CloudFront is not in LocalStack's community edition",
    "AWS::WAFv2::WebACL": "WAF is not in LocalStack's community edition",
    "AWS::WAFv2::WebACLAssociation": "WAF is not in LocalStack's community edition",
    # A property, not a type: the group is created, its retention is not applied.
    "AWS::Logs::LogGroup.RetentionInDays": "LocalStack 4.9.2's log group resource provider ignores RetentionInDays",
    "Custom::TestMerchantSeed": "community LocalStack runs no custom resources; deploy/local_stack.py "
    "invokes the seed function itself",
}


@pytest.fixture(scope="module")
def resolved(template: dict[str, Any], stack_name: str, physical_ids: dict[str, str], aws: Any) -> Template:
    """The template with this stack's name and deployed parameters, able to resolve !Ref and !GetAtt."""
    return Template(template, stack_name=stack_name, environ=DEPLOYED_WITH)


@pytest.fixture(scope="module")
def physical(template: dict[str, Any], physical_ids: dict[str, str], aws: Any) -> dict[str, dict[str, str]]:
    """Ref and GetAtt values of the deployed queues, tables and state machine, as the template uses them."""
    sqs, dynamodb = aws("sqs"), aws("dynamodb")
    values: dict[str, dict[str, str]] = {}
    for logical_id, resource in template["Resources"].items():
        physical_id = physical_ids.get(logical_id)
        if physical_id is None:
            continue
        values[logical_id] = {"Ref": physical_id}
        if resource["Type"] == "AWS::SQS::Queue":
            attributes = sqs.get_queue_attributes(QueueUrl=physical_id, AttributeNames=["QueueArn"])
            arn = attributes["Attributes"]["QueueArn"]
            values[logical_id].update(Arn=arn, QueueName=arn.rsplit(":", 1)[1])
        elif resource["Type"] == "AWS::DynamoDB::Table":
            table = dynamodb.describe_table(TableName=physical_id)["Table"]
            values[logical_id].update(Arn=table["TableArn"], StreamArn=table.get("LatestStreamArn", ""))
    return values


def declared(template: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    return {
        logical_id: resource.get("Properties", {})
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == resource_type
    }


def test_every_declared_resource_was_created(
    template: dict[str, Any], resolved: Template, stack_name: str, aws: Any
) -> None:
    resources = [
        r
        for r in aws("cloudformation").describe_stack_resources(StackName=stack_name)["StackResources"]
        if r.get(
            "PhysicalResourceId"
        )  # the legacy engine lists resources whose Condition is false without one
    ]
    # LocalStack marks what it skips CREATE_COMPLETE with the physical id "unknown": only NOT_EMULATED may be.
    skipped = {r["LogicalResourceId"] for r in resources if r["PhysicalResourceId"] == "unknown"}
    status = {
        r["LogicalResourceId"]: r["ResourceStatus"]
        for r in resources
        if r["LogicalResourceId"] not in skipped
    }
    # SAM names a layer version's resource after its content: CommonLayer -> CommonLayer5d5802eca0.
    for deployed_id, state in list(status.items()):
        for logical_id, resource in template["Resources"].items():
            if resource["Type"] == "AWS::Serverless::LayerVersion" and re.fullmatch(
                rf"{logical_id}[0-9a-f]{{10}}", deployed_id
            ):
                status[logical_id] = state
    missing = {
        logical_id: status.get(logical_id, "absent")
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] not in NOT_EMULATED
        and resolved.conditions.get(resource.get("Condition"), True)
        and status.get(logical_id) != "CREATE_COMPLETE"
    }
    assert missing == {}
    assert {template["Resources"][logical_id]["Type"] for logical_id in skipped} <= set(NOT_EMULATED)


def test_tables_keys_indexes_streams_and_ttl(
    template: dict[str, Any], resolved: Template, physical: dict[str, dict[str, str]], aws: Any
) -> None:
    dynamodb = aws("dynamodb")
    for logical_id, properties in declared(template, "AWS::DynamoDB::Table").items():
        name = resolved.resolve(properties["TableName"], physical)
        table = dynamodb.describe_table(TableName=name)["Table"]
        assert physical[logical_id]["Ref"] == name
        assert table["KeySchema"] == properties["KeySchema"], name
        assert sorted(table["AttributeDefinitions"], key=str) == sorted(
            properties["AttributeDefinitions"], key=str
        )
        assert table["BillingModeSummary"]["BillingMode"] == properties["BillingMode"], name
        deployed_indexes = {
            index["IndexName"]: {
                "KeySchema": index["KeySchema"],
                "Projection": {key: value for key, value in index["Projection"].items()},
            }
            for index in table.get("GlobalSecondaryIndexes", [])
        }
        declared_indexes = {
            index["IndexName"]: {"KeySchema": index["KeySchema"], "Projection": index["Projection"]}
            for index in properties.get("GlobalSecondaryIndexes", [])
        }
        assert deployed_indexes == declared_indexes, name
        stream = properties.get("StreamSpecification")
        if stream:
            assert table["StreamSpecification"] == {"StreamEnabled": True, **stream}, name
        else:
            assert not table.get("StreamSpecification", {}).get("StreamEnabled"), name
        ttl = dynamodb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
        declared_ttl = properties.get("TimeToLiveSpecification")
        if declared_ttl:
            assert (ttl["TimeToLiveStatus"], ttl["AttributeName"]) == (
                "ENABLED",
                declared_ttl["AttributeName"],
            )
        else:
            assert ttl["TimeToLiveStatus"] == "DISABLED", name


def test_queues_timeouts_retention_and_redrive(
    template: dict[str, Any], resolved: Template, physical: dict[str, dict[str, str]], aws: Any
) -> None:
    sqs = aws("sqs")
    for logical_id, properties in declared(template, "AWS::SQS::Queue").items():
        attributes = sqs.get_queue_attributes(QueueUrl=physical[logical_id]["Ref"], AttributeNames=["All"])[
            "Attributes"
        ]
        assert physical[logical_id]["QueueName"] == resolved.resolve(properties["QueueName"], physical)
        for key in ("VisibilityTimeout", "MessageRetentionPeriod", "DelaySeconds"):
            if key in properties:
                assert int(attributes[key]) == int(properties[key]), (logical_id, key)
        redrive = properties.get("RedrivePolicy")
        if redrive:
            deployed_redrive = json.loads(attributes["RedrivePolicy"])
            assert deployed_redrive["deadLetterTargetArn"] == resolved.resolve(
                redrive["deadLetterTargetArn"], physical
            )
            assert int(deployed_redrive["maxReceiveCount"]) == int(redrive["maxReceiveCount"])
        else:
            assert "RedrivePolicy" not in attributes, logical_id


def test_state_machine_definition_has_the_template_substitutions(
    template: dict[str, Any], resolved: Template, physical: dict[str, dict[str, str]], aws: Any
) -> None:
    for logical_id, properties in declared(template, "AWS::Serverless::StateMachine").items():
        described = aws("stepfunctions").describe_state_machine(stateMachineArn=physical[logical_id]["Ref"])
        definition = (ROOT / properties["DefinitionUri"]).read_text()
        for name, expression in properties.get("DefinitionSubstitutions", {}).items():
            definition = definition.replace("${" + name + "}", str(resolved.resolve(expression, physical)))
        assert json.loads(described["definition"]) == json.loads(definition)
        assert described["name"] == resolved.resolve(properties["Name"], physical)
        assert described["type"] == properties["Type"]


def test_event_source_mappings_batch_sizes_and_partial_batch_responses(
    template: dict[str, Any],
    resolved: Template,
    physical: dict[str, dict[str, str]],
    physical_ids: dict[str, str],
    aws: Any,
) -> None:
    lambda_ = aws("lambda")
    compared = (
        "BatchSize",
        "MaximumBatchingWindowInSeconds",
        "BisectBatchOnFunctionError",
        "StartingPosition",
        "MaximumRetryAttempts",
        "MaximumRecordAgeInSeconds",
    )
    for logical_id, properties in declared(template, "AWS::Serverless::Function").items():
        if logical_id not in physical_ids:
            continue
        mappings = lambda_.list_event_source_mappings(FunctionName=physical_ids[logical_id])[
            "EventSourceMappings"
        ]
        deployed = {mapping["EventSourceArn"]: mapping for mapping in mappings}
        expected_sources = set()
        for event_name, event in properties.get("Events", {}).items():
            if event["Type"] not in ("SQS", "DynamoDB"):
                continue
            event_properties = event["Properties"]
            source = resolved.resolve(event_properties.get("Queue") or event_properties["Stream"], physical)
            expected_sources.add(source)
            mapping = deployed.get(source)
            assert mapping is not None, (logical_id, event_name, source, sorted(deployed))
            assert mapping["State"] == "Enabled", (logical_id, event_name)
            for key in compared:
                if key in event_properties:
                    assert mapping[key] == event_properties[key], (logical_id, event_name, key)
            assert mapping.get("FunctionResponseTypes", []) == event_properties.get(
                "FunctionResponseTypes", []
            ), (
                logical_id,
                event_name,
            )
            on_failure = event_properties.get("DestinationConfig", {}).get("OnFailure")
            if on_failure:
                assert mapping["DestinationConfig"]["OnFailure"]["Destination"] == resolved.resolve(
                    on_failure["Destination"], physical
                ), (logical_id, event_name)
        assert set(deployed) == expected_sources, logical_id


def test_functions_runtime_handler_memory_timeout_and_layer(
    template: dict[str, Any], physical_ids: dict[str, str], aws: Any
) -> None:
    function_globals = template["Globals"]["Function"]
    for logical_id, properties in declared(template, "AWS::Serverless::Function").items():
        if logical_id not in physical_ids:
            continue
        merged = {**function_globals, **properties}
        configuration = aws("lambda").get_function_configuration(FunctionName=physical_ids[logical_id])
        assert configuration["Runtime"] == merged["Runtime"], logical_id
        assert configuration["Handler"] == merged["Handler"], logical_id
        assert configuration["MemorySize"] == merged["MemorySize"], logical_id
        assert configuration["Timeout"] == merged["Timeout"], logical_id
        assert configuration["Architectures"] == merged["Architectures"], logical_id
        assert len(configuration.get("Layers", [])) == len(merged["Layers"]), logical_id
        declared_variables = {
            **function_globals["Environment"]["Variables"],
            **properties.get("Environment", {}).get("Variables", {}),
        }
        assert set(configuration["Environment"]["Variables"]) == set(declared_variables), logical_id


def test_api_routes_and_stage(
    template: dict[str, Any], resolved: Template, physical_ids: dict[str, str], aws: Any
) -> None:
    apigateway = aws("apigateway")
    api_id = physical_ids["GatewayApi"]
    resources = apigateway.get_resources(restApiId=api_id, limit=500)["items"]
    deployed_routes = {
        (resource["path"], method)
        for resource in resources
        for method in resource.get("resourceMethods", {})
        if method != "OPTIONS"
    }
    assert deployed_routes == set(resolved.api_routes())
    # CORS: every routed path answers the preflight.
    preflight_paths = {
        resource["path"] for resource in resources if "OPTIONS" in resource.get("resourceMethods", {})
    }
    assert {path for path, _ in deployed_routes} <= preflight_paths
    stages = {stage["stageName"] for stage in apigateway.get_stages(restApiId=api_id)["item"]}
    assert resolved.api_settings()["stage"] in stages


def test_the_stage_hands_the_function_the_stacks_own_origins(
    stack_name: str, physical_ids: dict[str, str], aws: Any
) -> None:
    """CORS names the dashboard and the checkout from the first deploy: no second deploy sets them."""
    (stack,) = aws("cloudformation").describe_stacks(StackName=stack_name)["Stacks"]
    outputs = {output["OutputKey"]: output["OutputValue"] for output in stack.get("Outputs", [])}
    stage = aws("apigateway").get_stage(restApiId=physical_ids["GatewayApi"], stageName="prod")
    wanted = f"{outputs['DashboardUrl'].rstrip('/')},{outputs['CheckoutWidgetUrl'].rstrip('/')}"
    assert stage.get("variables", {}).get("stackOrigins") == wanted


def test_log_groups_keep_lines_for_the_declared_retention(
    template: dict[str, Any], resolved: Template, physical: dict[str, dict[str, str]], aws: Any
) -> None:
    logs = aws("logs")
    for logical_id, properties in declared(template, "AWS::Logs::LogGroup").items():
        if logical_id not in physical:
            continue
        name = resolved.resolve(properties["LogGroupName"], physical)
        groups = logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
        (group,) = [g for g in groups if g["logGroupName"] == name]
        if "AWS::Logs::LogGroup.RetentionInDays" not in NOT_EMULATED:
            assert group.get("retentionInDays") == int(
                resolved.resolve(properties["RetentionInDays"], physical)
            )


def test_alarms_watch_the_declared_metrics_and_notify_the_alarm_topic(
    template: dict[str, Any], resolved: Template, physical: dict[str, dict[str, str]], aws: Any
) -> None:
    cloudwatch = aws("cloudwatch")
    topic_arn = physical["AlarmTopic"]["Ref"]
    aws("sns").get_topic_attributes(TopicArn=topic_arn)
    for logical_id, properties in declared(template, "AWS::CloudWatch::Alarm").items():
        name = resolved.resolve(properties["AlarmName"], physical)
        alarms = cloudwatch.describe_alarms(AlarmNames=[name])["MetricAlarms"]
        assert len(alarms) == 1, (logical_id, name)
        alarm = alarms[0]
        assert alarm["AlarmActions"] == [topic_arn], logical_id
        for key in (
            "Namespace",
            "MetricName",
            "Statistic",
            "Period",
            "EvaluationPeriods",
            "ComparisonOperator",
        ):
            if key in properties:
                assert alarm[key] == properties[key], (logical_id, key)
        assert alarm["Threshold"] == float(properties["Threshold"]), logical_id
        if "Dimensions" in properties:
            declared_dimensions = {
                d["Name"]: resolved.resolve(d["Value"], physical) for d in properties["Dimensions"]
            }
            assert {d["Name"]: d["Value"] for d in alarm["Dimensions"]} == declared_dimensions, logical_id
        if "Metrics" in properties:
            assert sorted(m["Id"] for m in alarm["Metrics"]) == sorted(m["Id"] for m in properties["Metrics"])
