"""The local runtime runs scheduled functions: the reconciliation sweep recovers a lost payment job."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from devkit.live_stack import LiveStack
from devkit.merchant import Merchant, wait_for

pytestmark = pytest.mark.integration

# Jobs wait 4 s on the queue (their bank delay), long enough to lose one before a worker takes it; the
# sweep runs every second and calls a payment late 2 s past its delay.
SWEEPING = {
    "TEST_PROCESSING_DELAY": "4000",
    "LOCAL_SCHEDULE_RATE_SECONDS": "1",
    "LOCAL_OVERRIDE_RECONCILE_GRACE_SECONDS": "2",
}


@pytest.fixture(scope="module")
def sweeping_stack() -> Iterator[LiveStack]:
    stack = LiveStack("sweeping", SWEEPING).start()
    try:
        yield stack
    finally:
        stack.stop()


def _sqs(stack: LiveStack) -> Any:
    environment = stack.environment
    return boto3.client(
        "sqs",
        endpoint_url=stack.aws_endpoint_url,
        region_name=environment.get("AWS_DEFAULT_REGION", "us-east-1"),
        aws_access_key_id=environment.get("AWS_ACCESS_KEY_ID", "testing"),
        aws_secret_access_key=environment.get("AWS_SECRET_ACCESS_KEY", "testing"),
    )


def _delayed_jobs(sqs: Any, queue_url: str) -> int:
    attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["All"])["Attributes"]
    return int(attributes["ApproximateNumberOfMessagesDelayed"])


def test_the_scheduled_sweep_settles_a_payment_whose_job_was_lost(sweeping_stack: LiveStack) -> None:
    stack = sweeping_stack
    merchant = Merchant.of(stack)
    receiver = merchant.use_receiver()
    sqs, queue_url = _sqs(stack), stack.environment["PAYMENTS_QUEUE_URL"]
    try:
        # GIVEN a payment whose job is lost from the payments queue before a worker can take it
        payment = merchant.pay_upi(merchant.create_order()["id"]).json()
        wait_for(lambda: _delayed_jobs(sqs, queue_url) or None, 3, "the payment job on its queue")
        sqs.purge_queue(QueueUrl=queue_url)
        assert _delayed_jobs(sqs, queue_url) == 0
        assert merchant.payment(payment["id"])["status"] == "pending"

        # WHEN the runtime's schedule runs the reconciliation sweep
        # THEN the payment settles and its webhook arrives
        settled = merchant.wait_for_payment_status(payment["id"], timeout=45)
        assert settled["status"] == "success"
        wait_for(
            lambda: [e for e in receiver.events("payment.success") if _paid(e) == payment["id"]] or None,
            30,
            "payment.success for the recovered payment",
        )
        assert stack.status()["workers"]["pollers"]["reconcile-schedule"]["invocations"] > 0
    finally:
        merchant.close()


def _paid(event: dict[str, Any]) -> str:
    return str(event["payload"]["data"]["payment"]["id"])
