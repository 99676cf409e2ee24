"""The functions called in this process against the stack's emulator, so their AWS calls can be timed
and attributed: the API's own time per request, and every call one payment costs, per function.

The stack's pollers are stopped meanwhile; devkit.pipeline.Pipeline pumps the streams and queues
into the handlers with the event shapes Lambda sends, as the unit tests do.
"""

from __future__ import annotations

import json
import os
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from bench.awscalls import AwsCallRecorder, count_by_operation, merged_intervals, request_units, time_in_calls
from bench.common import Progress, summary_ms
from devkit.pipeline import Pipeline, Receiver

RECORDER = AwsCallRecorder()
STAGE = "api"
STREAM_TABLE_SUFFIXES = {
    "PaymentsTable": "payments",
    "RefundsTable": "refunds",
    "WebhookLogsTable": "webhook-logs",
}
QUEUE_VARIABLES = {
    "PaymentsQueue": "PAYMENTS_QUEUE_URL",
    "RefundsQueue": "REFUNDS_QUEUE_URL",
    "WebhooksQueue": "WEBHOOKS_QUEUE_URL",
}
EVENTS_PER_PAYMENT = ("payment.created", "payment.pending", "payment.success")


class _Context:
    function_name = "ApiFunction"
    memory_limit_in_mb = 1024
    aws_request_id = "bench"

    def get_remaining_time_in_millis(self) -> int:
        return 10_000


class InProcess:
    def __init__(self, environment: dict[str, str]) -> None:
        os.environ.update(environment)
        RECORDER.install()  # before any client exists
        from functions.api.app import app

        self.app = app
        self.environment = environment
        self.durations: dict[str, list[float]] = defaultdict(list)
        self.records: dict[str, int] = defaultdict(int)
        self._window_start = 0.0

    # ------------------------------------------------------------------ the API, in process
    def api(
        self,
        method: str,
        path: str,
        resource: str,
        params: dict[str, str],
        body: Any,
        headers: dict[str, str],
    ) -> tuple[int, Any]:
        from local_runtime.api_server import build_event

        event = build_event(
            method=method,
            raw_path=path,
            resource=resource,
            path_parameters=params,
            headers=[("Content-Type", "application/json"), *headers.items()],
            body=json.dumps(body).encode() if body is not None else b"",
            source_ip="127.0.0.1",
            stage=STAGE,
        )
        response = self.app(event, _Context())
        return int(response["statusCode"]), json.loads(response["body"]) if response.get("body") else None

    def api_self_time(self, credentials: dict[str, str], requests: int, warmup: int) -> dict[str, Any]:
        """Per endpoint: wall time, time waiting on AWS, the rest (own code), sequential round trips."""
        operations: dict[str, Callable[[], tuple[int, Any]]] = {}
        orders: list[str] = []
        payments: list[str] = []

        def create_order() -> tuple[int, Any]:
            status, body = self.api(
                "POST", "/api/v1/orders", "/api/v1/orders", {}, {"amount": 50000}, credentials
            )
            orders.append(body["id"])
            return status, body

        def create_payment() -> tuple[int, Any]:
            order = orders.pop()
            body = {"order_id": order, "method": "upi", "vpa": "user@paytm"}
            status, answer = self.api("POST", "/api/v1/payments", "/api/v1/payments", {}, body, credentials)
            payments.append(answer["id"])
            return status, answer

        def get_payment() -> tuple[int, Any]:
            payment = payments[len(payments) // 2]
            return self.api(
                "GET",
                f"/api/v1/payments/{payment}",
                "/api/v1/payments/{payment_id}",
                {"payment_id": payment},
                None,
                credentials,
            )

        operations = {
            "create_order": create_order,
            "create_payment": create_payment,
            "get_payment": get_payment,
        }
        results: dict[str, Any] = {}
        for name, operation in operations.items():
            progress = Progress(f"in-process API self time: {name}", warmup + requests)
            wall, aws, own, round_trips = [], [], [], []
            for index in range(warmup + requests):
                with RECORDER.attributed_to("api"):
                    started = time.perf_counter()
                    status, body = operation()
                    ended = time.perf_counter()
                if status not in (200, 201):
                    raise RuntimeError(f"{name} -> {status} {body}")
                calls = [c for c in RECORDER.between(started, ended) if c.function == "api"]
                if index >= warmup:
                    waiting = time_in_calls(calls)
                    wall.append(ended - started)
                    aws.append(waiting)
                    own.append(ended - started - waiting)
                    round_trips.append(len(merged_intervals(calls)))
                    self.durations["api"].append(ended - started)
                progress.add()
            progress.finish(f"own code p50 {summary_ms(own)['p50']:.1f} ms")
            results[name] = {
                "wall_ms": summary_ms(wall),
                "aws_wait_ms": summary_ms(aws),
                "self_ms": summary_ms(own),
                "sequential_aws_round_trips": max(set(round_trips), key=round_trips.count),
                "sequential_aws_round_trips_range": [min(round_trips), max(round_trips)],
            }
        RECORDER.clear()
        return results

    # ------------------------------------------------------------------ one payment through every function
    def _physical(self) -> dict[str, dict[str, str]]:
        from gateway.data.aws_clients import client

        prefix = self.environment["TABLE_PREFIX"]
        physical = {
            logical: {"Ref": f"{prefix}-{suffix}"} for logical, suffix in STREAM_TABLE_SUFFIXES.items()
        }
        for logical, variable in QUEUE_VARIABLES.items():
            url = self.environment[variable]
            arn = client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
                "QueueArn"
            ]
            physical[logical] = {"Ref": url, "Arn": arn}
        return physical

    def _instrumented_pipeline(self) -> Any:
        pipeline = Pipeline(self._physical())
        pipeline.dispatch = self._timed("dispatch_events", pipeline.dispatch)
        names = {
            "PaymentsQueue": "process_payment",
            "RefundsQueue": "process_refund",
            "WebhooksQueue": "deliver_webhook",
        }
        for logical, handler in list(pipeline.queue_handlers.items()):
            pipeline.queue_handlers[logical] = self._timed(names[logical], handler)
        return pipeline

    def _timed(
        self, function: str, handler: Callable[[dict[str, Any], Any], Any]
    ) -> Callable[[dict[str, Any], Any], Any]:
        def invoke(event: dict[str, Any], context: Any) -> Any:
            with RECORDER.attributed_to(function):
                started = time.perf_counter()
                try:
                    return handler(event, context)
                finally:
                    self.durations[function].append(time.perf_counter() - started)
                    self.records[function] += len(event.get("Records", []))

        return invoke

    def one_payment(
        self, credentials: dict[str, str], failures_per_webhook: int, timeout: float = 90.0
    ) -> dict[str, Any]:
        """Create one UPI payment and pump it through every function until its three webhooks are in."""
        from gateway.data.aws_clients import client

        receiver = _CountingReceiver(failures_per_webhook)
        try:
            status, _ = self.api(
                "PUT",
                "/api/v1/webhooks/config",
                "/api/v1/webhooks/config",
                {},
                {"webhook_url": receiver.url},
                credentials,
            )
            assert status == 200
            pipeline = self._instrumented_pipeline()
            self.durations.clear()
            self.records.clear()
            RECORDER.clear()
            self._window_start = time.time() - 1  # executions started from here on are this payment's
            with RECORDER.attributed_to("api"):
                order = self._timed_api_create(credentials, "/api/v1/orders", {"amount": 50000})
                payment = {"order_id": order["id"], "method": "upi", "vpa": "user@paytm"}
                payment_id = self._timed_api_create(credentials, "/api/v1/payments", payment)["id"]
            label = (
                "happy path"
                if failures_per_webhook == 0
                else f"every webhook failing {failures_per_webhook}x first"
            )
            progress = Progress(f"one payment in process ({label})", len(EVENTS_PER_PAYMENT))
            deadline = time.monotonic() + timeout
            while len(receiver.accepted()) < len(EVENTS_PER_PAYMENT) or not self._executions_done():
                if time.monotonic() > deadline:
                    raise TimeoutError(f"payment {payment_id}: only {receiver.accepted()} delivered")
                if pipeline.pump() == 0:
                    time.sleep(0.05)
                progress.set(len(receiver.accepted()))
            pipeline.settle()  # the last records (webhook log updates) still go through dispatch
            progress.finish()
            calls = [c for c in RECORDER.calls if c.function not in (None, "harness")]
            executions = self._executions(client("stepfunctions"))
        finally:
            receiver.close()
        functions = sorted({c.function for c in calls if c.function} | set(self.durations))
        return {
            "payment_id": payment_id,
            "webhooks_accepted": receiver.accepted(),
            "delivery_attempts": receiver.attempts,
            "per_function": {
                name: {
                    "invocations": len(self.durations.get(name, [])),
                    "records": self.records.get(name, 0)
                    if name != "api"
                    else len(self.durations.get(name, [])),
                    "calls": count_by_operation([c for c in calls if c.function == name]),
                    "handler_ms_total": round(sum(self.durations.get(name, [])) * 1000, 2),
                    **request_units([c for c in calls if c.function == name]),
                }
                for name in functions
            },
            "totals": {"calls": count_by_operation(calls), **request_units(calls)},
            "step_functions": executions,
        }

    def _timed_api_create(self, credentials: dict[str, str], path: str, body: Any) -> dict[str, Any]:
        started = time.perf_counter()
        status, answer = self.api("POST", path, path, {}, body, credentials)
        self.durations["api"].append(time.perf_counter() - started)
        if status != 201:
            raise RuntimeError(f"POST {path} -> {status} {answer}")
        return dict(answer)

    def _executions_done(self) -> bool:
        from gateway.data.aws_clients import client

        arn = self.environment["WEBHOOK_RETRY_STATE_MACHINE_ARN"]
        with RECORDER.attributed_to("harness"):
            running = client("stepfunctions").list_executions(stateMachineArn=arn, statusFilter="RUNNING")
        return not [
            e for e in running.get("executions", []) if e["startDate"].timestamp() >= self._window_start
        ]

    def _executions(self, sfn: Any) -> dict[str, Any]:
        """Executions started for this payment's logs and the states each one entered."""
        arn = self.environment["WEBHOOK_RETRY_STATE_MACHINE_ARN"]
        with RECORDER.attributed_to("harness"):
            executions = sfn.list_executions(stateMachineArn=arn).get("executions", [])
            mine = [e for e in executions if e["startDate"].timestamp() >= self._window_start]
            entered: dict[str, int] = {}
            for execution in mine:
                history = sfn.get_execution_history(executionArn=execution["executionArn"], maxResults=1000)
                entered[execution["name"]] = sum(
                    1 for e in history["events"] if e["type"].endswith("StateEntered")
                )
        return {
            "executions": len(mine),
            "note": "states entered, from each execution's history (StateEntered events)",
            "states_entered": sum(entered.values()),
            "states_entered_per_execution": entered,
            "statuses": sorted({e["status"] for e in mine}),
        }


class _CountingReceiver(Receiver):
    """A receiver that fails the first `failures` attempts of every webhook-id, then accepts it."""

    def __init__(self, failures: int) -> None:
        super().__init__()
        self.failures = failures
        self.attempts: dict[str, int] = defaultdict(int)

    def status_for(self, headers: dict[str, str]) -> int:
        webhook_id = headers.get("webhook-id", "")
        self.attempts[webhook_id] += 1
        return 200 if self.attempts[webhook_id] > self.failures else 503

    def accepted(self) -> list[str]:
        return sorted(
            {
                d["headers"].get("webhook-id"): json.loads(d["body"])["event"]
                for d in self.deliveries
                if d["status"] == 200
            }.values()
        )
