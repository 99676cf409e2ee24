"""Run LocalStack in host mode (no Docker) for the gateway, and prove the services it relies on.

    python localstack/host_mode.py start    # background start, wait for health, verify (default)
    python localstack/host_mode.py verify   # only the checks, against a running LocalStack
    python localstack/host_mode.py status
    python localstack/host_mode.py stop

Run it with .venv-localstack/bin/python (localstack/setup.sh creates it); start.sh and stop.sh do.
The port is LOCALSTACK_PORT (default 4566). The PID, the log and the last timings live in
localstack/.state/. Starting and stopping use only the standard library; `verify` needs boto3, which
localstack-core brings along.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, TypeVar

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
STATE_DIR = HERE / ".state"
FILESYSTEM_ROOT = STATE_DIR / "fs"
PID_FILE = STATE_DIR / "localstack.pid"
LOG_FILE = STATE_DIR / "localstack.log"
TIMINGS_FILE = STATE_DIR / "timings.json"
VENV_PYTHON = REPO / ".venv-localstack" / "bin" / "python"

# The local runtime needs the first four; `make deploy-local` deploys the SAM application through
# CloudFormation, which creates Lambda functions and layers (code staged in S3), the API Gateway REST API,
# log groups, alarms and their SNS topic, and IAM roles.
SERVICES = (
    "sqs,stepfunctions,dynamodb,dynamodbstreams,sts,events,iam,"
    "cloudformation,lambda,s3,apigateway,logs,cloudwatch,sns,ssm"
)
REQUIRED_SERVICES = (
    "sqs",
    "dynamodb",
    "dynamodbstreams",
    "stepfunctions",
    "cloudformation",
    "lambda",
    "s3",
    "apigateway",
)
ACCOUNT_ID = "000000000000"
REGION = "us-east-1"
STARTUP_DEADLINE_SECONDS = 120.0

T = TypeVar("T")


def port() -> int:
    return int(os.environ.get("LOCALSTACK_PORT", "4566"))


def endpoint_url() -> str:
    return f"http://127.0.0.1:{port()}"


def lambda_runtime_path() -> str:
    """PATH with pyenv's Python 3.12 first: the interpreter the host executor runs python3.12 functions
    with (pyenv's python3.12 shim on PATH fails unless 3.12 is the selected version)."""
    path = os.environ.get("PATH", "/usr/bin:/bin")
    pyenv_versions = sorted(Path.home().glob(".pyenv/versions/3.12*/bin"))
    return os.pathsep.join([str(pyenv_versions[-1]), path]) if pyenv_versions else path


def localstack_environment() -> dict[str, str]:
    """The environment LocalStack runs with: host mode, loopback only, downloads pre-seeded by setup.sh."""
    defaults = {
        "SERVICES": SERVICES,
        # Start every service at boot, so "healthy" means ready and the first request is not the one
        # that waits for DynamoDB Local's JVM.
        "EAGER_SERVICE_LOADING": "1",
        # The v2 providers serve DynamoDB Streams from DynamoDB Local itself; v1 backs them with
        # kinesis-mock, which LocalStack would install from npm at first use.
        "PROVIDER_OVERRIDE_DYNAMODB": "v2",
        "PROVIDER_OVERRIDE_DYNAMODBSTREAMS": "v2",
        # Queue URLs a client can dial: http://127.0.0.1:<port>/queue/<region>/<account>/<name>
        # instead of http://sqs.<region>.localhost.localstack.cloud:<port>/<account>/<name>.
        "SQS_ENDPOINT_STRATEGY": "path",
        "LOCALSTACK_HOST": f"127.0.0.1:{port()}",
        "DISABLE_EVENTS": "1",  # no usage analytics: there is no network to send them to
        "SKIP_SSL_CERT_DOWNLOAD": "1",
        # The default (v2) engine resolves !Ref before the SAM transform has run and fails on the
        # resources SAM generates; the legacy engine transforms first, as CloudFormation does.
        "PROVIDER_OVERRIDE_CLOUDFORMATION": "engine-legacy",
        # Resource types the community edition lacks (CloudFront, WAF) are skipped, not failed.
        "CFN_IGNORE_UNSUPPORTED_RESOURCE_TYPES": "1",
        # Lambda functions run as host processes (lambda_host_executor/, installed by setup.sh), not in
        # Docker containers; the functions are built for arm64 and run on whatever the host is.
        "LAMBDA_RUNTIME_EXECUTOR": "host",
        "LAMBDA_IGNORE_ARCHITECTURE": "1",
        # The AWS SDK Lambda's Python runtime ships, installed by setup.sh.
        "LAMBDA_HOST_RUNTIME_SITE_PACKAGES": str(STATE_DIR / "lambda-runtime"),
    }
    forced = {
        "OVERRIDE_IN_DOCKER": "0",
        "FILESYSTEM_ROOT": str(FILESYSTEM_ROOT),
        "GATEWAY_LISTEN": f"127.0.0.1:{port()}",
        "DNS_ADDRESS": "0",
        "PATH": lambda_runtime_path(),
    }
    inherited = {
        key: value
        for key, value in os.environ.items()
        # LocalStack's internal clients must not be pointed anywhere by the caller's AWS settings.
        if not key.startswith("AWS_ENDPOINT_URL")
    }
    return {**defaults, **inherited, **forced}


# --------------------------------------------------------------------------- process control


def running_pid() -> int | None:
    """The PID from the PID file if that process is still alive."""
    try:
        pid = int(PID_FILE.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        return pid
    return pid


def health() -> dict[str, Any] | None:
    try:
        with urllib.request.urlopen(f"{endpoint_url()}/_localstack/health", timeout=2) as response:  # noqa: S310
            payload: dict[str, Any] = json.load(response)
            return payload
    except (OSError, ValueError):
        return None


def ready_services(report: dict[str, Any] | None) -> set[str]:
    states = (report or {}).get("services", {})
    return {name for name in REQUIRED_SERVICES if states.get(name) in ("available", "running")}


def all_running(report: dict[str, Any] | None) -> bool:
    states = (report or {}).get("services", {})
    return all(states.get(name) == "running" for name in REQUIRED_SERVICES)


def dynamodb_answers() -> bool:
    """True once DynamoDB Local (a JVM behind LocalStack) answers: health can say "running" before it does."""
    request = urllib.request.Request(  # noqa: S310 - loopback http only
        f"{endpoint_url()}/",
        data=b"{}",
        method="POST",
        headers={
            "X-Amz-Target": "DynamoDB_20120810.ListTables",
            "Content-Type": "application/x-amz-json-1.0",
            # LocalStack reads the region and access key from the credential scope; it checks no signature.
            "Authorization": f"AWS4-HMAC-SHA256 Credential=test/20240101/{REGION}/dynamodb/aws4_request, "
            "SignedHeaders=host, Signature=0",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return bool(response.status == 200)
    except OSError:
        return False


def start(wait_deadline: float = STARTUP_DEADLINE_SECONDS) -> float:
    """Start LocalStack in the background unless it is already up; return seconds until healthy."""
    pid = running_pid()
    if pid is not None:
        print(f"localstack: already running (pid {pid}) on {endpoint_url()}")
        return 0.0
    if health() is not None:
        raise SystemExit(f"localstack: port {port()} already answers /_localstack/health; not ours")
    java_home = FILESYSTEM_ROOT / "var/lib/localstack/lib/java/21"
    ddb_jar = FILESYSTEM_ROOT / "var/lib/localstack/lib/dynamodb-local/2/DynamoDBLocal.jar"
    if not (VENV_PYTHON.exists() and java_home.exists() and ddb_jar.exists()):
        raise SystemExit("localstack: not set up; run localstack/setup.sh first")

    STATE_DIR.mkdir(parents=True, exist_ok=True)
    began = time.monotonic()
    print(f"localstack: starting in host mode on {endpoint_url()} (log: {LOG_FILE})")
    with LOG_FILE.open("wb") as log:  # a fresh log per start: LocalStack logs every request
        process = subprocess.Popen(  # noqa: S603 - fixed argv, our own interpreter
            [str(VENV_PYTHON), "-m", "localstack.runtime.main"],
            cwd=STATE_DIR,
            env=localstack_environment(),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            # Its own process group, so stop() also ends DynamoDB Local's JVM, LocalStack's child.
            start_new_session=True,
        )
    PID_FILE.write_text(f"{process.pid}\n")

    deadline = began + wait_deadline
    report: dict[str, Any] | None = None
    print(f"localstack: waiting for {', '.join(REQUIRED_SERVICES)} ", end="", flush=True)
    while time.monotonic() < deadline:
        if process.poll() is not None:
            print()
            PID_FILE.unlink(missing_ok=True)
            raise SystemExit(
                f"localstack: exited with {process.returncode}; see {LOG_FILE}\n{tail(LOG_FILE)}"
            )
        report = health()
        if all_running(report) and dynamodb_answers():
            elapsed = time.monotonic() - began
            print(f" healthy in {elapsed:.1f} s")
            return elapsed
        print(".", end="", flush=True)
        time.sleep(0.5)
    print()
    stop()
    missing = sorted(set(REQUIRED_SERVICES) - ready_services(report))
    raise SystemExit(
        f"localstack: not healthy after {wait_deadline:.0f} s (last health: {report}, missing: {missing})\n"
        f"{tail(LOG_FILE)}"
    )


def stop(deadline_seconds: float = 15.0) -> None:
    pid = running_pid()
    if pid is None:
        print("localstack: not running")
        PID_FILE.unlink(missing_ok=True)
        return
    print(f"localstack: stopping pid {pid} ", end="", flush=True)
    signal_group(pid, signal.SIGTERM)
    deadline = time.monotonic() + deadline_seconds
    while time.monotonic() < deadline and group_alive(pid):
        print(".", end="", flush=True)
        time.sleep(0.3)
    if group_alive(pid):
        print(" did not exit in time, killing", end="")
        signal_group(pid, signal.SIGKILL)
    PID_FILE.unlink(missing_ok=True)
    print(" stopped")


def signal_group(pid: int, signum: int) -> None:
    # start() made the LocalStack process the leader of its own group, whose id is its pid.
    with suppress(ProcessLookupError):
        os.killpg(pid, signum)


def group_alive(pid: int) -> bool:
    try:
        os.killpg(pid, 0)
    except ProcessLookupError:
        return False
    return True


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return ""


# --------------------------------------------------------------------------- verification


def poll(what: str, probe: Callable[[], T | None], deadline_seconds: float, interval: float = 0.1) -> T:
    """Call probe until it returns something other than None, or fail after the deadline."""
    deadline = time.monotonic() + deadline_seconds
    while True:
        result = probe()
        if result is not None:
            return result
        if time.monotonic() >= deadline:
            raise AssertionError(f"{what}: nothing after {deadline_seconds} s")
        time.sleep(interval)


@contextmanager
def timed(timings: dict[str, float], name: str) -> Iterator[None]:
    began = time.monotonic()
    print(f"  {name} ...", end="", flush=True)
    yield
    timings[name] = round(time.monotonic() - began, 3)
    print(f" ok ({timings[name]:.2f} s)")


def client(service: str) -> Any:
    import boto3

    return boto3.client(
        service,
        endpoint_url=endpoint_url(),
        region_name=REGION,
        aws_access_key_id="test",
        aws_secret_access_key="test",  # noqa: S106 - LocalStack's fixed dummy credentials
    )


def verify_dynamodb_with_stream() -> None:
    """A table with a NEW_AND_OLD_IMAGES stream: write, update, read both records back from the stream."""
    dynamodb, streams = client("dynamodb"), client("dynamodbstreams")
    table = f"verify-{uuid.uuid4().hex[:8]}"
    created = dynamodb.create_table(
        TableName=table,
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    try:
        stream_arn = created["TableDescription"]["LatestStreamArn"]
        dynamodb.get_waiter("table_exists").wait(TableName=table, WaiterConfig={"Delay": 0.2})
        dynamodb.put_item(TableName=table, Item={"id": {"S": "p1"}, "status": {"S": "pending"}})
        dynamodb.update_item(
            TableName=table,
            Key={"id": {"S": "p1"}},
            UpdateExpression="SET #s = :new",
            ConditionExpression="#s = :old",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={":new": {"S": "success"}, ":old": {"S": "pending"}},
        )
        shard_id = streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"][0]["ShardId"]
        iterator = streams.get_shard_iterator(
            StreamArn=stream_arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        seen: list[dict[str, Any]] = []

        def both_records() -> list[dict[str, Any]] | None:
            nonlocal iterator
            page = streams.get_records(ShardIterator=iterator, Limit=100)
            seen.extend(page["Records"])
            iterator = page.get("NextShardIterator", iterator)
            return seen if len(seen) >= 2 else None

        records = poll("dynamodb stream records", both_records, 10.0, interval=0.2)
        assert [r["eventName"] for r in records] == ["INSERT", "MODIFY"], records
        modify = records[1]["dynamodb"]
        assert modify["OldImage"]["status"] == {"S": "pending"}, modify
        assert modify["NewImage"]["status"] == {"S": "success"}, modify
    finally:
        dynamodb.delete_table(TableName=table)


def verify_sqs() -> None:
    """Create a queue with a dead-letter queue, send with a delay, receive, delete."""
    sqs = client("sqs")
    name = f"verify-{uuid.uuid4().hex[:8]}"
    dlq_url = sqs.create_queue(QueueName=f"{name}-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    queue_url = sqs.create_queue(
        QueueName=name,
        Attributes={
            "VisibilityTimeout": "30",
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "5"}),
        },
    )["QueueUrl"]
    try:
        sent_at = time.monotonic()
        sqs.send_message(QueueUrl=queue_url, MessageBody='{"payment_id": "pay_1"}', DelaySeconds=1)

        def one_message() -> dict[str, Any] | None:
            messages = sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=1).get("Messages", [])
            return messages[0] if messages else None

        message = poll("sqs delayed message", one_message, 10.0, interval=0.0)
        waited = time.monotonic() - sent_at
        assert waited >= 0.9, f"DelaySeconds=1 not honoured: received after {waited:.2f} s"
        assert json.loads(message["Body"]) == {"payment_id": "pay_1"}
        sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    finally:
        sqs.delete_queue(QueueUrl=queue_url)
        sqs.delete_queue(QueueUrl=dlq_url)


def verify_step_functions() -> None:
    """Wait -> sqs:sendMessage.waitForTaskToken -> Choice, answered with SendTaskSuccess: the retry loop."""
    sqs, sfn = client("sqs"), client("stepfunctions")
    name = f"verify-{uuid.uuid4().hex[:8]}"
    queue_url = sqs.create_queue(QueueName=name)["QueueUrl"]
    definition = {
        "StartAt": "WaitBeforeAttempt",
        "States": {
            "WaitBeforeAttempt": {"Type": "Wait", "SecondsPath": "$.wait_seconds", "Next": "DeliverAttempt"},
            "DeliverAttempt": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "Parameters": {
                    "QueueUrl": queue_url,
                    "MessageBody": {"log_id.$": "$.log_id", "task_token.$": "$$.Task.Token"},
                },
                "TimeoutSeconds": 60,
                "Next": "AttemptOutcome",
            },
            "AttemptOutcome": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.outcome", "StringEquals": "retry", "Next": "WaitBeforeAttempt"}],
                "Default": "Finished",
            },
            "Finished": {"Type": "Succeed"},
        },
    }
    machine_arn = sfn.create_state_machine(
        name=name,
        definition=json.dumps(definition),
        roleArn=f"arn:aws:iam::{ACCOUNT_ID}:role/{name}",
        type="STANDARD",
    )["stateMachineArn"]
    try:
        execution_arn = sfn.start_execution(
            stateMachineArn=machine_arn,
            name=f"{name}-run",
            input=json.dumps({"wait_seconds": 1, "log_id": "whl_1"}),
        )["executionArn"]

        def task_message() -> dict[str, Any] | None:
            messages = sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=1).get("Messages", [])
            return messages[0] if messages else None

        body = json.loads(poll("task token message", task_message, 15.0, interval=0.0)["Body"])
        assert body["log_id"] == "whl_1", body
        # The first answer asks for another round: the Choice must loop back through the Wait.
        sfn.send_task_success(
            taskToken=body["task_token"], output=json.dumps({**body, "outcome": "retry", "wait_seconds": 1})
        )
        body = json.loads(poll("second task token message", task_message, 15.0, interval=0.0)["Body"])
        sfn.send_task_success(taskToken=body["task_token"], output=json.dumps({"outcome": "delivered"}))

        def finished() -> dict[str, Any] | None:
            described: dict[str, Any] = sfn.describe_execution(executionArn=execution_arn)
            return None if described["status"] == "RUNNING" else described

        described = poll("state machine execution", finished, 15.0, interval=0.2)
        assert described["status"] == "SUCCEEDED", described
        assert json.loads(described["output"]) == {"outcome": "delivered"}, described
    finally:
        sfn.delete_state_machine(stateMachineArn=machine_arn)
        sqs.delete_queue(QueueUrl=queue_url)


def verify() -> dict[str, float]:
    print(f"localstack: verifying {endpoint_url()}")
    timings: dict[str, float] = {}
    with timed(timings, "dynamodb table + stream (put, conditional update, GetRecords)"):
        verify_dynamodb_with_stream()
    with timed(timings, "sqs queue + DLQ (DelaySeconds=1 send, receive)"):
        verify_sqs()
    with timed(timings, "step functions Wait -> sqs waitForTaskToken -> SendTaskSuccess, two rounds"):
        verify_step_functions()
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", nargs="?", default="start", choices=["start", "stop", "status", "verify"])
    parser.add_argument("--no-verify", action="store_true", help="start only, skip the service checks")
    args = parser.parse_args(argv)

    if args.command == "stop":
        stop()
    elif args.command == "status":
        pid = running_pid()
        report = health()
        print(f"localstack: pid {pid or '-'}, {endpoint_url()}, health: {json.dumps(report)}")
        return 0 if pid and all_running(report) else 1
    elif args.command == "verify":
        record_timings({"verify": verify()})
    else:
        already_running = running_pid() is not None
        startup = start()
        timings: dict[str, Any] = {"startup_seconds": round(startup, 3)}
        if not args.no_verify:
            try:
                timings["verify"] = verify()
            except Exception:
                print(f"\nlocalstack: verification failed; last log lines:\n{tail(LOG_FILE)}")
                if not already_running:
                    stop()
                raise
        record_timings(timings)
        print(f"localstack: ready; export AWS_ENDPOINT_URL={endpoint_url()}")
    return 0


def record_timings(timings: dict[str, Any]) -> None:
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    TIMINGS_FILE.write_text(
        json.dumps({"at": time.strftime("%Y-%m-%dT%H:%M:%S"), **timings}, indent=2) + "\n"
    )


if __name__ == "__main__":
    sys.exit(main())
