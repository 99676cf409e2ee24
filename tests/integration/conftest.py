"""Fixtures for the flow tests: a fresh merchant of the session's stack, and a second, declining stack."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devkit.live_stack import LiveStack
from devkit.merchant import Merchant


@pytest.fixture
def merchant(live_stack: LiveStack) -> Iterator[Merchant]:
    merchant = Merchant.of(live_stack)
    yield merchant
    merchant.close()


@pytest.fixture(scope="module")
def failing_stack() -> Iterator[LiveStack]:
    """A second runtime whose bank declines everything (TEST_PAYMENT_SUCCESS=false is process-wide)."""
    stack = LiveStack("declining", {"TEST_PAYMENT_SUCCESS": "false"}).start()
    try:
        yield stack
    finally:
        stack.stop()
