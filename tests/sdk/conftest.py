"""Fixtures for the SDK and CLI tests: a fresh merchant's client on the session's live stack, a
capturing receiver, the events API's in-memory double, and the probe that skips tests of the events API
until it is deployed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from gateway_client import Client

from devkit.live_stack import LiveStack
from tests.sdk.events_double import EventsApiDouble
from tests.sdk.loopback import CapturingReceiver
from tests.sdk.support import EVENTS_API_MISSING, events_api_deployed


@pytest.fixture(scope="session")
def events_api(live_stack: LiveStack) -> None:
    """Skips the test while the session's stack does not serve the events API (`/api/v1/events`)."""
    if not events_api_deployed(live_stack):
        pytest.skip(EVENTS_API_MISSING)


@pytest.fixture
def credentials(live_stack: LiveStack) -> dict[str, str]:
    """A fresh merchant of the session's stack, so counts and logs are this test's own."""
    return live_stack.create_merchant()


@pytest.fixture
def client(live_stack: LiveStack, credentials: dict[str, str]) -> Iterator[Client]:
    with Client(credentials["api_key"], credentials["api_secret"], live_stack.api_url) as sdk:
        yield sdk


@pytest.fixture
def receiver() -> Iterator[CapturingReceiver]:
    capturing = CapturingReceiver()
    yield capturing
    capturing.close()


@pytest.fixture
def double() -> Iterator[EventsApiDouble]:
    """An in-memory stand-in of the events API (tests/sdk/events_double.py), on a loopback port."""
    stand_in = EventsApiDouble()
    yield stand_in
    stand_in.close()
