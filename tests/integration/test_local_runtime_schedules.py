"""The local runtime runs scheduled functions: the reconciliation sweep recovers a lost payment job, and a
delivery whose worker was killed in the middle of its POST."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

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


def _delayed_jobs(stack: LiveStack) -> int:
    return int(stack.queue_attributes("payments")["ApproximateNumberOfMessagesDelayed"])


def test_the_scheduled_sweep_settles_a_payment_whose_job_was_lost(sweeping_stack: LiveStack) -> None:
    stack = sweeping_stack
    merchant = Merchant.of(stack)
    receiver = merchant.use_receiver()
    try:
        # GIVEN a payment whose job is lost from the payments queue before a worker can take it
        payment = merchant.pay_upi(merchant.create_order()["id"]).json()
        wait_for(lambda: _delayed_jobs(stack) or None, 3, "the payment job on its queue")
        stack.aws("sqs").purge_queue(QueueUrl=stack.queue_urls()["payments"])
        assert _delayed_jobs(stack) == 0
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


def test_a_delivery_abandoned_by_a_worker_killed_mid_post_is_delivered_again(
    sweeping_stack: LiveStack,
) -> None:
    stack = sweeping_stack
    merchant = Merchant.of(stack)
    receiver = merchant.use_receiver()
    try:
        # GIVEN a worker in the middle of a webhook POST the receiver holds open
        receiver.hold(1)
        merchant.pay_upi(merchant.create_order()["id"])
        wait_for(lambda: receiver.state.held, 15, "a delivery held open")

        # WHEN the runtime kills the workers inside their POSTs, and the receiver then answers
        killed = stack.kill_deliveries()
        receiver.release()

        # THEN the abandoned delivery comes again (its attempt was never recorded), and is accepted once
        assert killed >= 1
        (held,) = receiver.state.held
        wait_for(
            lambda: len([d for d in receiver.deliveries() if d["webhook_id"] == held]) >= 2,
            30,
            "the abandoned delivery to come again",
        )
        assert [e["webhook_id"] for e in receiver.events()].count(held) == 1
    finally:
        merchant.close()
