"""Pollers send the events Lambda would send and honour batchItemFailures like event source mappings."""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any

import boto3
import pytest

from local_runtime.pollers import (
    SchedulePoller,
    SqsPoller,
    StreamPoller,
    Workers,
    component_name,
    failed_item_ids,
    filter_matcher,
    rate_seconds,
    schedule_period,
    scheduled_event,
    sqs_event,
    stream_event,
)
from local_runtime.provision import provision
from local_runtime.template import EventSource, FunctionSpec, Template, load_template

SPEC = FunctionSpec("ProcessPaymentFunction", "functions.process_payment.app", "handler", 15, 512, {})


def test_component_names_follow_the_event_source() -> None:
    assert component_name("PaymentsQueue", "SQS") == "payments-worker"
    assert component_name("WebhookLogsStream", "DynamoDB") == "webhook-logs-stream"
    assert component_name("ReconcileFunction", "Schedule") == "reconcile-schedule"


def test_sqs_event_has_the_lambda_shape() -> None:
    message = {
        "MessageId": "m1",
        "ReceiptHandle": "r1",
        "Body": '{"payment_id":"pay_1"}',
        "MD5OfBody": "abc",
        "Attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1700000000000"},
        "MessageAttributes": {"kind": {"StringValue": "payment", "DataType": "String"}},
    }
    (record,) = sqs_event([message], "arn:aws:sqs:us-east-1:1:payments")["Records"]
    assert record["messageId"] == "m1"
    assert record["receiptHandle"] == "r1"
    assert record["body"] == '{"payment_id":"pay_1"}'
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert record["messageAttributes"]["kind"] == {
        "stringValue": "payment",
        "binaryValue": None,
        "stringListValues": [],
        "binaryListValues": [],
        "dataType": "String",
    }
    assert record["md5OfBody"] == "abc"
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == "arn:aws:sqs:us-east-1:1:payments"
    assert record["awsRegion"] == "us-east-1"


def test_stream_event_has_the_lambda_shape_with_json_values() -> None:
    raw = {
        "eventID": "e1",
        "eventName": "MODIFY",
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1",
        "dynamodb": {
            "ApproximateCreationDateTime": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
            "Keys": {"id": {"S": "pay_1"}},
            "NewImage": {"id": {"S": "pay_1"}, "status": {"S": "success"}, "blob": {"B": b"\x01"}},
            "OldImage": {"id": {"S": "pay_1"}, "status": {"S": "pending"}},
            "SequenceNumber": "100",
            "SizeBytes": 40,
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        },
    }
    (record,) = stream_event([raw], "arn:stream")["Records"]
    assert record["eventID"] == "e1"
    assert record["eventName"] == "MODIFY"
    assert record["eventSource"] == "aws:dynamodb"
    assert record["eventSourceARN"] == "arn:stream"
    image = record["dynamodb"]
    assert image["ApproximateCreationDateTime"] == 1767225600
    assert image["NewImage"]["blob"] == {"B": "AQ=="}
    assert image["OldImage"]["status"] == {"S": "pending"}
    assert image["SequenceNumber"] == "100"
    assert image["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    json.dumps(record)  # exactly what Lambda would hand over: plain JSON


def test_failed_item_ids_are_taken_as_reported() -> None:
    assert failed_item_ids(None, ["a", "b"]) == set()
    assert failed_item_ids({"batchItemFailures": []}, ["a", "b"]) == set()
    assert failed_item_ids({"batchItemFailures": [{"itemIdentifier": "b"}]}, ["a", "b"]) == {"b"}


def test_an_invalid_failure_report_fails_the_whole_batch() -> None:
    assert failed_item_ids({"batchItemFailures": [{"itemIdentifier": "zzz"}]}, ["a", "b"]) == {"a", "b"}
    assert failed_item_ids({"batchItemFailures": [{}]}, ["a", "b"]) == {"a", "b"}


def _queue_counts(sqs: Any, url: str) -> tuple[int, int]:
    attributes = sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]), int(
        attributes["ApproximateNumberOfMessagesNotVisible"]
    )


def test_sqs_poller_deletes_only_the_messages_not_reported_as_failed(aws: dict[str, Any]) -> None:
    # GIVEN three messages on the payments queue and a handler that fails the second
    queue = aws["physical"]["PaymentsQueue"]
    sqs = boto3.client("sqs", region_name="us-east-1")
    for index in range(3):
        sqs.send_message(QueueUrl=queue["Ref"], MessageBody=json.dumps({"n": index}))
    seen: list[dict[str, Any]] = []

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        seen.extend(event["Records"])
        failed = [r["messageId"] for r in event["Records"] if json.loads(r["body"])["n"] == 1]
        return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in failed]}

    poller = SqsPoller(
        "payments-worker",
        SPEC,
        handler,
        {"BatchSize": 10, "FunctionResponseTypes": ["ReportBatchItemFailures"]},
        queue["Ref"],
        queue["Arn"],
        concurrency=1,
    )
    # WHEN it polls once and the batch finishes
    poller.poll_once()
    poller.join(timeout=10)
    # THEN the failed message waits for its visibility timeout and the others are gone
    assert len(seen) == 3
    assert _queue_counts(sqs, queue["Ref"]) == (0, 1)
    assert poller.stats.retried == 1


@pytest.fixture(scope="module")
def streams_emulator(aws_session: dict[str, Any]) -> dict[str, Any]:
    """A stack of its own in the session's emulator, so its streams hold only this module's records."""
    template = Template(load_template(), stack_name="pollers", environ={})
    return {"physical": provision(template)}


def test_stream_poller_retries_from_the_first_failed_record(streams_emulator: dict[str, Any]) -> None:
    # GIVEN three new payments and a handler that fails the second record once
    table = streams_emulator["physical"]["PaymentsTable"]
    dynamodb = boto3.client("dynamodb", region_name="us-east-1")
    for index in range(3):
        dynamodb.put_item(
            TableName=table["Ref"],
            Item={
                "id": {"S": f"pay_{index}"},
                "merchant_id": {"S": "m"},
                "created_at": {"S": f"2026-01-0{index + 1}"},
            },
        )
    batches: list[list[str]] = []

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        ids = [r["dynamodb"]["Keys"]["id"]["S"] for r in event["Records"]]
        batches.append(ids)
        if len(batches) == 1:
            second = event["Records"][1]["dynamodb"]["SequenceNumber"]
            return {"batchItemFailures": [{"itemIdentifier": second}]}
        return {"batchItemFailures": []}

    poller = StreamPoller(
        "payments-stream",
        SPEC,
        handler,
        {
            "BatchSize": 50,
            "StartingPosition": "TRIM_HORIZON",
            "FunctionResponseTypes": ["ReportBatchItemFailures"],
        },
        table["StreamArn"],
    )
    # WHEN it polls until nothing is left
    for _ in range(5):
        poller.poll_once()
    # THEN the first record was checkpointed and the retry started at the failed one
    assert batches == [["pay_0", "pay_1", "pay_2"], ["pay_1", "pay_2"]]
    (shard,) = poller.shards.values()
    assert shard.buffer == []


def test_stream_poller_retries_the_whole_batch_after_an_exception_and_bisects(
    streams_emulator: dict[str, Any],
) -> None:
    table = streams_emulator["physical"]["RefundsTable"]
    dynamodb = boto3.client("dynamodb", region_name="us-east-1")
    for index in range(4):
        dynamodb.put_item(
            TableName=table["Ref"],
            Item={"id": {"S": f"rfnd_{index}"}, "payment_id": {"S": "p"}, "created_at": {"S": f"t{index}"}},
        )
    batches: list[int] = []

    def handler(event: dict[str, Any], context: Any) -> None:
        batches.append(len(event["Records"]))
        if len(batches) == 1:
            raise RuntimeError("transient")

    poller = StreamPoller(
        "refunds-stream",
        SPEC,
        handler,
        {
            "BatchSize": 50,
            "BisectBatchOnFunctionError": True,
            "FunctionResponseTypes": ["ReportBatchItemFailures"],
        },
        table["StreamArn"],
    )
    for _ in range(5):
        poller.poll_once()
    assert batches[:2] == [4, 2]
    assert sum(batches[1:]) == 4


class TwoShardStream:
    """A DynamoDB Streams client for a stream of two shards (moto makes one per table)."""

    def __init__(self, records: dict[str, list[str]]) -> None:
        self.records = records

    def describe_stream(self, StreamArn: str) -> dict[str, Any]:
        return {"StreamDescription": {"Shards": [{"ShardId": shard} for shard in self.records]}}

    def get_shard_iterator(self, **arguments: Any) -> dict[str, Any]:
        return {"ShardIterator": arguments["ShardId"]}

    def get_records(self, ShardIterator: str, Limit: int) -> dict[str, Any]:
        keys, self.records[ShardIterator] = self.records[ShardIterator], []
        return {
            "NextShardIterator": ShardIterator,
            "Records": [
                {
                    "eventID": key,
                    "eventName": "INSERT",
                    "dynamodb": {"Keys": {"id": {"S": key}}, "SequenceNumber": f"{ShardIterator}-{index:03}"},
                }
                for index, key in enumerate(keys)
            ],
        }


def test_bisecting_a_failing_batch_in_one_shard_leaves_the_other_shards_batches_whole() -> None:
    # GIVEN a stream of two shards of four records each, the last one of shard A poison
    batches: list[list[str]] = []

    def handler(event: dict[str, Any], context: Any) -> None:
        keys = [r["dynamodb"]["Keys"]["id"]["S"] for r in event["Records"]]
        batches.append(keys)
        if "a3" in keys:
            raise RuntimeError("poison")

    poller = StreamPoller(
        "two-shards", SPEC, handler, {"BatchSize": 4, "BisectBatchOnFunctionError": True}, "arn"
    )
    poller.streams = TwoShardStream({"A": ["a0", "a1", "a2", "a3"], "B": ["b0", "b1", "b2", "b3"]})
    poller.retry_backoff_seconds = 0.001
    # WHEN it polls twice (shard A's batch fails and is halved the first time)
    poller.poll_once()
    poller.poll_once()
    # THEN shard B's batch was whole, and shard A's halves went on in A alone
    assert batches[:3] == [["a0", "a1", "a2", "a3"], ["b0", "b1", "b2", "b3"], ["a0", "a1"]]
    assert poller.shards["B"].limit is None


def test_a_failed_transaction_neither_shows_in_nor_breaks_the_stream(
    streams_emulator: dict[str, Any],
) -> None:
    # GIVEN a consumer positioned at the end of the webhook-logs stream
    table = streams_emulator["physical"]["WebhookLogsTable"]
    dynamodb = boto3.client("dynamodb", region_name="us-east-1")
    streams = boto3.client("dynamodbstreams", region_name="us-east-1")
    shard_id = streams.describe_stream(StreamArn=table["StreamArn"])["StreamDescription"]["Shards"][0][
        "ShardId"
    ]
    iterator = streams.get_shard_iterator(
        StreamArn=table["StreamArn"], ShardId=shard_id, ShardIteratorType="LATEST"
    )

    def item(log_id: str) -> dict[str, Any]:
        return {"id": {"S": log_id}, "merchant_id": {"S": "m"}, "created_at": {"S": "t"}}

    # WHEN a transaction fails on its condition and a later write succeeds
    with pytest.raises(dynamodb.exceptions.TransactionCanceledException):
        dynamodb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": table["Ref"], "Item": item("rolled-back")}},
                {
                    "Put": {
                        "TableName": table["Ref"],
                        "Item": item("never"),
                        "ConditionExpression": "attribute_exists(id)",
                    }
                },
            ]
        )
    dynamodb.put_item(TableName=table["Ref"], Item=item("committed"))

    # THEN the open iterator sees only the committed write
    records = streams.get_records(ShardIterator=iterator["ShardIterator"])["Records"]
    assert [r["dynamodb"]["Keys"]["id"]["S"] for r in records] == ["committed"]


def test_a_poison_record_is_isolated_described_on_the_failure_queue_and_later_records_flow(
    streams_emulator: dict[str, Any],
) -> None:
    # GIVEN five webhook logs on a stream, the middle one a record the handler always fails on
    physical = streams_emulator["physical"]
    table, failures = physical["WebhookLogsTable"], physical["StreamFailuresQueue"]
    dynamodb = boto3.client("dynamodb", region_name="us-east-1")
    sqs = boto3.client("sqs", region_name="us-east-1")
    handled: list[str] = []
    poison_alone: list[str] = []  # the poison record's sequence number, once per invocation with it alone

    def handler(event: dict[str, Any], context: Any) -> None:
        ids = [r["dynamodb"]["Keys"]["id"]["S"] for r in event["Records"]]
        if "poison" in ids:
            if len(ids) == 1:
                poison_alone.append(event["Records"][0]["dynamodb"]["SequenceNumber"])
            raise ValueError("cannot parse this record")
        handled.extend(ids)

    poller = StreamPoller(
        "webhook-logs-stream",
        SPEC,
        handler,
        {
            "BatchSize": 50,
            "StartingPosition": "LATEST",
            "BisectBatchOnFunctionError": True,
            "MaximumRetryAttempts": 2,
            "MaximumRecordAgeInSeconds": 3600,  # not reached: the retries run out first
        },
        table["StreamArn"],
        on_failure_queue_url=failures["Ref"],
    )
    poller.retry_backoff_seconds = 0.0
    poller.poll_once()  # positions it at the end of the stream, past other tests' records
    for log_id in ("wh_0", "wh_1", "poison", "wh_3", "wh_4"):
        dynamodb.put_item(
            TableName=table["Ref"],
            Item={"id": {"S": log_id}, "merchant_id": {"S": "m"}, "created_at": {"S": "t"}},
        )
    # WHEN it polls, and a record is written after the poison one was skipped
    for _ in range(15):
        poller.poll_once()
    dynamodb.put_item(
        TableName=table["Ref"],
        Item={"id": {"S": "wh_5"}, "merchant_id": {"S": "m"}, "created_at": {"S": "t"}},
    )
    for _ in range(3):
        poller.poll_once()

    # THEN every other record was handled once, in order, and the poison one was tried 1 + 2 times alone
    assert handled == ["wh_0", "wh_1", "wh_3", "wh_4", "wh_5"]
    assert len(poison_alone) == 3
    # AND the failure queue holds where the poison record is, not the record
    (message,) = sqs.receive_message(QueueUrl=failures["Ref"], MaxNumberOfMessages=10)["Messages"]
    info = json.loads(message["Body"])
    (poison_sequence,) = set(poison_alone)
    assert info["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert info["requestContext"]["approximateInvokeCount"] == 3
    assert info["DDBStreamBatchInfo"]["startSequenceNumber"] == poison_sequence
    assert info["DDBStreamBatchInfo"]["endSequenceNumber"] == poison_sequence
    assert info["DDBStreamBatchInfo"]["batchSize"] == 1
    assert info["DDBStreamBatchInfo"]["streamArn"] == table["StreamArn"]
    assert "poison" not in message["Body"]


@pytest.mark.parametrize(
    ("expression", "seconds"),
    [("rate(5 minutes)", 300), ("rate(1 minute)", 60), ("rate(2 hours)", 7200), ("rate(1 day)", 86400)],
)
def test_rate_expressions_give_their_period(expression: str, seconds: float) -> None:
    assert rate_seconds(expression) == seconds


@pytest.mark.parametrize("expression", ["cron(0 12 * * ? *)", "rate(0 minutes)", "rate(5 fortnights)", ""])
def test_other_schedule_expressions_are_refused(expression: str) -> None:
    with pytest.raises(ValueError, match="rate"):
        rate_seconds(expression)


def test_the_local_rate_override_replaces_the_period_of_enabled_schedules_only() -> None:
    enabled = EventSource("Every5Minutes", "Schedule", {"Schedule": "rate(5 minutes)", "Enabled": True})
    disabled = EventSource("Nightly", "Schedule", {"Schedule": "rate(1 day)", "Enabled": False})
    assert schedule_period(enabled, None) == 300
    assert schedule_period(enabled, 0.5) == 0.5
    assert schedule_period(disabled, 0.5) is None


def test_scheduled_event_has_the_eventbridge_shape() -> None:
    now = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    event = scheduled_event("gateway-local-ReconcileFunctionEvery5Minutes", "000000000000", now)
    assert event["detail-type"] == "Scheduled Event"
    assert event["source"] == "aws.events"
    assert event["time"] == "2026-01-02T03:04:05Z"
    assert event["resources"] == [
        "arn:aws:events:us-east-1:000000000000:rule/gateway-local-ReconcileFunctionEvery5Minutes"
    ]
    assert event["detail"] == {}
    assert event["id"] != scheduled_event("r", "1", now)["id"]


def test_a_schedule_poller_invokes_its_handler_every_period_until_stopped() -> None:
    # GIVEN a scheduled function that records its events
    spec = FunctionSpec("ReconcileFunction", "functions.reconcile.app", "handler", 120, 512, {})
    events: list[dict[str, Any]] = []
    poller = SchedulePoller(
        "reconcile-schedule", spec, lambda event, context: events.append(event), "rule", "0", 0.05
    )
    # WHEN it runs for a while
    poller.start()
    deadline = time.monotonic() + 10
    while len(events) < 3 and time.monotonic() < deadline:
        time.sleep(0.02)
    poller.request_stop()
    poller.join(5)
    # THEN it ran repeatedly with scheduled events, and stopped
    assert len(events) >= 3
    assert {event["detail-type"] for event in events} == {"Scheduled Event"}
    assert not poller.alive
    assert poller.stats.invocations == len(events)


def test_workers_run_every_scheduled_function_of_the_template(aws: dict[str, Any]) -> None:
    # GIVEN the template's scheduled function alone (no queue or stream to poll) and a local rate
    document = load_template()
    reconcile = document["Resources"]["ReconcileFunction"]
    template = Template({"Resources": {"ReconcileFunction": reconcile}}, environ={})
    workers = Workers(template, aws["physical"], schedule_rate_seconds=30)
    try:
        # WHEN they start
        workers.start()
        # THEN the reconciliation function has a running schedule with that period
        poller = workers.pollers["reconcile-schedule"]
        assert isinstance(poller, SchedulePoller)
        assert poller.alive
        assert poller.period == 30
    finally:
        workers.stop(timeout=10)
    assert not workers.pollers["reconcile-schedule"].alive


def test_the_dispatcher_stream_pollers_take_their_failure_settings_from_the_template(
    aws: dict[str, Any],
) -> None:
    # GIVEN the template's workers (not started)
    template = Template(load_template(), environ={})
    workers = Workers(template, aws["physical"])
    spec = template.function("DispatchEventsFunction")
    (source,) = [event for event in spec.events if event.name == "PaymentsStream"]
    # WHEN the payments stream's poller is made
    poller = workers._poller(
        "payments-stream", spec, lambda event, context: None, "DynamoDB", source.properties
    )
    # THEN it bisects, retries 5 times, gives up after an hour and reports to the stream failures queue
    assert isinstance(poller, StreamPoller)
    assert poller.bisect
    assert (poller.max_retries, poller.max_record_age) == (5, 3600)
    assert poller.on_failure_queue_url == aws["physical"]["StreamFailuresQueue"]["Ref"]


def log_stream_filter() -> dict[str, Any]:
    spec = Template(load_template(), environ={}).function("DispatchEventsFunction")
    (source,) = [event for event in spec.events if event.name == "WebhookLogsStream"]
    return source.properties


def log_record(event_name: str, **image: Any) -> dict[str, Any]:
    attributes = {
        name: {"N": str(value)} if isinstance(value, int) else {"S": value} for name, value in image.items()
    }
    return {"eventName": event_name, "dynamodb": {"Keys": {"id": {"S": "log"}}, "NewImage": attributes}}


@pytest.mark.parametrize(
    ("record", "dispatched"),
    [
        (log_record("INSERT", attempts=0, started_by="stream"), True),  # a test webhook's log
        (log_record("MODIFY", attempts=0, started_by="stream", round=2), True),  # a manual retry
        (log_record("INSERT", attempts=0, started_by="writer"), False),  # the worker sent it itself
        (log_record("MODIFY", attempts=1, started_by="stream"), False),  # an attempt was recorded
        ({"eventName": "REMOVE", "dynamodb": {"Keys": {"id": {"S": "log"}}}}, False),  # expired
    ],
)
def test_the_log_stream_filter_passes_only_rounds_an_api_request_started(
    record: dict[str, Any], dispatched: bool
) -> None:
    assert filter_matcher(log_stream_filter())(record) is dispatched


def test_a_stream_poller_invokes_its_handler_only_with_the_records_its_filter_passes(
    streams_emulator: dict[str, Any],
) -> None:
    # GIVEN a webhook log the worker sent itself, then one for the stream to start
    table = streams_emulator["physical"]["WebhookLogsTable"]
    dynamodb = boto3.client("dynamodb", region_name="us-east-1")
    for log_id, started_by in (("log_writer", "writer"), ("log_stream", "stream")):
        dynamodb.put_item(
            TableName=table["Ref"],
            Item={"id": {"S": log_id}, "attempts": {"N": "0"}, "started_by": {"S": started_by}},
        )
    seen: list[str] = []

    def handler(event: dict[str, Any], context: Any) -> None:
        seen.extend(record["dynamodb"]["Keys"]["id"]["S"] for record in event["Records"])

    poller = StreamPoller("logs-stream", SPEC, handler, log_stream_filter(), table["StreamArn"])
    # WHEN it polls until nothing is left
    for _ in range(4):
        poller.poll_once()
    # THEN only the record its filter passes reached the handler, and the shard moved past both
    assert seen == ["log_stream"]
    assert all(shard.buffer == [] for shard in poller.shards.values())
