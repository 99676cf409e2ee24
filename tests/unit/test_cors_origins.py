"""A deployed stack lets only its own dashboard and checkout read API answers, from its first deploy.

The function cannot name the CloudFront distributions (they name the API, which names the function), so
the API stage hands their origins in as the `stackOrigins` stage variable; `CorsAllowOrigins` only
replaces them, and `*` is the local runtime's value alone.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import boto3
import pytest
from samtranslator.parser.parser import Parser
from samtranslator.translator.translator import Translator
from samtranslator.yaml_helper import yaml_parse

from deploy.sam_transform_check import as_packaged
from local_runtime.api_server import build_event

TEMPLATE = Path(__file__).resolve().parents[2] / "template.yaml"
DASHBOARD = "https://d111.cloudfront.net"
CHECKOUT = "https://d222.cloudfront.net"


@pytest.fixture(scope="module")
def transformed() -> dict[str, Any]:
    logging.getLogger("samtranslator").setLevel(logging.ERROR)
    template = as_packaged(yaml_parse(TEMPLATE.read_text()))
    translator = Translator(
        managed_policy_map=None,
        sam_parser=Parser(),
        boto_session=boto3.session.Session(region_name="us-east-1"),
    )
    return dict(translator.translate(template, parameter_values={}, get_managed_policy_map=dict))


def _references(value: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "Ref" and isinstance(inner, str):
                found.add(inner)
            elif key == "Fn::GetAtt":
                found.add(inner[0] if isinstance(inner, list) else inner.split(".")[0])
            elif key == "Fn::Sub":
                text = inner if isinstance(inner, str) else inner[0]
                found |= set(re.findall(r"\$\{([A-Za-z0-9]+)", text))
                found |= _references(inner)
            else:
                found |= _references(inner)
    elif isinstance(value, list):
        for inner in value:
            found |= _references(inner)
    return found


def test_the_stage_names_the_stacks_own_origins_and_the_template_has_no_cycle(transformed):
    resources = transformed["Resources"]
    edges = {
        name: (_references(resource) | set(_as_list(resource.get("DependsOn")))) & set(resources)
        for name, resource in resources.items()
    }
    (stage,) = [r for r in resources.values() if r["Type"] == "AWS::ApiGateway::Stage"]
    origins = stage["Properties"]["Variables"]["stackOrigins"]["Fn::Sub"]
    assert (
        origins
        == "https://${DashboardDistribution.DomainName},https://${CheckoutWidgetDistribution.DomainName}"
    )
    assert _cycle(edges) is None


def test_the_default_is_no_longer_any_origin():
    parameters = yaml_parse(TEMPLATE.read_text())["Parameters"]
    assert parameters["CorsAllowOrigins"]["Default"] == ""


def _as_list(value: Any) -> list[str]:
    return [] if value is None else [value] if isinstance(value, str) else list(value)


def _cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = 1
        for target in edges.get(node, ()):
            if state.get(target) == 1:
                return [*path, node, target]
            if target not in state and (found := visit(target, [*path, node])):
                return found
        state[node] = 2
        return None

    for node in edges:
        if node not in state and (found := visit(node, [])):
            return found
    return None


# ---------------------------------------------------------------- the function's answers


def _get_health_from(origin: str, stage_variables: dict[str, str] | None) -> dict[str, str]:
    from functions.api.app import app

    event = build_event(
        method="GET",
        raw_path="/health",
        resource="/health",
        path_parameters={},
        headers=[("Origin", origin), ("Host", "abc.execute-api.us-east-1.amazonaws.com")],
        body=b"",
        source_ip="203.0.113.7",
        stage="prod",
    )
    event["stageVariables"] = stage_variables
    response = app(event, None)
    return {name.lower(): value for name, value in response["headers"].items()}


@pytest.fixture
def deployed_defaults(client, monkeypatch):
    """The function's environment as deployed with the template's defaults: no CORS_ALLOW_ORIGIN (the app
    is imported first, by `client`, under the local stack's value, as later tests expect)."""
    monkeypatch.setenv("CORS_ALLOW_ORIGIN", "")


@pytest.mark.parametrize("origin", [DASHBOARD, CHECKOUT])
def test_the_stacks_own_origins_read_answers_from_the_first_deploy(deployed_defaults, origin):
    headers = _get_health_from(origin, {"stackOrigins": f"{DASHBOARD},{CHECKOUT}"})
    assert headers["access-control-allow-origin"] == origin


def test_another_origin_is_not_named_back(deployed_defaults):
    headers = _get_health_from("https://evil.example", {"stackOrigins": f"{DASHBOARD},{CHECKOUT}"})
    assert headers["access-control-allow-origin"] == DASHBOARD


def test_without_origins_no_page_may_read(deployed_defaults):
    headers = _get_health_from("https://evil.example", None)
    assert headers["access-control-allow-origin"] == "https://abc.execute-api.us-east-1.amazonaws.com"
