"""Stream records (the outbox) decoded into the resources they changed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pynamodb.models import Model

from gateway.config import get_settings
from gateway.data.dynamo import resource_from
from gateway.data.models import PaymentModel, RefundModel, WebhookLogModel
from gateway.domain.resources import Payment, Refund, WebhookLog

Resource = Payment | Refund | WebhookLog


def _decoder(model: type[Model], resource_type: type[Resource]) -> Callable[[dict[str, Any]], Resource]:
    return lambda image: resource_from(model.from_raw_data(image), resource_type)


_DECODERS = {
    "payments": _decoder(PaymentModel, Payment),
    "refunds": _decoder(RefundModel, Refund),
    "webhook-logs": _decoder(WebhookLogModel, WebhookLog),
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
