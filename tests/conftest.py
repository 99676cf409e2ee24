"""Session fixtures shared by the integration and browser tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devkit.live_stack import LiveStack


@pytest.fixture(scope="session")
def live_stack() -> Iterator[LiveStack]:
    """The local runtime in test mode on free ports, for the whole session."""
    stack = LiveStack("live").start()
    try:
        yield stack
    finally:
        stack.stop()
