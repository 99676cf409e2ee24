"""A write that DynamoDB cancels for a concurrent transaction is tried again, a bounded number of times:
nothing was written, and its conditions are checked afresh."""

from __future__ import annotations

import json

import pytest
from botocore.awsrequest import AWSResponse
from gateway.data import dynamo
from gateway.data.jobs import read_job_counters
from gateway.data.payments import get_payment
from moto.core.botocore_stubber import BotocoreStubber

from tests.unit.conftest import settle


class ConflictingTransactions:
    """DynamoDB's answer when a concurrent transaction holds an item, for the next `times` matching calls.

    moto never produces it, real DynamoDB does under contention; the fault is injected where moto's mock
    answers botocore, so botocore and pynamodb parse it exactly as they would AWS's response.
    """

    def __init__(self, operation: str, times: int) -> None:
        self.target = f"DynamoDB_20120810.{operation}"
        self.operation = operation
        self.remaining = times
        self.calls = 0

    def answer(self, request):
        item_count = len(json.loads(request.body).get("TransactItems", [None]))
        if self.operation == "TransactWriteItems":
            body = {
                "__type": "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
                "message": "Transaction cancelled, please refer cancellation reasons for specific reasons",
                "CancellationReasons": [{"Code": "TransactionConflict"}]
                + [{"Code": "None"}] * (item_count - 1),
            }
        else:
            body = {
                "__type": "com.amazonaws.dynamodb.v20120810#TransactionConflictException",
                "message": "Transaction is ongoing for the item",
            }
        return AWSResponse(
            request.url, 400, {"x-amzn-requestid": "conflict"}, _Raw(json.dumps(body).encode())
        )


class _Raw:
    def __init__(self, content: bytes) -> None:
        self.content = content

    def stream(self, **_):
        yield self.content


@pytest.fixture
def conflicting(monkeypatch):
    injected: list[ConflictingTransactions] = []
    real_answer = BotocoreStubber.__call__

    def answer(stubber, event_name, request, **kwargs):
        for fault in injected:
            if request.headers.get("X-Amz-Target", b"").decode() == fault.target:
                fault.calls += 1
                if fault.remaining > 0:
                    fault.remaining -= 1
                    return fault.answer(request)
        return real_answer(stubber, event_name, request, **kwargs)

    monkeypatch.setattr(BotocoreStubber, "__call__", answer)

    def inject(operation: str, times: int) -> ConflictingTransactions:
        injected.append(ConflictingTransactions(operation, times))
        return injected[-1]

    return inject


def test_a_refund_that_loses_to_a_concurrent_transaction_is_tried_again(api, successful_payment, conflicting):
    # GIVEN DynamoDB cancels the next two refund transactions for a conflicting concurrent transaction
    conflicts = conflicting("TransactWriteItems", times=2)
    # WHEN the merchant refunds
    status, body, _ = api.call(
        "POST", f"/api/v1/payments/{successful_payment['id']}/refunds", {"amount": 1000}
    )
    # THEN the third attempt lands: one refund, counted once
    assert status == 201, body
    assert conflicts.calls == 3
    assert int(get_payment(successful_payment["id"]).refunded_amount) == 1000
    status, refunds, _ = api.call("GET", f"/api/v1/payments/{successful_payment['id']}/refunds")
    assert [refund["id"] for refund in refunds] == [body["id"]]


def test_a_state_change_that_loses_to_a_concurrent_transaction_is_tried_again(api, conflicting):
    # GIVEN a pending payment the bank will decline (settled by a single-item update), and DynamoDB refusing
    # the next single-item update for a concurrent transaction
    payment = api.create_upi_payment(vpa="failure@upi")
    completed_before, _ = read_job_counters()
    conflicts = conflicting("UpdateItem", times=1)
    # WHEN the payment worker settles it
    settle(payment["id"])
    # THEN the retried transition landed, and the job was counted once (transition, retry, counter)
    assert get_payment(payment["id"]).status == "failed"
    assert conflicts.calls == 3
    assert read_job_counters()[0] == completed_before + 1


def test_a_transaction_that_keeps_conflicting_is_not_retried_forever(api, successful_payment, conflicting):
    conflicts = conflicting("TransactWriteItems", times=100)
    status, body, _ = api.call(
        "POST", f"/api/v1/payments/{successful_payment['id']}/refunds", {"amount": 1000}
    )
    assert status == 500 and body["error"]["code"] == "INTERNAL_SERVER_ERROR"
    assert conflicts.calls == dynamo.CONFLICT_ATTEMPTS
    assert int(get_payment(successful_payment["id"]).refunded_amount) == 0
