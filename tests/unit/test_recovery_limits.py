"""Recovery is no amplifier: one running per merchant, a cap on the events one sends, a rate of starts."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from gateway.domain import events as event_rules
from gateway.domain.events import Recovery
from gateway.services import recovery

from tests.unit.test_events import events_of, iso_ago, recovery_of, use_url


@pytest.fixture
def failed_events(api, pipeline, receiver):
    """Three events whose delivery failed for good, and a receiver that now answers 200."""
    use_url(api, receiver)
    receiver.default_status = 410
    for _ in range(3):
        api.call("POST", "/api/v1/webhooks/test")
    pipeline.run_until(lambda: len(events_of(api, "?delivery_status=failed")["data"]) == 3)
    receiver.default_status = 200
    receiver.deliveries.clear()
    return iso_ago(minutes=5)


def test_a_second_recovery_waits_for_the_first_to_complete(api, pipeline, receiver, failed_events):
    # GIVEN a running recovery
    status, first, _ = api.call("POST", "/api/v1/webhooks/recover", {"since": failed_events})
    assert status == 202, first

    # WHEN another is asked for before it completes
    status, body, _ = api.call("POST", "/api/v1/webhooks/recover", {"since": failed_events})

    # THEN it is refused, naming the one that runs
    assert status == 400, body
    assert (
        body["error"]["description"]
        == f"Recovery {first['id']} is still running: start another once it completes"
    )
    # AND once the first completed, a new one starts
    pipeline.run_until(lambda: recovery_of(api, first["id"])["status"] == "completed")
    assert api.call("POST", "/api/v1/webhooks/recover", {"since": failed_events})[0] == 202


def test_parallel_starts_make_one_recovery(api, receiver, failed_events):
    start = Barrier(6)

    def ask(_: int) -> tuple[int, dict]:
        start.wait()
        status, body, _ = api.call("POST", "/api/v1/webhooks/recover", {"since": failed_events})
        return status, body

    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(ask, range(6)))
    assert sorted(status for status, _ in answers) == [202, 400, 400, 400, 400, 400], answers
    for status, body in answers:
        if status == 400:
            assert body["error"]["description"].endswith("is still running: start another once it completes")


def test_one_recovery_sends_at_most_its_cap_and_says_so(api, pipeline, receiver, failed_events, monkeypatch):
    # GIVEN recoveries capped at two events, paged one event at a time
    monkeypatch.setattr(event_rules, "MAX_EVENTS_PER_RECOVERY", 2)
    monkeypatch.setattr(recovery, "PAGE_SIZE", 1)

    # WHEN a recovery of the three failed events runs
    status, job, _ = api.call("POST", "/api/v1/webhooks/recover", {"since": failed_events})
    assert status == 202
    pipeline.run_until(lambda: recovery_of(api, job["id"])["status"] == "completed")
    pipeline.settle()

    # THEN its answer gave the cap, and it sent two (the oldest); the third is left for another recovery
    assert (job["events"], job["max_events"]) == (3, 2)
    assert recovery_of(api, job["id"])["sent"] == 2 and len(receiver.deliveries) == 2
    assert len(events_of(api, "?delivery_status=failed")["data"]) == 1


def test_starting_recoveries_beyond_the_hourly_rate_is_429(api, receiver, monkeypatch):
    # GIVEN a rate of two starts an hour, and recoveries that end at once
    use_url(api, receiver)
    monkeypatch.setattr(recovery, "RECOVERY_STARTS_PER_HOUR", 2)
    monkeypatch.setattr(Recovery, "holds_the_slot", lambda self, now: False)
    since = {"since": iso_ago(minutes=5)}
    assert [api.call("POST", "/api/v1/webhooks/recover", since)[0] for _ in range(2)] == [202, 202]

    # WHEN a third is started within the hour
    status, body, headers = api.call("POST", "/api/v1/webhooks/recover", since)

    # THEN it is refused with the time to wait
    assert status == 429, body
    assert body["error"]["code"] == "RATE_LIMIT_ERROR"
    assert body["error"]["description"] == "At most 2 recoveries can be started an hour"
    assert 1 <= int(headers["Retry-After"]) <= 3600
