"""The local runtime answers API requests first: a worker's AWS call waits (bounded) while one is in flight."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import boto3
import pytest

from local_runtime import priority


@pytest.fixture
def sqs(aws: dict[str, Any]) -> Any:
    priority.install()  # before the client is made, as the stack does
    return boto3.client("sqs", region_name="us-east-1")


def call_in_thread(call: Callable[[], Any], as_worker: bool) -> threading.Event:
    """Makes `call` on a thread of its own (a worker's when `as_worker`); the event is set once it returned."""
    returned = threading.Event()

    def run() -> None:
        if as_worker:
            priority.run_as_worker("test-worker")
        call()
        returned.set()

    threading.Thread(target=run, daemon=True).start()
    return returned


def test_a_workers_call_waits_until_the_request_in_flight_is_answered(sqs, monkeypatch):
    monkeypatch.setattr(priority, "MAX_WAIT_SECONDS", 60.0)
    with priority.serving_request():
        returned = call_in_thread(sqs.list_queues, as_worker=True)
        assert not returned.wait(0.3)
    assert returned.wait(10)


def test_a_workers_call_waits_no_longer_than_the_bound(sqs, monkeypatch):
    monkeypatch.setattr(priority, "MAX_WAIT_SECONDS", 0.05)
    with priority.serving_request():
        returned = call_in_thread(sqs.list_queues, as_worker=True)
        assert returned.wait(10)  # while the request is still in flight


def test_a_call_made_for_the_request_itself_never_waits(sqs, monkeypatch):
    """The API function's own threads (its concurrent reads) are not workers."""
    monkeypatch.setattr(priority, "MAX_WAIT_SECONDS", 60.0)
    with priority.serving_request():
        assert call_in_thread(sqs.list_queues, as_worker=False).wait(10)


def test_with_no_request_in_flight_a_worker_goes_straight_on(sqs, monkeypatch):
    monkeypatch.setattr(priority, "MAX_WAIT_SECONDS", 60.0)
    with priority.serving_request():
        pass
    assert call_in_thread(sqs.list_queues, as_worker=True).wait(10)
