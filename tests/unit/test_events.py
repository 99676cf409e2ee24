"""Events (openapi.yaml `/api/v1/events`): events recorded for 30 days, read back by the events API,
recovered by time range, and a receiver's `Retry-After` honoured."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from gateway.data.webhook_logs import get_webhook_log
from gateway.domain import webhooks
from gateway.domain.clock import parse_iso
from gateway.domain.events import Recovery
from gateway.domain.ids import EVENT_PREFIX, has_prefix_format
from gateway.domain.messages import DeliveryBatch, RecoveryPage
from gateway.services import delivery, recovery
from gateway.transport import merchant_http

PAYMENT_EVENTS = ["order.paid", "payment.success", "payment.pending", "payment.created"]


def use_url(api, receiver):
    status, body, _ = api.call("PUT", "/api/v1/webhooks/config", {"webhook_url": receiver.url})
    assert status == 200, body


def events_of(api, query=""):
    status, body, _ = api.call("GET", f"/api/v1/events{query}")
    assert status == 200, body
    return body


def iso_ago(**delta):
    return (datetime.now(UTC) - timedelta(**delta)).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def test_every_event_is_recorded_without_a_url_and_kept_30_days(api, pipeline):
    # GIVEN a merchant with no webhook URL
    # WHEN a payment is made and settles
    payment = api.create_upi_payment()
    pipeline.run_until(lambda: len(events_of(api)["data"]) == 4)

    # THEN its four events are listed newest first, with the webhook body's data and no delivery
    listed = events_of(api)
    types = [event["type"] for event in listed["data"]]
    # Events of one change share its timestamp (their order among themselves is the ids').
    assert set(types[:2]) == set(PAYMENT_EVENTS[:2]) and set(types[2:]) == set(PAYMENT_EVENTS[2:])
    assert listed["has_more"] is False
    stamps = [event["created_at"] for event in listed["data"]]
    assert stamps == sorted(stamps, reverse=True)
    for event in listed["data"]:
        assert has_prefix_format(event["id"], EVENT_PREFIX) and event["delivery_status"] == "none"
        assert event["data"]["payment"]["id"] == payment["id"]
    from gateway.data.events import get_event

    stored = get_event(listed["data"][0]["id"])
    retention = stored.expires_at - parse_iso(stored.created_at).timestamp()
    assert abs(retention - 30 * 86400) < 2
    assert api.call("GET", "/api/v1/webhooks")[1]["data"] == []  # docs/behaviour.md: no URL, no log


def test_the_event_id_is_the_webhook_id_of_every_delivery(api, pipeline, receiver):
    # GIVEN a merchant whose receiver accepts everything
    use_url(api, receiver)
    api.create_upi_payment()
    pipeline.run_until(lambda: len(receiver.deliveries) == 4)
    pipeline.settle()
    by_type = {event["type"]: event for event in events_of(api)["data"]}
    assert sorted(by_type) == sorted(PAYMENT_EVENTS)

    # THEN each delivery carried its event's id, and the event shows the delivery with its attempt
    for delivered in receiver.deliveries:
        event = by_type[json.loads(delivered["body"])["event"]]
        assert delivered["headers"]["webhook-id"] == event["id"]
        assert event["delivery_status"] == "success"
    event = by_type["payment.success"]
    status, detail, _ = api.call("GET", f"/api/v1/events/{event['id']}")
    assert status == 200 and detail["data"] == event["data"]
    [only] = detail["deliveries"]
    assert only["url"] == receiver.url and only["status"] == "success"
    [attempt] = only["attempts"]
    assert attempt["response_code"] == 200 and attempt["response_body"] == "OK"
    assert isinstance(attempt["duration_ms"], int) and attempt["attempted_at"].endswith("Z")
    assert attempt["headers"]["webhook-id"] == event["id"]
    assert attempt["headers"]["X-Webhook-Signature"] == webhooks.REDACTED

    # WHEN the delivery is retried by hand, THEN the receiver sees the same webhook-id again
    api.call("POST", f"/api/v1/webhooks/{only['webhook_id']}/retry")
    pipeline.run_until(lambda: len(receiver.deliveries) == 5)
    assert receiver.deliveries[-1]["headers"]["webhook-id"] == event["id"]
    log = next(
        row for row in api.call("GET", "/api/v1/webhooks")[1]["data"] if row["id"] == only["webhook_id"]
    )
    assert log["event_id"] == event["id"]


def test_each_attempt_says_where_it_was_sent_when_the_url_changed_between_attempts(api, pipeline, receiver):
    from devkit.pipeline import Receiver

    # GIVEN an event delivered to the merchant's first URL
    use_url(api, receiver)
    api.create_upi_payment()
    pipeline.run_until(lambda: len(receiver.deliveries) == 4)
    pipeline.settle()
    event = next(event for event in events_of(api)["data"] if event["type"] == "payment.success")
    [delivery] = api.call("GET", f"/api/v1/events/{event['id']}")[1]["deliveries"]

    # WHEN the merchant moves to a new URL and sends the event again
    moved = Receiver()
    try:
        use_url(api, moved)
        api.call("POST", f"/api/v1/webhooks/{delivery['webhook_id']}/retry")
        pipeline.run_until(lambda: len(moved.deliveries) == 1)
        pipeline.settle()
        [delivery] = api.call("GET", f"/api/v1/events/{event['id']}")[1]["deliveries"]
    finally:
        moved.close()

    # THEN each attempt names the URL it went to, and the delivery the latest
    assert [attempt["url"] for attempt in delivery["attempts"]] == [receiver.url, moved.url]
    assert delivery["url"] == moved.url


def test_a_redelivered_stream_record_records_no_second_event(api, pipeline):
    api.create_upi_payment()
    pipeline.dispatch_pending_twice("PaymentsTable")
    assert sorted(event["type"] for event in events_of(api)["data"]) == ["payment.created", "payment.pending"]


def test_another_merchants_events_are_never_listed_and_are_404(api, other_api, receiver):
    use_url(api, receiver)
    mine = api.call("POST", "/api/v1/webhooks/test")[1]
    event_id = events_of(api)["data"][0]["id"]
    assert mine["event_id"] == event_id

    assert events_of(other_api)["data"] == []
    status, body, _ = other_api.call("GET", f"/api/v1/events/{event_id}")
    assert (status, body["error"]["code"], body["error"]["description"]) == (
        404,
        "NOT_FOUND_ERROR",
        "Event not found",
    )
    status, body, _ = other_api.call("GET", f"/api/v1/events?starting_after={event_id}")
    assert status == 400 and body["error"]["code"] == "BAD_REQUEST_ERROR"
    assert api.call("GET", "/api/v1/events/evt_0000000000000000")[0] == 404


def test_pages_stay_stable_while_new_events_arrive(api, receiver):
    # GIVEN seven events
    use_url(api, receiver)
    for _ in range(7):
        api.call("POST", "/api/v1/webhooks/test")
    expected = [event["id"] for event in events_of(api, "?limit=100")["data"]]
    assert len(expected) == 7

    # WHEN they are read three at a time while more events are recorded between the pages
    seen, cursor, pages = [], "", 0
    while True:
        page = events_of(api, f"?limit=3{cursor}")
        seen += [event["id"] for event in page["data"]]
        pages += 1
        api.call("POST", "/api/v1/webhooks/test")
        if not page["has_more"]:
            break
        cursor = f"&starting_after={page['data'][-1]['id']}"

    # THEN the pages hold exactly the first seven, newest first, each once
    assert pages == 3 and seen == expected


def test_filters_by_type_delivery_status_and_creation_time(api, pipeline, receiver):
    api.create_upi_payment()
    pipeline.run_until(lambda: len(events_of(api)["data"]) == 4)
    use_url(api, receiver)
    test_log = api.call("POST", "/api/v1/webhooks/test")[1]
    everything = events_of(api)["data"]

    both = events_of(api, "?type=payment.created&type=order.paid")["data"]
    assert sorted(event["type"] for event in both) == ["order.paid", "payment.created"]
    pending = events_of(api, "?delivery_status=pending")["data"]
    assert [event["id"] for event in pending] == [test_log["event_id"]]
    assert len(events_of(api, "?delivery_status=none")["data"]) == 4
    assert events_of(api, "?delivery_status=failed")["data"] == []

    newest = everything[0]["created_at"]
    exactly = events_of(api, f"?from={newest}&to={newest}")["data"]
    assert [event["created_at"] for event in exactly] == [newest]
    older = events_of(api, f"?to={everything[1]['created_at']}")["data"]
    assert [event["id"] for event in older] == [event["id"] for event in everything[1:]]
    assert events_of(api, f"?from={iso_ago(seconds=-60)}")["data"] == []


@pytest.mark.parametrize(
    "query",
    [
        "limit=0",
        "limit=101",
        "limit=x",
        "type=payment.unknown",
        "delivery_status=lost",
        "from=yesterday",
        "from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z",
        "starting_after=pay_0000000000000000",
    ],
)
def test_a_bad_query_is_400(api, query):
    status, body, _ = api.call("GET", f"/api/v1/events?{query}")
    assert status == 400 and body["error"]["code"] == "BAD_REQUEST_ERROR"


# ---------------------------------------------------------------- recovery


def recovery_of(api, recovery_id):
    status, body, _ = api.call("GET", f"/api/v1/webhooks/recover/{recovery_id}")
    assert status == 200, body
    return body


def test_recovery_sends_every_failed_or_unsent_event_once_more(api, pipeline, receiver):
    # GIVEN four events recorded with no URL, then four whose only delivery failed for good (410)
    started = iso_ago(seconds=1)
    api.create_upi_payment()
    pipeline.run_until(lambda: len(events_of(api)["data"]) == 4)
    receiver.default_status = 410
    use_url(api, receiver)
    api.create_upi_payment()
    pipeline.run_until(lambda: len(events_of(api, "?delivery_status=failed")["data"]) == 4)
    assert len(receiver.deliveries) == 4
    assert api.call("GET", "/api/v1/webhooks/pipeline")[1]["failed"] == 4

    # WHEN the receiver is fixed and a recovery runs since the start
    receiver.default_status = 200
    receiver.deliveries.clear()
    status, job, _ = api.call("POST", "/api/v1/webhooks/recover", {"since": started})
    assert status == 202 and job["status"] == "running" and job["events"] == 8
    assert job["id"].startswith("rcv_") and job["since"] == started and job["until"].endswith("Z")
    pipeline.run_until(lambda: recovery_of(api, job["id"])["status"] == "completed")
    pipeline.settle()

    # THEN each of the eight arrived exactly once more, under its event id, and is now delivered
    ids = [event["id"] for event in events_of(api)["data"]]
    assert sorted(d["headers"]["webhook-id"] for d in receiver.deliveries) == sorted(ids)
    assert recovery_of(api, job["id"])["sent"] == 8
    assert {event["delivery_status"] for event in events_of(api)["data"]} == {"success"}
    failed_once = events_of(api, "?type=payment.success")["data"][0]
    detail = api.call("GET", f"/api/v1/events/{failed_once['id']}")[1]
    assert [d["status"] for d in detail["deliveries"]] in (["failed", "success"], ["success", "failed"])
    # AND the failures the recovery made good no longer count as failed in the merchant's pipeline
    assert api.call("GET", "/api/v1/webhooks/pipeline")[1]["failed"] == 0

    # WHEN the same recovery is asked for again, THEN nothing is left to send
    again = api.call("POST", "/api/v1/webhooks/recover", {"since": started})[1]
    pipeline.run_until(lambda: recovery_of(api, again["id"])["status"] == "completed")
    pipeline.settle()
    assert again["events"] == 0 and len(receiver.deliveries) == 8


def test_repeated_pages_and_concurrent_recoveries_send_each_event_once(api, pipeline, receiver, monkeypatch):
    # GIVEN three events whose delivery failed, and two recoveries of them not yet under way
    use_url(api, receiver)
    receiver.default_status = 410
    for _ in range(3):
        api.call("POST", "/api/v1/webhooks/test")
    pipeline.run_until(lambda: len(events_of(api, "?delivery_status=failed")["data"]) == 3)
    receiver.default_status = 200
    receiver.deliveries.clear()
    monkeypatch.setattr(recovery, "PAGE_SIZE", 2)
    # (a merchant runs one recovery at a time; the first stops holding its slot after an hour, as here)
    monkeypatch.setattr(Recovery, "holds_the_slot", lambda self, now: False)
    since = iso_ago(minutes=5)
    first = api.call("POST", "/api/v1/webhooks/recover", {"since": since})[1]
    second = api.call("POST", "/api/v1/webhooks/recover", {"since": since})[1]
    assert first["events"] == second["events"] == 3

    # WHEN a page message is handled twice (SQS redelivery) and both recoveries run at once
    for _ in range(2):
        recovery.resend_page(RecoveryPage.parse({"recovery_id": first["id"], "cursor": None}))
    pipeline.run_until(
        lambda: all(recovery_of(api, job["id"])["status"] == "completed" for job in (first, second))
    )
    pipeline.settle()

    # THEN each event was sent once more in all
    assert sorted(d["headers"]["webhook-id"] for d in receiver.deliveries) == sorted(
        event["id"] for event in events_of(api)["data"]
    )
    assert recovery_of(api, first["id"])["sent"] + recovery_of(api, second["id"])["sent"] == 3


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "since"),
        ({"since": 5}, "since"),
        ({"since": "not a time"}, "since"),
        ({"since": iso_ago(hours=1), "until": iso_ago(hours=2)}, "since"),
        ({"since": iso_ago(days=31)}, "since"),
    ],
)
def test_a_bad_recovery_range_is_400(api, receiver, body, field):
    use_url(api, receiver)
    status, answer, _ = api.call("POST", "/api/v1/webhooks/recover", body)
    assert (
        status == 400 and answer["error"]["code"] == "BAD_REQUEST_ERROR" and answer["error"]["field"] == field
    )


def test_recovery_needs_a_url_and_is_private_to_its_merchant(api, other_api, receiver):
    status, body, _ = api.call("POST", "/api/v1/webhooks/recover", {"since": iso_ago(hours=1)})
    assert status == 400 and body["error"]["code"] == "BAD_REQUEST_ERROR"
    use_url(api, receiver)
    job = api.call("POST", "/api/v1/webhooks/recover", {"since": iso_ago(hours=1)})[1]
    for caller, recovery_id in ((other_api, job["id"]), (api, "rcv_0000000000000000"), (api, "nope")):
        status, body, _ = caller.call("GET", f"/api/v1/webhooks/recover/{recovery_id}")
        assert (status, body["error"]["description"]) == (404, "Recovery not found")


# ---------------------------------------------------------------- Retry-After


def test_retry_after_is_read_as_seconds_or_an_http_date_for_429_and_503_only():
    now = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)
    in_a_minute = format_datetime(now + timedelta(seconds=60), usegmt=True)
    assert webhooks.retry_after_seconds(503, "12", now) == 12
    assert webhooks.retry_after_seconds(429, in_a_minute, now) == 60
    assert webhooks.retry_after_seconds(500, "12", now) is None
    assert webhooks.retry_after_seconds(503, "soon", now) is None
    assert webhooks.retry_after_seconds(503, None, now) is None
    schedule = webhooks.WebhookRetrySchedule(test_intervals=True)
    assert schedule.steered_delay_before(2, 12) == 12
    assert schedule.steered_delay_before(2, 1) == 5  # never sooner than the schedule
    assert schedule.steered_delay_before(2, 99999) == 20  # never beyond its longest delay


@pytest.mark.parametrize(("status", "header", "wait"), [(503, "12", 12), (429, "99999", 20), (500, "12", 5)])
def test_a_receiver_asking_for_later_gets_its_next_attempt_no_sooner(
    api, receiver, monkeypatch, status, header, wait
):
    use_url(api, receiver)
    log_id = api.call("POST", "/api/v1/webhooks/test")[1]["id"]
    monkeypatch.setattr(
        merchant_http,
        "post_to_merchant",
        lambda url, body, headers, **options: merchant_http.HttpAttempt(
            status, "busy", 3, retry_after=header
        ),
    )
    started = []
    monkeypatch.setattr(
        delivery.workflows, "start_retry_schedule", lambda arn, name, state: started.append(state)
    )

    delivery.deliver_webhook(DeliveryBatch.parse({"log_id": log_id, "round": 1, "attempt": 1}))

    [state] = started
    assert wait - 1 <= state["wait_seconds"] <= wait and state["attempt"] == 2
    log = get_webhook_log(log_id)
    due = (parse_iso(log.next_retry_at) - parse_iso(log.last_attempt_at)).total_seconds()
    assert abs(due - wait) < 1


def test_an_event_past_its_30_days_is_gone_even_before_ttl_deletes_it(api):
    from gateway.data.events import insert_event_if_absent
    from gateway.domain.events import Event, EventDeliveryStatus

    created = iso_ago(days=31)
    stale = Event(
        id="evt_Stale0000000000a",
        merchant_id=api.merchant["id"],
        type="payment.created",
        payload=json.dumps({"event": "payment.created", "timestamp": 0, "data": {}}),
        created_at=created,
        delivery_status=EventDeliveryStatus.NONE,
        expires_at=int(parse_iso(created).timestamp()) + 30 * 86400,
    )
    assert insert_event_if_absent(stale)
    assert events_of(api)["data"] == []
    assert api.call("GET", f"/api/v1/events/{stale.id}")[0] == 404
