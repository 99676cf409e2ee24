"""Refunds: never more in total than the payment, also under concurrent requests."""

from __future__ import annotations

from typing import Any

from gateway.data import payments as payment_store
from gateway.data import refunds as refund_store
from gateway.data.dynamo import read_concurrently
from gateway.domain.clock import now_iso
from gateway.domain.ids import new_refund_id
from gateway.domain.lifecycle import PaymentStatus
from gateway.domain.resources import Payment
from gateway.domain.validation import validate_refund
from gateway.errors import BadRequestError, ConflictError
from gateway.services import business_metrics
from gateway.services.auth import Credentials, authenticate, find_owner, read_owned
from gateway.services.idempotency import IdempotentRequest
from gateway.services.payments import PaymentCommand, owned_payment
from gateway.services.results import ApiResult
from gateway.services.views import created_refund_view, refund_view
from gateway.telemetry.logs import current_request_id

ENDPOINT = "POST /api/v1/payments/{payment_id}/refunds"
EXCEEDS = "Refund amount exceeds available amount"
NOT_REFUNDABLE = "Payment not in refundable state"


def _refund(request: IdempotentRequest, payment: Payment, body: Any) -> ApiResult:
    amount, reason = validate_refund(body)
    if payment.refunded_amount + amount > payment.amount:
        raise BadRequestError(EXCEEDS, field="amount")
    refund = payment.new_refund(new_refund_id(), amount, reason, now_iso(), current_request_id())
    try:
        result = request.commit(
            ApiResult(201, created_refund_view(refund)),
            lambda record: refund_store.add_refund_within_total(refund, payment, record),
        )
    except ConflictError as conflict:
        # Only the payment's condition can fail (the refund's id is new): a concurrent refund took what
        # was left, or the payment is no longer refundable.
        current = conflict.current_as(Payment)
        if current is None:
            raise
        if current.status is not PaymentStatus.SUCCESS:
            raise BadRequestError(NOT_REFUNDABLE) from None
        raise BadRequestError(EXCEEDS, field="amount") from None
    business_metrics.refund_created(refund)  # a replay was answered before this refund was made
    return result


create_refund = PaymentCommand(ENDPOINT, NOT_REFUNDABLE, _refund)


def get_refund(credentials: Credentials, refund_id: str) -> dict[str, Any]:
    return refund_view(
        read_owned(credentials, lambda: refund_store.get_refund(refund_id), "Refund not found")
    )


def list_refunds(credentials: Credentials, payment_id: str) -> list[dict[str, Any]]:
    merchant, payment, refunds = read_concurrently(
        lambda: find_owner(credentials),
        lambda: payment_store.get_payment(payment_id),
        lambda: refund_store.list_refunds_for_payment(payment_id),
    )
    merchant = authenticate(merchant, credentials)
    owned_payment(merchant, payment)
    return [refund_view(refund) for refund in refunds]
