"""Drives the worker functions in-process the way Lambda's event source mappings would.

Streams are read from where the previous pump stopped (shared for the whole session), queues are
received without waiting; handlers get the exact Lambda event shapes, only the stream records that the
template's `FilterCriteria` let through, and their batchItemFailures are honoured. A failed SQS message is made visible again at once (instead of after the visibility timeout),
so redelivery and dead-lettering can be tested without waiting.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable
from typing import Any

import boto3
from chalice.local import LambdaContext
from gateway.transport import merchant_http

from local_runtime.pollers import failed_item_ids, filter_matcher, sqs_event, stream_event
from local_runtime.template import Template

# The workers' timeout in template.yaml: a handler sees as much time as it would on Lambda.
HANDLER_TIMEOUT_MS = 30_000
QUEUE_HANDLERS = {
    "PaymentsQueue": "functions.process_payment.app",
    "RefundsQueue": "functions.process_refund.app",
    "WebhooksQueue": "functions.deliver_webhook.app",
}


class Pipeline:
    def __init__(self, physical: dict[str, dict[str, str]]) -> None:
        import importlib

        self.physical = physical
        self.dynamodb = boto3.client("dynamodb")
        self.streams = boto3.client("dynamodbstreams")
        self.sqs = boto3.client("sqs")
        self.dispatch = importlib.import_module("functions.dispatch_events.app").handler
        self.queue_handlers = {
            logical: importlib.import_module(module).handler for logical, module in QUEUE_HANDLERS.items()
        }
        # Keyed by (stream ARN, shard id): moto gives every table's stream the same shard ids.
        self.iterators: dict[tuple[str, str], str] = {}
        self.matchers: dict[str, Callable[[dict[str, Any]], bool]] = {}
        for stream in Template.from_environment().function("DispatchEventsFunction").events:
            table = physical[stream.properties["Stream"]["Fn::GetAtt"][0]]["Ref"]
            arn = self.dynamodb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
            self.matchers[arn] = filter_matcher(stream.properties)
            for shard in self.streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
                # From the stream's end: what earlier tests wrote is not this pipeline's to handle.
                iterator = self.streams.get_shard_iterator(
                    StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="LATEST"
                )["ShardIterator"]
                self.iterators[(arn, shard["ShardId"])] = iterator

    def dispatch_pending_twice(self, table_logical_id: str) -> None:
        """Hand the table's not yet dispatched stream records to the dispatcher twice: a redelivery, as
        streams may make one."""
        arn = self.dynamodb.describe_table(TableName=self.physical[table_logical_id]["Ref"])["Table"][
            "LatestStreamArn"
        ]
        shard = next(key for key in self.iterators if key[0] == arn)
        records = self.streams.get_records(ShardIterator=self.iterators[shard])["Records"]
        for _ in range(2):
            self.dispatch(self._filtered_event(records, arn), None)

    def _filtered_event(self, records: list[dict[str, Any]], arn: str) -> dict[str, Any]:
        event = stream_event(records, arn)
        return {"Records": [record for record in event["Records"] if self.matchers[arn](record)]}

    def pump_streams(self) -> int:
        handled = 0
        for (arn, shard_id), iterator in list(self.iterators.items()):
            response = self.streams.get_records(ShardIterator=iterator)
            records = response["Records"]
            if not records:
                self.iterators[(arn, shard_id)] = response["NextShardIterator"]
                continue
            event = self._filtered_event(records, arn)
            result = self.dispatch(event, None) if event["Records"] else {}
            failures = result.get("batchItemFailures") or []
            if failures:
                # Resume from the failed record, as Lambda's checkpointing does.
                self.iterators[(arn, shard_id)] = self.streams.get_shard_iterator(
                    StreamArn=arn,
                    ShardId=shard_id,
                    ShardIteratorType="AT_SEQUENCE_NUMBER",
                    SequenceNumber=failures[0]["itemIdentifier"],
                )["ShardIterator"]
            else:
                self.iterators[(arn, shard_id)] = response["NextShardIterator"]
            handled += len(records)
        return handled

    def pump_queue(self, logical: str) -> int:
        url, arn = self.physical[logical]["Ref"], self.physical[logical]["Arn"]
        messages = self.sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"], MessageAttributeNames=["All"]
        ).get("Messages", [])
        if not messages:
            return 0
        context = LambdaContext(logical, 512, HANDLER_TIMEOUT_MS)
        result = self.queue_handlers[logical](sqs_event(messages, arn), context)
        failed = failed_item_ids(result, [m["MessageId"] for m in messages])
        for message in messages:
            if message["MessageId"] in failed:
                self.sqs.change_message_visibility(
                    QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
                )
            else:
                self.sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        return len(messages)

    def pump(self) -> int:
        return self.pump_streams() + sum(self.pump_queue(logical) for logical in QUEUE_HANDLERS)

    def run_until(self, condition: Callable[[], bool], timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError("pipeline did not reach the expected state in time")
            if self.pump() == 0:
                time.sleep(0.05)

    def settle(self, rounds: int = 3) -> None:
        """Pump until nothing moves for a few consecutive passes."""
        quiet = 0
        while quiet < rounds:
            quiet = quiet + 1 if self.pump() == 0 else 0


class Receiver:
    """A merchant's webhook endpoint without a socket: deliveries to its URL are answered in this process at
    the gateway's outbound seam (`merchant_http.post_to_merchant`) and recorded with raw body and headers."""

    _open: dict[str, Receiver] = {}
    _real_post = staticmethod(merchant_http.post_to_merchant)

    def __init__(self, answers: list[int] | None = None) -> None:
        self.deliveries: list[dict[str, Any]] = []
        self.answers = list(answers or [])
        self.default_status = 200
        self.url = f"http://127.0.0.1:9/webhook/{secrets.token_hex(6)}"  # port 9 (discard): never dialled
        if not Receiver._open:
            merchant_http.post_to_merchant = Receiver._answer
        Receiver._open[self.url] = self

    def status_for(self, headers: dict[str, str]) -> int:
        """The answer to one delivery: the queued answers first, then the default."""
        return self.answers.pop(0) if self.answers else self.default_status

    @staticmethod
    def _answer(url: str, body: bytes, headers: dict[str, str], **options: Any) -> merchant_http.HttpAttempt:
        receiver = Receiver._open.get(url)
        if receiver is None:
            return Receiver._real_post(url, body, headers, **options)
        received = dict(headers)
        status = receiver.status_for(received)
        receiver.deliveries.append(
            {"at": time.monotonic(), "headers": received, "body": body, "status": status}
        )
        return merchant_http.HttpAttempt(status, "OK" if status < 300 else "nope", duration_ms=0)

    def events(self) -> list[str]:
        return [json.loads(d["body"])["event"] for d in self.deliveries]

    def close(self) -> None:
        Receiver._open.pop(self.url, None)
        if not Receiver._open:
            merchant_http.post_to_merchant = Receiver._real_post
