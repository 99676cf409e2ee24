"""Event source mappings: one poller per SQS queue and DynamoDB stream a function subscribes to.

They do what Lambda's event source mappings do: build the event Lambda would send, invoke the handler,
and honour `batchItemFailures` (SQS: delete only the messages that succeeded, the rest come back after
the visibility timeout; streams: checkpoint up to the first failed record and retry from there).
Functions with a `Schedule` event run on its rate with the event EventBridge sends ("Scheduled Event");
`LOCAL_SCHEDULE_RATE_SECONDS` replaces every rate locally (e.g. 2, to watch the reconciliation sweep
without waiting five minutes). Streams also honour `BisectBatchOnFunctionError`, `MaximumRetryAttempts`,
`MaximumRecordAgeInSeconds` and an SQS on-failure destination: a record that keeps failing is isolated,
described on that queue and skipped, so its shard moves on; and `FilterCriteria`: a record no filter
matches is passed over without an invocation, as Lambda's event filtering does.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import re
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.exceptions import ClientError
from moto.events.models import EventPattern

from local_runtime.functions import Handler, context, load_handler
from local_runtime.moto_fixes import wake_on_stream_writes
from local_runtime.priority import run_as_worker
from local_runtime.provision import set_event_source_mappings
from local_runtime.template import REGION, EventSource, FunctionSpec, PhysicalIds, Template

log = logging.getLogger("pollers")

SQS_WAIT_SECONDS = 2  # long polls short enough to keep stop() prompt
# An idle stream is polled less and less often, down to once a second; activity resets the interval.
STREAM_IDLE_SECONDS = (0.1, 1.0)
# A failing batch waits before its retry; capped low so a poison record (halved out of its batch, then
# retried MaximumRetryAttempts times) holds its shard up for about 20 s rather than the 100 s a 10 s cap
# cost in the soak. Lambda documents no interval of its own to copy.
STREAM_MAX_BACKOFF_SECONDS = 2.0
SHARD_REFRESH_SECONDS = 5.0


def component_name(event_name: str, kind: str) -> str:
    """PaymentsQueue -> payments-worker, WebhookLogsStream -> webhook-logs-stream,
    ReconcileFunction (a function with a Schedule event) -> reconcile-schedule."""
    stem = re.sub(r"(Queue|Stream|Function)$", "", event_name)
    words = re.sub(r"(?<!^)(?=[A-Z])", "-", stem).lower()
    suffix = {"SQS": "worker", "DynamoDB": "stream", "Schedule": "schedule"}[kind]
    return f"{words}-{suffix}"


# ---------------------------------------------------------------------- events Lambda would send
def sqs_event(messages: list[dict[str, Any]], queue_arn: str) -> dict[str, Any]:
    records = []
    for message in messages:
        attributes = {}
        for name, value in (message.get("MessageAttributes") or {}).items():
            binary = value.get("BinaryValue")
            attributes[name] = {
                "stringValue": value.get("StringValue"),
                "binaryValue": base64.b64encode(binary).decode() if binary is not None else None,
                "stringListValues": value.get("StringListValues", []),
                "binaryListValues": [base64.b64encode(b).decode() for b in value.get("BinaryListValues", [])],
                "dataType": value["DataType"],
            }
        record = {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": message["Body"],
            "attributes": dict(message.get("Attributes") or {}),
            "messageAttributes": attributes,
            "md5OfBody": message.get("MD5OfBody"),
            "eventSource": "aws:sqs",
            "eventSourceARN": queue_arn,
            "awsRegion": REGION,
        }
        if message.get("MD5OfMessageAttributes"):
            record["md5OfMessageAttributes"] = message["MD5OfMessageAttributes"]
        records.append(record)
    return {"Records": records}


def _as_json(value: Any) -> Any:
    """boto3 gives bytes and datetimes where the Lambda event has base64 strings and epoch seconds."""
    if isinstance(value, dict):
        return {key: _as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_json(item) for item in value]
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, dt.datetime):
        return int(value.timestamp())
    return value


def stream_event(records: list[dict[str, Any]], stream_arn: str) -> dict[str, Any]:
    return {
        "Records": [
            {
                "eventID": record["eventID"],
                "eventName": record["eventName"],
                "eventVersion": record.get("eventVersion", "1.1"),
                "eventSource": "aws:dynamodb",
                "awsRegion": record.get("awsRegion", REGION),
                "dynamodb": _as_json(record["dynamodb"]),
                "eventSourceARN": stream_arn,
            }
            for record in records
        ]
    }


def filter_matcher(properties: dict[str, Any]) -> Callable[[dict[str, Any]], bool]:
    """A mapping's `FilterCriteria` as a test of one Lambda-shaped record. Lambda's filters are written in
    EventBridge's pattern language, so moto's EventBridge matcher evaluates them."""
    filters = (properties.get("FilterCriteria") or {}).get("Filters") or []
    patterns = [EventPattern.load(entry["Pattern"]) for entry in filters]
    if not patterns:
        return lambda record: True
    return lambda record: any(pattern.matches_event(record) for pattern in patterns)  # type: ignore[arg-type]


def failed_item_ids(result: Any, batch_ids: list[str]) -> set[str]:
    """The ids a handler reported as failed; an invalid report fails the whole batch, as in Lambda."""
    if not isinstance(result, dict) or not result.get("batchItemFailures"):
        return set()
    failed = {str(item.get("itemIdentifier") or "") for item in result["batchItemFailures"]}
    return set(batch_ids) if not failed <= set(batch_ids) else failed


# ---------------------------------------------------------------------- pollers
@dataclass
class PollerStats:
    invocations: int = 0
    errors: int = 0
    records: int = 0
    retried: int = 0


class Poller:
    """A set of threads invoking one handler for one event source; stoppable and restartable."""

    def __init__(self, name: str, spec: FunctionSpec, handler: Handler) -> None:
        self.name, self.spec, self.handler = name, spec, handler
        self.stats = PollerStats()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def request_stop(self) -> None:
        self._stop.set()

    def join(self, timeout: float) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        run_as_worker(self.name)
        while not self._stop.is_set():
            try:
                self.poll_once()
            except Exception as error:
                log.warning("poll failed: %s", error)
                self._stop.wait(1.0)

    def poll_once(self) -> None:
        raise NotImplementedError

    def invoke(self, event: dict[str, Any]) -> Any:
        self.stats.invocations += 1
        self.stats.records += len(event["Records"])
        return self.handler(event, context(self.spec))


class SqsPoller(Poller):
    """One receiving thread per queue; up to `concurrency` batches are handled at once, like Lambda."""

    def __init__(
        self,
        name: str,
        spec: FunctionSpec,
        handler: Handler,
        properties: dict[str, Any],
        queue_url: str,
        queue_arn: str,
        concurrency: int,
    ) -> None:
        super().__init__(name, spec, handler)
        self.batch_size = int(properties.get("BatchSize", 10))
        self.reports_failures = "ReportBatchItemFailures" in properties.get("FunctionResponseTypes", [])
        self.queue_url, self.queue_arn = queue_url, queue_arn
        self.sqs = boto3.client("sqs", region_name=REGION)
        self._free_slots = threading.BoundedSemaphore(concurrency)
        self._concurrency = concurrency
        self._pool = ThreadPoolExecutor(concurrency, name, initializer=run_as_worker, initargs=(name,))

    def poll_once(self) -> None:
        if not self._free_slots.acquire(timeout=0.5):
            return
        try:
            messages = self.sqs.receive_message(
                QueueUrl=self.queue_url,
                MaxNumberOfMessages=min(self.batch_size, 10),
                WaitTimeSeconds=SQS_WAIT_SECONDS,
                AttributeNames=["All"],
                MessageAttributeNames=["All"],
            ).get("Messages", [])
        except Exception:
            self._free_slots.release()
            raise
        if not messages:
            self._free_slots.release()
            return
        self._pool.submit(self._handle, messages)

    def join(self, timeout: float) -> None:
        """Waits for the receiver and for every batch in flight (each one is deleted or left to retry)."""
        super().join(timeout)
        deadline = time.monotonic() + timeout
        taken = 0
        while taken < self._concurrency and self._free_slots.acquire(
            timeout=max(0.0, deadline - time.monotonic())
        ):
            taken += 1
        for _ in range(taken):
            self._free_slots.release()

    def _handle(self, messages: list[dict[str, Any]]) -> None:
        try:
            ids = [message["MessageId"] for message in messages]
            try:
                result = self.invoke(sqs_event(messages, self.queue_arn))
            except Exception:
                self.stats.errors += 1
                log.exception("handler failed; %d message(s) return after the visibility timeout", len(ids))
                return
            failed = failed_item_ids(result, ids) if self.reports_failures else set()
            self.stats.retried += len(failed)
            done = [m for m in messages if m["MessageId"] not in failed]
            for start in range(0, len(done), 10):
                entries = [
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                    for i, m in enumerate(done[start : start + 10])
                ]
                self.sqs.delete_message_batch(QueueUrl=self.queue_url, Entries=entries)
        except Exception:
            log.exception("deleting handled messages failed; they will be delivered again")
        finally:
            self._free_slots.release()


@dataclass
class _Shard:
    """Where a stream poller is in one shard, and how that shard's failing batch is being retried: each
    shard bisects and backs off on its own, so a poison record in one leaves the others' batches whole."""

    iterator: str | None
    buffer: list[dict[str, Any]] = field(default_factory=list)
    checkpoint: str | None = None  # sequence number of the last record handled
    finished: bool = False
    attempts: int = 0  # failed invocations of the batch at the head of the shard
    limit: int | None = None  # records per invocation while bisecting; None is the mapping's BatchSize
    failures: int = 0  # consecutive failed invocations, for the backoff

    def moved_past(self, handled: list[dict[str, Any]]) -> None:
        """Checkpoints after `handled` (the head of the buffer) and starts afresh with the next record."""
        self.checkpoint = handled[-1]["dynamodb"]["SequenceNumber"]
        self.buffer = self.buffer[len(handled) :]
        self.attempts = 0

    def recovered(self) -> None:
        self.failures = 0
        self.limit = None


def on_failure_record(
    batch: list[dict[str, Any]],
    shard_id: str,
    stream_arn: str,
    function_arn: str,
    condition: str,
    attempts: int,
) -> dict[str, Any]:
    """What Lambda sends to a stream mapping's on-failure destination: where the batch is, not the batch."""

    def arrival(record: dict[str, Any]) -> str:
        created = record["dynamodb"].get("ApproximateCreationDateTime")
        return created.isoformat() if isinstance(created, dt.datetime) else str(created)

    return {
        "requestContext": {
            "requestId": str(uuid.uuid4()),
            "functionArn": function_arn,
            "condition": condition,
            "approximateInvokeCount": attempts,
        },
        "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
        "version": "1.0",
        "timestamp": dt.datetime.now(dt.UTC).isoformat(),
        "DDBStreamBatchInfo": {
            "shardId": shard_id,
            "startSequenceNumber": batch[0]["dynamodb"]["SequenceNumber"],
            "endSequenceNumber": batch[-1]["dynamodb"]["SequenceNumber"],
            "approximateArrivalOfFirstRecord": arrival(batch[0]),
            "approximateArrivalOfLastRecord": arrival(batch[-1]),
            "batchSize": len(batch),
            "streamArn": stream_arn,
        },
    }


class StreamPoller(Poller):
    """One thread per stream, walking its shards; a failed record blocks its shard until it succeeds, or,
    with `MaximumRetryAttempts` or `MaximumRecordAgeInSeconds` set, until they run out."""

    retry_backoff_seconds = 0.5  # doubled on each consecutive failure, up to STREAM_MAX_BACKOFF_SECONDS

    def __init__(
        self,
        name: str,
        spec: FunctionSpec,
        handler: Handler,
        properties: dict[str, Any],
        stream_arn: str,
        on_failure_queue_url: str | None = None,
    ) -> None:
        super().__init__(name, spec, handler)
        self.stream_arn = stream_arn
        self.batch_size = int(properties.get("BatchSize", 100))
        self.reports_failures = "ReportBatchItemFailures" in properties.get("FunctionResponseTypes", [])
        self.bisect = bool(properties.get("BisectBatchOnFunctionError", False))
        # -1 (Lambda's default) means forever.
        self.max_retries = int(properties.get("MaximumRetryAttempts", -1))
        self.max_record_age = int(properties.get("MaximumRecordAgeInSeconds", -1))
        self.on_failure_queue_url = on_failure_queue_url
        self.matches = filter_matcher(properties)
        account = stream_arn.split(":")[4] if stream_arn.count(":") >= 5 else "000000000000"
        self.function_arn = f"arn:aws:lambda:{REGION}:{account}:function:{spec.logical_id}"
        self.sqs = boto3.client("sqs", region_name=REGION)
        self.starting_position = str(properties.get("StartingPosition", "TRIM_HORIZON"))
        self.streams = boto3.client("dynamodbstreams", region_name=REGION)
        # Kept across stop/start, so a restarted poller resumes where it stopped.
        self.shards: dict[str, _Shard] = {}
        self._next_refresh = 0.0
        self._idle = STREAM_IDLE_SECONDS[0]
        # With moto in this process a write to its stream wakes the poller; the idle timer is the fallback.
        self._written = threading.Event()
        wake_on_stream_writes(stream_arn, self._written)

    def request_stop(self) -> None:
        super().request_stop()
        self._written.set()

    def poll_once(self) -> None:
        self._written.clear()
        if time.monotonic() >= self._next_refresh:
            self._refresh_shards()
        busy = False
        for shard_id, shard in list(self.shards.items()):
            if self._stop.is_set():
                return
            busy |= self._advance(shard_id, shard)
        fastest, slowest = STREAM_IDLE_SECONDS
        self._idle = fastest if busy else min(slowest, self._idle * 2)
        if not busy:
            self._written.wait(self._idle)

    def _refresh_shards(self) -> None:
        self._next_refresh = time.monotonic() + SHARD_REFRESH_SECONDS
        description = self.streams.describe_stream(StreamArn=self.stream_arn)["StreamDescription"]
        for shard in description.get("Shards", []):
            shard_id, parent = shard["ShardId"], shard.get("ParentShardId")
            if shard_id in self.shards:
                continue
            if parent in self.shards and not self.shards[parent].finished:
                continue  # a child shard waits until its parent is drained, to keep per-key order
            self.shards[shard_id] = _Shard(iterator=self._iterator(shard_id, self.starting_position))

    def _iterator(self, shard_id: str, kind: str, sequence_number: str | None = None) -> str | None:
        arguments: dict[str, Any] = {
            "StreamArn": self.stream_arn,
            "ShardId": shard_id,
            "ShardIteratorType": kind,
        }
        if sequence_number is not None:
            arguments["SequenceNumber"] = sequence_number
        return self.streams.get_shard_iterator(**arguments).get("ShardIterator")

    def _advance(self, shard_id: str, shard: _Shard) -> bool:
        """Handles one batch of the shard; False when the shard had nothing new."""
        if not shard.buffer:
            progressed = self._fetch(shard_id, shard)
            if not shard.buffer:
                return progressed
        batch = shard.buffer[: shard.limit or self.batch_size]
        handled = self._invoke_batch(batch)
        if handled:
            shard.moved_past(batch[:handled])
        if handled == len(batch):
            shard.recovered()
        else:
            self._retry_later(shard_id, shard, batch[handled:])
        return True

    def _fetch(self, shard_id: str, shard: _Shard) -> bool:
        """Reads the next page of the shard into its buffer, keeping the records the filters pass; True
        when the shard moved (records read, or an expired iterator renewed)."""
        if shard.iterator is None:
            shard.finished = True
            return False
        try:
            page = self.streams.get_records(ShardIterator=shard.iterator, Limit=self.batch_size)
        except ClientError as error:
            if error.response["Error"]["Code"] not in (
                "ExpiredIteratorException",
                "TrimmedDataAccessException",
            ):
                raise
            shard.iterator = (
                self._iterator(shard_id, "AFTER_SEQUENCE_NUMBER", shard.checkpoint)
                if shard.checkpoint
                else self._iterator(shard_id, "TRIM_HORIZON")
            )
            return True
        shard.iterator = page.get("NextShardIterator")
        records = page.get("Records", [])
        shaped = stream_event(records, self.stream_arn)["Records"]
        shard.buffer = [record for record, event in zip(records, shaped, strict=True) if self.matches(event)]
        if records and not shard.buffer:
            shard.checkpoint = records[-1]["dynamodb"]["SequenceNumber"]  # nothing passed the filters
        return bool(records)

    def _invoke_batch(self, batch: list[dict[str, Any]]) -> int:
        """Invokes the handler; returns how many records at the head of the batch succeeded: all of them,
        those before the first one reported failed, or none when the handler raised."""
        sequence_numbers = [record["dynamodb"]["SequenceNumber"] for record in batch]
        try:
            result = self.invoke(stream_event(batch, self.stream_arn))
        except Exception:
            self.stats.errors += 1
            log.exception("handler failed on %d record(s); retrying from the first", len(batch))
            return 0
        failed = failed_item_ids(result, sequence_numbers) if self.reports_failures else set()
        return min(sequence_numbers.index(s) for s in failed) if failed else len(batch)

    def _retry_later(self, shard_id: str, shard: _Shard, failing: list[dict[str, Any]]) -> None:
        """After a failed invocation: halve the shard's batch (bisecting is not a retry attempt, as in
        Lambda), or count an attempt and give up when the mapping says so; then back off."""
        self.stats.retried += 1
        if self.bisect and len(failing) > 1:
            shard.limit = max(1, len(failing) // 2)
        else:
            shard.attempts += 1
            condition = self._give_up_condition(shard, failing)
            if condition:
                self._skip(shard_id, shard, failing, condition)
                return
        shard.failures += 1
        backoff = self.retry_backoff_seconds * 2 ** (shard.failures - 1)
        self._stop.wait(min(STREAM_MAX_BACKOFF_SECONDS, backoff))

    def _give_up_condition(self, shard: _Shard, failing: list[dict[str, Any]]) -> str | None:
        if 0 <= self.max_retries < shard.attempts:
            return "RetryAttemptsExhausted"
        created = failing[0]["dynamodb"].get("ApproximateCreationDateTime")
        too_old = (
            self.max_record_age >= 0
            and isinstance(created, dt.datetime)
            and (dt.datetime.now(dt.UTC) - created).total_seconds() > self.max_record_age
        )
        return "RecordAgeExceeded" if too_old else None

    def _skip(self, shard_id: str, shard: _Shard, failing: list[dict[str, Any]], condition: str) -> None:
        """Describes the failing records on the on-failure queue (if any) and moves the shard past them."""
        info = on_failure_record(
            failing, shard_id, self.stream_arn, self.function_arn, condition, shard.attempts
        )
        if self.on_failure_queue_url:
            self.sqs.send_message(QueueUrl=self.on_failure_queue_url, MessageBody=json.dumps(info))
        log.error(
            "skipping %d stream record(s) after %d failed attempt(s) (%s)",
            len(failing),
            shard.attempts,
            condition,
            extra={"shard": shard_id, "sequence_numbers": info["DDBStreamBatchInfo"]["startSequenceNumber"]},
        )
        shard.moved_past(failing)
        shard.recovered()


# ---------------------------------------------------------------------- schedules
SCHEDULE_RATE_VARIABLE = "LOCAL_SCHEDULE_RATE_SECONDS"
_UNIT_SECONDS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def rate_seconds(expression: str) -> float:
    """`rate(5 minutes)` -> 300.0. Cron expressions are not run locally: ValueError."""
    match = re.fullmatch(r"\s*rate\(\s*(\d+)\s+(second|minute|hour|day)s?\s*\)\s*", expression)
    if match is None or int(match.group(1)) < 1:
        raise ValueError(f"{expression!r} is not a rate(N minutes|hours|days) expression")
    return float(int(match.group(1)) * _UNIT_SECONDS[match.group(2)])


def scheduled_event(rule_name: str, account_id: str, now: dt.datetime | None = None) -> dict[str, Any]:
    now = now or dt.datetime.now(dt.UTC)
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": account_id,
        "time": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": REGION,
        "resources": [f"arn:aws:events:{REGION}:{account_id}:rule/{rule_name}"],
        "detail": {},
    }


def schedule_period(event: EventSource, override_seconds: float | None) -> float | None:
    """Seconds between runs, or None when the schedule is disabled or not runnable here (said in the log)."""
    if (
        event.properties.get("Enabled") is False
        or str(event.properties.get("State", "")).upper() == "DISABLED"
    ):
        return None
    try:
        period = rate_seconds(str(event.properties.get("Schedule", "")))
    except ValueError as error:
        log.warning("not scheduling %s: %s", event.name, error)
        return None
    return override_seconds if override_seconds else period


class SchedulePoller(Poller):
    """Invokes the handler once every period (the first run one period after start, as a new rule does)."""

    def __init__(
        self, name: str, spec: FunctionSpec, handler: Handler, rule_name: str, account_id: str, period: float
    ) -> None:
        super().__init__(name, spec, handler)
        self.rule_name, self.account_id, self.period = rule_name, account_id, period

    def poll_once(self) -> None:
        if self._stop.wait(self.period):
            return
        self.stats.invocations += 1
        try:
            self.handler(scheduled_event(self.rule_name, self.account_id), context(self.spec))
        except Exception:
            self.stats.errors += 1
            log.exception(
                "scheduled run of %s failed; the next one is in %.0f s", self.spec.logical_id, self.period
            )


# ---------------------------------------------------------------------- all of them
class Workers:
    """Every event source mapping of the template; the emulator's records of them say whether they run."""

    def __init__(
        self,
        template: Template,
        physical: PhysicalIds,
        sqs_concurrency: int = 3,
        schedule_rate_seconds: float | None = None,
    ) -> None:
        self.template, self.physical, self.sqs_concurrency = template, physical, sqs_concurrency
        self.schedule_rate_seconds = schedule_rate_seconds
        self.pollers: dict[str, Poller] = {}
        self.running = False
        self._lock = threading.Lock()
        self.mapping_uuids = [
            physical[logical_id]["Ref"]
            for *_, logical_id in template.event_source_mapping_ids()
            if physical.get(logical_id, {}).get("Ref")
        ]

    def start(self) -> list[str]:
        """Starts (or restarts) every poller whose handler imports; returns the names of those running."""
        with self._lock:
            if self.running:
                return sorted(self.pollers)
            for spec in self.template.functions():
                sources = [e for e in spec.events if e.type in ("SQS", "DynamoDB")]
                schedules = [e for e in spec.events if e.type == "Schedule"]
                if not sources and not schedules:
                    continue
                handler = load_handler(spec)
                if handler is None:
                    continue
                for source in sources:
                    name = component_name(source.name, source.type)
                    if name not in self.pollers:
                        self.pollers[name] = self._poller(name, spec, handler, source.type, source.properties)
                    self._start(name, handler)
                for schedule in schedules:
                    name = component_name(spec.logical_id, "Schedule")
                    period = schedule_period(schedule, self.schedule_rate_seconds)
                    if period is None:
                        continue
                    if name not in self.pollers:
                        rule = f"{self.template.stack_name}-{spec.logical_id}{schedule.name}"
                        self.pollers[name] = SchedulePoller(
                            name, spec, handler, rule, self.template.account_id, period
                        )
                    self._start(name, handler)
            self.running = True
            set_event_source_mappings(self.mapping_uuids, enabled=True)
            return sorted(self.pollers)

    def _start(self, name: str, handler: Handler) -> None:
        poller = self.pollers[name]
        poller.handler = handler
        poller.start()

    def _poller(
        self, name: str, spec: FunctionSpec, handler: Handler, kind: str, properties: dict[str, Any]
    ) -> Poller:
        if kind == "SQS":
            arn = str(self.template.resolve(properties["Queue"], self.physical))
            return SqsPoller(name, spec, handler, properties, self._queue_url(arn), arn, self.sqs_concurrency)
        stream_arn = str(self.template.resolve(properties["Stream"], self.physical))
        on_failure = (properties.get("DestinationConfig") or {}).get("OnFailure") or {}
        failure_url = None
        if on_failure.get("Destination"):
            failure_arn = str(self.template.resolve(on_failure["Destination"], self.physical))
            failure_url = self._queue_url(failure_arn)
        return StreamPoller(name, spec, handler, properties, stream_arn, failure_url)

    def _queue_url(self, arn: str) -> str:
        return next(ids["Ref"] for ids in self.physical.values() if ids.get("Arn") == arn)

    def stop(self, timeout: float = 30.0) -> None:
        """Stops polling; batches in flight finish first, so nothing received is dropped."""
        with self._lock:
            if not self.running:
                return
            set_event_source_mappings(self.mapping_uuids, enabled=False)
            for poller in self.pollers.values():
                poller.request_stop()
            for poller in self.pollers.values():
                poller.join(timeout)
            self.running = False

    def status(self) -> dict[str, Any]:
        return {
            "running": self.running,
            "pollers": {
                name: {**vars(poller.stats), "alive": poller.alive} for name, poller in self.pollers.items()
            },
        }
