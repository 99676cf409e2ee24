"""The SDK's models say what `openapi.yaml` says: the same fields, and the same values wherever the API
fixes them (each such attribute a `Literal` equal to the schema's enum)."""

from __future__ import annotations

import dataclasses
import types
import typing
from pathlib import Path
from typing import Any, Literal, Union

import pytest
import yaml
from gateway_client import models

OPENAPI = Path(__file__).resolve().parents[2] / "openapi.yaml"
SCHEMAS = yaml.safe_load(OPENAPI.read_text(encoding="utf-8"))["components"]["schemas"]

# Each model and the schemas it decodes (an event from `get` has its deliveries too).
MODEL_SCHEMAS: dict[type[models.ApiObject], tuple[str, ...]] = {
    models.Order: ("Order",),
    models.Payment: ("Payment", "ListedPayment"),
    models.PaymentStats: ("PaymentStats",),
    models.Refund: ("Refund",),
    models.WebhookConfig: ("WebhookConfig",),
    models.WebhookLog: ("WebhookLog",),
    models.WebhookLogPage: ("WebhookLogList",),
    models.WebhookRetry: ("WebhookRetryScheduled",),
    models.DeliveryAttempt: ("DeliveryAttempt",),
    models.Delivery: ("Delivery",),
    models.Event: ("Event", "EventDetail"),
    models.EventPage: ("EventList",),
    models.Recovery: ("Recovery",),
    models.Account: ("Account",),
    models.KeyPair: ("KeyPair",),
}
# Fixed by the API, but a sentence for people rather than a value to branch on.
NOT_LITERAL = {(models.WebhookRetry, "message")}


def _resolved(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = SCHEMAS[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _properties(schema: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Every property of a schema, through allOf/oneOf/anyOf, with each variant's schema of it."""
    schema = _resolved(schema)
    found: dict[str, list[dict[str, Any]]] = {}
    for part in schema.get("allOf", []) + schema.get("oneOf", []) + schema.get("anyOf", []):
        for name, variants in _properties(part).items():
            found.setdefault(name, []).extend(variants)
    for name, property_schema in schema.get("properties", {}).items():
        found.setdefault(name, []).append(_resolved(property_schema))
    return found


def _documented(model: type[models.ApiObject]) -> dict[str, list[dict[str, Any]]]:
    documented: dict[str, list[dict[str, Any]]] = {}
    for schema_name in MODEL_SCHEMAS[model]:
        for name, variants in _properties(SCHEMAS[schema_name]).items():
            documented.setdefault(name, []).extend(variants)
    return documented


def _attributes(model: type[models.ApiObject]) -> set[str]:
    return {field.name for field in dataclasses.fields(model)} - {"extra", "raw"}


def _literal_values(annotation: Any) -> tuple[set[Any], bool] | None:
    """(the Literal's values, whether None is allowed), or None when the annotation has no Literal."""
    members = typing.get_args(annotation) if typing.get_origin(annotation) in (Union, types.UnionType) else ()
    literals = [member for member in (members or (annotation,)) if typing.get_origin(member) is Literal]
    if not literals:
        return None
    return {value for literal in literals for value in typing.get_args(literal)}, type(None) in members


@pytest.mark.parametrize("model", MODEL_SCHEMAS, ids=lambda model: model.__name__)
def test_a_model_has_exactly_the_fields_of_its_schema(model: type[models.ApiObject]) -> None:
    assert _attributes(model) == set(_documented(model))


@pytest.mark.parametrize("model", MODEL_SCHEMAS, ids=lambda model: model.__name__)
def test_an_attribute_the_api_fixes_lists_exactly_the_documented_values(
    model: type[models.ApiObject],
) -> None:
    hints = typing.get_type_hints(model)
    for name, variants in _documented(model).items():
        enums = [variant["enum"] for variant in variants if "enum" in variant]
        literal = _literal_values(hints[name])
        if not enums or (model, name) in NOT_LITERAL:
            assert literal is None or (model, name) in NOT_LITERAL, f"{model.__name__}.{name} is not an enum"
            continue
        documented = {value for enum in enums for value in enum}
        assert literal is not None, (
            f"{model.__name__}.{name} should be a Literal of {sorted(documented, key=str)}"
        )
        values, allows_none = literal
        assert values == documented - {None}, f"{model.__name__}.{name}"
        # Optional on the model: a value the server leaves out decodes as None rather than failing.
        assert allows_none, f"{model.__name__}.{name}"


def test_a_value_this_release_does_not_list_is_passed_through() -> None:
    # GIVEN a payment in a state a newer server might add
    payment = models.Payment.from_dict({"id": "pay_1", "status": "on_hold", "method": "upi"})
    # THEN it decodes, and says what the server said
    assert payment.status == "on_hold" and payment.to_dict()["status"] == "on_hold"
