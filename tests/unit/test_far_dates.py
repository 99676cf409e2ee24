"""Timestamps whose UTC form falls outside years 1-9999 are a 400 that says so, never a 500."""

from __future__ import annotations

from urllib.parse import quote

import pytest

OUT_OF_RANGE = "is out of range: in UTC it must fall between 0001-01-01 and 9999-12-31"


@pytest.mark.parametrize(
    ("name", "value"),
    [("from", "0001-01-01T00:00:00+01:00"), ("to", "9999-12-31T23:59:59-01:00")],
)
def test_an_event_filter_beyond_the_calendar_is_a_400(api, name, value):
    status, body, _ = api.call("GET", f"/api/v1/events?{name}={quote(value)}")
    assert status == 400, body
    error = body["error"]
    assert error["code"] == "BAD_REQUEST_ERROR"
    assert error["description"] == f"{name} {OUT_OF_RANGE}" and error["field"] == name


def test_the_calendar_edges_themselves_are_accepted(api):
    query = f"from={quote('0001-01-01T00:00:00Z')}&to={quote('9999-12-31T23:59:59Z')}"
    status, body, _ = api.call("GET", f"/api/v1/events?{query}")
    assert status == 200, body


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"since": "2026-01-01T00:00:00Z", "until": "9999-12-31T23:59:59-01:00"}, "until"),
        ({"since": "0001-01-01T00:00:00+01:00"}, "since"),
    ],
)
def test_a_recovery_range_beyond_the_calendar_is_a_400(api, body, field):
    api.call("PUT", "/api/v1/webhooks/config", {"webhook_url": "https://shop.example.com/hook"})
    status, answer, _ = api.call("POST", "/api/v1/webhooks/recover", body)
    assert status == 400, answer
    assert answer["error"]["description"] == f"{field} {OUT_OF_RANGE}"
