"""Stream records (the outbox) decoded into the resources they changed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gateway.config import get_settings
from gateway.data.models import PaymentModel, RefundModel, WebhookLogModel
from gateway.data.payments import payment_from
from gateway.data.refunds import refund_from
from gateway.data.webhook_logs import webhook_log_from
from gateway.domain.resources import Payment, Refund, WebhookLog

Resource = Payment | Refund | WebhookLog

_DECODERS: dict[str, Callable[[dict[str, Any]], Resource]] = {
    "payments": lambda image: payment_from(PaymentModel.from_raw_data(image)),
    "refunds": lambda image: refund_from(RefundModel.from_raw_data(image)),
    "webhook-logs": lambda image: webhook_log_from(WebhookLogModel.from_raw_data(image)),
}


def _table_suffix(stream_arn: str) -> str:
    # arn:aws:dynamodb:<region>:<account>:table/<stack>-<suffix>/stream/<label>
    table_name = stream_arn.split(":table/", 1)[-1].split("/stream/", 1)[0]
    prefix = get_settings().table_prefix + "-"
    return table_name[len(prefix) :] if table_name.startswith(prefix) else ""


def changed_resource(record: dict[str, Any]) -> tuple[Resource, Resource | None] | None:
    """(the resource now, before the change or None when it is new); None for a removal or another table."""
    decode = _DECODERS.get(_table_suffix(record.get("eventSourceARN", "")))
    images = record.get("dynamodb", {})
    new, old = images.get("NewImage"), images.get("OldImage")
    if decode is None or record.get("eventName") == "REMOVE" or new is None:
        return None
    return decode(new), decode(old) if old else None
