"""In-process clients reach moto without the HTTP-shaped detour.

botocore validates and serializes a call, then emits `before-call`; whatever a handler returns there is
the call's answer (the hook botocore's own `Stubber` answers). Without this, the call goes on to be
signed, built into an HTTP request and handed to moto's stubber, which matches its URL against every
service's patterns, rebuilds it as a werkzeug request, and returns bytes for botocore to parse: about
1.3 ms of plumbing around a GetItem that moto answers in 0.02 ms.

Here the serialized request goes straight to the moto response class that moto's server and stubber
dispatch to for that service (so moto parses, validates, runs and serializes it exactly as it does over
HTTP), and moto's answer goes through botocore's own parser and its modeled-error pass, so a caller gets
the same parsed response and the same exceptions (codes, messages, `CancellationReasons`) as over HTTP.
`tests/unit/test_aws_bridge_parity.py` holds the two paths to identical answers.

Only calls addressed to AWS's own hosts while moto's mock is on are bridged, and only for the services
below: a client given an `endpoint_url` (moto's server, LocalStack) still goes over HTTP, as do clients
outside this process. `LOCAL_AWS_BRIDGE=off` turns the bridge off.
"""

from __future__ import annotations

import base64
import importlib
import json
import os
import threading
from datetime import datetime
from typing import Any
from urllib.parse import urlparse

from botocore.awsrequest import AWSResponse, HeadersDict
from botocore.handlers import BUILTIN_HANDLERS
from botocore.model import OperationModel
from botocore.parsers import ResponseParserFactory
from botocore.utils import parse_to_aware_datetime

SETTING = "LOCAL_AWS_BRIDGE"
# botocore service name -> the moto response class its requests are dispatched to (see moto's urls.py).
# All four speak a JSON protocol: one POST to "/", the operation in X-Amz-Target.
RESPONSE_CLASSES = {
    "dynamodb": "moto.dynamodb.responses:DynamoHandler",
    "dynamodbstreams": "moto.dynamodbstreams.responses:DynamoDBStreamsHandler",
    "sqs": "moto.sqs.responses:SQSResponse",
    "stepfunctions": "moto.stepfunctions.responses:StepFunctionResponse",
}
# DynamoDB's item operations answer items: nested {type: value} maps that moto's shape-driven serializer
# walks member by member, trying several spellings of each of an attribute value's ten members (3/4 of
# a GetItem's time in moto). Their answers hold only strings, numbers, lists, maps and bytes, so these are
# written with json.dumps (bytes as base64, as the serializer writes blobs); botocore still parses them
# against the shapes, and the parity test holds them to the serializer's output.
PLAIN_JSON_ANSWERS = {
    "dynamodb": frozenset(
        {
            "GetItem",
            "PutItem",
            "UpdateItem",
            "DeleteItem",
            "Query",
            "Scan",
            "BatchGetItem",
            "BatchWriteItem",
            "TransactGetItems",
            "TransactWriteItems",
        }
    ),
    # A stream's records are items too (keys and images), and the pollers read every stream many times a
    # second: GetRecords took a quarter of the local stack's time under steady load before this.
    "dynamodbstreams": frozenset({"GetRecords"}),
}
_AWS_HOST_SUFFIX = ".amazonaws.com"
_parsers = ResponseParserFactory()
_classes: dict[str, type] = {}
_installed = threading.Lock()


def enabled() -> bool:
    return os.environ.get(SETTING, "on").strip().lower() not in ("off", "0", "false", "no")


class _Request:
    """The parts of a werkzeug request that moto's `BaseResponse.parse_parameters` and handlers read,
    for a JSON-protocol POST: building a real one from a WSGI environ costs more than the call."""

    from_wsgi_server = False
    content_encoding = None
    method = "POST"

    def __init__(self, url: str, headers: Any, body: bytes) -> None:
        from werkzeug.datastructures import Headers, ImmutableMultiDict

        self.raw_url = url
        self.path = self.raw_path = urlparse(url).path or "/"
        self.headers = Headers(headers)
        self.data = body
        self.form: ImmutableMultiDict[str, Any] = ImmutableMultiDict()
        self.values = self.files = self.form
        self.environ: dict[str, Any] = {}
        self.content_type = self.headers.get("Content-Type")


def _json_value(value: Any) -> Any:
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, datetime):  # a record's ApproximateCreationDateTime: as moto's JSON serializer
        from moto.core.serialize import TimestampSerializer

        return TimestampSerializer._timestamp_unixtimestamp(parse_to_aware_datetime(value))
    raise TypeError(f"{type(value).__name__} is not plain JSON")


def _response_class(service: str) -> type | None:
    found = _classes.get(service)
    if found is None and service in RESPONSE_CLASSES:
        module, _, name = RESPONSE_CLASSES[service].partition(":")
        found = _classes[service] = _with_plain_json_answers(getattr(importlib.import_module(module), name))
    return found


def _with_plain_json_answers(response_class: type) -> type:
    plain = PLAIN_JSON_ANSWERS.get(response_class().service_name, frozenset())
    if not plain:
        return response_class

    class PlainJsonAnswers(response_class):
        def serialized(self, action_result: Any) -> Any:
            result = action_result.result
            if isinstance(result, dict) and self._get_action() in plain:
                try:
                    body = json.dumps(result, default=_json_value)
                except TypeError:  # a datetime or a model object: moto's serializer knows what to do
                    return super().serialized(action_result)
                headers = {**self.response_headers, "Content-Type": "application/x-amz-json-1.0"}
                return 200, headers, body
            return super().serialized(action_result)

    PlainJsonAnswers.__name__ = PlainJsonAnswers.__qualname__ = f"PlainJson{response_class.__name__}"
    return PlainJsonAnswers


def _mock_is_on() -> bool:
    from moto.core.models import botocore_stubber

    return bool(botocore_stubber.enabled)


def answer(
    model: OperationModel, params: dict[str, Any], request_signer: Any = None, **_: Any
) -> tuple[AWSResponse, dict[str, Any]] | None:
    """The `before-call` handler: (http response, parsed response) from moto, or None to go over HTTP."""
    response_class = _response_class(model.service_model.service_name)
    url = str(params.get("url") or "")
    if response_class is None or not enabled() or not _mock_is_on():
        return None
    if not (urlparse(url).hostname or "").endswith(_AWS_HOST_SUFFIX):
        return None
    body = params.get("body") or b""
    if isinstance(body, str):
        body = body.encode("utf-8")
    headers = {str(k): v.decode() if isinstance(v, bytes) else str(v) for k, v in params["headers"].items()}
    # moto reads the caller's account from the signature's access key; the request is not signed yet, so
    # the header is written as the signature would write it.
    region = getattr(request_signer, "region_name", None) or "us-east-1"
    credentials = getattr(request_signer, "_credentials", None)
    access_key = getattr(credentials, "access_key", None) or "AKIAEXAMPLE"
    signing_name = model.service_model.signing_name
    headers["Authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={access_key}/20000101/{region}/{signing_name}/aws4_request, "
        "SignedHeaders=host, Signature=0"
    )
    headers.setdefault("Host", urlparse(url).netloc)
    handler = response_class()
    _set_up(handler, _Request(url, headers, body), region)
    status, response_headers, response_body = handler.call_action()
    return _parsed(model, url, int(status), response_headers, response_body)


def _set_up(handler: Any, request: _Request, region: str) -> None:
    """What moto's `BaseResponse.setup_class` sets for a JSON-protocol POST, without its form-data and
    query-string parsing (it parses the JSON body as a query string too), which is a tenth of the local
    stack's time under load. The region comes from the signer, as moto reads it from the signature."""
    from moto.core.utils import utcnow
    from moto.utilities.utils import get_partition
    from werkzeug.http import http_date

    handler.is_werkzeug_request = False
    handler.normalized_request = request
    handler.parsed_url = urlparse(request.raw_url)
    handler.raw_body = request.data
    handler.body = request.data.decode("utf-8")
    handler.form_data = request.form
    handler.querystring = handler.data = {}
    handler.uri = request.raw_url
    handler.path, handler.raw_path = request.path, request.raw_path
    handler.method = request.method
    handler.region = region
    handler.partition = get_partition(region)
    handler.uri_match = {}
    handler.headers = request.headers
    handler.response_headers = {"server": "amazon.com", "date": http_date(utcnow())}
    if handler.automated_parameter_parsing:
        handler.parse_parameters(request)
    handler.access_key = handler.get_access_key()
    handler.current_account = handler.get_current_account()


def _parsed(
    model: OperationModel, url: str, status: int, headers: dict[str, Any], body: str | bytes
) -> tuple[AWSResponse, dict[str, Any]]:
    """What botocore's endpoint makes of moto's answer: `Endpoint._do_get_response` without the socket."""
    content = body.encode("utf-8") if isinstance(body, str) else body
    http = AWSResponse(url, status, HeadersDict({k: str(v) for k, v in headers.items()}), None)
    http._content = content
    response = {
        "headers": http.headers,
        "status_code": status,
        "body": content,
        "context": {"operation_name": model.name},
    }
    parser = _parsers.create_parser(model.service_model.resolved_protocol)
    parsed: dict[str, Any] = parser.parse(response, model.output_shape)
    if status >= 300:
        # Endpoint._add_modeled_error_fields: the error's own members (CancellationReasons, ...).
        code = parsed.get("Error", {}).get("Code")
        shape = model.service_model.shape_for_error_code(code) if code else None
        if shape is not None:
            parsed.update(parser.parse(response, shape))
    if "ResponseMetadata" in parsed:
        parsed["ResponseMetadata"]["RetryAttempts"] = 0  # as Endpoint._send_request adds it
    return http, parsed


def install() -> None:
    """Every botocore client created from now on (boto3's, pynamodb's) offers its calls to the bridge."""
    with _installed:
        if ("before-call", answer) not in BUILTIN_HANDLERS:
            BUILTIN_HANDLERS.append(("before-call", answer))
            # A session copies the built-in handlers when it is made: boto3's default one may exist already.
            import boto3

            if boto3.DEFAULT_SESSION is not None:
                boto3.DEFAULT_SESSION._session.register("before-call", answer)
