"""The OpenAPI document is a valid 3.0 contract that matches the routes and the API's real answers.

Three route lists must agree: the document's paths, the `Api` events of ApiFunction in template.yaml (what API
Gateway routes) and the Chalice app's routes (what the function answers).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import openapi_schema_validator
import pytest
import yaml
from openapi_spec_validator import validate as validate_openapi_document
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

REPO_ROOT = Path(__file__).resolve().parents[2]
OPENAPI_PATH = REPO_ROOT / "openapi.yaml"
TEMPLATE_PATH = REPO_ROOT / "template.yaml"
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
MERCHANT_SECURITY = [{"ApiKey": [], "ApiSecret": []}, {"Session": []}]
# Logout ends a dashboard session, so only a session can call it.
SESSION_OPERATIONS = {("POST", "/api/v1/auth/logout")}
# The merchant-free routes (docs/behaviour.md), plus the health check and the contract itself.
PUBLIC_OPERATIONS = {
    ("GET", "/health"),
    ("GET", "/api/v1/openapi.json"),
    ("GET", "/api/v1/test/merchant"),
    ("GET", "/api/v1/test/jobs/status"),
    ("GET", "/api/v1/orders/{order_id}/public"),
    ("POST", "/api/v1/payments/public"),
    ("GET", "/api/v1/payments/{payment_id}/public"),
    ("GET", "/api/v1/payment_links/{payment_link_id}/public"),
    ("POST", "/api/v1/auth/login"),
    ("POST", "/api/v1/auth/set-password"),
}
# docs/behaviour.md, "Idempotency".
IDEMPOTENT_OPERATIONS = {
    ("POST", "/api/v1/orders"),
    ("POST", "/api/v1/payment_links"),
    ("POST", "/api/v1/payments"),
    ("POST", "/api/v1/payments/{payment_id}/refunds"),
    ("POST", "/api/v1/payments/{payment_id}/capture"),
}
OPENAPI_URN = "urn:gateway:openapi"


class _CloudFormationLoader(yaml.SafeLoader):
    """Reads template.yaml: intrinsic-function tags (!Ref, !Sub, ...) are irrelevant here and load as None."""


_CloudFormationLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    loaded = yaml.safe_load(OPENAPI_PATH.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def operations_of(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield method.upper(), path, operation


def template_api_routes() -> set[tuple[str, str]]:
    template = yaml.load(TEMPLATE_PATH.read_text(encoding="utf-8"), Loader=_CloudFormationLoader)
    events = template["Resources"]["ApiFunction"]["Properties"]["Events"]
    return {
        (event["Properties"]["Method"].upper(), event["Properties"]["Path"])
        for event in events.values()
        if event["Type"] == "Api"
    }


def chalice_routes() -> set[tuple[str, str]]:
    from functions.api.app import app

    return {(method.upper(), path) for path, entries in app.routes.items() for method in entries}


def resolve(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def schema_validator(document: dict[str, Any], schema: dict[str, Any]) -> Any:
    """An OpenAPI 3.0 validator for `schema`; its `#/components/...` references resolve inside `document`."""
    registry: Registry = Registry().with_resource(
        OPENAPI_URN, Resource.from_contents(document, default_specification=DRAFT4)
    )
    rooted = json.loads(json.dumps(schema).replace('"#/components/', f'"{OPENAPI_URN}#/components/'))
    return openapi_schema_validator.OAS30Validator(
        rooted, registry=registry, format_checker=openapi_schema_validator.oas30_format_checker
    )


def schema_errors(document: dict[str, Any], schema: dict[str, Any], instance: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in schema_validator(document, schema).iter_errors(instance)
    ]


# ---------------------------------------------------------------- the document itself


def test_document_is_a_valid_openapi_3_0_3_document(document: dict[str, Any]) -> None:
    assert document["openapi"] == "3.0.3"
    validate_openapi_document(document)


def test_document_has_only_json_types_so_the_api_can_serve_it_as_is(document: dict[str, Any]) -> None:
    # YAML turns unquoted dates into datetime and `200:` into int; JSON would then differ from the file.
    assert json.loads(json.dumps(document)) == document

    def keys(node: Any) -> Iterator[Any]:
        if isinstance(node, dict):
            for key, value in node.items():
                yield key
                yield from keys(value)
        elif isinstance(node, list):
            for item in node:
                yield from keys(item)

    assert all(isinstance(key, str) for key in keys(document))


def test_operations_match_the_api_events_of_the_template(document: dict[str, Any]) -> None:
    documented = {(method, path) for method, path, _ in operations_of(document)}
    assert documented == template_api_routes()


def test_operations_match_the_routes_of_the_chalice_app(document: dict[str, Any]) -> None:
    documented = {(method, path) for method, path, _ in operations_of(document)}
    assert documented == chalice_routes()


def test_every_operation_has_a_unique_operation_id(document: dict[str, Any]) -> None:
    ids = [operation["operationId"] for _, _, operation in operations_of(document)]
    assert len(ids) == len(set(ids))


def test_merchant_operations_require_key_and_secret_together(document: dict[str, Any]) -> None:
    for method, path, operation in operations_of(document):
        expected = [] if (method, path) in PUBLIC_OPERATIONS else MERCHANT_SECURITY
        if (method, path) in SESSION_OPERATIONS:
            expected = [{"Session": []}]
        assert operation.get("security") == expected, f"{method} {path}"
        if expected:
            assert "401" in operation["responses"], f"{method} {path} must document 401"


def test_idempotency_key_is_offered_on_exactly_the_four_money_posts(document: dict[str, Any]) -> None:
    for method, path, operation in operations_of(document):
        parameters = [resolve(document, parameter) for parameter in operation.get("parameters", [])]
        offers_key = any(p["in"] == "header" and p["name"] == "Idempotency-Key" for p in parameters)
        idempotent = (method, path) in IDEMPOTENT_OPERATIONS
        assert offers_key == idempotent, f"{method} {path}"
        if idempotent:
            success = next(code for code in operation["responses"] if code.startswith("2"))
            assert "Idempotent-Replayed" in operation["responses"][success]["headers"]
            assert {"409", "422"} <= set(operation["responses"]), f"{method} {path}"


def test_every_error_response_is_the_error_envelope(document: dict[str, Any]) -> None:
    envelope = {"$ref": "#/components/schemas/Error"}
    not_an_envelope = {"error": {"code": "NOT_A_CODE", "description": "x"}}
    for method, path, operation in operations_of(document):
        for status, response in operation["responses"].items():
            if status.startswith("2") or (path == "/health" and status == "503"):
                continue
            schema = resolve(document, response)["content"]["application/json"]["schema"]
            resolved = resolve(document, schema)
            assert resolved == resolve(document, envelope) or envelope in resolved.get("allOf", []), (
                f"{method} {path} {status}"
            )
            assert schema_errors(document, schema, not_an_envelope), f"{method} {path} {status}"


def test_every_example_matches_its_schema(document: dict[str, Any]) -> None:
    checked = 0
    for method, path, operation in operations_of(document):
        bodies = [resolve(document, response) for response in operation["responses"].values()]
        if "requestBody" in operation:
            bodies.append(resolve(document, operation["requestBody"]))
        for body in bodies:
            for media in body.get("content", {}).values():
                examples = [
                    resolve(document, example)["value"] for example in media.get("examples", {}).values()
                ]
                if "example" in media:
                    examples.append(media["example"])
                for example in examples:
                    assert schema_errors(document, media["schema"], example) == [], f"{method} {path}"
                    checked += 1
    for name, schema in document["components"]["schemas"].items():
        if "example" in schema:
            assert schema_errors(document, schema, schema["example"]) == [], name
            checked += 1
    assert checked >= 20


def test_payment_schema_requires_the_fields_of_its_method(document: dict[str, Any]) -> None:
    payment = {"$ref": "#/components/schemas/Payment"}
    upi = dict(document["components"]["schemas"]["Payment"]["example"])
    assert schema_errors(document, payment, upi) == []
    card = {**upi, "method": "card", "card_network": "visa", "card_last4": "1111"}
    del card["vpa"]
    assert schema_errors(document, payment, card) == []
    assert schema_errors(document, payment, {**card, "card_last4": "11111"})
    assert schema_errors(document, payment, {**upi, "method": "card"})
    assert schema_errors(document, payment, {**upi, "status": "captured"})
    assert schema_errors(document, payment, {**upi, "amount": 500.5})
    assert schema_errors(document, payment, {**upi, "created_at": "2026-01-15T10:31:00+05:30"})


def test_create_order_body_enforces_spec_constraints(document: dict[str, Any]) -> None:
    body = {"$ref": "#/components/schemas/CreateOrderRequest"}
    assert schema_errors(document, body, {"amount": 100}) == []
    assert schema_errors(document, body, {"amount": 99})
    assert schema_errors(document, body, {"amount": 100.0})
    assert schema_errors(document, body, {"amount": "100"})
    assert schema_errors(document, body, {"amount": 100, "receipt": "r" * 256})
    assert schema_errors(document, body, {"amount": 100, "notes": []})


def test_card_expiry_accepts_strings_or_numbers(document: dict[str, Any]) -> None:
    body = {"$ref": "#/components/schemas/CreatePaymentRequest"}
    card = {
        "number": "4111111111111111",
        "expiry_month": "12",
        "expiry_year": "30",
        "cvv": "123",
        "holder_name": "A",
    }
    request = {"order_id": "order_NXhj3kdi8OVmXfOe", "method": "card", "card": card}
    assert schema_errors(document, body, request) == []
    assert (
        schema_errors(document, body, {**request, "card": {**card, "expiry_month": 12, "expiry_year": 2030}})
        == []
    )
    assert schema_errors(document, body, {**request, "card": {**card, "expiry_month": 13}})
    assert schema_errors(document, body, {**request, "method": "netbanking"})


# ---------------------------------------------------------------- the served document


def test_the_layer_reaches_the_repository_file_through_its_symlink() -> None:
    from gateway.services.openapi import OPENAPI_DOCUMENT_PATH

    link = REPO_ROOT / "layers/common/python/gateway/openapi.yaml"
    assert link.is_symlink()
    assert OPENAPI_DOCUMENT_PATH.resolve() == OPENAPI_PATH.resolve()


def test_load_openapi_document_returns_the_file_and_caches_it(document: dict[str, Any]) -> None:
    from gateway.services.openapi import load_openapi_document

    assert load_openapi_document() == document
    assert load_openapi_document() is load_openapi_document()


def test_api_serves_the_document_as_json(client: Any, document: dict[str, Any]) -> None:
    response = client.http.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    assert json.loads(response.body) == document


# ---------------------------------------------------------------- the API's answers conform


class ContractRecorder:
    """Sends requests through the in-process Chalice client and checks each answer against the document."""

    def __init__(self, client: Any, document: dict[str, Any]) -> None:
        self.client = client
        self.document = document
        self.seen: set[tuple[str, str, str]] = set()

    def call(self, method: str, template: str, *, path: str | None = None, **kwargs: Any) -> Any:
        if "body" in kwargs and not isinstance(kwargs["body"], str):
            kwargs["body"] = json.dumps(kwargs["body"])
        response = getattr(self.client.http, method.lower())(path or template, **kwargs)
        operation = self.document["paths"][template][method.lower()]
        status = str(response.status_code)
        assert status in operation["responses"], f"{method} {template} answered undocumented {status}"
        documented = resolve(self.document, operation["responses"][status])
        body = json.loads(response.body)
        if "content" in documented:
            schema = documented["content"]["application/json"]["schema"]
            errors = schema_errors(self.document, schema, body)
            assert errors == [], f"{method} {template} {status}: {errors} in {body}"
        self.seen.add((method, template, status))
        return response.status_code, body


def test_api_answers_conform_to_the_document(
    client: Any, auth: dict[str, str], document: dict[str, Any]
) -> None:
    # GIVEN the seeded test merchant and the API in process
    api = ContractRecorder(client, document)
    json_headers = {"Content-Type": "application/json"}
    wrong = {"X-Api-Key": "key_test_abc123", "X-Api-Secret": "not-the-secret", **json_headers}
    missing_order = "order_0000000000000000"
    missing_payment = "pay_0000000000000000"
    missing_log = "00000000-0000-4000-8000-000000000000"

    # WHEN every route is called on its success path and on its documented error paths
    api.call("GET", "/health")
    api.call("GET", "/api/v1/test/merchant")
    api.call("GET", "/api/v1/test/jobs/status")
    api.call(
        "POST",
        "/api/v1/auth/login",
        body={"email": "test@example.com", "password": "x"},
        headers=json_headers,
    )
    api.call(
        "POST",
        "/api/v1/auth/login",
        body={"email": "nobody@example.com", "password": "x"},
        headers=json_headers,
    )
    api.call("POST", "/api/v1/auth/login", body="{not json", headers=json_headers)

    _, order = api.call(
        "POST", "/api/v1/orders", body={"amount": 50000, "receipt": "r1", "notes": {"k": "v"}}, headers=auth
    )
    api.call("POST", "/api/v1/orders", body={"amount": 99}, headers=auth)
    api.call("POST", "/api/v1/orders", body={"amount": 50000}, headers=wrong)
    keyed = {**auth, "Idempotency-Key": "contract-order-1"}
    api.call("POST", "/api/v1/orders", body={"amount": 100}, headers=keyed)
    status, _ = api.call("POST", "/api/v1/orders", body={"amount": 100}, headers=keyed)
    assert status == 201
    api.call("POST", "/api/v1/orders", body={"amount": 200}, headers=keyed)
    order_path = f"/api/v1/orders/{order['id']}"
    api.call("GET", "/api/v1/orders/{order_id}", path=order_path, headers=auth)
    api.call("GET", "/api/v1/orders/{order_id}", path=f"/api/v1/orders/{missing_order}", headers=auth)
    api.call("GET", "/api/v1/orders/{order_id}/public", path=f"{order_path}/public")
    api.call("GET", "/api/v1/orders/{order_id}/public", path=f"/api/v1/orders/{missing_order}/public")

    card = {
        "number": "4111 1111 1111 1111",
        "expiry_month": 12,
        "expiry_year": 2099,
        "cvv": "123",
        "holder_name": "A",
    }
    _, upi = api.call(
        "POST",
        "/api/v1/payments",
        body={"order_id": order["id"], "method": "upi", "vpa": "u@paytm"},
        headers=auth,
    )
    for payment in (
        {
            "order_id": order["id"],
            "method": "card",
            "card": card,
            "email": "a@example.com",
            "contact": "+9198765432",
        },
        {"order_id": order["id"], "method": "upi", "vpa": "bad"},
        {"order_id": missing_order, "method": "upi", "vpa": "u@x"},
    ):
        api.call("POST", "/api/v1/payments", body=payment, headers=auth)
    for public_card in ({**card, "number": "4111111111111112"}, card):
        api.call(
            "POST",
            "/api/v1/payments/public",
            body={"order_id": order["id"], "method": "card", "card": public_card},
            headers=json_headers,
        )
    api.call(
        "POST", "/api/v1/payments/public", body={"order_id": missing_order, "method": "upi", "vpa": "u@x"}
    )
    payment_path = f"/api/v1/payments/{upi['id']}"
    api.call("GET", "/api/v1/payments", headers=auth)
    api.call("GET", "/api/v1/payments", path="/api/v1/payments?limit=0", headers=auth)
    api.call("GET", "/api/v1/payments/stats", headers=auth)
    api.call("GET", "/api/v1/payments/{payment_id}", path=payment_path, headers=auth)
    api.call("GET", "/api/v1/payments/{payment_id}", path=f"/api/v1/payments/{missing_payment}", headers=auth)
    api.call("GET", "/api/v1/payments/{payment_id}/public", path=f"{payment_path}/public")
    api.call("GET", "/api/v1/payments/{payment_id}/public", path=f"/api/v1/payments/{missing_payment}/public")
    # A pending payment can be neither captured nor refunded.
    for action, amount in (("capture", 50000), ("refunds", 100)):
        api.call(
            "POST",
            "/api/v1/payments/{payment_id}/" + action,
            path=f"{payment_path}/{action}",
            body={"amount": amount},
            headers=auth,
        )
    api.call("GET", "/api/v1/payments/{payment_id}/refunds", path=f"{payment_path}/refunds", headers=auth)
    payment_events = "/api/v1/payments/{payment_id}/events"
    api.call("GET", payment_events, path=f"{payment_path}/events", headers=auth)
    api.call("GET", payment_events, path=f"/api/v1/payments/{missing_payment}/events", headers=auth)
    api.call("GET", "/api/v1/refunds/{refund_id}", path="/api/v1/refunds/rfnd_0000000000000000", headers=auth)
    api.call("GET", "/api/v1/orders", path="/api/v1/orders?limit=2&status=paid", headers=auth)
    order_payments = "/api/v1/orders/{order_id}/payments"
    api.call("GET", order_payments, path=f"/api/v1/orders/{upi['order_id']}/payments", headers=auth)
    api.call("GET", order_payments, path=f"/api/v1/orders/{missing_order}/payments", headers=auth)
    api.call("GET", "/api/v1/orders", path="/api/v1/orders?limit=0", headers=auth)
    api.call("GET", "/api/v1/refunds", path=f"/api/v1/refunds?payment_id={upi['id']}", headers=auth)
    api.call("GET", "/api/v1/refunds", path="/api/v1/refunds?starting_after=x", headers=auth)
    api.call("GET", "/api/v1/payments", path="/api/v1/payments?card_last4=1111", headers=auth)
    api.call("GET", "/api/v1/events", path=f"/api/v1/events?payment_id={upi['id']}", headers=auth)

    api.call("GET", "/api/v1/webhooks/config", headers=auth)
    api.call("POST", "/api/v1/webhooks/test", headers=auth)
    api.call("PUT", "/api/v1/webhooks/config", body={"webhook_url": "ftp://x"}, headers=auth)
    api.call(
        "PUT",
        "/api/v1/webhooks/config",
        body={"webhook_url": "https://merchant.example.com/hook"},
        headers=auth,
    )
    api.call("POST", "/api/v1/webhooks/regenerate-secret", headers=auth)
    _, log = api.call("POST", "/api/v1/webhooks/test", headers=auth)
    api.call("GET", "/api/v1/webhooks", headers=auth)
    api.call("GET", "/api/v1/webhooks/pipeline", headers=auth)
    api.call("GET", "/api/v1/webhooks/pipeline", headers=wrong)
    api.call("GET", "/api/v1/webhooks", path="/api/v1/webhooks?limit=101", headers=auth)
    api.call("GET", "/api/v1/webhooks/{webhook_id}", path=f"/api/v1/webhooks/{log['id']}", headers=auth)
    api.call("GET", "/api/v1/webhooks/{webhook_id}", path=f"/api/v1/webhooks/{missing_log}", headers=auth)
    api.call(
        "POST",
        "/api/v1/webhooks/{webhook_id}/retry",
        path=f"/api/v1/webhooks/{log['id']}/retry",
        headers=auth,
    )
    api.call(
        "POST",
        "/api/v1/webhooks/{webhook_id}/retry",
        path=f"/api/v1/webhooks/{missing_log}/retry",
        headers=auth,
    )
    _, events = api.call(
        "GET", "/api/v1/events", path="/api/v1/events?type=webhook.test&limit=5", headers=auth
    )
    api.call("GET", "/api/v1/events", path="/api/v1/events?delivery_status=lost", headers=auth)
    event_path = f"/api/v1/events/{events['data'][0]['id']}"
    api.call("GET", "/api/v1/events/{event_id}", path=event_path, headers=auth)
    api.call("GET", "/api/v1/events/{event_id}", path="/api/v1/events/evt_0000000000000000", headers=auth)
    an_hour_ago = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    _, recovery = api.call("POST", "/api/v1/webhooks/recover", body={"since": an_hour_ago}, headers=auth)
    api.call("POST", "/api/v1/webhooks/recover", body={"since": "2000-01-01T00:00:00Z"}, headers=auth)
    recovery_template = "/api/v1/webhooks/recover/{recovery_id}"
    api.call("GET", recovery_template, path=f"/api/v1/webhooks/recover/{recovery['id']}", headers=auth)
    api.call("GET", recovery_template, path="/api/v1/webhooks/recover/rcv_0000000000000000", headers=auth)
    api.call("GET", "/api/v1/openapi.json")
    links = "/api/v1/payment_links"
    _, link = api.call(
        "POST",
        links,
        body={"amount": 50000, "description": "Tea", "return_url": "https://shop.example/back"},
        headers=auth,
    )
    api.call("POST", links, body={"amount": 50000, "return_url": "http://shop.example/"}, headers=auth)
    api.call("GET", links, path=f"{links}?limit=1", headers=auth)
    api.call("GET", links, path=f"{links}?starting_after=plink_0000000000000000", headers=auth)
    link_path = f"{links}/{link['id']}"
    missing_link = f"{links}/plink_0000000000000000"
    api.call("GET", f"{links}/{{payment_link_id}}", path=link_path, headers=auth)
    api.call("GET", f"{links}/{{payment_link_id}}", path=missing_link, headers=auth)
    api.call("GET", f"{links}/{{payment_link_id}}/public", path=f"{link_path}/public")
    api.call("GET", f"{links}/{{payment_link_id}}/public", path=f"{missing_link}/public")
    api.call("POST", f"{links}/{{payment_link_id}}/cancel", path=f"{link_path}/cancel", headers=auth)
    api.call("POST", f"{links}/{{payment_link_id}}/cancel", path=f"{missing_link}/cancel", headers=auth)
    call_account_routes(api, client, wrong)

    # THEN every documented route answered at least once, and every answer matched the document
    answered = {(method, template) for method, template, _ in api.seen}
    assert answered == {(method, path) for method, path, _ in operations_of(document)}
    expected_statuses = {
        ("POST", "/api/v1/auth/login", "401"),
        ("POST", "/api/v1/account/keys/roll", "201"),
        ("POST", "/api/v1/auth/set-password", "400"),
        ("POST", "/api/v1/orders", "401"),
        ("POST", "/api/v1/orders", "422"),
        ("POST", "/api/v1/payments", "400"),
        ("POST", "/api/v1/payments/public", "400"),
        ("GET", "/api/v1/payments/{payment_id}", "404"),
        ("GET", "/api/v1/payments/{payment_id}/events", "404"),
        ("POST", "/api/v1/payments/{payment_id}/capture", "400"),
        ("POST", "/api/v1/webhooks/test", "400"),
        ("PUT", "/api/v1/webhooks/config", "400"),
    }
    assert expected_statuses <= api.seen


def call_account_routes(api: ContractRecorder, client: Any, wrong: dict[str, str]) -> None:
    """The account routes, as a merchant of its own: rolling the demo pair would end other tests' keys."""
    from gateway.services.login import new_password_link

    from tests.unit.conftest import merchant_api

    password = "the contract password"
    own = merchant_api(client, password=password)
    json_headers = {"Content-Type": "application/json"}
    login = {"email": own.merchant["email"], "password": password}
    _, signed_in = api.call("POST", "/api/v1/auth/login", body=login, headers=json_headers)
    bearer = {"Authorization": f"Bearer {signed_in['token']}", **json_headers}
    for template in ("/api/v1/account", "/api/v1/account/keys"):
        api.call("GET", template, headers=bearer)
        api.call("GET", template, headers=wrong)
    roll = "/api/v1/account/keys/roll"
    api.call("POST", roll, body={"expire_previous_in_hours": 200}, headers=bearer)
    api.call("POST", roll, body={"expire_previous_in_hours": 1}, headers=bearer)
    api.call("POST", roll, body={}, headers=wrong)
    change = "/api/v1/account/password"
    api.call("POST", change, body={"current_password": password, "new_password": "short"}, headers=bearer)
    api.call("POST", change, body={"current_password": password, "new_password": "x" * 12}, headers=bearer)
    api.call("POST", change, body={}, headers=wrong)
    api.call("POST", "/api/v1/auth/logout", headers=bearer)
    api.call("POST", "/api/v1/auth/logout", headers=own.headers)
    api.call("POST", "/api/v1/auth/logout", headers=json_headers)
    token = new_password_link(own.merchant["id"], "http://localhost:3000").split("token=")[1]
    set_password = "/api/v1/auth/set-password"
    api.call("POST", set_password, body={"token": token, "password": "y" * 12}, headers=json_headers)
    api.call("POST", set_password, body={"token": token, "password": "y" * 12}, headers=json_headers)
