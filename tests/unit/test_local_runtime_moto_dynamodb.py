"""The local runtime's fixes to moto's DynamoDB (`local_runtime/moto_fixes.py`): an update expression is
parsed once, and every call still gets its own values."""

from __future__ import annotations

import uuid
from typing import Any

import boto3


def new_table(client: Any, name: str, **options: Any) -> str:
    table = f"{name}-{uuid.uuid4().hex[:8]}"
    client.create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        **options,
    )
    return table


def test_one_update_expression_serves_every_call_with_its_own_values(aws: Any) -> None:
    from moto.dynamodb.parsing.expressions import UpdateExpressionParser  # type: ignore[attr-defined]

    client = boto3.client("dynamodb", region_name="us-east-1")
    table = new_table(client, "parse-once")
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


def test_shard_iterators_expire_15_minutes_after_they_are_returned(aws: Any, monkeypatch: Any) -> None:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodbstreams.models import DynamoDBStreamsBackend, dynamodbstreams_backends

    from local_runtime import moto_fixes

    # Both fixes of GetRecords hold: it takes its turn under the lock, and its iterators expire.
    assert getattr(DynamoDBStreamsBackend.get_records, "patched_by_local_runtime__serialized", False)
    assert getattr(
        DynamoDBStreamsBackend.get_records, "patched_by_local_runtime__expiring_shard_iterators", False
    )
    client = boto3.client("dynamodb", region_name="us-east-1")
    streams = boto3.client("dynamodbstreams", region_name="us-east-1")
    table = new_table(
        client, "iterators", StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    )
    arn = client.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="LATEST")[
        "ShardIterator"
    ]
    backend = dynamodbstreams_backends[DEFAULT_ACCOUNT_ID]["us-east-1"]
    now = [1_000_000.0]
    monkeypatch.setattr(moto_fixes, "_monotonic", lambda: now[0])

    # GIVEN a poller's reads, each handing out the next iterator
    returned = []
    for _ in range(5):
        iterator = streams.get_records(ShardIterator=iterator)["NextShardIterator"]
        returned.append(iterator)
    assert all(arn in backend.shard_iterators for arn in returned)

    # WHEN it reads again 15 minutes later THEN those are gone, and the newest ones still work
    now[0] += moto_fixes.SHARD_ITERATOR_LIFETIME_SECONDS + 1
    latest = streams.get_records(ShardIterator=returned[-1])["NextShardIterator"]
    assert not any(arn in backend.shard_iterators for arn in returned)
    assert latest in backend.shard_iterators
    assert streams.get_records(ShardIterator=latest)["Records"] == []


def test_a_stream_write_wakes_the_pollers_of_that_stream_only(aws: Any) -> None:
    import threading

    from local_runtime import moto_fixes

    client = boto3.client("dynamodb", region_name="us-east-1")
    spec = {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    tables = [new_table(client, name, StreamSpecification=spec) for name in ("written", "quiet")]
    events = {table: threading.Event() for table in tables}
    for table, event in events.items():
        moto_fixes.wake_on_stream_writes(
            client.describe_table(TableName=table)["Table"]["LatestStreamArn"], event
        )
    try:
        client.put_item(TableName=tables[0], Item={"id": {"S": "a"}})
        assert events[tables[0]].is_set() and not events[tables[1]].is_set()
    finally:
        for table in tables:
            moto_fixes.STREAM_WRITTEN.pop(table, None)
