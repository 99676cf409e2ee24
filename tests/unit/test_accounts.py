"""Merchant accounts: dashboard sessions, key pairs and their rolling, passwords and password links,
deactivation everywhere, the operators' admin function, and logins that hold under attack."""

from __future__ import annotations

import threading
import uuid
from typing import Any

import pytest

from tests.unit.conftest import Api, merchant_api

PASSWORD = "correct horse battery"


@pytest.fixture
def from_address(monkeypatch):
    """Log in from a given source address: from_address("198.51.100.7")."""
    from chalice.local import LambdaEventConverter

    def use(address: str) -> str:
        monkeypatch.setattr(LambdaEventConverter, "LOCAL_SOURCE_IP", address)
        return address

    use(f"203.0.113.{uuid.uuid4().int % 250 + 1}-{uuid.uuid4().hex[:6]}")
    return use


@pytest.fixture
def clock(monkeypatch):
    """The one clock expiry checks read, moved by tests: clock.advance(seconds)."""
    from gateway.domain import clock as clock_module

    class Clock:
        def __init__(self) -> None:
            self.now = clock_module.time.time()

        def advance(self, seconds: float) -> None:
            self.now += seconds

    moved = Clock()
    monkeypatch.setattr(clock_module, "epoch_now", lambda: moved.now)
    return moved


@pytest.fixture
def shop(client: Any, from_address: Any) -> Api:
    """A merchant of its own with a password."""
    return merchant_api(client, password=PASSWORD)


def log_in(client: Any, email: str, password: str = PASSWORD) -> tuple[int, Any, dict[str, str]]:
    return Api(client, {"Content-Type": "application/json"}).call(
        "POST", "/api/v1/auth/login", {"email": email, "password": password}
    )


def session(client: Any, token: str) -> Api:
    return Api(client, {"Authorization": f"Bearer {token}", "Content-Type": "application/json"})


# ---------------------------------------------------------------- sessions


def test_login_answers_a_session_token_that_works_on_merchant_routes(client, shop):
    status, body, _ = log_in(client, shop.merchant["email"])
    assert status == 200, body
    assert body["token"].startswith("sess_") and body["expires_at"].endswith("Z")
    assert body["merchant"] == {"id": shop.merchant["id"], "name": "Shop", "email": shop.merchant["email"]}
    dashboard = session(client, body["token"])
    status, account, _ = dashboard.call("GET", "/api/v1/account")
    assert status == 200 and account["api_key"] == shop.merchant["api_key"]
    assert account["api_secret"] == shop.merchant["api_secret"]
    status, order, _ = dashboard.call("POST", "/api/v1/orders", {"amount": 5000})
    assert status == 201 and dashboard.call("GET", f"/api/v1/orders/{order['id']}")[0] == 200


def test_the_session_token_is_stored_only_as_its_hash(client, shop, aws):
    from gateway.data.models import CredentialModel

    token = log_in(client, shop.merchant["email"])[1]["token"]
    stored = [item.id for item in CredentialModel.scan() if item.merchant_id == shop.merchant["id"]]
    assert not any(token in key for key in stored)
    assert any(key.startswith("session#") for key in stored)


def test_a_session_ends_after_twelve_hours(client, shop, clock):
    token = log_in(client, shop.merchant["email"])[1]["token"]
    dashboard = session(client, token)
    clock.advance(12 * 3600 - 5)
    assert dashboard.call("GET", "/api/v1/account")[0] == 200
    clock.advance(10)
    status, body, _ = dashboard.call("GET", "/api/v1/account")
    assert status == 401 and body["error"]["code"] == "AUTHENTICATION_ERROR"


def test_logout_ends_the_session_and_only_that_one(client, shop):
    first = session(client, log_in(client, shop.merchant["email"])[1]["token"])
    second = session(client, log_in(client, shop.merchant["email"])[1]["token"])
    assert first.call("POST", "/api/v1/auth/logout")[0] == 200
    assert first.call("GET", "/api/v1/account")[0] == 401
    assert first.call("POST", "/api/v1/auth/logout")[0] == 401  # an ended session is no credential
    assert second.call("GET", "/api/v1/account")[0] == 200


@pytest.mark.parametrize("header", ["Bearer", "Bearer sess_unknown", "Basic abc", "bearer  "])
def test_a_wrong_bearer_token_is_401(client, aws, header):
    status, body, _ = Api(client, {"Authorization": header}).call("GET", "/api/v1/account")
    assert status == 401 and body["error"]["description"] == "Invalid API credentials"


def test_changing_the_password_ends_every_other_session(client, shop):
    email = shop.merchant["email"]
    mine = session(client, log_in(client, email)[1]["token"])
    other = session(client, log_in(client, email)[1]["token"])
    new_password = "a much longer passphrase"
    status, body, _ = mine.call(
        "POST", "/api/v1/account/password", {"current_password": PASSWORD, "new_password": new_password}
    )
    assert status == 200, body
    assert other.call("GET", "/api/v1/account")[0] == 401
    assert mine.call("GET", "/api/v1/account")[0] == 200
    assert log_in(client, email)[0] == 401
    assert log_in(client, email, new_password)[0] == 200


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"current_password": "wrong password", "new_password": "long enough now"}, "current_password"),
        ({"current_password": PASSWORD, "new_password": "too short"}, "new_password"),
        ({"current_password": PASSWORD}, "new_password"),
        ({"new_password": "long enough now"}, "current_password"),
    ],
)
def test_a_password_change_needs_the_current_password_and_ten_characters(client, shop, payload, field):
    mine = session(client, log_in(client, shop.merchant["email"])[1]["token"])
    status, body, _ = mine.call("POST", "/api/v1/account/password", payload)
    assert status == 400 and body["error"]["field"] == field
    assert log_in(client, shop.merchant["email"])[0] == 200


def test_wrong_current_passwords_are_throttled_like_logins(client, shop, from_address):
    """A stolen session must not guess the password faster through the change form than at the login."""
    mine = session(client, log_in(client, shop.merchant["email"])[1]["token"])
    change = {"current_password": "not the password", "new_password": "a brand new password"}
    for _ in range(5):
        assert mine.call("POST", "/api/v1/account/password", change)[0] == 400
    status, body, headers = mine.call(
        "POST", "/api/v1/account/password", {**change, "current_password": PASSWORD}
    )
    assert status == 429 and int(headers["Retry-After"]) > 0, body
    # The guesses count for the account from that address: its login is throttled too, the password kept
    assert log_in(client, shop.merchant["email"])[0] == 429
    from_address("198.51.100.23")
    assert log_in(client, shop.merchant["email"])[0] == 200


# ---------------------------------------------------------------- key pairs


def test_a_rolled_pair_works_and_the_previous_one_until_its_expiry(client, aws, clock):
    api = merchant_api(client)
    status, rolled, _ = api.call("POST", "/api/v1/account/keys/roll", {"expire_previous_in_hours": 2})
    assert status == 201, rolled
    assert rolled["api_key"].startswith("key_") and rolled["api_secret"].startswith("secret_")
    new = Api(client, {"X-Api-Key": rolled["api_key"], "X-Api-Secret": rolled["api_secret"]})
    assert new.call("GET", "/api/v1/payments")[0] == 200
    clock.advance(2 * 3600 - 5)
    assert api.call("GET", "/api/v1/payments")[0] == 200
    clock.advance(10)
    status, body, _ = api.call("GET", "/api/v1/payments")
    assert status == 401 and body["error"]["code"] == "AUTHENTICATION_ERROR"
    assert new.call("GET", "/api/v1/payments")[0] == 200


def test_rolling_with_no_overlap_stops_the_previous_pair_at_once(client, aws):
    api = merchant_api(client)
    rolled = api.call("POST", "/api/v1/account/keys/roll", {"expire_previous_in_hours": 0})[1]
    assert api.call("GET", "/api/v1/payments")[0] == 401
    new = Api(client, {"X-Api-Key": rolled["api_key"], "X-Api-Secret": rolled["api_secret"]})
    assert new.call("GET", "/api/v1/account")[1]["api_secret"] == rolled["api_secret"]


def test_keys_list_both_pairs_while_they_overlap_with_secrets_masked(client, aws):
    api = merchant_api(client)
    api.call("GET", "/api/v1/payments")  # a use, shown as last_used_at
    rolled = api.call("POST", "/api/v1/account/keys/roll", {"expire_previous_in_hours": 24})[1]
    new = Api(client, {"X-Api-Key": rolled["api_key"], "X-Api-Secret": rolled["api_secret"]})
    status, listed, _ = new.call("GET", "/api/v1/account/keys")
    assert status == 200
    current, previous = listed["data"]
    assert (current["api_key"], current["current"], current["expires_at"]) == (rolled["api_key"], True, None)
    assert previous["api_key"] == api.merchant["api_key"] and previous["expires_at"].endswith("Z")
    assert previous["last_used_at"] is not None and current["last_used_at"] is not None
    for pair in listed["data"]:
        assert pair["api_secret"].startswith("secret_\u2022") and len(pair["api_secret"]) < 20


def test_listing_keys_writes_nothing_and_the_next_roll_forgets_expired_pairs(client, aws):
    from gateway.data import merchants

    api = merchant_api(client)
    first = api.merchant["api_key"]
    second = api.call("POST", "/api/v1/account/keys/roll", {"expire_previous_in_hours": 0})[1]
    current = Api(client, {"X-Api-Key": second["api_key"], "X-Api-Secret": second["api_secret"]})
    before = merchants.get_merchant(api.merchant["id"])

    # WHEN the keys are listed THEN the expired pair is not shown, and the account is left as it was
    listed = current.call("GET", "/api/v1/account/keys")[1]["data"]
    assert [pair["api_key"] for pair in listed] == [second["api_key"]]
    assert merchants.get_merchant(api.merchant["id"]) == before

    # WHEN the keys are rolled again THEN the account lists the pairs that work, and no expired one
    third = current.call("POST", "/api/v1/account/keys/roll", {"expire_previous_in_hours": 24})[1]
    assert merchants.get_merchant(api.merchant["id"]).api_keys == {second["api_key"], third["api_key"]}
    assert first not in merchants.get_merchant(api.merchant["id"]).api_keys


@pytest.mark.parametrize("hours", [-1, 169, 2.5, "24", True, None])
def test_rolling_needs_an_overlap_from_0_to_168_hours(client, aws, hours):
    api = merchant_api(client)
    status, body, _ = api.call("POST", "/api/v1/account/keys/roll", {"expire_previous_in_hours": hours})
    assert status == 400 and body["error"]["field"] == "expire_previous_in_hours"
    assert api.call("GET", "/api/v1/payments")[0] == 200


# ---------------------------------------------------------------- password links


def test_a_password_link_sets_the_password_once(client, aws, from_address):
    from functions.admin.app import handler

    created = handler(
        {"action": "create", "name": "Linked", "email": f"l-{uuid.uuid4().hex[:8]}@x.com"}, None
    )
    result = created["result"]
    assert result["password_link"].startswith("http://localhost:3000/set-password?token=")
    token = result["password_link"].split("token=")[1]
    public = Api(client, {"Content-Type": "application/json"})
    body = {"token": token, "password": PASSWORD}
    assert public.call("POST", "/api/v1/auth/set-password", body)[0] == 200
    status, answer, _ = public.call("POST", "/api/v1/auth/set-password", {**body, "password": "another one!"})
    assert status == 400 and answer["error"]["code"] == "BAD_REQUEST_ERROR"
    email = handler({"action": "show", "merchant_id": result["id"]}, None)["result"]["email"]
    assert log_in(client, email)[0] == 200


def test_a_password_link_expires_after_24_hours(client, aws, clock):
    from functions.admin.app import handler

    email = f"late-{uuid.uuid4().hex[:8]}@x.com"
    link = handler({"action": "create", "name": "Late", "email": email}, None)["result"]["password_link"]
    clock.advance(24 * 3600 + 1)
    status, body, _ = Api(client, {}).call(
        "POST", "/api/v1/auth/set-password", {"token": link.split("token=")[1], "password": PASSWORD}
    )
    assert status == 400 and body["error"]["field"] == "token"


@pytest.mark.parametrize(
    "payload", [{}, {"token": "pwt_unknown", "password": PASSWORD}, {"token": 5, "password": PASSWORD}]
)
def test_set_password_refuses_unknown_tokens(client, aws, payload):
    status, body, _ = Api(client, {}).call("POST", "/api/v1/auth/set-password", payload)
    assert status == 400 and body["error"]["code"] == "BAD_REQUEST_ERROR"


# ---------------------------------------------------------------- the admin function


def test_admin_creates_lists_shows_and_refuses_a_second_merchant_with_the_same_email(aws):
    from functions.admin.app import handler

    email = f"Admin-{uuid.uuid4().hex[:8]}@Example.com"
    created = handler({"action": "create", "name": "Admin Shop", "email": email}, None)
    assert created["ok"] is True
    assert set(created["result"]) == {"id", "api_key", "api_secret", "password_link"}
    shown = handler({"action": "show", "email": email}, None)["result"]
    assert shown["email"] == email.lower() and shown["active"] is True and shown["password_set"] is False
    assert "api_secret" not in shown
    again = handler({"action": "create", "name": "Twin", "email": email.lower()}, None)
    assert again["ok"] is False and again["error"]["field"] == "email"
    listed = handler({"action": "list", "limit": 100}, None)["result"]
    assert isinstance(listed["data"], list)


@pytest.mark.parametrize(
    "command",
    [
        {"action": "explode"},
        {"action": "create", "name": "", "email": "a@b.c"},
        {"action": "create", "name": "N", "email": "no-at-sign"},
        {"action": "show"},
        {"action": "show", "merchant_id": "00000000-0000-4000-8000-000000000000"},
        {"action": "list", "limit": 0},
        "not an object",
    ],
)
def test_admin_answers_bad_commands_with_a_clear_error(aws, command):
    from functions.admin.app import handler

    answer = handler(command, None)
    assert answer["ok"] is False and answer["status"] in (400, 404) and answer["error"]["description"]


# ---------------------------------------------------------------- deactivation refuses everywhere


def test_deactivation_refuses_the_merchant_on_every_route(client, shop):
    from functions.admin.app import handler

    token = log_in(client, shop.merchant["email"])[1]["token"]
    dashboard = session(client, token)
    order = shop.create_order()
    paid_order = shop.create_order()
    payment = shop.create_upi_payment(paid_order["id"])
    public = Api(client, {"Content-Type": "application/json"})

    assert (
        handler({"action": "deactivate", "merchant_id": shop.merchant["id"]}, None)["result"]["active"]
        is False
    )

    assert shop.call("GET", f"/api/v1/orders/{order['id']}")[0] == 401
    assert shop.call("POST", "/api/v1/orders", {"amount": 5000})[0] == 401
    assert shop.call("GET", "/api/v1/webhooks/config")[0] in (401, 404)
    assert dashboard.call("GET", "/api/v1/account")[0] == 401
    assert public.call("GET", f"/api/v1/orders/{order['id']}/public")[0] == 404
    pay = {"order_id": order["id"], "method": "upi", "vpa": "user@paytm"}
    status, body, _ = public.call("POST", "/api/v1/payments/public", pay)
    assert status == 404 and body["error"]["description"] == "Order not found"
    assert public.call("GET", f"/api/v1/payments/{payment['id']}/public")[0] == 404
    assert log_in(client, shop.merchant["email"])[0] == 401

    # Activation brings the keys back, never the sessions.
    handler({"action": "activate", "merchant_id": shop.merchant["id"]}, None)
    assert shop.call("GET", f"/api/v1/orders/{order['id']}")[0] == 200
    assert dashboard.call("GET", "/api/v1/account")[0] == 401


def test_a_rolled_pair_is_deactivated_with_its_merchant(client, aws):
    from functions.admin.app import handler

    api = merchant_api(client)
    rolled = api.call("POST", "/api/v1/account/keys/roll", {"expire_previous_in_hours": 24})[1]
    handler({"action": "deactivate", "merchant_id": api.merchant["id"]}, None)
    for pair in (
        (api.merchant["api_key"], api.merchant["api_secret"]),
        (rolled["api_key"], rolled["api_secret"]),
    ):
        assert (
            Api(client, {"X-Api-Key": pair[0], "X-Api-Secret": pair[1]}).call("GET", "/api/v1/payments")[0]
            == 401
        )


def _keys_work(client: Any, merchant: dict[str, str]) -> bool:
    headers = {"X-Api-Key": merchant["api_key"], "X-Api-Secret": merchant["api_secret"]}
    status = Api(client, headers).call("GET", "/api/v1/payments")[0]
    assert status in (200, 401)
    return status == 200


@pytest.mark.parametrize("late", ["deactivation", "activation"])
def test_a_late_copy_of_an_older_flag_change_leaves_the_newer_one_on_the_keys(client, aws, late):
    """Deactivation and activation each set the flag, then copy it onto the key pairs. When they race, the
    copies can land in the other order: the pairs must end as the newer change left the flag."""
    from gateway.data import credentials, merchants
    from gateway.domain.clock import now_iso

    api = merchant_api(client)
    merchant_id, api_keys = api.merchant["id"], {api.merchant["api_key"]}
    first, second = (False, True) if late == "deactivation" else (True, False)
    if first is True:  # an activation first needs a deactivated merchant
        credentials.set_key_pairs_active(
            api_keys, False, merchants.set_active(merchant_id, False, now_iso())[1]
        )
    _, older = merchants.set_active(merchant_id, first, now_iso())
    _, newer = merchants.set_active(merchant_id, second, now_iso())
    credentials.set_key_pairs_active(api_keys, second, newer)
    credentials.set_key_pairs_active(api_keys, first, older)  # the older change's copy lands last

    assert merchants.get_merchant(merchant_id).is_active is second
    assert _keys_work(client, api.merchant) is second


def test_parallel_deactivations_and_activations_leave_the_keys_as_the_flag(client, aws):
    from gateway.data import merchants

    from functions.admin.app import handler

    api = merchant_api(client)
    merchant_id = api.merchant["id"]
    actions = ["deactivate", "activate"] * 8
    barrier = threading.Barrier(len(actions))
    errors: list[BaseException] = []

    def toggle(action: str) -> None:
        barrier.wait()
        try:
            handler({"action": action, "merchant_id": merchant_id}, None)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=toggle, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors
    assert _keys_work(client, api.merchant) is merchants.get_merchant(merchant_id).is_active


def test_reset_password_gives_a_new_link_and_ends_sessions_when_used(client, shop):
    from functions.admin.app import handler

    dashboard = session(client, log_in(client, shop.merchant["email"])[1]["token"])
    link = handler({"action": "reset-password", "email": shop.merchant["email"]}, None)["result"][
        "password_link"
    ]
    body = {"token": link.split("token=")[1], "password": "a brand new password"}
    assert Api(client, {}).call("POST", "/api/v1/auth/set-password", body)[0] == 200
    assert dashboard.call("GET", "/api/v1/account")[0] == 401
    assert log_in(client, shop.merchant["email"], "a brand new password")[0] == 200


# ---------------------------------------------------------------- logins that hold


def test_the_owner_logs_in_from_elsewhere_while_an_attacker_is_throttled(client, shop, from_address):
    email = shop.merchant["email"]
    from_address("198.51.100.66")
    for _ in range(5):
        assert log_in(client, email, "guess")[0] == 401
    status, body, headers = log_in(client, email, PASSWORD)
    assert status == 429 and body["error"]["code"] == "RATE_LIMIT_ERROR"
    assert 1 <= int({k.lower(): v for k, v in headers.items()}["retry-after"]) <= 900
    from_address(f"192.0.2.{uuid.uuid4().int % 250 + 1}")
    assert log_in(client, email, PASSWORD)[0] == 200


def test_successful_logins_do_not_count_towards_the_limit(client, shop):
    for _ in range(6):
        assert log_in(client, shop.merchant["email"])[0] == 200


def test_parallel_guesses_never_pass_the_limit_and_the_refused_never_reach_the_hash(shop, monkeypatch):
    """In-process threads on the service (the HTTP race is in tests/integration/test_accounts_http.py)."""
    from gateway.errors import GatewayError
    from gateway.services import auth
    from gateway.services.login import login

    hashed = []
    real_scrypt = auth._scrypt
    monkeypatch.setattr(auth, "_scrypt", lambda *args: hashed.append(args[0]) or real_scrypt(*args))
    email = shop.merchant["email"]
    statuses: list[int] = []
    start = threading.Barrier(30)

    def attempt(index: int) -> None:
        start.wait()
        try:
            login({"email": email, "password": PASSWORD if index == 29 else "guess"}, "198.51.100.99")
            statuses.append(200)
        except GatewayError as error:
            statuses.append(error.status_code)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # The right guess gives its count back when it is done, so one more wrong guess may then be hashed.
    assert hashed.count("guess") <= 5
    assert statuses.count(429) >= 24 and statuses.count(429) + statuses.count(401) + statuses.count(200) == 30


def test_a_deactivated_merchants_keys_and_session_are_refused_on_every_merchant_route(client, shop):
    """Every operation of openapi.yaml that takes credentials, called with the deactivated merchant's key
    pair and with its session: 401 everywhere."""
    from pathlib import Path

    import yaml

    from functions.admin.app import handler

    document = yaml.safe_load((Path(__file__).parents[2] / "openapi.yaml").read_text())
    token = log_in(client, shop.merchant["email"])[1]["token"]
    handler({"action": "deactivate", "merchant_id": shop.merchant["id"]}, None)
    refused = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or not operation.get("security"):
                continue
            concrete = path.format_map(_AnyId())
            for caller in (shop, session(client, token)):
                status, _, _ = caller.call(method.upper(), concrete, {})
                if status != 401:
                    refused.append(f"{method.upper()} {path}: {status}")
    assert refused == []


class _AnyId(dict):
    def __missing__(self, key: str) -> str:
        return "00000000-0000-4000-8000-000000000000" if key == "webhook_id" else f"{key}_0000000000000000"
