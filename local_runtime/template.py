"""template.yaml, read the way CloudFormation and SAM read it, for the local runtime.

The template is the single source of truth for resources: this module only interprets it (short-form
tags, intrinsic functions, parameters, conditions, Globals) so nothing is declared twice in Python.
Physical ids (queue URLs, ARNs) come from the provisioner, which creates the resources first.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TEMPLATE = REPO_ROOT / "template.yaml"
DEFAULT_STACK_NAME = "gateway-local"
REGION = "us-east-1"
# Locally the stack always seeds the test merchant, delivers webhooks to a receiver on localhost, and
# lets any page read the API's answers (a deployed stack names its own origins through the API stage).
LOCAL_ENVIRONMENT = {"TEST_ENDPOINTS": "true", "ALLOW_PRIVATE_WEBHOOK_URLS": "true", "CORS_ALLOW_ORIGIN": "*"}
# Addresses of things the runtime serves itself (the dashboard's origin, for password links): the stack
# sets them from its own ports, so the template's CloudFront names are not resolved.
LOCAL_ADDRESSES = {"DASHBOARD_URL"}

# Physical ids of provisioned resources: {logical_id: {"Ref": ..., "Arn": ..., ...}}.
PhysicalIds = Mapping[str, Mapping[str, str]]


def with_local_defaults(environ: Mapping[str, str]) -> dict[str, str]:
    """`make run` is test mode (the template's 1000 ms TestProcessingDelay) with the short retry
    intervals unless the environment or .env says otherwise (docs/behaviour.md, "Test mode");
    `TEST_MODE=false` alone brings back the production retry intervals. Deployed stacks keep the
    template's defaults."""
    test_mode = environ.get("TEST_MODE", "true")
    return {"TEST_MODE": test_mode, "WEBHOOK_RETRY_INTERVALS_TEST": test_mode, **environ}


class TemplateError(RuntimeError):
    """The template uses something the local runtime cannot resolve, or a parameter value is invalid."""


def load_template(path: Path = DEFAULT_TEMPLATE) -> dict[str, Any]:
    """The template with short tags (!Ref, !Sub...) in their long form, read by cfn-lint's loader.

    cfn-lint is imported in a short-lived forked child: it costs seconds and ~60 MB that the runtime
    would otherwise keep for its whole life. Call this before starting threads (fork copies only one).
    """
    # Decoded once per version of the file: the unit tests' pipelines and several test modules read it.
    key = (str(path), path.stat().st_mtime_ns)
    if key not in _decoded:
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as child:
            _decoded[key] = child.submit(_decode, str(path)).result()
    encoded, error = _decoded[key]
    if error:
        raise TemplateError(f"{path} does not parse: {error}")
    document = json.loads(encoded)  # a copy of its own for every caller
    if not isinstance(document, dict):
        raise TemplateError(f"{path} is not a CloudFormation template")
    return document


_decoded: dict[tuple[str, int], tuple[str, str]] = {}


def _decode(path: str) -> tuple[str, str]:
    """The template as JSON text, or the parse error."""
    from cfnlint.decode import cfn_yaml
    from cfnlint.decode.cfn_yaml import CfnParseError

    try:
        # Plain dicts, lists and strings: cfn-lint's node classes would drag cfn-lint into the parent.
        return json.dumps(cfn_yaml.load(path)), ""
    except CfnParseError as error:
        return "", str(error)


@dataclass(frozen=True)
class EventSource:
    """One `Events` entry of a function: an Api route, an SQS queue or a DynamoDB stream."""

    name: str
    type: str
    properties: dict[str, Any]


@dataclass(frozen=True)
class FunctionSpec:
    logical_id: str
    module: str  # e.g. functions.api.app
    attribute: str  # e.g. app or handler
    timeout_seconds: int
    memory_mb: int
    environment: dict[str, Any]
    events: list[EventSource] = field(default_factory=list)


class Template:
    """A loaded template plus the parameter values and stack name of one local stack."""

    def __init__(
        self,
        document: dict[str, Any],
        stack_name: str = DEFAULT_STACK_NAME,
        environ: Mapping[str, str] | None = None,
        account_id: str = "000000000000",
    ) -> None:
        self.document = document
        self.stack_name = stack_name
        self.account_id = account_id
        self.parameters = self._parameter_values(
            with_local_defaults(os.environ) if environ is None else dict(environ)
        )
        self.conditions: dict[str, bool] = {}
        for name, expression in document.get("Conditions", {}).items():
            self.conditions[name] = bool(self.resolve(expression, {}))

    @classmethod
    def from_environment(cls, path: Path = DEFAULT_TEMPLATE) -> Template:
        return cls(load_template(path), stack_name=os.environ.get("STACK_NAME") or DEFAULT_STACK_NAME)

    # ------------------------------------------------------------------ parameters and environment
    @property
    def global_environment(self) -> dict[str, Any]:
        globals_ = self.document.get("Globals", {}).get("Function", {})
        return dict(globals_.get("Environment", {}).get("Variables", {}))

    def _parameter_values(self, environ: dict[str, str]) -> dict[str, str]:
        declared = self.document.get("Parameters", {})
        values = {name: str(spec.get("Default", "")) for name, spec in declared.items()}
        # An environment variable that Globals maps straight to a parameter overrides that parameter
        # (TEST_MODE -> TestMode); the variables forced locally are not user input.
        for variable, expression in self.global_environment.items():
            if variable in LOCAL_ENVIRONMENT or variable not in environ:
                continue
            if isinstance(expression, dict) and expression.get("Ref") in declared:
                name = expression["Ref"]
                allowed = declared[name].get("AllowedValues")
                if allowed is not None and environ[variable] not in [str(v) for v in allowed]:
                    raise TemplateError(f"{variable}={environ[variable]!r} must be one of {allowed}")
                values[name] = environ[variable]
        return values

    def function_environment(self, spec: FunctionSpec, physical: PhysicalIds) -> dict[str, str]:
        """The resolved environment variables of one function, with the local overrides applied."""
        variables = {
            name: str(self.resolve(value, physical))
            for name, value in spec.environment.items()
            # Forced locally, so never resolved: they may name things that exist only on AWS.
            if name not in LOCAL_ENVIRONMENT and name not in LOCAL_ADDRESSES
        }
        return {**variables, **LOCAL_ENVIRONMENT}

    # ------------------------------------------------------------------ resources
    def resources(self, resource_type: str) -> dict[str, dict[str, Any]]:
        """Resources of one type whose Condition (if any) holds, by logical id."""
        return {
            logical_id: resource
            for logical_id, resource in self.document.get("Resources", {}).items()
            if resource.get("Type") == resource_type and self.conditions.get(resource.get("Condition"), True)
        }

    def functions(self) -> list[FunctionSpec]:
        function_globals = self.document.get("Globals", {}).get("Function", {})
        specs = []
        for logical_id, resource in self.resources("AWS::Serverless::Function").items():
            properties = resource["Properties"]
            package = str(properties["CodeUri"]).strip("/").replace("/", ".")
            module, _, attribute = str(properties["Handler"]).rpartition(".")
            environment = {
                **function_globals.get("Environment", {}).get("Variables", {}),
                **properties.get("Environment", {}).get("Variables", {}),
            }
            events = [
                EventSource(name, event["Type"], event.get("Properties", {}))
                for name, event in properties.get("Events", {}).items()
            ]
            specs.append(
                FunctionSpec(
                    logical_id=logical_id,
                    module=f"{package}.{module}",
                    attribute=attribute,
                    timeout_seconds=int(properties.get("Timeout", function_globals.get("Timeout", 3))),
                    memory_mb=int(properties.get("MemorySize", function_globals.get("MemorySize", 128))),
                    environment=environment,
                    events=events,
                )
            )
        return specs

    def function(self, logical_id: str) -> FunctionSpec:
        for spec in self.functions():
            if spec.logical_id == logical_id:
                return spec
        raise TemplateError(f"no function {logical_id} in the template")

    def event_source_mapping_ids(self) -> list[tuple[FunctionSpec, EventSource, str]]:
        """Each SQS or stream subscription with the logical id SAM gives its mapping (`<Function><Event>`)."""
        return [
            (spec, event, f"{spec.logical_id}{event.name}")
            for spec in self.functions()
            for event in spec.events
            if event.type in ("SQS", "DynamoDB")
        ]

    def api_routes(self, function_logical_id: str = "ApiFunction") -> list[tuple[str, str]]:
        """(path template, METHOD) for every Api event of the API function."""
        return [
            (str(event.properties["Path"]), str(event.properties["Method"]).upper())
            for event in self.function(function_logical_id).events
            if event.type == "Api"
        ]

    def api_settings(self) -> dict[str, Any]:
        """The stage name and CORS settings of the (single) REST API, quotes stripped as API Gateway does."""
        apis = self.resources("AWS::Serverless::Api")
        if not apis:
            return {"stage": "prod", "cors": {}}
        properties = next(iter(apis.values()))["Properties"]
        cors = {
            key: str(self.resolve(value, {})).strip("'")
            for key, value in (properties.get("Cors") or {}).items()
        }
        return {"stage": str(properties.get("StageName", "prod")), "cors": cors}

    # ------------------------------------------------------------------ intrinsic functions
    def resolve(self, value: Any, physical: PhysicalIds) -> Any:
        """Evaluate intrinsic functions in `value` against parameters, pseudo parameters and `physical`."""
        if isinstance(value, list):
            return [self.resolve(item, physical) for item in value]
        if not isinstance(value, dict):
            return value
        if len(value) != 1:
            return {key: self.resolve(item, physical) for key, item in value.items()}
        ((key, argument),) = value.items()
        if key == "Ref":
            return self._ref(argument, physical)
        if key == "Fn::GetAtt":
            logical_id, attribute = argument if isinstance(argument, list) else argument.split(".", 1)
            return self._physical(physical, logical_id, attribute)
        if key == "Fn::Sub":
            return self._sub(argument, physical)
        if key == "Fn::Join":
            separator, items = argument
            return separator.join(str(item) for item in self.resolve(items, physical))
        if key == "Fn::Select":
            index, items = argument
            return self.resolve(items, physical)[int(self.resolve(index, physical))]
        if key == "Fn::Split":
            separator, text = argument
            return str(self.resolve(text, physical)).split(separator)
        if key == "Fn::Equals":
            left, right = (self.resolve(item, physical) for item in argument)
            return str(left) == str(right)
        if key == "Fn::Not":
            return not self.resolve(argument[0], physical)
        if key == "Fn::And":
            return all(self.resolve(item, physical) for item in argument)
        if key == "Fn::Or":
            return any(self.resolve(item, physical) for item in argument)
        if key == "Fn::If":
            condition, when_true, when_false = argument
            return self.resolve(when_true if self.conditions[condition] else when_false, physical)
        if key == "Condition":
            return self.conditions[argument]
        return {key: self.resolve(argument, physical)}

    def _ref(self, name: str, physical: PhysicalIds) -> str:
        pseudo = {
            "AWS::StackName": self.stack_name,
            "AWS::Region": REGION,
            "AWS::AccountId": self.account_id,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::NoValue": "",
        }
        if name in pseudo:
            return pseudo[name]
        if name in self.parameters:
            return self.parameters[name]
        return self._physical(physical, name, "Ref")

    @staticmethod
    def _physical(physical: PhysicalIds, logical_id: str, attribute: str) -> str:
        try:
            return physical[logical_id][attribute]
        except KeyError:
            raise TemplateError(f"{logical_id}.{attribute} is not provisioned locally") from None

    def _sub(self, argument: Any, physical: PhysicalIds) -> str:
        text, variables = (argument, {}) if isinstance(argument, str) else argument
        local = {name: self.resolve(expression, physical) for name, expression in variables.items()}

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in local:
                return str(local[name])
            if "." in name and not name.startswith("AWS::"):
                logical_id, attribute = name.split(".", 1)
                return self._physical(physical, logical_id, attribute)
            return self._ref(name, physical)

        return re.sub(r"\$\{([^}]+)\}", replace, text)
