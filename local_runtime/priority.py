"""API requests first: the workers' AWS calls wait while a request is being answered.

On AWS every function runs in a sandbox with a CPU of its own: the workers settling payments do not slow
the API down. Here the API, moto and every worker share one interpreter, and so one GIL: a request thread
took its turns with the worker threads, and under a stream of payments a 6 ms `POST /api/v1/payments`
took 20-25 ms, most of it waiting on the pipeline's work.

So the local runtime schedules the way an operating system favours interactive work: a worker thread about
to make an AWS call (every DynamoDB, SQS or Streams call passes botocore's `before-call` event) first waits
until no API request is in flight. The wait is bounded (`MAX_WAIT_SECONDS` a call), so a steady stream of
requests slows the workers down but never stops them, and nothing changes when no request is in flight.
Only threads the workers run on wait: an API request's own reads (its thread pool) never do.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from botocore.handlers import BUILTIN_HANDLERS

from local_runtime.console import set_component

# Longer than one API request takes (2-10 ms here), short enough that a worker under a steady stream of
# requests still makes forty calls a second.
MAX_WAIT_SECONDS = 0.025

_lock = threading.Lock()
_quiet = threading.Condition(_lock)
_in_flight = 0
_thread = threading.local()


@contextmanager
def serving_request() -> Iterator[None]:
    """Around the API function's handling of one request."""
    global _in_flight
    with _lock:
        _in_flight += 1
    try:
        yield
    finally:
        with _lock:
            _in_flight -= 1
            if _in_flight == 0:
                _quiet.notify_all()


def run_as_worker(component: str) -> None:
    """Marks the calling thread as one the workers run on (and names it in the log, as `set_component`)."""
    set_component(component)
    _thread.worker = True


def yield_to_requests(**_: Any) -> None:
    """The `before-call` handler: on a worker's thread, wait (bounded) while API requests are in flight.
    Answers nothing, so the call then goes on to the bridge or over HTTP."""
    if _in_flight and getattr(_thread, "worker", False):
        with _lock:
            _quiet.wait_for(lambda: _in_flight == 0, timeout=MAX_WAIT_SECONDS)


def install() -> None:
    """Every botocore client created from now on calls `yield_to_requests` first (before the bridge)."""
    with _lock:
        if ("before-call", yield_to_requests) not in BUILTIN_HANDLERS:
            BUILTIN_HANDLERS.insert(0, ("before-call", yield_to_requests))
            import boto3

            if boto3.DEFAULT_SESSION is not None:
                emitter = boto3.DEFAULT_SESSION._session.get_component("event_emitter")
                emitter.register_first("before-call", yield_to_requests)
