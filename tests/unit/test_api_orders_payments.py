"""Orders and payments over the Chalice app, against moto: every error branch has its test."""

from __future__ import annotations

import pytest

from tests.cards import VALID_CARD
from tests.unit.conftest import settle


def error_of(body):
    return body["error"]["code"], body["error"]["description"]


# ---------------------------------------------------------------- health and test helpers


def test_health_reports_database_connected(api):
    status, body, _ = api.call("GET", "/health", headers={})
    assert status == 200 and body["status"] == "healthy" and body["database"] == "connected"
    assert body["timestamp"].endswith("Z")


def test_health_reports_an_unreachable_database_as_503(api, monkeypatch):
    # GIVEN the table store refusing connections
    from botocore.exceptions import EndpointConnectionError
    from gateway.data import jobs

    def unreachable(*args, **kwargs):
        raise EndpointConnectionError(endpoint_url="http://127.0.0.1:9")

    monkeypatch.setattr(jobs.dynamo, "get_item", unreachable)
    # WHEN the health check runs THEN it answers 503 in its own shape, with no internals
    status, body, _ = api.call("GET", "/health", headers={})
    assert status == 503
    assert (body["status"], body["database"], set(body)) == (
        "unhealthy",
        "disconnected",
        {"status", "database", "timestamp"},
    )


def test_test_merchant_is_seeded(test_merchant_api):
    status, body, _ = test_merchant_api.call("GET", "/api/v1/test/merchant")
    assert status == 200
    assert body == {
        "id": "550e8400-e29b-41d4-a716-446655440000",
        "email": "test@example.com",
        "api_key": "key_test_abc123",
        "seeded": True,
    }


def test_test_endpoints_are_hidden_outside_test_mode(api, monkeypatch):
    from gateway import config

    monkeypatch.setenv("TEST_ENDPOINTS", "false")
    config.get_settings.cache_clear()
    status, body, _ = api.call("GET", "/api/v1/test/merchant")
    assert status == 404 and body["error"]["code"] == "NOT_FOUND_ERROR"


def test_seeding_twice_keeps_one_merchant(aws):
    from gateway.data.merchants import get_merchant
    from gateway.services.merchants import TEST_MERCHANT_ID, seed_test_merchant

    seed_test_merchant()
    assert seed_test_merchant() is False
    assert get_merchant(TEST_MERCHANT_ID).email == "test@example.com"


# ---------------------------------------------------------------- authentication


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Api-Key": "key_test_abc123"},
        {"X-Api-Key": "key_test_abc123", "X-Api-Secret": "wrong"},
        {"X-Api-Key": "nope", "X-Api-Secret": "secret_test_xyz789"},
    ],
)
def test_merchant_routes_need_a_valid_key_pair(test_merchant_api, headers):
    api = test_merchant_api
    api.headers = {"Content-Type": "application/json", **headers}
    status, body, _ = api.call("POST", "/api/v1/orders", {"amount": 50000})
    assert status == 401
    assert error_of(body) == ("AUTHENTICATION_ERROR", "Invalid API credentials")


# ---------------------------------------------------------------- orders


def test_create_order_returns_the_order(api):
    status, body, _ = api.call(
        "POST", "/api/v1/orders", {"amount": 50000, "receipt": "r#1", "notes": {"k": "v"}}
    )
    assert status == 201
    assert body["id"].startswith("order_") and len(body["id"]) == 22
    assert {k: body[k] for k in ("amount", "currency", "receipt", "notes", "status")} == {
        "amount": 50000,
        "currency": "INR",
        "receipt": "r#1",
        "notes": {"k": "v"},
        "status": "created",
    }
    assert body["merchant_id"] == api.merchant["id"] and body["created_at"].endswith("Z")


@pytest.mark.parametrize("amount", [None, 99, 0, -5])
def test_create_order_rejects_missing_or_small_amounts(api, amount):
    status, body, _ = api.call("POST", "/api/v1/orders", {"amount": amount} if amount is not None else {})
    assert status == 400 and error_of(body) == ("BAD_REQUEST_ERROR", "amount must be at least 100")


@pytest.mark.parametrize("amount", ["50000", 50000.0, 500.5, False, True, [50000], {"value": 1}])
def test_create_order_rejects_non_integer_amounts_naming_the_unit(api, amount):
    status, body, _ = api.call("POST", "/api/v1/orders", {"amount": amount})
    assert status == 400 and error_of(body) == (
        "BAD_REQUEST_ERROR",
        "amount must be an integer in the currency's smallest unit",
    )


@pytest.mark.parametrize(
    "extra",
    [{"receipt": "x" * 256}, {"notes": "text"}, {"notes": [1]}, {"currency": "rupees"}, {"receipt": 5}],
)
def test_create_order_rejects_bad_optional_fields(api, extra):
    status, body, _ = api.call("POST", "/api/v1/orders", {"amount": 50000, **extra})
    assert status == 400 and body["error"]["code"] == "BAD_REQUEST_ERROR"


@pytest.mark.parametrize("raw", ["{not json", "[1,2]", '"text"', "null"])
def test_malformed_or_non_object_bodies_are_400(api, raw):
    status, body, _ = api.call("POST", "/api/v1/orders", raw=raw)
    assert status == 400 and body["error"]["code"] == "BAD_REQUEST_ERROR"


def test_get_order_full_and_public(api):
    order = api.create_order(12345)
    status, body, _ = api.call("GET", f"/api/v1/orders/{order['id']}")
    assert status == 200 and body["updated_at"] and body["amount"] == 12345
    status, body, _ = api.call("GET", f"/api/v1/orders/{order['id']}/public", headers={"X-Api-Key": ""})
    assert status == 200 and body == {
        "id": order["id"],
        "amount": 12345,
        "currency": "INR",
        "status": "created",
        "version": 1,
        "merchant_name": "Shop",
        "payment": None,
    }


@pytest.mark.parametrize(
    "path", ["/api/v1/orders/order_missing000000000", "/api/v1/orders/order_missing000000000/public"]
)
def test_unknown_order_is_404(api, path):
    status, body, _ = api.call("GET", path)
    assert status == 404 and error_of(body) == ("NOT_FOUND_ERROR", "Order not found")


# ---------------------------------------------------------------- payments


def test_upi_payment_is_pending_with_the_order_amount(api):
    order = api.create_order(50000)
    status, body, _ = api.call(
        "POST", "/api/v1/payments", {"order_id": order["id"], "method": "upi", "vpa": "a@okaxis"}
    )
    assert status == 201
    assert set(body) == {
        "id",
        "order_id",
        "amount",
        "currency",
        "method",
        "vpa",
        "email",
        "contact",
        "status",
        "version",
        "created_at",
    }
    assert body["id"].startswith("pay_") and body["status"] == "pending" and body["amount"] == 50000


def test_card_payment_keeps_only_network_and_last4(api):
    order = api.create_order()
    status, body, _ = api.call(
        "POST", "/api/v1/payments", {"order_id": order["id"], "method": "card", "card": VALID_CARD}
    )
    assert status == 201
    assert body["card_network"] == "visa" and body["card_last4"] == "1111" and "card" not in body


@pytest.mark.parametrize(
    ("payload", "code", "description"),
    [
        ({"method": "upi", "vpa": "user@paytm"}, "NOT_FOUND_ERROR", "Order not found"),
        ({"method": "wallet"}, "BAD_REQUEST_ERROR", "Invalid payment method"),
        ({"method": "upi", "vpa": "not-a-vpa"}, "INVALID_VPA", "VPA format invalid"),
        (
            {"method": "card", "card": {**VALID_CARD, "number": "4111111111111112"}},
            "INVALID_CARD",
            "Card validation failed",
        ),
        (
            {"method": "card", "card": {**VALID_CARD, "expiry_month": "13"}},
            "EXPIRED_CARD",
            "Card expiry date invalid",
        ),
        (
            {"method": "card", "card": {**VALID_CARD, "expiry_year": "2020"}},
            "EXPIRED_CARD",
            "Card expiry date invalid",
        ),
        (
            {"method": "card", "card": {k: v for k, v in VALID_CARD.items() if k != "cvv"}},
            "BAD_REQUEST_ERROR",
            "card.cvv is required",
        ),
        ({"method": "card"}, "BAD_REQUEST_ERROR", "card details are required"),
    ],
)
def test_payment_validation_errors(api, payload, code, description):
    order_id = "order_doesnotexist0000" if code == "NOT_FOUND_ERROR" else api.create_order()["id"]
    status, body, _ = api.call("POST", "/api/v1/payments", {"order_id": order_id, **payload})
    assert status == (404 if code == "NOT_FOUND_ERROR" else 400)
    assert error_of(body) == (code, description)


def test_order_is_checked_before_method(api):
    status, body, _ = api.call(
        "POST", "/api/v1/payments", {"order_id": "order_doesnotexist0000", "method": "x"}
    )
    assert status == 404 and error_of(body) == ("NOT_FOUND_ERROR", "Order not found")


def test_get_payment_has_every_field(api):
    payment = api.create_upi_payment()
    status, body, _ = api.call("GET", f"/api/v1/payments/{payment['id']}")
    assert status == 200
    assert body["captured"] is False and body["error_code"] is None and body["updated_at"]
    assert body["vpa"] == "user@paytm"


def test_unknown_payment_is_404(api):
    for path in ("/api/v1/payments/pay_missing00000000", "/api/v1/payments/pay_missing00000000/public"):
        status, body, _ = api.call("GET", path)
        assert status == 404 and error_of(body) == ("NOT_FOUND_ERROR", "Payment not found")


def test_public_payment_create_and_get(api):
    order = api.create_order(20000)
    status, body, _ = api.call(
        "POST",
        "/api/v1/payments/public",
        {"order_id": order["id"], "method": "upi", "vpa": "s@ybl"},
        headers={"X-Api-Key": ""},
    )
    assert status == 201 and body["amount"] == 20000
    status, public, _ = api.call("GET", f"/api/v1/payments/{body['id']}/public", headers={"X-Api-Key": ""})
    assert status == 200
    assert set(public) == {
        "id",
        "order_id",
        "amount",
        "currency",
        "method",
        "status",
        "error_code",
        "error_description",
        "signature",
        "version",
        "created_at",
    }


def test_public_payment_for_unknown_order_is_404(api):
    status, body, _ = api.call(
        "POST", "/api/v1/payments/public", {"order_id": "order_nope000000000000", "method": "upi"}
    )
    assert status == 404 and error_of(body) == ("NOT_FOUND_ERROR", "Order not found")


def test_list_is_newest_first_with_limit_and_offset(api):
    made = [api.create_upi_payment()["id"] for _ in range(3)]
    status, body, _ = api.call("GET", "/api/v1/payments")
    assert status == 200 and [p["id"] for p in body] == made[::-1]
    status, body, _ = api.call("GET", "/api/v1/payments?limit=1&offset=1")
    assert [p["id"] for p in body] == [made[1]]


def test_empty_pagination_parameters_mean_the_defaults(api):
    made = [api.create_upi_payment()["id"] for _ in range(2)]
    status, body, _ = api.call("GET", "/api/v1/payments?limit=&offset=")
    assert status == 200 and [p["id"] for p in body] == made[::-1]


@pytest.mark.parametrize("query", ["limit=0", "limit=abc", "offset=-1", "limit=1000"])
def test_list_rejects_bad_pagination(api, query):
    status, body, _ = api.call("GET", f"/api/v1/payments?{query}")
    assert status == 400 and body["error"]["code"] == "BAD_REQUEST_ERROR"


STATS_FIGURES = ("total_transactions", "total_amount", "success_rate")


def test_stats_count_successful_amounts(api):
    status, body, _ = api.call("GET", "/api/v1/payments/stats")
    assert {name: body[name] for name in STATS_FIGURES} == {
        "total_transactions": 0,
        "total_amount": 0,
        "success_rate": 0,
    }
    first = api.create_upi_payment(api.create_order(10000)["id"])
    api.create_upi_payment(api.create_order(20000)["id"])
    settle(first["id"])
    status, body, _ = api.call("GET", "/api/v1/payments/stats")
    assert status == 200 and {name: body[name] for name in STATS_FIGURES} == {
        "total_transactions": 2,
        "total_amount": 10000,
        "success_rate": 50,
    }


# ---------------------------------------------------------------- capture


def test_capture_needs_a_successful_payment(api):
    payment = api.create_upi_payment()
    status, body, _ = api.call("POST", f"/api/v1/payments/{payment['id']}/capture", {"amount": 50000})
    assert status == 400 and error_of(body) == ("BAD_REQUEST_ERROR", "Payment not in capturable state")


def test_capture_twice_returns_captured_again_without_a_new_version(api, successful_payment):
    for _ in range(2):
        status, body, _ = api.call(
            "POST", f"/api/v1/payments/{successful_payment['id']}/capture", {"amount": 50000}
        )
        assert status == 200 and body["captured"] is True and body["status"] == "success"
        assert body["version"] == 3  # created 1, settled 2, captured 3; the repeat changes nothing


def test_concurrent_captures_all_answer_captured_and_count_one_change(api, successful_payment):
    from concurrent.futures import ThreadPoolExecutor

    path = f"/api/v1/payments/{successful_payment['id']}/capture"
    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(lambda _: api.call("POST", path, {"amount": 50000}), range(6)))
    assert {(status, body["captured"], body["version"]) for status, body, _ in answers} == {(200, True, 3)}
    assert api.call("GET", f"/api/v1/payments/{successful_payment['id']}")[1]["version"] == 3


@pytest.mark.parametrize("body", [None, {}])
def test_capture_without_an_amount_takes_what_is_authorized(api, successful_payment, body):
    status, answer, _ = api.call("POST", f"/api/v1/payments/{successful_payment['id']}/capture", body)
    assert status == 200 and answer["captured"] is True and answer["amount_captured"] == 50000


@pytest.mark.parametrize("amount", ["50000", 50000.0, True])
def test_capture_refuses_a_non_integer_amount(api, successful_payment, amount):
    status, answer, _ = api.call(
        "POST", f"/api/v1/payments/{successful_payment['id']}/capture", {"amount": amount}
    )
    assert status == 400 and error_of(answer) == (
        "BAD_REQUEST_ERROR",
        "amount must be an integer in the currency's smallest unit",
    )


def test_capture_rejects_a_different_amount(api, successful_payment):
    status, body, _ = api.call(
        "POST", f"/api/v1/payments/{successful_payment['id']}/capture", {"amount": 100}
    )
    assert status == 400 and body["error"]["code"] == "BAD_REQUEST_ERROR"
    assert body["error"]["description"].startswith("Capture amount must equal")


def test_capture_unknown_payment_is_404(api):
    status, body, _ = api.call("POST", "/api/v1/payments/pay_missing00000000/capture", {"amount": 100})
    assert status == 404 and error_of(body) == ("NOT_FOUND_ERROR", "Payment not found")


# ---------------------------------------------------------------- login


def test_login_test_merchant_accepts_any_password(test_merchant_api):
    status, body, _ = test_merchant_api.call(
        "POST", "/api/v1/auth/login", {"email": "test@example.com", "password": "anything"}, headers={}
    )
    assert status == 200 and body["merchant"]["id"] == "550e8400-e29b-41d4-a716-446655440000"
    assert body["token"].startswith("sess_") and "api_secret" not in body["merchant"]


def test_login_with_a_password_needs_the_right_one(client):
    from tests.unit.conftest import merchant_api

    api = merchant_api(client, password="correct horse")
    email = api.merchant["email"]
    status, body, _ = api.call("POST", "/api/v1/auth/login", {"email": email, "password": "wrong"})
    assert status == 401 and body["error"]["code"] == "AUTHENTICATION_ERROR"
    status, body, _ = api.call(
        "POST", "/api/v1/auth/login", {"email": email.upper(), "password": "correct horse"}
    )
    assert status == 200 and body["merchant"]["id"] == api.merchant["id"]


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"email": "test@example.com"},
        {"email": 5, "password": "x"},
        {"email": "test@example.com", "password": "x" * 1025},
        {"email": "a" * 250 + "@example.com", "password": "x"},
    ],
)
def test_login_rejects_incomplete_bodies(api, payload):
    status, body, _ = api.call("POST", "/api/v1/auth/login", payload)
    assert status == 400 and body["error"]["code"] == "BAD_REQUEST_ERROR"


def test_login_unknown_email_is_401(api):
    status, body, _ = api.call("POST", "/api/v1/auth/login", {"email": "nobody@example.com", "password": "x"})
    assert status == 401


def test_unexpected_faults_are_500_without_internals(api, monkeypatch):
    from gateway.services import orders

    def explode(*_args, **_kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(orders, "create_order", explode)
    status, body, headers = api.call("POST", "/api/v1/orders", {"amount": 50000})
    assert status == 500 and body == {
        "error": {
            "code": "INTERNAL_SERVER_ERROR",
            "description": "Internal server error",
            "request_id": headers["Request-Id"],
        }
    }
