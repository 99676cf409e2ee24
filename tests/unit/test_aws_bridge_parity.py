"""The bridge (`local_runtime/bridge.py`) answers exactly as the HTTP-shaped path does.

Every AWS operation the product, the runtime, the dev kit and the bench call on the bridged services
runs here twice, once answered at botocore's `before-call` hook and once through moto's stubber (the
HTTP-shaped path the bridge replaces, the one `LOCAL_AWS_BRIDGE=off` keeps), with its success and its
error cases; the parsed answers and the raised errors must be identical, after masking what differs
by nature (request ids, message ids, receipt handles, clocks, stream positions) and the run's names.
`test_every_operation_the_code_calls_is_covered` lists the operations from the code, so a new one fails
until a scenario here covers it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore import xform_name
from botocore.exceptions import ClientError

from local_runtime import bridge

REPO = Path(__file__).resolve().parents[2]
SOURCES = ["layers/common/python/gateway", "functions", "local_runtime", "devkit", "bench", "test_merchant"]
# pynamodb's model API (used only in gateway/data/) -> the DynamoDB operations it sends.
PYNAMODB_CALLS = {
    r"\.get\(": "GetItem",
    r"\.save\(": "PutItem",
    r"\.update\(": "UpdateItem",
    r"\.delete\(": "DeleteItem",
    r"\.(query|count)\(": "Query",
    r"\.scan\(": "Scan",
    r"\.batch_get\(": "BatchGetItem",
    r"\.batch_write\(": "BatchWriteItem",
    r"\bTransactWrite\b": "TransactWriteItems",
    r"\bTransactGet\b": "TransactGetItems",
    r"\.(exists|describe_table)\(": "DescribeTable",
}
VOLATILE = {
    "RequestId",
    "HTTPHeaders",
    "MessageId",
    "ReceiptHandle",
    "SentTimestamp",
    "ApproximateFirstReceiveTimestamp",
    "CreatedTimestamp",
    "LastModifiedTimestamp",
    "CreationDateTime",
    "creationDate",
    "updateDate",
    "startDate",
    "stopDate",
    "timestamp",
    "ShardIterator",
    "NextShardIterator",
    "SequenceNumber",
    "StartingSequenceNumber",
    "ApproximateCreationDateTime",
    "SizeBytes",  # moto measures the stream record with its sequence number, whose digits grow
    "eventID",
    "StreamArn",
    "LatestStreamArn",
    "StreamLabel",
    "LatestStreamLabel",
    "ShardId",
    "TableId",
    "taskToken",
    "TaskToken",
}


@dataclass
class Clients:
    dynamodb: Any
    streams: Any
    sqs: Any
    sfn: Any
    run: str  # a name unique to this run, masked in the answers

    def all(self) -> list[Any]:
        return [self.dynamodb, self.streams, self.sqs, self.sfn]


def masked(value: Any, run: str) -> Any:
    if isinstance(value, dict):
        return {masked(k, run): f"<{k}>" if k in VOLATILE else masked(v, run) for k, v in value.items()}
    if isinstance(value, list):
        return [masked(item, run) for item in value]
    if isinstance(value, str):
        return value.replace(run, "<run>")
    if isinstance(value, dt.datetime):
        return "<datetime>"
    return value


def outcome(run: str, call: Callable[[], Any]) -> Any:
    try:
        return {"ok": masked(call(), run)}
    except ClientError as error:
        return {"raised": type(error).__name__, "response": masked(error.response, run)}


# ---------------------------------------------------------------------- scenarios, one per area
def table(c: Clients, stream: bool = False) -> str:
    name = f"{c.run}-table"
    c.dynamodb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
        **(
            {"StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}}
            if stream
            else {}
        ),
    )
    return name


def key(pk: str, sk: str = "0") -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def dynamodb_tables(c: Clients) -> list[Any]:
    name = table(c)
    missing = f"{c.run}-missing"
    return [
        outcome(
            c.run,
            lambda: c.dynamodb.create_table(
                TableName=name,
                KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                BillingMode="PAY_PER_REQUEST",
            ),
        ),
        outcome(c.run, lambda: c.dynamodb.describe_table(TableName=name)),
        outcome(c.run, lambda: c.dynamodb.describe_table(TableName=missing)),
        outcome(
            c.run,
            lambda: c.dynamodb.update_time_to_live(
                TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": "ttl"}
            ),
        ),
        outcome(c.run, lambda: c.dynamodb.describe_time_to_live(TableName=name)),
        outcome(c.run, lambda: c.dynamodb.describe_time_to_live(TableName=missing)),
    ]


def dynamodb_items(c: Clients) -> list[Any]:
    name = table(c)
    missing = f"{c.run}-missing"
    item = {**key("a"), "amount": {"N": "500"}, "blob": {"B": b"\x00\x01"}, "tags": {"SS": ["x", "y"]}}
    return [
        outcome(c.run, lambda: c.dynamodb.put_item(TableName=name, Item=item)),
        outcome(
            c.run,
            lambda: c.dynamodb.put_item(
                TableName=name,
                Item=item,
                ConditionExpression="attribute_not_exists(pk)",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            ),
        ),
        outcome(c.run, lambda: c.dynamodb.put_item(TableName=name, Item=key("k" * 2049))),
        outcome(c.run, lambda: c.dynamodb.put_item(TableName=missing, Item=item)),
        outcome(c.run, lambda: c.dynamodb.get_item(TableName=name, Key=key("a"), ConsistentRead=True)),
        outcome(c.run, lambda: c.dynamodb.get_item(TableName=name, Key=key("nobody"))),
        outcome(c.run, lambda: c.dynamodb.get_item(TableName=name, Key={"pk": {"S": "a"}})),
        outcome(c.run, lambda: c.dynamodb.get_item(TableName=missing, Key=key("a"))),
        outcome(
            c.run,
            lambda: c.dynamodb.update_item(
                TableName=name,
                Key=key("a"),
                UpdateExpression="SET #a = #a + :d",
                ConditionExpression="#a = :was",
                ExpressionAttributeNames={"#a": "amount"},
                ExpressionAttributeValues={":d": {"N": "1"}, ":was": {"N": "500"}},
                ReturnValues="ALL_NEW",
            ),
        ),
        outcome(
            c.run,
            lambda: c.dynamodb.update_item(
                TableName=name,
                Key=key("a"),
                UpdateExpression="SET #a = :v",
                ConditionExpression="#a = :was",
                ExpressionAttributeNames={"#a": "amount"},
                ExpressionAttributeValues={":v": {"N": "1"}, ":was": {"N": "500"}},
            ),
        ),
        outcome(
            c.run,
            lambda: c.dynamodb.update_item(
                TableName=name, Key=key("a"), UpdateExpression="SET amount = :undefined"
            ),
        ),
        outcome(
            c.run,
            lambda: c.dynamodb.delete_item(
                TableName=name, Key=key("a"), ConditionExpression="attribute_not_exists(pk)"
            ),
        ),
        outcome(c.run, lambda: c.dynamodb.delete_item(TableName=name, Key=key("a"), ReturnValues="ALL_OLD")),
    ]


def dynamodb_reads(c: Clients) -> list[Any]:
    name = table(c)
    for sk in range(5):
        c.dynamodb.put_item(TableName=name, Item={**key("q", f"{sk:02}"), "n": {"N": str(sk)}})
    query = {
        "TableName": name,
        "KeyConditionExpression": "pk = :pk AND sk > :after",
        "ExpressionAttributeValues": {":pk": {"S": "q"}, ":after": {"S": "00"}},
    }
    return [
        outcome(c.run, lambda: c.dynamodb.query(**query, Limit=2, ScanIndexForward=False)),
        outcome(c.run, lambda: c.dynamodb.query(**query, Select="COUNT")),
        outcome(c.run, lambda: c.dynamodb.query(**query, ExclusiveStartKey=key("q", "02"))),
        outcome(
            c.run,
            lambda: c.dynamodb.query(
                TableName=name,
                KeyConditionExpression="pk = :pk AND",
                ExpressionAttributeValues={":pk": {"S": "q"}},
            ),
        ),
        outcome(c.run, lambda: c.dynamodb.scan(TableName=name, Limit=3)),
        outcome(
            c.run,
            lambda: c.dynamodb.batch_get_item(
                RequestItems={name: {"Keys": [key("q", "01"), key("q", "03"), key("none")]}}
            ),
        ),
        # Only some attributes of each item, as the payments list reads its orders' statuses.
        outcome(
            c.run,
            lambda: c.dynamodb.batch_get_item(
                RequestItems={
                    name: {
                        "Keys": [key("q", "01"), key("q", "03")],
                        "ProjectionExpression": "#pk, #sk",
                        "ExpressionAttributeNames": {"#pk": "pk", "#sk": "sk"},
                    }
                }
            ),
        ),
        outcome(
            c.run,
            lambda: c.dynamodb.batch_get_item(RequestItems={f"{c.run}-missing": {"Keys": [key("q", "01")]}}),
        ),
        outcome(
            c.run,
            lambda: c.dynamodb.batch_write_item(
                RequestItems={
                    name: [{"PutRequest": {"Item": key("w")}}, {"DeleteRequest": {"Key": key("q", "04")}}]
                }
            ),
        ),
        outcome(
            c.run,
            lambda: c.dynamodb.transact_get_items(
                TransactItems=[{"Get": {"TableName": name, "Key": key("q", "01")}}]
            ),
        ),
    ]


def dynamodb_transactions(c: Clients) -> list[Any]:
    name = table(c)
    c.dynamodb.put_item(TableName=name, Item={**key("order"), "version": {"N": "1"}})

    def put(pk: str, condition: str = "attribute_not_exists(pk)") -> dict[str, Any]:
        return {"Put": {"TableName": name, "Item": key(pk), "ConditionExpression": condition}}

    check = {
        "ConditionCheck": {
            "TableName": name,
            "Key": key("order"),
            "ConditionExpression": "version = :v",
            "ExpressionAttributeValues": {":v": {"N": "1"}},
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        }
    }
    update = {
        "Update": {
            "TableName": name,
            "Key": key("order"),
            "UpdateExpression": "SET version = version + :one",
            "ExpressionAttributeValues": {":one": {"N": "1"}},
        }
    }
    return [
        outcome(c.run, lambda: c.dynamodb.transact_write_items(TransactItems=[put("p1"), check])),
        # cancelled: the first item's condition passes, the second's fails; reasons in item order
        outcome(c.run, lambda: c.dynamodb.transact_write_items(TransactItems=[put("p2"), put("p1")])),
        outcome(
            c.run,
            lambda: c.dynamodb.transact_write_items(
                TransactItems=[
                    {
                        **check,
                        "ConditionCheck": {
                            **check["ConditionCheck"],
                            "ExpressionAttributeValues": {":v": {"N": "9"}},
                        },
                    }
                ]
            ),
        ),
        outcome(c.run, lambda: c.dynamodb.transact_write_items(TransactItems=[update])),
        outcome(c.run, lambda: c.dynamodb.transact_write_items(TransactItems=[put("p3"), put("p3")])),
        outcome(
            c.run,
            lambda: c.dynamodb.transact_write_items(
                TransactItems=[{"Put": {"TableName": f"{c.run}-missing", "Item": key("x")}}]
            ),
        ),
    ]


def dynamodb_streams(c: Clients) -> list[Any]:
    name = table(c, stream=True)
    arn = c.dynamodb.describe_table(TableName=name)["Table"]["LatestStreamArn"]
    c.dynamodb.put_item(TableName=name, Item={**key("s"), "n": {"N": "1"}})
    c.dynamodb.update_item(
        TableName=name,
        Key=key("s"),
        UpdateExpression="SET n = :two",
        ExpressionAttributeValues={":two": {"N": "2"}},
    )
    shard = c.streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = c.streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")[
        "ShardIterator"
    ]
    return [
        outcome(c.run, lambda: c.streams.describe_stream(StreamArn=arn)),
        outcome(c.run, lambda: c.streams.describe_stream(StreamArn=arn.replace(name, f"{c.run}-missing"))),
        outcome(
            c.run,
            lambda: c.streams.get_shard_iterator(
                StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON"
            ),
        ),
        outcome(c.run, lambda: c.streams.get_records(ShardIterator=iterator, Limit=10)),
    ]


def sqs_queues(c: Clients) -> list[Any]:
    url = c.sqs.create_queue(QueueName=f"{c.run}-jobs", Attributes={"VisibilityTimeout": "30"})["QueueUrl"]
    dead = c.sqs.create_queue(QueueName=f"{c.run}-dead")["QueueUrl"]
    dead_arn = c.sqs.get_queue_attributes(QueueUrl=dead, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    missing = url.replace("-jobs", "-missing")
    return [
        outcome(
            c.run,
            lambda: c.sqs.create_queue(QueueName=f"{c.run}-jobs", Attributes={"VisibilityTimeout": "30"}),
        ),
        outcome(
            c.run,
            lambda: c.sqs.create_queue(QueueName=f"{c.run}-jobs", Attributes={"VisibilityTimeout": "5"}),
        ),
        outcome(c.run, lambda: c.sqs.get_queue_url(QueueName=f"{c.run}-jobs")),
        outcome(c.run, lambda: c.sqs.get_queue_url(QueueName=f"{c.run}-missing")),
        outcome(
            c.run,
            lambda: c.sqs.set_queue_attributes(
                QueueUrl=url,
                Attributes={
                    "RedrivePolicy": json.dumps({"deadLetterTargetArn": dead_arn, "maxReceiveCount": 5})
                },
            ),
        ),
        outcome(
            c.run, lambda: c.sqs.set_queue_attributes(QueueUrl=missing, Attributes={"DelaySeconds": "1"})
        ),
        outcome(c.run, lambda: c.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])),
        outcome(c.run, lambda: c.sqs.get_queue_attributes(QueueUrl=missing, AttributeNames=["All"])),
        outcome(c.run, lambda: c.sqs.list_queues(QueueNamePrefix=c.run)),
    ]


def sqs_messages(c: Clients) -> list[Any]:
    url = c.sqs.create_queue(QueueName=f"{c.run}-work")["QueueUrl"]
    missing = url.replace("-work", "-missing")
    attributes = {"kind": {"DataType": "String", "StringValue": "payment"}}
    results = [
        outcome(
            c.run, lambda: c.sqs.send_message(QueueUrl=url, MessageBody="one", MessageAttributes=attributes)
        ),
        outcome(c.run, lambda: c.sqs.send_message(QueueUrl=url, MessageBody="two", DelaySeconds=900)),
        outcome(c.run, lambda: c.sqs.send_message(QueueUrl=url, MessageBody="x", DelaySeconds=901)),
        outcome(c.run, lambda: c.sqs.send_message(QueueUrl=missing, MessageBody="one")),
    ]
    batch = [
        {"Id": "a", "MessageBody": "batched", "DelaySeconds": 900},
        {"Id": "b", "MessageBody": "batched"},
    ]
    results += [
        outcome(c.run, lambda: c.sqs.send_message_batch(QueueUrl=url, Entries=batch)),
        outcome(c.run, lambda: c.sqs.send_message_batch(QueueUrl=url, Entries=[batch[0], batch[0]])),
    ]
    received = c.sqs.receive_message(
        QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"], MessageAttributeNames=["All"]
    )
    results.append(masked(received, c.run))
    handle = received["Messages"][0]["ReceiptHandle"]
    c.sqs.send_message(QueueUrl=url, MessageBody="three")
    return [
        *results,
        outcome(
            c.run,
            lambda: c.sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=0),
        ),
        outcome(
            c.run,
            lambda: c.sqs.change_message_visibility(QueueUrl=url, ReceiptHandle="bogus", VisibilityTimeout=0),
        ),
        outcome(
            c.run, lambda: c.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
        ),
        outcome(c.run, lambda: c.sqs.receive_message(QueueUrl=missing)),
        outcome(c.run, lambda: c.sqs.delete_message(QueueUrl=url, ReceiptHandle=handle)),
        outcome(c.run, lambda: c.sqs.delete_message(QueueUrl=url, ReceiptHandle="bogus")),
        outcome(
            c.run,
            lambda: c.sqs.delete_message_batch(
                QueueUrl=url,
                Entries=[{"Id": "old", "ReceiptHandle": handle}, {"Id": "bad", "ReceiptHandle": "bogus"}],
            ),
        ),
        outcome(c.run, lambda: c.sqs.delete_message_batch(QueueUrl=url, Entries=[])),
    ]


WAITING_MACHINE = {
    "StartAt": "Hold",
    "States": {"Hold": {"Type": "Wait", "Seconds": 600, "Next": "Done"}, "Done": {"Type": "Succeed"}},
}
ROLE = "arn:aws:iam::123456789012:role/parity"


def step_functions(c: Clients) -> list[Any]:
    created = c.sfn.create_state_machine(
        name=f"{c.run}-machine", definition=json.dumps(WAITING_MACHINE), roleArn=ROLE
    )
    machine = created["stateMachineArn"]
    missing_machine = machine.replace("-machine", "-missing")
    execution = c.sfn.start_execution(stateMachineArn=machine, name="first", input="{}")["executionArn"]

    def history() -> Any:
        deadline = time.monotonic() + 10
        while True:
            events = c.sfn.get_execution_history(executionArn=execution)
            if any(e["type"] == "WaitStateEntered" for e in events["events"]) or time.monotonic() > deadline:
                return events

    results = [
        outcome(
            c.run,
            lambda: c.sfn.create_state_machine(name=f"{c.run}-bad", definition="{not json", roleArn=ROLE),
        ),
        outcome(
            c.run,
            lambda: c.sfn.update_state_machine(
                stateMachineArn=machine, definition=json.dumps(WAITING_MACHINE)
            ),
        ),
        outcome(c.run, lambda: c.sfn.update_state_machine(stateMachineArn=missing_machine, definition="{}")),
        outcome(
            c.run, lambda: c.sfn.start_execution(stateMachineArn=machine, name="first", input='{"other": 1}')
        ),
        outcome(c.run, lambda: c.sfn.start_execution(stateMachineArn=missing_machine, name="x", input="{}")),
        outcome(c.run, lambda: c.sfn.describe_execution(executionArn=execution)),
        outcome(c.run, lambda: c.sfn.describe_execution(executionArn=execution.replace(":first", ":nobody"))),
        outcome(c.run, history),
        outcome(
            c.run, lambda: c.sfn.get_execution_history(executionArn=execution.replace(":first", ":nobody"))
        ),
        outcome(c.run, lambda: c.sfn.list_executions(stateMachineArn=machine)),
        outcome(c.run, lambda: c.sfn.list_executions(stateMachineArn=missing_machine)),
        outcome(c.run, lambda: c.sfn.send_task_success(taskToken="not-a-token", output="{}")),
        outcome(c.run, lambda: c.sfn.send_task_failure(taskToken="not-a-token", error="E", cause="c")),
    ]
    c.sfn.stop_execution(executionArn=execution)
    return results


TASK_MACHINE = {
    "StartAt": "Ask",
    "States": {
        "Ask": {
            "Type": "Task",
            "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {"QueueUrl.$": "$.queue", "MessageBody": {"token.$": "$$.Task.Token"}},
            "End": True,
        }
    },
}


def step_functions_tokens(c: Clients) -> list[Any]:
    queue = c.sqs.create_queue(QueueName=f"{c.run}-tokens")["QueueUrl"]
    machine = c.sfn.create_state_machine(
        name=f"{c.run}-tokens", definition=json.dumps(TASK_MACHINE), roleArn=ROLE
    )["stateMachineArn"]
    tokens = []
    for name in ("succeeds", "fails"):
        c.sfn.start_execution(stateMachineArn=machine, name=name, input=json.dumps({"queue": queue}))
        message = c.sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=10)["Messages"][0]
        tokens.append(json.loads(message["Body"])["token"])
    return [
        outcome(c.run, lambda: c.sfn.send_task_success(taskToken=tokens[0], output='{"ok": true}')),
        outcome(
            c.run,
            lambda: c.sfn.send_task_failure(taskToken=tokens[1], error="WebhookDeliveryFailed", cause="503"),
        ),
    ]


SCENARIOS: dict[str, tuple[Callable[[Clients], list[Any]], set[str]]] = {
    "dynamodb_tables": (
        dynamodb_tables,
        {
            "dynamodb:CreateTable",
            "dynamodb:DescribeTable",
            "dynamodb:UpdateTimeToLive",
            "dynamodb:DescribeTimeToLive",
        },
    ),
    "dynamodb_items": (
        dynamodb_items,
        {"dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"},
    ),
    "dynamodb_reads": (
        dynamodb_reads,
        {
            "dynamodb:Query",
            "dynamodb:Scan",
            "dynamodb:BatchGetItem",
            "dynamodb:BatchWriteItem",
            "dynamodb:TransactGetItems",
        },
    ),
    "dynamodb_transactions": (dynamodb_transactions, {"dynamodb:TransactWriteItems"}),
    "dynamodb_streams": (
        dynamodb_streams,
        {"dynamodbstreams:DescribeStream", "dynamodbstreams:GetShardIterator", "dynamodbstreams:GetRecords"},
    ),
    "sqs_queues": (
        sqs_queues,
        {
            "sqs:CreateQueue",
            "sqs:GetQueueUrl",
            "sqs:SetQueueAttributes",
            "sqs:GetQueueAttributes",
            "sqs:ListQueues",
        },
    ),
    "sqs_messages": (
        sqs_messages,
        {
            "sqs:SendMessage",
            "sqs:SendMessageBatch",
            "sqs:ReceiveMessage",
            "sqs:ChangeMessageVisibility",
            "sqs:DeleteMessage",
            "sqs:DeleteMessageBatch",
        },
    ),
    "step_functions": (
        step_functions,
        {
            "stepfunctions:CreateStateMachine",
            "stepfunctions:UpdateStateMachine",
            "stepfunctions:StartExecution",
            "stepfunctions:DescribeExecution",
            "stepfunctions:GetExecutionHistory",
            "stepfunctions:ListExecutions",
            "stepfunctions:SendTaskSuccess",
            "stepfunctions:SendTaskFailure",
        },
    ),
    "step_functions_tokens": (
        step_functions_tokens,
        {"stepfunctions:SendTaskSuccess", "stepfunctions:SendTaskFailure"},
    ),
}


# ---------------------------------------------------------------------- the tests
def run_path(
    scenario: Callable[[Clients], list[Any]], bridged: bool, monkeypatch: pytest.MonkeyPatch
) -> tuple[list[Any], dict[str, int]]:
    """Runs a scenario on fresh clients; returns its outcomes and, per operation, how many calls went on
    past `before-call` to be sent (the HTTP-shaped path)."""
    monkeypatch.setenv(bridge.SETTING, "on" if bridged else "off")
    session = boto3.session.Session(region_name="us-east-1")
    clients = Clients(
        dynamodb=session.client("dynamodb"),
        streams=session.client("dynamodbstreams"),
        sqs=session.client("sqs"),
        sfn=session.client("stepfunctions"),
        run=f"parity{uuid.uuid4().hex[:10]}",
    )
    sent: dict[str, int] = {}
    called: dict[str, int] = {}

    def count(into: dict[str, int]) -> Callable[..., None]:
        def record(event_name: str, **_: Any) -> None:
            _, service, operation = event_name.split(".")
            into[f"{service}:{operation}"] = into.get(f"{service}:{operation}", 0) + 1

        return record

    for client in clients.all():
        client.meta.events.register("before-send", count(sent))
        client.meta.events.register("after-call", count(called))
    outcomes = scenario(clients)
    return outcomes, {"sent": sent, "called": called}  # type: ignore[dict-item]


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_the_bridge_answers_as_the_http_path(
    name: str, aws: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    scenario, operations = SCENARIOS[name]
    over_http, http_calls = run_path(scenario, bridged=False, monkeypatch=monkeypatch)
    bridged, bridge_calls = run_path(scenario, bridged=True, monkeypatch=monkeypatch)
    assert bridged == over_http
    # Each path really was the one it claims: the bridge sent nothing, the other path sent every call.
    assert bridge_calls["sent"] == {}  # type: ignore[comparison-overlap]
    assert http_calls["sent"] == http_calls["called"]
    services = {
        "dynamodb": "dynamodb",
        "dynamodb-streams": "dynamodbstreams",
        "sqs": "sqs",
        "sfn": "stepfunctions",
    }
    exercised = {f"{services[k.split(':')[0]]}:{k.split(':')[1]}" for k in bridge_calls["called"]}  # type: ignore[attr-defined]
    assert operations <= exercised


def operations_in_code() -> dict[str, set[str]]:
    """Every operation of a bridged service named in the code, with the files that name it."""
    session = boto3.session.Session(region_name="us-east-1")
    found: dict[str, set[str]] = {}
    files = {
        path: path.read_text(encoding="utf-8") for root in SOURCES for path in (REPO / root).rglob("*.py")
    }
    for service in bridge.RESPONSE_CLASSES:
        for operation in session.client(service).meta.service_model.operation_names:
            pattern = re.compile(rf"\.{xform_name(operation)}\(")
            for path, text in files.items():
                if pattern.search(text):
                    found.setdefault(f"{service}:{operation}", set()).add(str(path.relative_to(REPO)))
    for path, text in files.items():
        if "gateway/data/" not in str(path):
            continue
        for pattern, operation in PYNAMODB_CALLS.items():
            if re.search(pattern, text):
                found.setdefault(f"dynamodb:{operation}", set()).add(str(path.relative_to(REPO)))
    return found


def test_every_operation_the_code_calls_is_covered() -> None:
    covered = set().union(*(operations for _, operations in SCENARIOS.values()))
    found = operations_in_code()
    missing = {operation: sorted(files) for operation, files in found.items() if operation not in covered}
    assert not missing, f"add these operations to a scenario of this module: {missing}"
    assert {"dynamodb:TransactWriteItems", "sqs:SendMessage", "stepfunctions:StartExecution"} <= set(found)
