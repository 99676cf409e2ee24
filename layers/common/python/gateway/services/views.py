"""How resources look from outside (API responses and webhook payloads)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from gateway.domain import money
from gateway.domain.events import DeliveryAttempt, Event, Recovery
from gateway.domain.lifecycle import OrderStatus
from gateway.domain.payment_links import PaymentLink
from gateway.domain.resources import Order, Payment, Refund, WebhookLog


def order_view(order: Order) -> dict[str, Any]:
    return {
        "id": order.id,
        "merchant_id": order.merchant_id,
        "amount": order.amount,
        "currency": order.currency,
        "receipt": order.receipt,
        "notes": order.notes,
        "status": order.status,
        "amount_paid": order.amount_paid,
        "payment_capture": order.payment_capture,
        "version": order.version,
        "created_at": order.created_at,
        "updated_at": order.updated_at,
    }


def created_order_view(order: Order) -> dict[str, Any]:
    view = order_view(order)
    del view["updated_at"]
    return view


def public_order_view(
    order: Order, merchant_name: str, latest_payment: Payment | None = None
) -> dict[str, Any]:
    """What the hosted checkout shows: `merchant_name` is the account's, the only payee name it shows;
    `payment` the order's newest payment (id and status), so a reopened checkout resumes one under way."""
    return {
        "id": order.id,
        "amount": order.amount,
        "currency": order.currency,
        "status": order.status,
        "version": order.version,
        "merchant_name": merchant_name,
        "payment": {"id": latest_payment.id, "status": latest_payment.status} if latest_payment else None,
    }


def payment_link_view(link: PaymentLink, now: datetime, checkout_url: str) -> dict[str, Any]:
    """`status` as of `now` (an open link past `expire_by` shows as expired before the sweep records it)."""
    return {
        "id": link.id,
        "order_id": link.order_id,
        "amount": link.amount,
        "currency": link.currency,
        "description": link.description,
        "receipt": link.receipt,
        "status": link.status_at(now),
        "url": f"{checkout_url}/pay/{link.id}",
        "return_url": link.return_url,
        "expire_by": link.expire_by,
        "created_at": link.created_at,
        "version": link.version,
    }


def public_payment_link_view(link: PaymentLink, now: datetime, merchant_name: str) -> dict[str, Any]:
    """What the hosted `/pay/<id>` page shows and needs: payee, what for, how much, and the way back."""
    return {
        "id": link.id,
        "order_id": link.order_id,
        "amount": link.amount,
        "currency": link.currency,
        "description": link.description,
        "status": link.status_at(now),
        "return_url": link.return_url,
        "expire_by": link.expire_by,
        "merchant_name": merchant_name,
    }


def _method_details(payment: Payment) -> dict[str, Any]:
    if payment.method == "upi":
        return {"vpa": payment.vpa}
    return {"card_network": payment.card_network, "card_last4": payment.card_last4}


def _payment_basics(payment: Payment) -> dict[str, Any]:
    return {
        "id": payment.id,
        "order_id": payment.order_id,
        "amount": payment.amount,
        "currency": payment.currency,
        "method": payment.method,
        "version": payment.version,
    }


def _payment_outcome(payment: Payment) -> dict[str, Any]:
    return {"error_code": payment.error_code, "error_description": payment.error_description}


def created_payment_view(payment: Payment) -> dict[str, Any]:
    return {
        **_payment_basics(payment),
        **_method_details(payment),
        **_shopper(payment),
        "status": payment.status,
        "created_at": payment.created_at,
    }


def payment_money_view(payment: Payment) -> dict[str, Any]:
    """The payment's money as `domain.money` defines it: the same figures on every surface."""
    return {
        "captured": payment.captured,
        "amount_refunded": money.refunded(payment),
        "refund_status": money.refund_status(payment),
        "amount_captured": money.captured(payment),
        "amount_capturable": money.capturable(payment),
        "amount_refundable": money.left_to_refund(payment),
        "amount_net": money.net(payment),
        # The name before `amount_refunded`; kept for integrations that read it.
        "refunded_amount": money.refunded(payment),
    }


def _shopper(payment: Payment) -> dict[str, Any]:
    return {"email": payment.email, "contact": payment.contact}


def payment_view(payment: Payment) -> dict[str, Any]:
    return {
        **_payment_basics(payment),
        **_method_details(payment),
        **_shopper(payment),
        "status": payment.status,
        **payment_money_view(payment),
        **_payment_outcome(payment),
        "auto_refunded": payment.auto_refunded,
        "created_at": payment.created_at,
        "updated_at": payment.updated_at,
    }


def listed_payment_view(payment: Payment, order_status: OrderStatus | None) -> dict[str, Any]:
    """A payment in `GET /api/v1/payments`: with its order's current status, so a list shows it without a
    read per row (None only for an order that cannot be read)."""
    return {**payment_view(payment), "order_status": order_status}


def public_payment_view(payment: Payment, signature: str | None = None) -> dict[str, Any]:
    """What a shopper's browser may see: no VPA or card details. `signature` (a success's only) is what the
    merchant's server checks the result with (`domain.payment_signature`)."""
    return {
        **_payment_basics(payment),
        "status": payment.status,
        **_payment_outcome(payment),
        "signature": signature,
        "created_at": payment.created_at,
    }


def main_currency(by_currency: dict[str, money.MoneyTotals]) -> str:
    """The currency the merchant takes most payments in (INR, the default, when it has none)."""
    if not by_currency:
        return "INR"
    return max(by_currency.values(), key=lambda totals: (totals.payments, totals.currency == "INR")).currency


def _money_totals_view(totals: money.MoneyTotals) -> dict[str, Any]:
    return {
        "total_amount": totals.success_amount,
        "captured_amount": totals.captured_amount,
        "refunded_amount": totals.refunded_amount,
        "net_amount": totals.net,
        "capturable_amount": totals.capturable,
    }


def stats_view(by_currency: dict[str, money.MoneyTotals], currency: str | None) -> dict[str, Any]:
    """Counts over every currency; amounts in `currency` (default: the main one), and per currency."""
    chosen = currency or main_currency(by_currency)
    payments = sum(totals.payments for totals in by_currency.values())
    succeeded = sum(totals.succeeded for totals in by_currency.values())
    return {
        "total_transactions": payments,
        **_money_totals_view(by_currency.get(chosen, money.MoneyTotals(chosen))),
        "success_rate": money.success_rate(succeeded, payments),
        "currency": chosen,
        "by_currency": {
            code: {
                "total_transactions": totals.payments,
                **_money_totals_view(totals),
                "success_rate": money.success_rate(totals.succeeded, totals.payments),
            }
            for code, totals in sorted(by_currency.items())
        },
    }


def daily_view(first: date, days: int, by_day: dict[str, money.MoneyTotals]) -> list[dict[str, Any]]:
    """One row per day from `first`, days without payments included (a chart needs every day)."""
    rows = []
    for offset in range(days):
        day = (first + timedelta(days=offset)).isoformat()
        totals = by_day.get(day, money.MoneyTotals(""))
        rows.append(
            {
                "date": day,
                "payments": totals.payments,
                "succeeded": totals.succeeded,
                "volume": totals.success_amount,
                "success_rate": money.success_rate(totals.succeeded, totals.payments),
            }
        )
    return rows


def refund_view(refund: Refund) -> dict[str, Any]:
    return {
        "id": refund.id,
        "payment_id": refund.payment_id,
        "amount": refund.amount,
        "currency": refund.currency,
        "reason": refund.reason,
        "status": refund.status,
        "version": refund.version,
        "created_at": refund.created_at,
        "processed_at": refund.processed_at,
    }


def created_refund_view(refund: Refund) -> dict[str, Any]:
    view = refund_view(refund)
    del view["processed_at"]
    return view


def webhook_log_view(log: WebhookLog) -> dict[str, Any]:
    return {
        "id": log.id,
        "event": log.event,
        "status": log.status,
        "attempts": log.attempts,
        "created_at": log.created_at,
        "last_attempt_at": log.last_attempt_at,
        "next_retry_at": log.next_retry_at,
        "response_code": log.response_code,
        "event_id": log.event_id,
    }


def webhook_log_detail_view(log: WebhookLog) -> dict[str, Any]:
    return {
        **webhook_log_view(log),
        "payload": log.payload,
        "url": log.url,
        "response_body": log.response_body,
        "attempt_history": _attempt_views(log),
    }


def event_view(event: Event) -> dict[str, Any]:
    return {
        "id": event.id,
        "type": event.type,
        "created_at": event.created_at,
        "data": event.data,
        "delivery_status": event.delivery_status,
    }


def _attempt_view(attempt: DeliveryAttempt, log: WebhookLog) -> dict[str, Any]:
    return {
        "attempted_at": attempt.attempted_at,
        "response_code": attempt.response_code,
        "duration_ms": attempt.duration_ms,
        "response_body": attempt.response_body,
        "headers": attempt.headers,
        "url": attempt.url or log.url,
    }


def _attempt_views(log: WebhookLog) -> list[dict[str, Any]]:
    return [_attempt_view(DeliveryAttempt.from_json(text), log) for text in log.attempt_log]


def delivery_view(log: WebhookLog) -> dict[str, Any]:
    return {"webhook_id": log.id, "url": log.url, "status": log.status, "attempts": _attempt_views(log)}


def event_detail_view(event: Event, deliveries: list[WebhookLog]) -> dict[str, Any]:
    return {**event_view(event), "deliveries": [delivery_view(log) for log in deliveries]}


def recovery_view(recovery: Recovery) -> dict[str, Any]:
    return {
        "id": recovery.id,
        "status": "completed" if recovery.completed else "running",
        "since": recovery.since,
        "until": recovery.until,
        "events": recovery.events,
        "sent": recovery.sent,
        # The most events one recovery sends (the oldest in range): `events` beyond it need another.
        "max_events": recovery.max_events,
    }


def jobs_status_view(
    waiting: int, in_flight: int, completed: int, failed: int, workers_running: bool
) -> dict[str, Any]:
    return {
        "pending": waiting,
        "processing": in_flight,
        "completed": completed,
        "failed": failed,
        "worker_status": "running" if workers_running else "stopped",
    }
