"""Card data: the number and the CVV reach no table, queue message, log line or webhook, in any form."""

from __future__ import annotations

import json

from gateway.data.models import PaymentModel


def test_card_number_and_cvv_never_reach_storage(api, aws):
    from datetime import date

    order = api.create_order()
    card = {
        "number": "5555555555554444",
        "expiry_month": 12,
        "expiry_year": date.today().year + 1,
        "cvv": "987",
        "holder_name": "Card Holder",
    }
    status, payment, _ = api.call(
        "POST",
        "/api/v1/payments",
        {"order_id": order["id"], "method": "card", "card": card},
        headers={"Idempotency-Key": "card-key"},
    )
    assert status == 201 and payment["card_network"] == "mastercard" and payment["card_last4"] == "4444"
    import boto3

    dynamodb = boto3.client("dynamodb")
    for table in dynamodb.list_tables()["TableNames"]:
        dump = str(dynamodb.scan(TableName=table)["Items"])  # test-only full scan
        assert "5555555555554444" not in dump and "555555555555" not in dump and "'987'" not in dump
    stored = PaymentModel.get(payment["id"])
    assert stored.card_last4 == "4444"


def test_card_data_reaches_no_table_queue_log_or_webhook_in_any_form(
    api, pipeline, receiver, monkeypatch, caplog
):
    import hashlib
    import logging

    import boto3
    from gateway.data import queues

    from tests.unit.test_pipeline import with_webhooks

    # GIVEN every queue message, log line and webhook recorded, and a card payment made with a key
    caplog.set_level(logging.DEBUG)
    sent: list[str] = []
    real_send = queues.send

    def recording_send(queue_url, body, *args, **kwargs):
        sent.append(json.dumps(body))
        real_send(queue_url, body, *args, **kwargs)

    monkeypatch.setattr(queues, "send", recording_send)
    with_webhooks(api, receiver, rotate=False)
    order = api.create_order()
    pan, cvv = "4012888888881881", "7391"
    card = {
        "number": "4012 8888 8888 1881",
        "expiry_month": 12,
        "expiry_year": 2099,
        "cvv": cvv,
        "holder_name": "C",
    }
    body = {"order_id": order["id"], "method": "card", "card": card}
    raw = json.dumps(body)
    status, payment, _ = api.call(
        "POST", "/api/v1/payments", raw=raw, headers={"Idempotency-Key": "scan-card"}
    )
    assert status == 201 and payment["card_last4"] == "1881"
    # WHEN it settles and every event is delivered
    pipeline.run_until(lambda: "order.paid" in receiver.events() and "payment.success" in receiver.events())
    pipeline.settle()
    # THEN neither the number nor the CVV is anywhere, nor an unkeyed SHA-256 of either or of the request
    dynamodb = boto3.client("dynamodb")
    tables = [str(dynamodb.scan(TableName=t)["Items"]) for t in dynamodb.list_tables()["TableNames"]]
    webhooks = [d["body"].decode() + str(d["headers"]) for d in receiver.deliveries]
    everything = "\n".join([*tables, *sent, caplog.text, *webhooks])
    assert sent and webhooks and caplog.text
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    digests = [
        hashlib.sha256(value.encode()).hexdigest() for value in (pan, card["number"], cvv, raw, canonical)
    ]
    forbidden = [pan, card["number"], pan[:12], f'"{cvv}"', f"'{cvv}'", f":{cvv}", *digests]
    assert [value for value in forbidden if value in everything] == []
