"""SendMessage and ReceiveMessage against an empty queue and one holding 3,000 messages, as the local
runtime's functions make them (moto in process, patched as the runtime patches it, calls answered at
botocore's `before-call` hook). moto's own queue walked every message on each call: a send cost 26 ms and
a one-message receive 73 ms with 1,000 queued. Run in a fresh interpreter (`python -m bench.queues`
prints JSON), so its in-process moto touches nothing else of the benchmark.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any

from bench.common import summary_ms

DEPTHS = (0, 3000)
CALLS = 300


def measure(sqs: Any, url: str, depth: int) -> dict[str, Any]:
    # The queued messages are delayed, so they stay in the queue for the whole measurement, as bank jobs
    # waiting out their delay do; the measured ones are visible and received right back.
    for _ in range(depth // 10):
        entries = [{"Id": str(i), "MessageBody": "queued", "DelaySeconds": 900} for i in range(10)]
        sqs.send_message_batch(QueueUrl=url, Entries=entries)
    sends, receives = [], []
    for _ in range(CALLS):
        began = time.perf_counter()
        sqs.send_message(QueueUrl=url, MessageBody="measured")
        sends.append(time.perf_counter() - began)
        began = time.perf_counter()
        (message,) = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1)["Messages"]
        receives.append(time.perf_counter() - began)
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return {"queued": depth, "send_message_ms": summary_ms(sends), "receive_message_ms": summary_ms(receives)}


def main() -> int:
    os.environ.update(
        {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1"}
    )
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SQS", "AWS_PROFILE"):
        os.environ.pop(name, None)
    import boto3
    from moto import mock_aws

    from local_runtime import bridge
    from local_runtime.moto_fixes import patch_moto

    patch_moto()
    with mock_aws():
        bridge.install()
        sqs = boto3.client("sqs", region_name="us-east-1")
        rows = []
        for depth in DEPTHS:
            url = sqs.create_queue(QueueName=f"depth-{depth}")["QueueUrl"]
            measure(sqs, url, 0)  # warm-up: first calls load models and parsers
            rows.append(measure(sqs, url, depth))
    empty, full = rows[0], rows[-1]
    ratio = {
        name: round(full[name]["p50"] / empty[name]["p50"], 2)
        for name in ("send_message_ms", "receive_message_ms")
    }
    print(json.dumps({"depths": rows, "p50_ratio_full_to_empty": ratio, "calls": CALLS}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
