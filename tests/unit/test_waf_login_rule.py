"""The WAF login rate rule counts every path the API routes to login, however it is spelled.

WAF matches the raw URI path; API Gateway (and the local runtime's router, which matches as it does)
decodes it and ignores empty segments. Each variant below reaches the login handler, so the rule, with its
text transformations applied as WAF documents them, must match each one.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

import pytest

from local_runtime.api_server import RouteTable
from local_runtime.template import Template, load_template

LOGIN = "/api/v1/auth/login"
VARIANTS = [
    LOGIN,
    "/api/v1/auth/login/",
    "/api/v1/auth/logi%6E",
    "//api/v1/auth/login",
    "/api/v1/auth/%6c%6f%67%69%6e",
]


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return load_template()


@pytest.fixture(scope="module")
def login_rule(document: dict[str, Any]) -> dict[str, Any]:
    (acl,) = [r for r in document["Resources"].values() if r["Type"] == "AWS::WAFv2::WebACL"]
    (rule,) = [r for r in acl["Properties"]["Rules"] if "RateBasedStatement" in r["Statement"]]
    return dict(rule["Statement"]["RateBasedStatement"]["ScopeDownStatement"]["ByteMatchStatement"])


def _normalize_path(path: str) -> str:
    """WAF's NORMALIZE_PATH: multiple slashes collapsed, `.` segments dropped, `x/..` resolved."""
    path = re.sub(r"/{2,}", "/", path)
    segments: list[str] = []
    for segment in path.split("/"):
        if segment == ".":
            continue
        if segment == ".." and segments and segments[-1]:
            segments.pop()
            continue
        segments.append(segment)
    return "/".join(segments)


TRANSFORMATIONS = {
    "NONE": lambda text: text,
    "URL_DECODE": unquote,
    "NORMALIZE_PATH": _normalize_path,
    "LOWERCASE": str.lower,
}
CONSTRAINTS = {
    "EXACTLY": lambda text, search: text == search,
    "STARTS_WITH": str.startswith,
    "ENDS_WITH": str.endswith,
    "CONTAINS": lambda text, search: search in text,
}


def _matches(rule: dict[str, Any], raw_path: str) -> bool:
    text = raw_path
    for step in sorted(rule["TextTransformations"], key=lambda step: step["Priority"]):
        text = TRANSFORMATIONS[step["Type"]](text)
    return bool(CONSTRAINTS[rule["PositionalConstraint"]](text, rule["SearchString"]))


@pytest.mark.parametrize("path", VARIANTS)
def test_every_spelling_the_router_takes_to_login_is_counted_by_the_rule(document, login_rule, path):
    routes = RouteTable(Template(document, stack_name="unit", account_id="000000000000").api_routes())
    matched = routes.match(path)
    assert matched is not None and matched[0] == LOGIN, (
        f"{path} does not reach login; the variant proves nothing"
    )
    assert _matches(login_rule, path), f"{path} reaches login but escapes the WAF rule"


def test_the_rule_leaves_other_routes_alone(login_rule):
    assert not _matches(login_rule, "/api/v1/payments")
    assert not _matches(login_rule, "/api/v1/auth/logout")
