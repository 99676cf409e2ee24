"""The local runtime as a subprocess on free ports, for integration and browser tests.

The runtime runs in test mode with its own in-process emulator (or the AWS_ENDPOINT_URL of the caller,
under a fresh stack name), so tests can run while `make run` is up on the default ports.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3

REPO_ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO_ROOT / "test-artifacts"
START_DEADLINE_SECONDS = 90.0
PORT_VARIABLES = (
    "API_PORT",
    "DASHBOARD_PORT",
    "CHECKOUT_PORT",
    "MERCHANT_PORT",
    "CONTROL_PORT",
    "LAMBDA_PORT",
)
TEST_DEFAULTS = {"TEST_MODE": "true", "TEST_PROCESSING_DELAY": "1000", "WEBHOOK_RETRY_INTERVALS_TEST": "true"}


def reserve_port() -> socket.socket:
    """A loopback port held for the runtime: bound with SO_REUSEADDR, never listening.

    While it is held the kernel hands the port to nobody else—not to a bind to port 0 (another stack's
    emulator, a test's own server) nor as the local end of an outgoing connection—yet the runtime's
    servers, which set SO_REUSEADDR too, can bind and listen on it. A port found free and closed at once
    could be taken by another xdist worker's stack before this one bound it, and the tests then talked
    to the wrong server.
    """
    reservation = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    reservation.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    reservation.bind(("127.0.0.1", 0))
    return reservation


@contextlib.contextmanager
def refusing_port() -> Iterator[int]:
    """A loopback port that refuses every connection while the block runs: reserved, never listening,
    so no server started meanwhile (another xdist worker's receiver, say) can answer on it."""
    with reserve_port() as reservation:
        yield int(reservation.getsockname()[1])


def http_json(
    method: str, url: str, body: Any = None, timeout: float = 30.0, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        url, data=data, method=method, headers={"Content-Type": "application/json", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        raw, status = error.read(), error.code
    return status, json.loads(raw) if raw else None


class LiveStack:
    def __init__(self, name: str = "live", environment: dict[str, str] | None = None) -> None:
        self.name = name
        # Held until the runtime has bound them (start), so no other process takes them meanwhile.
        self._reservations = {variable: reserve_port() for variable in PORT_VARIABLES}
        self.ports = {variable: int(held.getsockname()[1]) for variable, held in self._reservations.items()}
        self.api_url = f"http://localhost:{self.ports['API_PORT']}"
        self.dashboard_url = f"http://localhost:{self.ports['DASHBOARD_PORT']}"
        self.checkout_url = f"http://localhost:{self.ports['CHECKOUT_PORT']}"
        self.merchant_url = f"http://localhost:{self.ports['MERCHANT_PORT']}"
        self.control_url = f"http://127.0.0.1:{self.ports['CONTROL_PORT']}"
        self.lambda_url = f"http://127.0.0.1:{self.ports['LAMBDA_PORT']}"
        # The control port's token, chosen here and handed to the runtime (it prints its own otherwise).
        self.control_headers = {"X-Control-Token": secrets.token_urlsafe(24)}
        self.aws_endpoint_url = ""
        self.environment: dict[str, str] = {}
        self.stack_name = f"it-{name}-{secrets.token_hex(3)}"
        # One log per instance: several pytest sessions may run at once.
        self.log_path = ARTIFACTS / f"runtime-{self.stack_name}.log"
        self._extra_environment = environment or {}
        self._process: subprocess.Popen[bytes] | None = None
        self._clients: dict[str, Any] = {}

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> LiveStack:
        environment = {k: v for k, v in os.environ.items() if k != "MOTO_PORT"}
        environment.update(TEST_DEFAULTS)
        environment.update({name: str(port) for name, port in self.ports.items()})
        environment["CONTROL_TOKEN"] = self.control_headers["X-Control-Token"]
        environment.update(
            {
                "STACK_NAME": self.stack_name,
                "PYTHONPATH": f"{REPO_ROOT / 'layers' / 'common' / 'python'}{os.pathsep}{REPO_ROOT}",
                "PYTHONUNBUFFERED": "1",
            }
        )
        environment.update(self._extra_environment)
        ARTIFACTS.mkdir(exist_ok=True)
        with self.log_path.open("wb") as log:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "local_runtime", "up"],
                cwd=REPO_ROOT,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # its own process group, so teardown kills everything it started
            )
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise
        finally:
            self._release_reservations()  # ready: the runtime listens on every port
        return self

    def _release_reservations(self) -> None:
        for reservation in self._reservations.values():
            reservation.close()
        self._reservations.clear()

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + START_DEADLINE_SECONDS
        while time.monotonic() < deadline:
            assert self._process is not None
            if self._process.poll() is not None:
                raise RuntimeError(f"the local runtime exited early:\n{self.log_tail()}")
            with contextlib.suppress(OSError):
                health, _ = http_json("GET", f"{self.api_url}/health", timeout=2)
                status_code, status = self._control("GET", "/status", timeout=2)
                if health == 200 and status_code == 200:
                    self.environment = status["environment"]
                    self.aws_endpoint_url = self.environment["AWS_ENDPOINT_URL"]
                    return
            time.sleep(0.2)
        raise TimeoutError(
            f"the local runtime was not ready in {START_DEADLINE_SECONDS:.0f}s:\n{self.log_tail()}"
        )

    def stop(self) -> None:
        if self._process is None or self._process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self._process.pid, signal.SIGTERM)
        try:
            self._process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._process.pid, signal.SIGKILL)
            self._process.wait(timeout=10)

    def process_group(self) -> int:
        """The process group of the runtime and everything it started."""
        assert self._process is not None
        return self._process.pid

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(
                self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
            )
        except OSError:
            return "(no log)"

    # ------------------------------------------------------------------ control
    def _control(self, method: str, path: str, body: Any = None, timeout: float = 30.0) -> tuple[int, Any]:
        try:
            return http_json(method, f"{self.control_url}{path}", body, timeout, self.control_headers)
        except OSError:
            self._raise_if_exited()
            raise

    def _raise_if_exited(self) -> None:
        """A runtime that died mid-session is named as such, with its exit code and last log line: a
        test's summary line then says why, not only "connection refused"."""
        code = self._process.poll() if self._process is not None else None
        if code is not None:
            last_lines = self.log_tail(20)
            raise RuntimeError(
                f"the local runtime {self.stack_name} exited with code {code}; its log "
                f"({self.log_path.name}) ends: {last_lines.splitlines()[-1] if last_lines else ''}\n{last_lines}"
            )

    def status(self) -> dict[str, Any]:
        code, body = self._control("GET", "/status")
        assert code == 200, body
        return dict(body)

    def stop_workers(self) -> None:
        code, body = self._control("POST", "/workers/stop", timeout=60)
        assert code == 200 and not body["running"], body

    def start_workers(self) -> None:
        code, body = self._control("POST", "/workers/start", timeout=60)
        assert code == 200 and body["running"], body

    def kill_deliveries(self) -> int:
        """Kills the workers in the middle of a webhook POST (see local_runtime.control); how many."""
        code, body = self._control("POST", "/workers/kill-deliveries")
        assert code == 200, body
        return int(body["killed"])

    def aws(self, service: str) -> Any:
        """A boto3 client for the stack's emulator (after start), one per service."""
        if service not in self._clients:
            environment = self.environment
            self._clients[service] = boto3.client(
                service,
                endpoint_url=self.aws_endpoint_url,
                region_name=environment.get("AWS_DEFAULT_REGION", "us-east-1"),
                aws_access_key_id=environment.get("AWS_ACCESS_KEY_ID", "test"),
                aws_secret_access_key=environment.get("AWS_SECRET_ACCESS_KEY", "test"),
            )
        return self._clients[service]

    def queue_urls(self) -> dict[str, str]:
        """The stack's queues by name without the stack's prefix: payments, payments-dlq, stream-failures..."""
        urls = self.aws("sqs").list_queues(QueueNamePrefix=self.stack_name).get("QueueUrls", [])
        return {url.rsplit("/", 1)[-1].removeprefix(f"{self.stack_name}-"): url for url in urls}

    def queue_attributes(self, name: str) -> dict[str, str]:
        url = self.queue_urls()[name]
        return dict(self.aws("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"])

    def queue_depth(self, name: str) -> int:
        """Messages on the queue: visible, in flight and delayed."""
        attributes = self.queue_attributes(name)
        return sum(
            int(attributes.get(f"ApproximateNumberOf{kind}", 0))
            for kind in ("Messages", "MessagesNotVisible", "MessagesDelayed")
        )

    def failed_stream_batches(self) -> list[list[str]]:
        """The keys of the stream records that each message on the on-failure queue points at (Lambda sends
        where a failed batch is in its shard, not the batch), read back from the stream."""
        sqs, streams = self.aws("sqs"), self.aws("dynamodbstreams")
        url, batches = self.queue_urls()["stream-failures"], []
        while messages := sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=300
        ).get("Messages", []):
            for message in messages:
                batch = json.loads(message["Body"])["DDBStreamBatchInfo"]
                iterator = streams.get_shard_iterator(
                    StreamArn=batch["streamArn"],
                    ShardId=batch["shardId"],
                    ShardIteratorType="AT_SEQUENCE_NUMBER",
                    SequenceNumber=batch["startSequenceNumber"],
                )["ShardIterator"]
                records = streams.get_records(ShardIterator=iterator, Limit=batch["batchSize"])["Records"]
                batches.append([record["dynamodb"]["Keys"]["id"]["S"] for record in records])
        return batches

    def create_merchant(
        self, name: str | None = None, email: str | None = None, password: str | None = None
    ) -> dict[str, str]:
        """A fresh merchant seeded straight into the stack's tables (create_merchant in the runtime)."""
        suffix = secrets.token_hex(4)
        password = password or f"pw-{secrets.token_hex(8)}"
        request = {
            "name": name or f"Merchant {suffix}",
            "email": email or f"merchant-{suffix}@example.com",
            "password": password,
        }
        code, merchant = self._control("POST", "/merchants", request)
        assert code == 201, merchant
        return {**merchant, "password": password}
