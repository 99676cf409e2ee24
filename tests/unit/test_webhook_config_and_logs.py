"""Webhook configuration (URL and secret) and the delivery log: test webhooks, pages, manual retries."""

from __future__ import annotations

from gateway.data.webhook_logs import get_webhook_log


def test_webhook_config_roundtrip_and_validation(api):
    status, config, _ = api.call("GET", "/api/v1/webhooks/config")
    assert status == 200 and config["webhook_url"] == "" and config["webhook_secret"].startswith("whsec_")
    status, body, _ = api.call(
        "PUT", "/api/v1/webhooks/config", {"webhook_url": "https://shop.example.com/hook"}
    )
    assert status == 200 and body["webhook_url"] == "https://shop.example.com/hook"
    for bad in ({"webhook_url": "ftp://x.example.com"}, {"webhook_url": "not a url"}, {"webhook_url": 5}, {}):
        status, body, _ = api.call("PUT", "/api/v1/webhooks/config", bad)
        assert status == 400 and body["error"]["code"] == "BAD_REQUEST_ERROR"
    assert api.call("PUT", "/api/v1/webhooks/config", {"webhook_url": ""})[1]["webhook_url"] == ""


def test_regenerate_secret_makes_a_whsec_base64_secret(api):
    import base64

    before = api.call("GET", "/api/v1/webhooks/config")[1]["webhook_secret"]
    status, body, _ = api.call("POST", "/api/v1/webhooks/regenerate-secret")
    assert status == 200 and body["webhook_secret"] != before
    assert len(base64.b64decode(body["webhook_secret"].removeprefix("whsec_"), validate=True)) == 32


def test_test_webhook_needs_a_url_then_records_a_pending_log(api):
    status, body, _ = api.call("POST", "/api/v1/webhooks/test")
    assert status == 400
    api.call("PUT", "/api/v1/webhooks/config", {"webhook_url": "https://shop.example.com/hook"})
    status, log, _ = api.call("POST", "/api/v1/webhooks/test")
    assert (
        status == 200
        and log["event"] == "webhook.test"
        and log["status"] == "pending"
        and log["attempts"] == 0
    )
    status, listed, _ = api.call("GET", "/api/v1/webhooks?limit=10&offset=0")
    assert (
        listed["total"] == 1
        and listed["data"][0]["id"] == log["id"]
        and listed["data"][0]["response_code"] is None
    )
    status, detail, _ = api.call("GET", f"/api/v1/webhooks/{log['id']}")
    assert status == 200 and '"event":"webhook.test"' in detail["payload"]


def test_webhook_logs_paginate_newest_first(api):
    api.call("PUT", "/api/v1/webhooks/config", {"webhook_url": "https://shop.example.com/hook"})
    made = [api.call("POST", "/api/v1/webhooks/test")[1]["id"] for _ in range(3)]
    page = api.call("GET", "/api/v1/webhooks?limit=2&offset=0")[1]
    assert [row["id"] for row in page["data"]] == made[::-1][:2] and page["total"] == 3 and page["limit"] == 2
    page = api.call("GET", "/api/v1/webhooks?limit=2&offset=2")[1]
    assert [row["id"] for row in page["data"]] == [made[0]] and page["offset"] == 2


def test_retry_resets_attempts_and_starts_a_new_round(api):
    api.call("PUT", "/api/v1/webhooks/config", {"webhook_url": "https://shop.example.com/hook"})
    log = api.call("POST", "/api/v1/webhooks/test")[1]
    status, body, _ = api.call("POST", f"/api/v1/webhooks/{log['id']}/retry")
    assert status == 200 and body == {
        "id": log["id"],
        "status": "pending",
        "message": "Webhook retry scheduled",
    }
    assert int(get_webhook_log(log["id"]).round) == 2
    status, body, _ = api.call("POST", "/api/v1/webhooks/00000000-0000-4000-8000-000000000000/retry")
    assert status == 404 and body["error"]["description"] == "Webhook log not found"
