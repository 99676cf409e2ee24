"""The HTTP API as one Chalice app: routing only. Each route parses, calls one service, maps the result."""

from __future__ import annotations

import functools
import json
import logging
import time
from collections.abc import Callable
from typing import Any

from chalice import Chalice, CORSConfig, Response
from chalice.app import Request
from gateway.config import cors_allow_origin, get_settings
from gateway.domain.events import validate_event_query
from gateway.domain.json_input import parse_request_json
from gateway.domain.listing import (
    validate_created_range,
    validate_order_list_query,
    validate_refund_list_query,
)
from gateway.domain.shopper import validate_payment_search
from gateway.errors import (
    INTERNAL_ERROR_DESCRIPTION,
    GatewayError,
    InternalError,
    NotFoundError,
)
from gateway.services import (
    account,
    events,
    jobs,
    lists,
    login,
    merchants,
    orders,
    payment_events,
    payment_links,
    payments,
    recovery,
    refunds,
    webhook_logs,
    webhook_pipeline,
)
from gateway.services.auth import Credentials
from gateway.services.openapi import load_openapi_document
from gateway.services.results import ApiResult
from gateway.telemetry.logs import (
    configure_logging,
    current_merchant_id,
    current_request_id,
    new_request_id,
    request_scope,
)

configure_logging()
app = Chalice(app_name="payment-gateway")
app.log.setLevel(logging.INFO)
logger = logging.getLogger("gateway.api")

CORS = CORSConfig(
    allow_origin=cors_allow_origin().split(",")[0],  # replaced per response (`_allowed_origin`)
    allow_headers=["X-Api-Key", "X-Api-Secret", "Authorization", "Idempotency-Key", "Content-Type"],
    expose_headers=["Idempotent-Replayed", "Request-Id"],
    max_age=600,
)
JSON_HEADERS = {"Content-Type": "application/json"}
INTERNAL_ERROR = {"error": {"code": "INTERNAL_SERVER_ERROR", "description": INTERNAL_ERROR_DESCRIPTION}}


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    return Response(
        body=json.dumps(body, separators=(",", ":"), ensure_ascii=False),
        status_code=status,
        headers={**JSON_HEADERS, **_allowed_origin(), **(headers or {})},
    )


# The stage variable template.yaml fills with this stack's dashboard and checkout origins: the function
# cannot name the CloudFront distributions itself (they name the API, which names the function).
STACK_ORIGINS_STAGE_VARIABLE = "stackOrigins"


def _allowed_origins() -> list[str]:
    """`CORS_ALLOW_ORIGIN` when set (an override, or `*` on the local stack), else the stack's own origins
    from the stage variable, else none."""
    configured = cors_allow_origin()
    request = app.current_request
    if not configured and request is not None:
        configured = (request.stage_vars or {}).get(STACK_ORIGINS_STAGE_VARIABLE, "")
    return [origin.strip() for origin in configured.split(",") if origin.strip()]


def _allowed_origin() -> dict[str, str]:
    """The request's Origin is named back when it is allowed; otherwise the header names an origin that
    is not the page's, so the browser keeps the answer from it. Chalice adds its own header (CORS above)
    only where a response has none, and that names the first configured origin alone."""
    allowed = _allowed_origins()
    if allowed == ["*"]:
        return {}
    request = app.current_request
    origin = request.headers.get("origin") if request is not None else None
    if origin in allowed:
        return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
    # With nothing allowed, the API's own origin: one no page but the API's can be.
    fallback = allowed[0] if allowed else f"https://{request.headers.get('host', '') if request else ''}"
    return {"Access-Control-Allow-Origin": fallback, "Vary": "Origin"}


def route(path: str, methods: list[str]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A Chalice route whose errors become openapi.yaml's error envelope (and never leak internals), every
    answer carrying its `Request-Id`, and one log line per request."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def guarded(**params: str) -> Response:
            started = time.perf_counter()
            request_id = _request_id()
            with request_scope(request_id):
                response = _answer(view, params, path)
                response.headers["Request-Id"] = request_id
                _log_request(path, response.status_code, started)
            return response

        # Any content type is accepted; the body is parsed (and rejected) by json_body().
        app.route(path, methods=methods, cors=CORS, content_types=["*/*"])(guarded)
        return view

    return decorator


def _answer(view: Callable[..., Any], params: dict[str, str], path: str) -> Response:
    try:
        result = view(**params)
    except GatewayError as error:
        if isinstance(error, InternalError):
            logger.exception("internal error", extra={"path": path})
        return _json(error.status_code, _with_request_id(error.to_body()), error.headers())
    except Exception:
        logger.exception("unhandled error", extra={"path": path})
        return _json(500, _with_request_id(INTERNAL_ERROR))
    if isinstance(result, ApiResult):
        replayed = {"Idempotent-Replayed": "true"} if result.replayed else None
        return _json(result.status, result.body, replayed)
    return _json(200, result)


def _request_id() -> str:
    """API Gateway's id for this request (the local runtime makes one the same way), else a new one."""
    context = app.current_request.context if app.current_request is not None else None
    given = (context or {}).get("requestId")
    return given if isinstance(given, str) and given else new_request_id()


def _with_request_id(body: dict[str, Any]) -> dict[str, Any]:
    """Every error body carries the request id (the health shape has no `error` to carry it)."""
    error = body.get("error")
    if isinstance(error, dict):
        return {**body, "error": {**error, "request_id": current_request_id()}}
    return body


def _log_request(path: str, status: int, started: float) -> None:
    request = app.current_request
    logger.info(
        "api request",
        extra={
            "method": request.method if request is not None else None,
            "route": path,
            "status": status,
            "latency_ms": round((time.perf_counter() - started) * 1000, 1),
            "merchant_id": current_merchant_id(),
        },
    )


def current_request() -> Request:
    request = app.current_request
    assert request is not None, "only called while handling a request"
    return request


def json_body() -> Any:
    return parse_request_json(current_request().raw_body)


def credentials() -> Credentials:
    headers = current_request().headers
    return Credentials.from_headers(
        headers.get("x-api-key"), headers.get("x-api-secret"), headers.get("authorization")
    )


def source_ip() -> str:
    identity = (current_request().context or {}).get("identity") or {}
    return str(identity.get("sourceIp") or "unknown")


def idempotency_key() -> str | None:
    key: str | None = current_request().headers.get("idempotency-key")
    return key


def query(name: str) -> str | None:
    params = current_request().query_params
    value: str | None = params.get(name) if params else None
    return value


def query_all(name: str) -> list[str]:
    """Every value of a repeatable query parameter (`?type=a&type=b`)."""
    params = current_request().query_params
    return list(params.getlist(name)) if params and name in params else []


def test_endpoints_enabled() -> None:
    if not get_settings().test_endpoints:
        raise NotFoundError("Route not found")


# ---------------------------------------------------------------- health, test helpers, docs


@route("/health", methods=["GET"])
def health() -> Any:
    return jobs.health()


@route("/api/v1/openapi.json", methods=["GET"])
def openapi_document() -> Any:
    return load_openapi_document()


@route("/api/v1/test/merchant", methods=["GET"])
def test_merchant() -> Any:
    test_endpoints_enabled()
    return merchants.test_merchant_view()


@route("/api/v1/test/jobs/status", methods=["GET"])
def jobs_status() -> Any:
    test_endpoints_enabled()
    return jobs.jobs_status()


@route("/api/v1/auth/login", methods=["POST"])
def log_in() -> Any:
    return login.login(json_body(), source_ip())


@route("/api/v1/auth/logout", methods=["POST"])
def log_out() -> Any:
    return login.logout(credentials())


@route("/api/v1/auth/set-password", methods=["POST"])
def set_password() -> Any:
    return login.set_password(json_body())


# ---------------------------------------------------------------- the merchant's own account


@route("/api/v1/account", methods=["GET"])
def get_account() -> Any:
    return account.account_view(credentials())


@route("/api/v1/account/password", methods=["POST"])
def change_password() -> Any:
    return account.change_password(credentials(), json_body(), source_ip())


@route("/api/v1/account/keys", methods=["GET"])
def list_key_pairs() -> Any:
    return account.list_key_pairs(credentials())


@route("/api/v1/account/keys/roll", methods=["POST"])
def roll_key_pair() -> Any:
    return account.roll_key_pair(credentials(), json_body())


# ---------------------------------------------------------------- orders


@route("/api/v1/orders", methods=["POST"])
def create_order() -> Any:
    return orders.create_order(credentials(), json_body(), idempotency_key())


@route("/api/v1/orders", methods=["GET"])
def list_orders() -> Any:
    return lists.list_orders(
        credentials(), validate_order_list_query(query("limit"), query("starting_after"), query("status"))
    )


@route("/api/v1/orders/{order_id}", methods=["GET"])
def get_order(order_id: str) -> Any:
    return orders.get_order(credentials(), order_id)


@route("/api/v1/orders/{order_id}/payments", methods=["GET"])
def list_order_payments(order_id: str) -> Any:
    return lists.list_order_payments(credentials(), order_id)


@route("/api/v1/orders/{order_id}/public", methods=["GET"])
def get_public_order(order_id: str) -> Any:
    return orders.get_public_order(order_id)


# ---------------------------------------------------------------- payments


@route("/api/v1/payments", methods=["POST"])
def create_payment() -> Any:
    return payments.create_payment(credentials(), json_body(), idempotency_key())


@route("/api/v1/payments", methods=["GET"])
def list_payments() -> Any:
    search = validate_payment_search(query("email"), query("contact"), query("card_last4"))
    created = validate_created_range(query("from"), query("to"))
    return payments.list_payments(credentials(), query("limit"), query("offset"), search, created)


@route("/api/v1/payments/stats", methods=["GET"])
def payment_stats() -> Any:
    return payments.payment_stats(credentials(), query("currency"), query("days"))


@route("/api/v1/payments/public", methods=["POST"])
def create_public_payment() -> Any:
    return payments.create_public_payment(json_body())


@route("/api/v1/payments/{payment_id}", methods=["GET"])
def get_payment(payment_id: str) -> Any:
    return payments.get_payment(credentials(), payment_id)


@route("/api/v1/payments/{payment_id}/public", methods=["GET"])
def get_public_payment(payment_id: str) -> Any:
    return payments.get_public_payment(payment_id)


@route("/api/v1/payments/{payment_id}/events", methods=["GET"])
def list_payment_events(payment_id: str) -> Any:
    return payment_events.list_payment_events(credentials(), payment_id)


@route("/api/v1/payments/{payment_id}/capture", methods=["POST"])
def capture_payment(payment_id: str) -> Any:
    return payments.capture_payment(credentials(), payment_id, json_body(), idempotency_key())


# ---------------------------------------------------------------- payment links


@route("/api/v1/payment_links", methods=["POST"])
def create_payment_link() -> Any:
    return payment_links.create_payment_link(credentials(), json_body(), idempotency_key())


@route("/api/v1/payment_links", methods=["GET"])
def list_payment_links() -> Any:
    return payment_links.list_payment_links(credentials(), query("limit"), query("starting_after"))


@route("/api/v1/payment_links/{payment_link_id}", methods=["GET"])
def get_payment_link(payment_link_id: str) -> Any:
    return payment_links.get_payment_link(credentials(), payment_link_id)


@route("/api/v1/payment_links/{payment_link_id}/cancel", methods=["POST"])
def cancel_payment_link(payment_link_id: str) -> Any:
    return payment_links.cancel_payment_link(credentials(), payment_link_id)


@route("/api/v1/payment_links/{payment_link_id}/public", methods=["GET"])
def get_public_payment_link(payment_link_id: str) -> Any:
    return payment_links.get_public_payment_link(payment_link_id)


# ---------------------------------------------------------------- refunds


@route("/api/v1/payments/{payment_id}/refunds", methods=["POST"])
def create_refund(payment_id: str) -> Any:
    return refunds.create_refund(credentials(), payment_id, json_body(), idempotency_key())


@route("/api/v1/payments/{payment_id}/refunds", methods=["GET"])
def list_refunds(payment_id: str) -> Any:
    return refunds.list_refunds(credentials(), payment_id)


@route("/api/v1/refunds", methods=["GET"])
def list_all_refunds() -> Any:
    return lists.list_refunds(
        credentials(),
        validate_refund_list_query(query("limit"), query("starting_after"), query("payment_id")),
    )


@route("/api/v1/refunds/{refund_id}", methods=["GET"])
def get_refund(refund_id: str) -> Any:
    return refunds.get_refund(credentials(), refund_id)


# ---------------------------------------------------------------- webhooks


@route("/api/v1/webhooks/config", methods=["GET"])
def get_webhook_config() -> Any:
    return merchants.webhook_config(credentials())


@route("/api/v1/webhooks/config", methods=["PUT"])
def put_webhook_config() -> Any:
    return merchants.update_webhook_config(credentials(), json_body())


@route("/api/v1/webhooks/regenerate-secret", methods=["POST"])
def regenerate_webhook_secret() -> Any:
    return merchants.regenerate_webhook_secret(credentials())


@route("/api/v1/webhooks/test", methods=["POST"])
def send_test_webhook() -> Any:
    return webhook_logs.send_test(credentials())


@route("/api/v1/webhooks/recover", methods=["POST"])
def recover_webhooks() -> Any:
    return recovery.start_recovery(credentials(), json_body())


@route("/api/v1/webhooks/recover/{recovery_id}", methods=["GET"])
def get_webhook_recovery(recovery_id: str) -> Any:
    return recovery.get_recovery(credentials(), recovery_id)


@route("/api/v1/webhooks/pipeline", methods=["GET"])
def get_webhook_pipeline() -> Any:
    return webhook_pipeline.webhook_pipeline(credentials())


@route("/api/v1/webhooks", methods=["GET"])
def list_webhook_logs() -> Any:
    return webhook_logs.list_logs(credentials(), query("limit"), query("offset"))


@route("/api/v1/webhooks/{webhook_id}", methods=["GET"])
def get_webhook_log(webhook_id: str) -> Any:
    return webhook_logs.get_log(credentials(), webhook_id)


@route("/api/v1/webhooks/{webhook_id}/retry", methods=["POST"])
def retry_webhook(webhook_id: str) -> Any:
    return webhook_logs.retry(credentials(), webhook_id)


# ---------------------------------------------------------------- events


@route("/api/v1/events", methods=["GET"])
def list_events() -> Any:
    return events.list_events(
        credentials(),
        validate_event_query(
            query("limit"),
            query("starting_after"),
            query_all("type"),
            query("from"),
            query("to"),
            query("delivery_status"),
            query("payment_id"),
        ),
    )


@route("/api/v1/events/{event_id}", methods=["GET"])
def get_event(event_id: str) -> Any:
    return events.get_event(credentials(), event_id)
