"""A payment's events with their deliveries (`GET /api/v1/payments/{id}/events`, for the dashboard's payment
page), and every attempt of a delivery in its log (`GET /api/v1/webhooks/{id}`)."""

from __future__ import annotations

from gateway.domain import webhooks

from tests.lifecycle import REFUNDED_PAYMENT_EVENTS
from tests.unit.conftest import settle
from tests.unit.test_pipeline import with_webhooks


def events_of_payment(api, payment_id):
    status, body, _ = api.call("GET", f"/api/v1/payments/{payment_id}/events")
    assert status == 200, body
    return body["data"]


def test_a_payments_events_come_in_order_with_its_refunds_and_the_order_it_paid(api, pipeline):
    # GIVEN a payment without a webhook URL that succeeded, paid its order and was partly refunded
    payment = api.create_upi_payment()
    pipeline.run_until(lambda: len(events_of_payment(api, payment["id"])) == 4)
    status, refund, _ = api.call("POST", f"/api/v1/payments/{payment['id']}/refunds", {"amount": 100})
    assert status == 201, refund
    pipeline.run_until(lambda: len(events_of_payment(api, payment["id"])) == 6)

    # WHEN the merchant reads its events
    events = events_of_payment(api, payment["id"])

    # THEN they come oldest first, in the lifecycle's order, each with the data it was sent with
    assert [event["type"] for event in events] == REFUNDED_PAYMENT_EVENTS
    stamps = [event["created_at"] for event in events]
    assert stamps == sorted(stamps)
    assert [event["data"]["payment"]["version"] for event in events[:3]] == [1, 1, 2]
    assert events[3]["data"]["payment"]["id"] == payment["id"]
    assert events[3]["data"]["order"]["status"] == "paid"
    assert [event["data"]["refund"]["id"] for event in events[4:]] == [refund["id"]] * 2
    assert [event["data"]["refund"]["version"] for event in events[4:]] == [1, 2]
    # AND nothing was delivered: no URL was set
    assert all(event["deliveries"] == [] and event["delivery_status"] == "none" for event in events)
    # AND each is the event the events API serves under that id
    detail = api.call("GET", f"/api/v1/events/{events[2]['id']}")[1]
    assert detail == events[2]


def test_each_event_carries_its_deliveries_and_their_attempts(api, pipeline, receiver):
    # GIVEN a merchant whose receiver accepts everything
    with_webhooks(api, receiver, rotate=False)
    payment = api.create_upi_payment()
    pipeline.run_until(lambda: len(receiver.deliveries) == 4)  # created, pending, success, order.paid
    pipeline.settle()

    events = events_of_payment(api, payment["id"])

    assert [event["type"] for event in events] == REFUNDED_PAYMENT_EVENTS[:4]
    for event in events:
        [delivery] = event["deliveries"]
        assert (delivery["url"], delivery["status"], event["delivery_status"]) == (
            receiver.url,
            "success",
            "success",
        )
        [attempt] = delivery["attempts"]
        assert attempt["response_code"] == 200
        assert attempt["headers"]["webhook-id"] == event["id"]
        assert attempt["headers"]["X-Webhook-Signature"] == webhooks.REDACTED
        log = api.call("GET", f"/api/v1/webhooks/{delivery['webhook_id']}")[1]
        assert log["event_id"] == event["id"]


def test_the_order_paid_event_is_listed_only_under_the_payment_that_paid_the_order(api, pipeline):
    # GIVEN two payments in flight on one order: the first to succeed pays it, the other is auto-refunded
    order = api.create_order(40000)
    first = api.create_upi_payment(order["id"], vpa="one@okaxis")
    second = api.create_upi_payment(order["id"], vpa="two@okaxis")
    settle(first["id"])
    settle(second["id"])
    pipeline.run_until(lambda: len(events_of_payment(api, second["id"])) == 5)
    pipeline.settle()

    # THEN order.paid belongs to the first; the second shows its own success and the refund it got
    assert [event["type"] for event in events_of_payment(api, first["id"])] == REFUNDED_PAYMENT_EVENTS[:4]
    late = [event["type"] for event in events_of_payment(api, second["id"])]
    assert late == [*REFUNDED_PAYMENT_EVENTS[:3], "refund.created", "refund.processed"]


def test_another_merchants_payment_has_no_events_for_them(api, other_api, pipeline):
    payment = api.create_upi_payment()
    pipeline.run_until(lambda: len(events_of_payment(api, payment["id"])) == 4)

    status, body, _ = other_api.call("GET", f"/api/v1/payments/{payment['id']}/events")

    assert (status, body["error"]["code"], body["error"]["description"]) == (
        404,
        "NOT_FOUND_ERROR",
        "Payment not found",
    )


def test_an_unknown_payment_is_404(api):
    status, body, _ = api.call("GET", "/api/v1/payments/pay_0000000000000000/events")
    assert (status, body["error"]["description"]) == (404, "Payment not found")


def test_events_need_credentials(api, client):
    from tests.unit.conftest import Api

    payment = api.create_upi_payment()
    stranger = Api(client, {"X-Api-Key": "key_nobody", "X-Api-Secret": "wrong"})
    status, body, _ = stranger.call("GET", f"/api/v1/payments/{payment['id']}/events")
    assert (status, body["error"]["code"]) == (401, "AUTHENTICATION_ERROR")


def test_a_delivery_log_shows_every_attempt_across_a_manual_retry(api, pipeline, receiver):
    # GIVEN a delivery whose first attempt was refused for good (410) and that was retried by hand
    with_webhooks(api, receiver, rotate=False)
    receiver.answers = [410]
    log_id = api.call("POST", "/api/v1/webhooks/test")[1]["id"]
    pipeline.run_until(lambda: api.call("GET", f"/api/v1/webhooks/{log_id}")[1]["status"] == "failed")
    assert api.call("POST", f"/api/v1/webhooks/{log_id}/retry")[0] == 200
    pipeline.run_until(lambda: api.call("GET", f"/api/v1/webhooks/{log_id}")[1]["status"] == "success")

    # WHEN the merchant reads the log
    log = api.call("GET", f"/api/v1/webhooks/{log_id}")[1]

    # THEN both attempts are there, oldest first, with what was sent (signatures masked)
    history = log["attempt_history"]
    assert [attempt["response_code"] for attempt in history] == [410, 200]
    assert history[0]["attempted_at"] <= history[1]["attempted_at"]
    assert all(isinstance(attempt["duration_ms"], int) for attempt in history)
    for attempt in history:
        assert attempt["headers"]["webhook-id"] == log["event_id"]
        assert attempt["headers"]["X-Webhook-Signature"] == webhooks.REDACTED
    assert log["attempts"] == 1  # this round's count, as docs/behaviour.md has it
    assert log["url"] == receiver.url


def test_a_delivery_not_attempted_yet_has_an_empty_history(api, receiver):
    with_webhooks(api, receiver, rotate=False)
    log_id = api.call("POST", "/api/v1/webhooks/test")[1]["id"]
    log = api.call("GET", f"/api/v1/webhooks/{log_id}")[1]
    assert (log["attempt_history"], log["url"]) == ([], receiver.url)
