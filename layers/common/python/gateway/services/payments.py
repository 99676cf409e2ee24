"""Payments: creation (merchant and shopper), reads, stats and capture. Settlement is in settlement.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from itertools import islice
from typing import Any

from gateway.config import get_settings
from gateway.data import orders as order_store
from gateway.data import payments as payment_store
from gateway.data import totals as totals_store
from gateway.domain import money
from gateway.domain.clock import now_iso, utc_now
from gateway.domain.idempotency import IdempotencyRecord
from gateway.domain.ids import new_payment_id
from gateway.domain.lifecycle import PaymentStatus
from gateway.domain.listing import CreatedRange
from gateway.domain.payment_signature import payment_signature
from gateway.domain.resources import ApiKeyOwner, Merchant, Order, Payment
from gateway.domain.shopper import PaymentSearch, ShopperDetails, validate_shopper_details
from gateway.domain.validation import (
    PaymentRequest,
    parse_order_reference,
    validate_capture,
    validate_days,
    validate_pagination,
    validate_payment_method,
    validate_stats_currency,
)
from gateway.errors import BadRequestError, ConflictError, IdempotencyKeyTakenError
from gateway.services import business_metrics
from gateway.services.auth import (
    Credentials,
    active_merchant,
    authenticate,
    authenticated_command,
    find_owner,
    found,
    owned,
    read_owned,
)
from gateway.services.idempotency import IdempotentRequest
from gateway.services.orders import ORDER_NOT_FOUND
from gateway.services.payment_links import ensure_link_open
from gateway.services.results import ApiResult
from gateway.services.views import (
    created_payment_view,
    daily_view,
    listed_payment_view,
    payment_view,
    public_payment_view,
    stats_view,
)
from gateway.telemetry.logs import current_request_id

CREATE_ENDPOINT = "POST /api/v1/payments"
CAPTURE_ENDPOINT = "POST /api/v1/payments/{payment_id}/capture"
PAYMENT_NOT_FOUND = "Payment not found"
NOT_CAPTURABLE = "Payment not in capturable state"
# created -> attempted -> paid: an insert can find the order moved on at most twice.
ORDER_CHANGES = 2
# Capturing twice is allowed and changes nothing. A capture's write fails when the payment moved since it
# was read (a concurrent capture, or refunds); each try reads it again.
CAPTURE_ATTEMPTS = 4


def _order_id_in(body: Any) -> str | None:
    if isinstance(body, dict) and isinstance(body.get("order_id"), str) and body["order_id"]:
        return str(body["order_id"])
    return None


def _new_payment(order: Order, request: PaymentRequest, shopper: ShopperDetails) -> Payment:
    now = now_iso()
    return Payment(
        id=new_payment_id(),
        merchant_id=order.merchant_id,
        order_id=order.id,
        amount=order.amount,
        currency=order.currency,
        method=request.method,
        status=PaymentStatus.PENDING,
        created_at=now,
        updated_at=now,
        vpa=request.vpa,
        card_network=request.card.network if request.card else None,
        card_last4=request.card.last4 if request.card else None,
        test_outcome=request.test_outcome if get_settings().test_mode else None,
        request_id=current_request_id(),
        email=shopper.email,
        contact=shopper.contact,
    )


def _insert_on_order(payment: Payment, order: Order, record: IdempotencyRecord | None) -> None:
    """Insert the payment, moving its order to `attempted` if it is the first; OrderAlreadyPaidError (400)
    when the order is paid, also when it got paid between our read and our write."""
    for attempt in range(ORDER_CHANGES + 1):
        try:
            payment_store.insert_payment(
                payment, order, order.with_payment_attempt(payment.created_at), record
            )
            business_metrics.payment_created(payment)
            return
        except IdempotencyKeyTakenError:
            raise
        except ConflictError as conflict:
            ensure_link_open(order)  # a link closed meanwhile is why, and says so (400)
            # The order moved on (another payment made it `attempted`, or paid it): try again on the order
            # as the failed condition found it, which `with_payment_attempt` refuses once it is paid.
            current = conflict.current_as(Order)
            if current is None or attempt == ORDER_CHANGES:
                raise
            order = current


def create_payment(credentials: Credentials, body: Any, idempotency_key: str | None) -> ApiResult:
    """Two sequential round trips: merchant, order and key read together, then one transaction."""
    request = IdempotentRequest.of(credentials.scope, CREATE_ENDPOINT, idempotency_key, body)
    order_id = _order_id_in(body)
    merchant, order, replay = authenticated_command(
        credentials, request, lambda: order_store.get_order(order_id) if order_id else None
    )
    if replay is not None:
        return replay
    body, order_id = parse_order_reference(body)
    order = owned(merchant, order, ORDER_NOT_FOUND)
    order.ensure_payable()
    ensure_link_open(order)
    payment = _new_payment(
        order,
        validate_payment_method(body, order_id, utc_now().date(), currency=order.currency),
        validate_shopper_details(body),
    )
    return request.commit(
        ApiResult(201, created_payment_view(payment)), lambda record: _insert_on_order(payment, order, record)
    )


def create_public_payment(body: Any) -> ApiResult:
    """The hosted checkout's create: no credentials; the merchant is the order's."""
    body, order_id = parse_order_reference(body)
    order = found(order_store.get_order(order_id), ORDER_NOT_FOUND)
    active_merchant(order.merchant_id, ORDER_NOT_FOUND)
    order.ensure_payable()
    ensure_link_open(order)
    payment = _new_payment(
        order,
        validate_payment_method(body, order_id, utc_now().date(), currency=order.currency),
        validate_shopper_details(body),
    )
    _insert_on_order(payment, order, None)
    return ApiResult(201, created_payment_view(payment))


def owned_payment(merchant: ApiKeyOwner, payment: Payment | None) -> Payment:
    return owned(merchant, payment, PAYMENT_NOT_FOUND)


def get_payment(credentials: Credentials, payment_id: str) -> dict[str, Any]:
    return payment_view(
        read_owned(credentials, lambda: payment_store.get_payment(payment_id), PAYMENT_NOT_FOUND)
    )


def get_public_payment(payment_id: str) -> dict[str, Any]:
    payment = found(payment_store.get_payment(payment_id), PAYMENT_NOT_FOUND)
    merchant = active_merchant(payment.merchant_id, PAYMENT_NOT_FOUND)
    return public_payment_view(payment, signed_result(payment, merchant))


def signed_result(payment: Payment, merchant: Merchant) -> str | None:
    """The signature a success carries to the merchant's server through the shopper's browser, made with
    the account's current API secret; None for a payment that has not succeeded (nothing to vouch for)."""
    if payment.status is not PaymentStatus.SUCCESS:
        return None
    return payment_signature(payment.order_id, payment.id, merchant.api_secret)


def list_payments(
    credentials: Credentials,
    limit_raw: str | None,
    offset_raw: str | None,
    search: PaymentSearch | None = None,
    created: CreatedRange | None = None,
) -> list[Any]:
    """The merchant's payments newest first, each with its order's status (what a list of payments shows);
    with a search, those whose email, contact or card's last four digits match (read from that field's
    index, never by going through every payment); with `created`, those created in that range (the index's
    range key)."""
    limit, offset = validate_pagination(limit_raw, offset_raw, default_limit=100)
    merchant = authenticate(find_owner(credentials), credentials)
    if search is not None:
        page = payment_store.payments_found(merchant.id, search, offset + limit, created)[offset:]
    else:
        newest = payment_store.payments_newest_first(merchant.id, offset + limit, created)
        page = list(islice(newest, offset, offset + limit))
    # One batch read for the whole page, not one read per payment.
    statuses = order_store.order_statuses(payment.order_id for payment in page)
    return [listed_payment_view(payment, statuses.get(payment.order_id)) for payment in page]


def payment_stats(
    credentials: Credentials, currency_raw: str | None = None, days_raw: str | None = None
) -> dict[str, Any]:
    """The merchant's figures from its running totals: one Query over its counter shards, whatever its
    history. Counts cover every currency; amounts are in one (`currency`, default the main one). With
    `days`, also payments, successes and volume per day (UTC) over the last `days` days, from the day
    counters (one more Query)."""
    merchant = authenticate(find_owner(credentials), credentials)
    currency = validate_stats_currency(currency_raw)
    days = validate_days(days_raw) if days_raw else None
    by_currency = totals_store.totals_by_currency(merchant.id)
    stats = stats_view(by_currency, currency)
    if days is not None:
        last = utc_now().date()
        first = last - timedelta(days=days - 1)
        by_day = totals_store.daily_totals(merchant.id, stats["currency"], first, last)
        stats["daily"] = daily_view(first, days, by_day)
    return stats


@dataclass(frozen=True)
class PaymentCommand:
    """A POST on one of the merchant's successful payments (capture, refund), called as
    `command(credentials, payment_id, body, idempotency_key)`: merchant, payment and idempotency record
    are read in one round trip, a repeated request gets its stored answer, a payment that has not succeeded
    is refused with `refused` (400), and `run` does the rest."""

    endpoint: str
    refused: str
    run: Callable[[IdempotentRequest, Payment, Any], ApiResult]

    def __call__(
        self, credentials: Credentials, payment_id: str, body: Any, idempotency_key: str | None
    ) -> ApiResult:
        request = IdempotentRequest.of(credentials.scope, self.endpoint + payment_id, idempotency_key, body)
        merchant, payment, replay = authenticated_command(
            credentials, request, lambda: payment_store.get_payment(payment_id)
        )
        if replay is not None:
            return replay
        payment = owned_payment(merchant, payment)
        if payment.status is not PaymentStatus.SUCCESS:
            raise BadRequestError(self.refused)
        return self.run(request, payment, body)


def _capture(request: IdempotentRequest, payment: Payment, body: Any) -> ApiResult:
    """Capture what is still authorized (`amount - amount_refunded`); a named amount must equal it. The
    write checks the payment's version, so a refund that lands first makes it fail and read again: the
    capture never takes money that was refunded."""
    amount = validate_capture(body)
    for _ in range(CAPTURE_ATTEMPTS):
        if not payment.captured:
            _check_capturable(payment, amount)
        captured = payment if payment.captured else payment.captured_now(now_iso())
        try:
            return request.commit(
                ApiResult(200, payment_view(captured)),
                partial(payment_store.mark_captured, payment, captured),
            )
        except ConflictError as conflict:
            current = conflict.current_as(Payment)
            if current is None or current.status is not PaymentStatus.SUCCESS:
                break
            payment = current  # captured or refunded concurrently: decide again on what it is now
    raise BadRequestError(NOT_CAPTURABLE)


def _check_capturable(payment: Payment, amount: int | None) -> None:
    left = money.capturable(payment)
    if left <= 0:
        raise BadRequestError(NOT_CAPTURABLE)
    if amount is not None and amount != left:
        raise BadRequestError(
            f"Capture amount must equal the amount not refunded: {left} "
            f"({payment.amount} authorized - {payment.refunded_amount} refunded)",
            field="amount",
        )


capture_payment = PaymentCommand(CAPTURE_ENDPOINT, NOT_CAPTURABLE, _capture)
