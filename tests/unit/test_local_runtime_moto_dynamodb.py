"""The local runtime's fixes to moto's DynamoDB (`local_runtime/moto_fixes.py`): an update expression is
parsed once, and every call still gets its own values."""

from __future__ import annotations

import uuid
from typing import Any

import boto3


def test_one_update_expression_serves_every_call_with_its_own_values(aws: Any) -> None:
    from moto.dynamodb.parsing.expressions import UpdateExpressionParser  # type: ignore[attr-defined]

    client = boto3.client("dynamodb", region_name="us-east-1")
    table = f"parse-once-{uuid.uuid4().hex[:8]}"
    client.create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    expression = "SET #s = :s, note = :n ADD version :one REMOVE gone"
    assert UpdateExpressionParser.make(expression) is UpdateExpressionParser.make(expression)

    for key, status in (("a", "paid"), ("b", "failed"), ("a", "refunded")):
        client.update_item(
            TableName=table,
            Key={"id": {"S": key}},
            UpdateExpression=expression,
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={
                ":s": {"S": status},
                ":n": {"S": f"{key}-{status}"},
                ":one": {"N": "1"},
            },
        )

    items = {key: client.get_item(TableName=table, Key={"id": {"S": key}})["Item"] for key in ("a", "b")}
    assert items["a"] == {
        "id": {"S": "a"},
        "status": {"S": "refunded"},
        "note": {"S": "a-refunded"},
        "version": {"N": "2"},
    }
    assert items["b"] == {
        "id": {"S": "b"},
        "status": {"S": "failed"},
        "note": {"S": "b-failed"},
        "version": {"N": "1"},
    }
