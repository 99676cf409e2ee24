"""Creates the template's tables, queues and state machines in the emulator, idempotently."""

from __future__ import annotations

import io
import json
import logging
import zipfile
from typing import Any

import boto3
from botocore.exceptions import ClientError

from local_runtime.template import REGION, REPO_ROOT, Template

log = logging.getLogger("provision")

# CloudFormation properties of AWS::SQS::Queue that are SQS queue attributes under the same name.
_QUEUE_ATTRIBUTES = (
    "DelaySeconds",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "ReceiveMessageWaitTimeSeconds",
    "VisibilityTimeout",
    "FifoQueue",
    "ContentBasedDeduplication",
)


def account_id() -> str:
    return str(boto3.client("sts", region_name=REGION).get_caller_identity()["Account"])


def provision(template: Template) -> dict[str, dict[str, str]]:
    """Creates (or finds) every table, queue and state machine; returns their physical ids by logical id."""
    physical: dict[str, dict[str, str]] = {}
    for logical_id, resource in template.resources("AWS::DynamoDB::Table").items():
        physical[logical_id] = _table(template.resolve(resource["Properties"], physical))
    queues = template.resources("AWS::SQS::Queue")
    # Dead-letter queues first: a queue's RedrivePolicy needs its DLQ's ARN.
    for logical_id in sorted(queues, key=lambda name: "RedrivePolicy" in queues[name]["Properties"]):
        physical[logical_id] = _queue(template.resolve(queues[logical_id]["Properties"], physical))
    for logical_id, resource in template.resources("AWS::Serverless::StateMachine").items():
        physical[logical_id] = _state_machine(template, resource["Properties"], physical)
    return physical


def register_event_source_mappings(template: Template, physical: dict[str, dict[str, str]]) -> list[str]:
    """Registers each subscribed function and its mappings (disabled) in the emulator; returns their UUIDs.

    The mappings are records the API reads worker liveness from, as on AWS; the runtime's pollers do the
    polling and switch them on and off. Their physical ids go under SAM's logical ids.
    """
    client = boto3.client("lambda", region_name=REGION)
    role_arn = _lambda_role(template.stack_name)
    empty_zip = io.BytesIO()
    zipfile.ZipFile(empty_zip, "w").close()
    existing: dict[tuple[str, str], str] = {}
    functions: set[str] = set()
    for spec, event, logical_id in template.event_source_mapping_ids():
        name = f"{template.stack_name}-{spec.logical_id}"
        if name not in functions:
            functions.add(name)
            try:
                client.get_function(FunctionName=name)
            except client.exceptions.ResourceNotFoundException:
                code = {"ZipFile": empty_zip.getvalue()}
                client.create_function(
                    FunctionName=name, Runtime="python3.12", Role=role_arn, Handler="index.handler", Code=code
                )
            for mapping in client.list_event_source_mappings(FunctionName=name)["EventSourceMappings"]:
                existing[(name, mapping["EventSourceArn"])] = mapping["UUID"]
        arn = str(template.resolve(event.properties.get("Queue") or event.properties["Stream"], physical))
        if (name, arn) not in existing:
            arguments: dict[str, Any] = {"EventSourceArn": arn, "FunctionName": name, "Enabled": False}
            if event.type == "DynamoDB":
                arguments["StartingPosition"] = event.properties.get("StartingPosition", "TRIM_HORIZON")
            existing[(name, arn)] = client.create_event_source_mapping(**arguments)["UUID"]
        physical[logical_id] = {"Ref": existing[(name, arn)]}
    return [physical[logical_id]["Ref"] for _, _, logical_id in template.event_source_mapping_ids()]


def _lambda_role(stack_name: str) -> str:
    client = boto3.client("iam", region_name=REGION)
    name = f"{stack_name}-functions"
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
    try:
        return str(client.get_role(RoleName=name)["Role"]["Arn"])
    except client.exceptions.NoSuchEntityException:
        created = client.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))
        return str(created["Role"]["Arn"])


def set_event_source_mappings(uuids: list[str], enabled: bool) -> None:
    client = boto3.client("lambda", region_name=REGION)
    for uuid in uuids:
        client.update_event_source_mapping(UUID=uuid, Enabled=enabled)


def _table(properties: dict[str, Any]) -> dict[str, str]:
    client = boto3.client("dynamodb", region_name=REGION)
    name = properties["TableName"]
    try:
        description = client.describe_table(TableName=name)["Table"]
    except client.exceptions.ResourceNotFoundException:
        arguments: dict[str, Any] = {
            "TableName": name,
            "AttributeDefinitions": properties["AttributeDefinitions"],
            "KeySchema": properties["KeySchema"],
            "BillingMode": properties.get("BillingMode", "PAY_PER_REQUEST"),
        }
        if properties.get("GlobalSecondaryIndexes"):
            arguments["GlobalSecondaryIndexes"] = properties["GlobalSecondaryIndexes"]
        if properties.get("StreamSpecification"):
            arguments["StreamSpecification"] = {"StreamEnabled": True, **properties["StreamSpecification"]}
        description = client.create_table(**arguments)["TableDescription"]
        client.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
        log.info("created table %s", name)
    ttl = properties.get("TimeToLiveSpecification")
    if ttl and ttl.get("Enabled"):
        current = client.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
        if current.get("TimeToLiveStatus") not in ("ENABLED", "ENABLING"):
            client.update_time_to_live(
                TableName=name,
                TimeToLiveSpecification={"AttributeName": ttl["AttributeName"], "Enabled": True},
            )
    ids = {"Ref": name, "Arn": description["TableArn"]}
    if description.get("LatestStreamArn"):
        ids["StreamArn"] = description["LatestStreamArn"]
    return ids


def _queue(properties: dict[str, Any]) -> dict[str, str]:
    client = boto3.client("sqs", region_name=REGION)
    name = properties["QueueName"]
    attributes = {
        key: str(properties[key]).lower() if isinstance(properties[key], bool) else str(properties[key])
        for key in _QUEUE_ATTRIBUTES
        if key in properties
    }
    if "RedrivePolicy" in properties:
        attributes["RedrivePolicy"] = json.dumps(properties["RedrivePolicy"])
    try:
        url = client.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    except ClientError as error:
        if "QueueAlreadyExists" not in error.response["Error"]["Code"]:
            raise
        # Same name, other attributes (the template changed): bring the existing queue up to date.
        url = client.get_queue_url(QueueName=name)["QueueUrl"]
        client.set_queue_attributes(QueueUrl=url, Attributes=attributes)
    arn = client.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return {"Ref": url, "Arn": arn, "QueueName": name}


def _substitute(value: Any, substitutions: dict[str, str]) -> Any:
    if isinstance(value, dict):
        return {key: _substitute(item, substitutions) for key, item in value.items()}
    if isinstance(value, list):
        return [_substitute(item, substitutions) for item in value]
    if isinstance(value, str):
        for name, replacement in substitutions.items():
            value = value.replace("${" + name + "}", replacement)
    return value


def _state_machine(
    template: Template, properties: dict[str, Any], physical: dict[str, dict[str, str]]
) -> dict[str, str]:
    client = boto3.client("stepfunctions", region_name=REGION)
    name = str(template.resolve(properties["Name"], physical))
    substitutions = {
        key: str(value)
        for key, value in template.resolve(properties.get("DefinitionSubstitutions", {}), physical).items()
    }
    definition_path = REPO_ROOT / str(properties["DefinitionUri"])
    definition = json.dumps(
        _substitute(json.loads(definition_path.read_text(encoding="utf-8")), substitutions)
    )
    role_arn = f"arn:aws:iam::{template.account_id}:role/{name}-role"
    existing = [
        machine["stateMachineArn"]
        for page in client.get_paginator("list_state_machines").paginate()
        for machine in page["stateMachines"]
        if machine["name"] == name
    ]
    if existing:
        arn = existing[0]
        client.update_state_machine(stateMachineArn=arn, definition=definition, roleArn=role_arn)
    else:
        arn = client.create_state_machine(
            name=name, definition=definition, roleArn=role_arn, type=properties.get("Type", "STANDARD")
        )["stateMachineArn"]
        log.info("created state machine %s", name)
    return {"Ref": arn, "Arn": arn, "Name": name}
