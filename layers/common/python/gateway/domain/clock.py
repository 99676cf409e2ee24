"""Timestamps as the API shows them: ISO-8601 UTC with a `Z` and milliseconds."""

from __future__ import annotations

import time
from datetime import UTC, datetime


def epoch_now() -> float:
    """Seconds since the epoch: the one clock expiry checks read, so a test can move it."""
    return time.time()


def utc_now() -> datetime:
    return datetime.fromtimestamp(epoch_now(), UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def now_iso() -> str:
    return iso(utc_now())


def parse_iso(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def datetime_at(epoch_seconds: float) -> datetime:
    return datetime.fromtimestamp(epoch_seconds, UTC)
