"""Refunds: never more in total than the payment, also under concurrent requests."""

from __future__ import annotations

from typing import Any

from gateway.data import payments as payment_store
from gateway.data import refunds as refund_store
from gateway.data.dynamo import read_concurrently
from gateway.data.merchants import find_merchant_by_api_key
from gateway.domain.clock import now_iso
from gateway.domain.ids import new_refund_id
from gateway.domain.lifecycle import PaymentStatus, RefundStatus
from gateway.domain.resources import Refund
from gateway.domain.validation import validate_refund
from gateway.errors import BadRequestError, ConflictError
from gateway.services import business_metrics
from gateway.services.auth import Credentials, authenticate, authenticated_read, owned
from gateway.services.idempotency import IdempotentRequest
from gateway.services.payments import owned_payment, read_for_payment_command
from gateway.services.results import ApiResult
from gateway.services.views import created_refund_view, refund_view
from gateway.telemetry.logs import current_request_id

ENDPOINT = "POST /api/v1/payments/{payment_id}/refunds"
EXCEEDS = "Refund amount exceeds available amount"


def create_refund(
    credentials: Credentials, payment_id: str, body: Any, idempotency_key: str | None
) -> ApiResult:
    request = IdempotentRequest.of(credentials.api_key, ENDPOINT + payment_id, idempotency_key, body)
    replay, payment = read_for_payment_command(credentials, payment_id, request)
    if replay is not None:
        return replay
    if payment.status is not PaymentStatus.SUCCESS:
        raise BadRequestError("Payment not in refundable state")
    amount, reason = validate_refund(body)
    if payment.refunded_amount + amount > payment.amount:
        raise BadRequestError(EXCEEDS, field="amount")
    now = now_iso()
    refund = Refund(
        id=new_refund_id(),
        merchant_id=payment.merchant_id,
        payment_id=payment.id,
        amount=amount,
        reason=reason,
        status=RefundStatus.PENDING,
        created_at=now,
        updated_at=now,
        request_id=current_request_id(),
    )
    try:
        result = request.commit(
            ApiResult(201, created_refund_view(refund)),
            lambda record: refund_store.add_refund_within_total(refund, payment, record),
        )
    except ConflictError:
        raise BadRequestError(EXCEEDS, field="amount") from None
    if not result.replayed:
        business_metrics.refund_created(refund)
    return result


def get_refund(credentials: Credentials, refund_id: str) -> dict[str, Any]:
    merchant, refund = authenticated_read(credentials, lambda: refund_store.get_refund(refund_id))
    return refund_view(owned(merchant, refund, "Refund not found"))


def list_refunds(credentials: Credentials, payment_id: str) -> list[dict[str, Any]]:
    merchant, payment, refunds = read_concurrently(
        lambda: find_merchant_by_api_key(credentials.api_key),
        lambda: payment_store.get_payment(payment_id),
        lambda: refund_store.list_refunds_for_payment(payment_id),
    )
    merchant = authenticate(merchant, credentials)
    owned_payment(merchant, payment)
    return [refund_view(refund) for refund in refunds]
