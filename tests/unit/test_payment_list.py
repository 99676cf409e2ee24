"""`GET /api/v1/payments` answers what a list of payments shows: each payment's order status (read for the
whole page in one batch), whether the gateway refunded it because its order was already paid (on every
payment view), and a `from`/`to` time range read from the index's range key."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.unit.conftest import Api, settle

# 2026-01-15T10:30:00Z
MOMENT = 1_768_473_000


def at(epoch_seconds: float) -> str:
    """The moment as `from`/`to` take it: ISO-8601 with a zone."""
    from datetime import UTC, datetime

    return (
        datetime.fromtimestamp(epoch_seconds, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    )


@pytest.fixture
def dynamo_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """Every DynamoDB call pynamodb makes from now on: (operation, its parameters)."""
    from pynamodb.connection.base import Connection

    calls: list[tuple[str, dict[str, Any]]] = []
    real = Connection._make_api_call

    def recording(self: Connection, operation_name: str, operation_kwargs: dict[str, Any]) -> Any:
        calls.append((operation_name, operation_kwargs))
        return real(self, operation_name, operation_kwargs)

    monkeypatch.setattr(Connection, "_make_api_call", recording)
    yield calls


def listed(api: Api, query: str = "") -> list[dict[str, Any]]:
    status, body, _ = api.call("GET", f"/api/v1/payments{query}")
    assert status == 200, body
    return list(body)


def payment_at(api: Api, monkeypatch: pytest.MonkeyPatch, epoch_seconds: float) -> dict[str, Any]:
    """A payment created at that moment (the clock every timestamp is read from, moved)."""
    from gateway.domain import clock

    with monkeypatch.context() as moved:
        moved.setattr(clock, "epoch_now", lambda: epoch_seconds)
        return api.create_upi_payment()


def auto_refunded_pair(api: Api) -> tuple[dict[str, Any], dict[str, Any]]:
    """Two payments on one order, settled in turn: (the one that paid it, the one refunded in full)."""
    order = api.create_order()
    paying, late = api.create_upi_payment(order["id"]), api.create_upi_payment(order["id"])
    settle(paying["id"])
    settle(late["id"])
    return paying, late


# ---------------------------------------------------------------- order_status


def test_each_listed_payment_carries_its_orders_current_status(api: Api) -> None:
    # GIVEN an order paid by its payment, and another whose payment is still pending
    paid = api.create_upi_payment()
    settle(paid["id"])
    pending = api.create_upi_payment()

    # THEN the list says each order's status as it is now
    statuses = {payment["id"]: payment["order_status"] for payment in listed(api)}
    assert statuses == {paid["id"]: "paid", pending["id"]: "attempted"}


def test_a_searched_payment_carries_its_orders_status_too(api: Api) -> None:
    order = api.create_order()
    body = {"order_id": order["id"], "method": "upi", "vpa": "user@paytm", "email": "asha@example.com"}
    status, payment, _ = api.call("POST", "/api/v1/payments", body)
    assert status == 201, payment
    settle(payment["id"])
    assert [(p["id"], p["order_status"]) for p in listed(api, "?email=asha@example.com")] == [
        (payment["id"], "paid")
    ]


def test_a_page_of_100_payments_reads_their_orders_in_one_batch(
    api: Api, dynamo_calls: list[tuple[str, dict[str, Any]]]
) -> None:
    # GIVEN 100 payments, each on an order of its own
    payments = [api.create_upi_payment() for _ in range(100)]
    dynamo_calls.clear()

    # WHEN the merchant lists them
    page = listed(api, "?limit=100")

    # THEN every one has its order's status, read by one BatchGetItem of 100 keys and no read per order
    assert len(page) == 100 and {p["order_status"] for p in page} == {"attempted"}
    on_orders = [
        (operation, params)
        for operation, params in dynamo_calls
        if params.get("TableName", "").endswith("orders")
        or any(table.endswith("orders") for table in params.get("RequestItems", {}))
    ]
    assert [operation for operation, _ in on_orders] == ["BatchGetItem"]
    (keys,) = [table["Keys"] for table in on_orders[0][1]["RequestItems"].values()]
    assert sorted(key["id"]["S"] for key in keys) == sorted(p["order_id"] for p in payments)


# ---------------------------------------------------------------- auto_refunded


def test_a_payment_refunded_because_its_order_was_paid_says_so_on_every_view(api: Api) -> None:
    # GIVEN an order paid by one payment, and a second payment on it that the gateway refunded in full
    paying, late = auto_refunded_pair(api)
    refunds = api.call("GET", f"/api/v1/payments/{late['id']}/refunds")[1]
    assert [refund["reason"] for refund in refunds] == ["Order already paid"]

    # THEN the list, the payment itself and the order's payments all say which one was auto-refunded
    assert {p["id"]: p["auto_refunded"] for p in listed(api)} == {paying["id"]: False, late["id"]: True}
    assert api.call("GET", f"/api/v1/payments/{late['id']}")[1]["auto_refunded"] is True
    assert api.call("GET", f"/api/v1/payments/{paying['id']}")[1]["auto_refunded"] is False
    by_order = api.call("GET", f"/api/v1/orders/{paying['order_id']}/payments")[1]
    assert {p["id"]: p["auto_refunded"] for p in by_order} == {paying["id"]: False, late["id"]: True}
    # AND both list their order as paid
    assert {p["order_status"] for p in listed(api)} == {"paid"}


def test_a_payment_the_merchant_refunded_in_full_is_not_auto_refunded(api: Api) -> None:
    payment = api.create_upi_payment()
    settle(payment["id"])
    status, body, _ = api.call("POST", f"/api/v1/payments/{payment['id']}/refunds", {"amount": 50000})
    assert status == 201, body
    (listed_payment,) = listed(api)
    assert listed_payment["amount_refunded"] == 50000 and listed_payment["auto_refunded"] is False


def test_pending_and_failed_payments_are_not_auto_refunded(api: Api) -> None:
    pending = api.create_upi_payment()
    failed = api.create_upi_payment(vpa="failure@upi")
    settle(failed["id"])
    views = {p["id"]: (p["status"], p["auto_refunded"]) for p in listed(api)}
    assert views == {pending["id"]: ("pending", False), failed["id"]: ("failed", False)}


# ---------------------------------------------------------------- from / to


def test_from_and_to_keep_the_payments_created_in_that_range_both_ends_included(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN payments a minute apart, the middle one late in its second
    early = payment_at(api, monkeypatch, MOMENT)
    middle = payment_at(api, monkeypatch, MOMENT + 60.999)
    late = payment_at(api, monkeypatch, MOMENT + 120)

    def found(query: str) -> list[str]:
        return [payment["id"] for payment in listed(api, query)]

    # THEN each range keeps what was created within it, newest first
    assert found(f"?from={at(MOMENT)}&to={at(MOMENT + 120)}") == [late["id"], middle["id"], early["id"]]
    assert found(f"?from={at(MOMENT + 60)}&to={at(MOMENT + 60.999)}") == [middle["id"]]
    assert found(f"?from={at(MOMENT + 60)}&to={at(MOMENT + 60.998)}") == []
    assert found(f"?from={at(MOMENT + 1)}") == [late["id"], middle["id"]]
    assert found(f"?to={at(MOMENT + 119)}") == [middle["id"], early["id"]]
    assert found(f"?from={at(MOMENT + 121)}") == []
    assert found("?from=&to=") == [late["id"], middle["id"], early["id"]]
    # AND with paging, the page is taken from within the range
    assert found(f"?from={at(MOMENT)}&limit=1&offset=1") == [middle["id"]]


def test_a_range_combines_with_a_search(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    from gateway.domain import clock

    made = []
    for moment in (MOMENT, MOMENT + 3600):
        with monkeypatch.context() as moved:
            moved.setattr(clock, "epoch_now", lambda moment=moment: moment)
            order = api.create_order()
            body = {"order_id": order["id"], "method": "upi", "vpa": "u@paytm", "email": "asha@example.com"}
            made.append(api.call("POST", "/api/v1/payments", body)[1])
    found = listed(api, f"?email=asha@example.com&from={at(MOMENT + 1)}")
    assert [payment["id"] for payment in found] == [made[1]["id"]]


def test_a_range_is_a_query_on_the_indexs_range_key_not_a_scan_or_a_filter(
    api: Api, monkeypatch: pytest.MonkeyPatch, dynamo_calls: list[tuple[str, dict[str, Any]]]
) -> None:
    payment_at(api, monkeypatch, MOMENT)
    dynamo_calls.clear()
    listed(api, f"?from={at(MOMENT)}&to={at(MOMENT + 1)}")
    on_payments = [
        (operation, params)
        for operation, params in dynamo_calls
        if params.get("TableName", "").endswith("payments")
    ]
    assert [operation for operation, _ in on_payments] == ["Query"]
    query = on_payments[0][1]
    assert query["IndexName"] == "by_merchant"
    assert "created_at" in query["ExpressionAttributeNames"].values()
    assert "BETWEEN" in query["KeyConditionExpression"] and "FilterExpression" not in query


@pytest.mark.parametrize(
    ("query", "field", "description"),
    [
        ("from=yesterday", "from", "from must be an ISO-8601 timestamp"),
        ("to=1768473000", "to", "to must be an ISO-8601 timestamp"),
        ("to=2026-01-15T10:30:00", "to", "to must carry a time zone (e.g. Z)"),
        ("from=" + "9" * 5000, "from", "from must be an ISO-8601 timestamp"),
        (
            "from=0001-01-01T00:00:00%2B05:30",
            "from",
            "from is out of range: in UTC it must fall between 0001-01-01 and 9999-12-31",
        ),
        (f"from={at(MOMENT + 1)}&to={at(MOMENT)}", "from", "from must not be after to"),
    ],
)
def test_a_bad_from_or_to_is_400_naming_it(api: Api, query: str, field: str, description: str) -> None:
    api.create_upi_payment()
    status, body, _ = api.call("GET", f"/api/v1/payments?{query}")
    assert status == 400, body
    error = body["error"]
    assert (error["code"], error["description"], error["field"]) == ("BAD_REQUEST_ERROR", description, field)


def test_the_whole_range_of_timestamps_is_accepted(api: Api) -> None:
    payment = api.create_upi_payment()
    assert [p["id"] for p in listed(api, "?from=0001-01-01T00:00:00Z&to=9999-12-31T23:59:59.999Z")] == [
        payment["id"]
    ]
