"""Every AWS API call made in this process, timed with botocore's event hooks.

Hooks are registered on each client as it is created (a wrapper around botocore's
`Session.create_client`), because boto3's clients (gateway.data.aws_clients) and pynamodb's clients each
come from a session of their own, so a hook on one shared session would miss them. `before-call` and
`after-call` (or `after-call-error`) bracket the request: the time between them is the time spent
waiting on AWS (sending, the emulator's work, receiving and parsing).
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import botocore.session


@dataclass
class Call:
    service: str
    operation: str
    function: str | None
    started: float
    ended: float
    read_units: float
    write_units: float


def dynamodb_units(operation: str, params: dict[str, Any]) -> tuple[float, float]:
    """On-demand request units, assuming items under 1 KB (writes) and reads under 4 KB."""
    if operation == "GetItem":
        return (1.0 if params.get("ConsistentRead") else 0.5), 0.0
    if operation == "Query":
        return (1.0 if params.get("ConsistentRead") else 0.5), 0.0
    if operation in ("PutItem", "UpdateItem", "DeleteItem"):
        return 0.0, 1.0
    if operation == "TransactWriteItems":
        return 0.0, 2.0 * len(params.get("TransactItems", []))
    if operation == "TransactGetItems":
        return 2.0 * len(params.get("TransactItems", [])), 0.0
    if operation == "BatchGetItem":
        items = sum(len(table.get("Keys", [])) for table in params.get("RequestItems", {}).values())
        return 0.5 * items, 0.0
    return 0.0, 0.0


class AwsCallRecorder:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.function: str | None = None  # whose calls these are (set around handler invocations)
        self._lock = threading.Lock()
        self._installed = False

    # ------------------------------------------------------------------ hooks
    def install(self) -> None:
        if self._installed:
            return
        self._installed = True
        original = botocore.session.Session.create_client
        recorder = self

        def create_client(session: Any, *args: Any, **kwargs: Any) -> Any:
            client = original(session, *args, **kwargs)
            client.meta.events.register("before-call", recorder._before)
            client.meta.events.register("after-call", recorder._after)
            client.meta.events.register("after-call-error", recorder._after)
            return client

        botocore.session.Session.create_client = create_client

    def _before(self, model: Any, params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        service = model.service_model.service_name
        reads, writes = 0.0, 0.0
        if service == "dynamodb":
            # `params` is the serialized request here; DynamoDB's body is the JSON of the call's arguments.
            body = params.get("body") or b"{}"
            reads, writes = dynamodb_units(model.name, json.loads(body))
        context["bench_call"] = Call(
            service, model.name, self.function, time.perf_counter(), 0.0, reads, writes
        )

    def _after(self, context: dict[str, Any], **_: Any) -> None:
        call = context.pop("bench_call", None)
        if call is None:
            return
        call.ended = time.perf_counter()
        with self._lock:
            self.calls.append(call)

    # ------------------------------------------------------------------ queries
    @contextmanager
    def attributed_to(self, function: str) -> Iterator[None]:
        previous, self.function = self.function, function
        try:
            yield
        finally:
            self.function = previous

    def between(self, started: float, ended: float) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.started >= started and c.ended <= ended]

    def clear(self) -> None:
        with self._lock:
            self.calls.clear()


def merged_intervals(calls: list[Call]) -> list[tuple[float, float]]:
    """Calls that overlap in time merged into one span: each span is one sequential round trip."""
    spans: list[tuple[float, float]] = []
    for call in sorted(calls, key=lambda c: c.started):
        if spans and call.started <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], call.ended))
        else:
            spans.append((call.started, call.ended))
    return spans


def time_in_calls(calls: list[Call]) -> float:
    return sum(end - start for start, end in merged_intervals(calls))


def count_by_operation(calls: list[Call]) -> dict[str, int]:
    counts = Counter(f"{c.service}:{c.operation}" for c in calls)
    return dict(sorted(counts.items()))


def request_units(calls: list[Call]) -> dict[str, float]:
    reads = sum(c.read_units for c in calls)
    writes = sum(c.write_units for c in calls)
    return {"read_request_units": math.fsum([reads]), "write_request_units": math.fsum([writes])}
