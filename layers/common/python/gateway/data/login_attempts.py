"""Login attempt counters: one item per subject and time window, expired by DynamoDB's TTL."""

from __future__ import annotations

import contextlib

from gateway.data import dynamo
from gateway.data.models import LoginFailureCounterModel
from gateway.errors import ConflictError

Counter = LoginFailureCounterModel


def _counter_name(subject: str, window: int) -> str:
    return f"login-failures#{subject}#{window}"


def count_attempt(limits: dict[str, int], window: int, expires_at: int) -> bool:
    """Adds one to each subject's counter on condition that it is under its limit (each an atomic
    conditional update, sent at the same time); True when every counter took it. When one refused, the
    others are given back and nothing stays counted. An attempt goes on only when all its counters took it,
    so however many run in parallel, no counter lets more than its limit through."""

    def count(subject: str, limit: int) -> bool:
        try:
            dynamo.update_if(
                Counter(_counter_name(subject, window)),
                [Counter.failures.add(1), Counter.expires_at.set(expires_at)],
                Counter.failures.does_not_exist() | (Counter.failures < limit),
            )
        except ConflictError:
            return False
        return True

    subjects = list(limits)
    taken = dynamo.read_concurrently(*(lambda s=s: count(s, limits[s]) for s in subjects))
    if all(taken):
        return True
    give_back_attempt([subject for subject, took in zip(subjects, taken, strict=True) if took], window)
    return False


def give_back_attempt(subjects: list[str], window: int) -> None:
    """Takes one back from each counter: a successful login is no failure, and a refused one was not made."""

    def give_back(subject: str) -> None:
        with contextlib.suppress(ConflictError):
            dynamo.update_if(
                Counter(_counter_name(subject, window)), [Counter.failures.add(-1)], Counter.failures > 0
            )

    dynamo.read_concurrently(*(lambda s=s: give_back(s) for s in subjects))
