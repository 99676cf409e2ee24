"""What an attacker tries first (issue: security hardening), each refused with a clear 4xx."""

from __future__ import annotations

import json
import uuid

import pytest
from gateway.domain import validation
from gateway.domain.json_input import MAX_DEPTH, parse_request_json
from gateway.domain.network import is_global_address
from gateway.errors import BadRequestError

from tests.unit.conftest import Api


def error_of(body):
    return body["error"]["code"], body["error"]["description"]


@pytest.fixture
def source_ip(monkeypatch):
    """Each test logs in from an address of its own, so failure counters do not leak between tests."""
    from chalice.local import LambdaEventConverter

    address = f"203.0.113.{uuid.uuid4().int % 250 + 1}-{uuid.uuid4().hex[:6]}"
    monkeypatch.setattr(LambdaEventConverter, "LOCAL_SOURCE_IP", address)
    return address


# ---------------------------------------------------------------- hostile bodies: 400, never 500


@pytest.mark.parametrize(
    ("raw", "description"),
    [
        ("[" * 40000 + "]" * 40000, "JSON must not be nested deeper than 32 levels"),
        ("[" * 100000 + "]" * 100000, "Request body must be at most 100 KB"),
        (
            '{"amount": 50000, "notes": {"a": "\\ud800"}}',
            "Strings must be valid Unicode (no lone surrogates)",
        ),
        (
            '{"amount": 50000, "notes": {"\\udfff": "x"}}',
            "Strings must be valid Unicode (no lone surrogates)",
        ),
        ('{"amount": 50000, "notes": {"n": NaN}}', "NaN is not a valid JSON number"),
        ('{"amount": 50000, "notes": {"n": Infinity}}', "Infinity is not a valid JSON number"),
        ('{"amount": 50000, "notes": {"n": "' + "x" * 500_000 + '"}}', "Request body must be at most 100 KB"),
    ],
)
def test_hostile_order_bodies_are_400_with_a_clear_description(api, raw, description):
    status, body, _ = api.call("POST", "/api/v1/orders", raw=raw)
    assert status == 400 and error_of(body) == ("BAD_REQUEST_ERROR", description)


def test_nesting_at_the_limit_is_accepted_and_one_deeper_is_not():
    assert parse_request_json("[" * MAX_DEPTH + "]" * MAX_DEPTH) is not None
    with pytest.raises(BadRequestError):
        parse_request_json("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))


@pytest.mark.parametrize(
    "path", ["/api/v1/payments?limit=" + "9" * 5000, "/api/v1/webhooks?offset=" + "1" * 5000]
)
def test_pagination_with_thousands_of_digits_is_400(api, path):
    status, body, _ = api.call("GET", path)
    assert status == 400 and body["error"]["code"] == "BAD_REQUEST_ERROR"


@pytest.mark.parametrize(
    "notes",
    [
        {f"k{i}": "v" for i in range(16)},
        {"k" * 41: "v"},
        {"key": "v" * 257},
        {"key": 5},
        {"key": {"nested": "object"}},
    ],
)
def test_notes_are_bounded_as_razorpay_bounds_them(api, notes):
    status, body, _ = api.call("POST", "/api/v1/orders", {"amount": 50000, "notes": notes})
    assert status == 400 and body["error"]["code"] == "BAD_REQUEST_ERROR"


def test_notes_at_the_limits_are_kept(api):
    notes = {f"{i:02d}" + "k" * 38: "v" * 256 for i in range(15)}
    order = api.create_order(notes=notes)
    assert order["notes"] == notes


@pytest.mark.parametrize("currency", ["XYZ", "inr", "RS", "EURO", "XXX", 356])
def test_only_iso_4217_currencies_are_accepted(api, currency):
    status, body, _ = api.call("POST", "/api/v1/orders", {"amount": 50000, "currency": currency})
    assert status == 400 and body["error"]["code"] == "BAD_REQUEST_ERROR"


def test_a_real_currency_other_than_inr_is_accepted(api):
    assert api.create_order(currency="USD")["currency"] == "USD"


@pytest.mark.parametrize(
    "payload",
    [
        {"method": "upi", "vpa": "a" * 300 + "@upi"},
        {
            "method": "card",
            "card": {
                "number": "4111111111111111",
                "expiry_month": 12,
                "expiry_year": 2099,
                "cvv": "123",
                "holder_name": "x" * 300,
            },
        },
        {"method": "upi", "vpa": "user@upi", "order_id": "order_" + "x" * 5000},
        {
            "method": "card",
            "card": {
                "number": "4111111111111111",
                "expiry_month": "1" * 5000,
                "expiry_year": 2099,
                "cvv": "123",
                "holder_name": "A",
            },
        },
        {
            "method": "card",
            "card": {
                "number": "4111111111111111",
                "expiry_month": 12,
                "expiry_year": "9" * 5000,
                "cvv": "123",
                "holder_name": "A",
            },
        },
        {
            "method": "card",
            "card": {
                "number": "4" * 50000,
                "expiry_month": 12,
                "expiry_year": 2099,
                "cvv": "1" * 5000,
                "holder_name": "A",
            },
        },
    ],
)
def test_oversized_payment_strings_are_400(api, payload):
    payload = {"order_id": api.create_order()["id"], **payload}
    status, body, _ = api.call("POST", "/api/v1/payments", payload)
    assert 400 <= status < 500 and status != 404, body


# ---------------------------------------------------------------- webhook URLs checked when saved


@pytest.mark.parametrize(
    "url",
    [
        "http://exa mple.com/",
        "http://example.com/\x00",
        "http://example.com:99999/",
        "http://example.com:0/",
        "http://169.254.169.254/latest/meta-data",
        "http://127.0.0.1:8000/",
        "http://100.64.0.1/",
        "http://100.100.100.200/",
        "http://[2002:7f00:1::]/",
        "http://[::ffff:10.0.0.1]/",
        "http://user:password@example.com/",
        "http://example.com\t/hook",
        "gopher://example.com/",
        "https:///no-host",
    ],
)
def test_webhook_urls_that_cannot_be_a_public_receiver_are_refused(url):
    with pytest.raises(BadRequestError):
        validation.validate_webhook_url({"webhook_url": url}, allow_private=False)


def test_private_targets_are_accepted_where_the_stack_allows_them():
    url = "http://127.0.0.1:4000/webhook"
    assert validation.validate_webhook_url({"webhook_url": url}, allow_private=True) == url


def test_a_port_out_of_range_is_refused_by_the_api_even_where_private_targets_are_allowed(api):
    status, body, _ = api.call("PUT", "/api/v1/webhooks/config", {"webhook_url": "http://localhost:99999/"})
    assert status == 400 and body["error"]["code"] == "BAD_REQUEST_ERROR"


@pytest.mark.parametrize(
    ("address", "is_global"),
    [
        ("8.8.8.8", True),
        ("2606:4700:4700::1111", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("192.168.1.1", False),
        ("172.16.0.1", False),
        ("169.254.169.254", False),
        ("::1", False),
        ("0.0.0.0", False),
        ("fe80::1", False),
        ("100.64.0.1", False),
        ("100.100.100.200", False),
        ("2002:7f00:1::", False),
        ("192.0.2.1", False),
        ("198.18.0.1", False),
        ("224.0.0.1", False),
        ("::ffff:8.8.8.8", True),
        ("::ffff:127.0.0.1", False),
        ("not an address", False),
    ],
)
def test_only_globally_routable_addresses_are_webhook_targets(address, is_global):
    assert is_global_address(address) is is_global


# ---------------------------------------------------------------- login


def test_a_merchant_without_a_password_cannot_log_in(client, source_ip):
    from gateway.services.merchants import create_merchant

    merchant = create_merchant("No Password", f"nopw-{uuid.uuid4().hex[:10]}@example.com")
    status, body, _ = Api(client, {}).call(
        "POST", "/api/v1/auth/login", {"email": merchant["email"], "password": "anything"}
    )
    assert status == 401 and body["error"]["code"] == "AUTHENTICATION_ERROR"


def test_the_demo_merchant_logs_in_without_a_password_only_where_test_endpoints_are_on(
    test_merchant_api, source_ip, monkeypatch
):
    from gateway import config

    login = {"email": "test@example.com", "password": "anything"}
    assert test_merchant_api.call("POST", "/api/v1/auth/login", login)[0] == 200
    monkeypatch.setenv("TEST_ENDPOINTS", "false")
    config.get_settings.cache_clear()
    status, body, _ = test_merchant_api.call("POST", "/api/v1/auth/login", login)
    assert status == 401 and body["error"]["code"] == "AUTHENTICATION_ERROR"
    config.get_settings.cache_clear()


def test_unknown_and_known_emails_cost_the_same_one_password_hash(client, source_ip, monkeypatch):
    from gateway.services import auth

    calls = []
    real_scrypt = auth._scrypt
    monkeypatch.setattr(auth, "_scrypt", lambda *args: calls.append(args[2]) or real_scrypt(*args))
    login = Api(client, {})
    login.call(
        "POST", "/api/v1/auth/login", {"email": f"nobody-{uuid.uuid4().hex}@example.com", "password": "x"}
    )
    assert calls == [2**17]


def test_failed_logins_lock_the_account_even_for_the_right_password(client, source_ip):
    from gateway.services.merchants import create_merchant

    email = f"locked-{uuid.uuid4().hex[:10]}@example.com"
    create_merchant("Shop", email, password="correct horse")
    login = Api(client, {})
    for _ in range(5):
        assert login.call("POST", "/api/v1/auth/login", {"email": email, "password": "wrong"})[0] == 401
    status, body, headers = login.call(
        "POST", "/api/v1/auth/login", {"email": email, "password": "correct horse"}
    )
    assert status == 429 and body["error"]["code"] == "RATE_LIMIT_ERROR"
    retry_after = {name.lower(): value for name, value in headers.items()}["retry-after"]
    assert 1 <= int(retry_after) <= 900


def test_failed_logins_from_one_address_are_throttled_across_accounts(client, source_ip):
    login = Api(client, {})
    for attempt in range(20):
        email = f"guess-{attempt}-{uuid.uuid4().hex[:6]}@example.com"
        assert login.call("POST", "/api/v1/auth/login", {"email": email, "password": "x"})[0] == 401
    status, body, headers = login.call(
        "POST", "/api/v1/auth/login", {"email": "any@example.com", "password": "x"}
    )
    assert status == 429 and "retry-after" in {name.lower() for name in headers}


# ---------------------------------------------------------------- the demo account leaves with test mode


def test_deleting_the_seed_resource_deactivates_the_demo_keys(test_merchant_api, monkeypatch):
    from gateway.services.merchants import seed_test_merchant

    from functions.seed import app as seed

    answers = []
    monkeypatch.setattr(seed, "_respond", lambda event, context, status, reason: answers.append(status))
    event = {
        "RequestType": "Delete",
        "StackId": "s",
        "RequestId": "r",
        "LogicalResourceId": "TestMerchantSeed",
    }
    try:
        seed.handler(event, None)
        assert answers == ["SUCCESS"]
        status, body, _ = test_merchant_api.call("GET", "/api/v1/payments")
        assert status == 401 and body["error"]["code"] == "AUTHENTICATION_ERROR"
    finally:
        seed_test_merchant()  # test mode back on: the demo account works again
    assert test_merchant_api.call("GET", "/api/v1/payments")[0] == 200


def test_error_responses_carry_no_internals_for_hostile_json(api):
    status, body, _ = api.call("POST", "/api/v1/payments", raw='{"order_id": "' + "\\ud83d" * 3 + '"}')
    assert status == 400 and "Traceback" not in json.dumps(body)


# ---------------------------------------------------------------- CORS on a deployed stack


def test_a_deployed_stack_lets_only_its_own_two_origins_read_answers(api, monkeypatch):
    monkeypatch.setenv("CORS_ALLOW_ORIGIN", "https://dash.example.com,https://pay.example.com")
    for origin in ("https://dash.example.com", "https://pay.example.com"):
        _, _, headers = api.call("GET", "/api/v1/payments", headers={"Origin": origin})
        assert headers["Access-Control-Allow-Origin"] == origin
    _, _, headers = api.call("GET", "/api/v1/payments", headers={"Origin": "https://evil.example"})
    assert headers["Access-Control-Allow-Origin"] == "https://dash.example.com"


# ---------------------------------------------------------------- keys DynamoDB itself would refuse


def test_an_api_key_or_id_longer_than_dynamodb_keys_is_looked_up_as_nothing(api, monkeypatch):
    """Real DynamoDB answers a partition key over 2048 bytes with a ValidationException (a 500 here
    before); moto does not, so the test makes any such query fail loudly."""
    from gateway.data import dynamo
    from gateway.data.models import CredentialModel, OrderModel

    def refuse(*_args, **_kwargs):
        raise AssertionError("an oversized key reached DynamoDB")

    monkeypatch.setattr(CredentialModel, "get", refuse)
    monkeypatch.setattr(OrderModel, "get", refuse)
    status, body, _ = api.call("GET", "/api/v1/payments", headers={"X-Api-Key": "key_" + "x" * 5000})
    assert status == 401 and body["error"]["code"] == "AUTHENTICATION_ERROR"
    status, body, _ = api.call("GET", "/api/v1/orders/public_" + "o" * 3000 + "/public")
    assert status == 404 and body["error"]["description"] == "Order not found"
    assert dynamo.can_be_a_key("k" * 2048) and not dynamo.can_be_a_key("k" * 2049)
