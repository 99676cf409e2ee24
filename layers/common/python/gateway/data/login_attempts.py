"""Failed-login counters: one item per subject and time window, expired by DynamoDB's TTL."""

from __future__ import annotations

from gateway.data.models import LoginFailureCounterModel, bind_tables


def _counter_name(subject: str, window: int) -> str:
    return f"login-failures#{subject}#{window}"


def read_failures(subjects: list[str], window: int) -> dict[str, int]:
    """Failures so far in this window for each subject, in one BatchGetItem."""
    bind_tables()
    names = {_counter_name(subject, window): subject for subject in subjects}
    counts = dict.fromkeys(subjects, 0)
    for counter in LoginFailureCounterModel.batch_get(list(names)):
        counts[names[counter.name]] = int(counter.failures or 0)
    return counts


def add_failure(subject: str, window: int, expires_at: int) -> None:
    """An atomic increment, so parallel guesses are all counted."""
    bind_tables()
    counter = LoginFailureCounterModel(_counter_name(subject, window))
    counter.update(
        actions=[
            LoginFailureCounterModel.failures.add(1),
            LoginFailureCounterModel.expires_at.set(expires_at),
        ]
    )
