"""Lambda's Invoke API for the local stack's own functions, on a loopback port.

`gateway admin merchants ...` invokes the admin function with boto3's `lambda.invoke`, the same call on
AWS, on LocalStack and here: moto's Invoke would start a Docker container, so the runtime answers it
itself, running the handler in this process as it runs every other function. It speaks the REST shape
botocore sends (`POST /2015-03-31/functions/<name>/invocations`) and answers as Lambda does: the
function's return value as the payload, `X-Amz-Function-Error: Unhandled` when it raised.
"""

from __future__ import annotations

import json
import logging
import re
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote

from local_runtime.functions import Handler, context, load_handler
from local_runtime.template import FunctionSpec, Template

log = logging.getLogger("lambda")

_INVOKE_PATH = re.compile(r"^/2015-03-31/functions/(?P<name>[^/]+)/invocations$")


class LambdaInvokeServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, template: Template) -> None:
        super().__init__(("127.0.0.1", port), _InvokeRequestHandler)
        self.specs = {spec.logical_id: spec for spec in template.functions()}
        self.stack_name = template.stack_name
        self._handlers: dict[str, Handler] = {}

    def spec_named(self, name: str) -> FunctionSpec | None:
        """A function by its logical id (`AdminFunction`), or a name or ARN that ends with it
        (`gateway-local-AdminFunction`, `arn:aws:lambda:...:function:gateway-local-AdminFunction`)."""
        short = name.rsplit(":function:", 1)[-1]
        for logical_id, spec in self.specs.items():
            if short == logical_id or short.endswith("-" + logical_id):
                return spec
        return None

    def handler_for(self, spec: FunctionSpec) -> Handler | None:
        if spec.logical_id not in self._handlers:
            handler = load_handler(spec)
            if handler is None:
                return None
            self._handlers[spec.logical_id] = handler
        return self._handlers[spec.logical_id]


class _InvokeRequestHandler(BaseHTTPRequestHandler):
    server: LambdaInvokeServer

    def log_message(self, format: str, *args: Any) -> None:
        log.debug(format, *args)

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        # Any web page can make a browser POST to a loopback port: a request that names an Origin is not
        # an AWS SDK's, and is refused.
        if self.headers.get("Origin") or self.headers.get("Sec-Fetch-Site"):
            self._error(403, "AccessDeniedException", "the Lambda port does not answer browsers")
            return
        matched = _INVOKE_PATH.match(self.path.split("?")[0])
        spec = self.server.spec_named(unquote(matched["name"])) if matched else None
        if spec is None:
            self._error(404, "ResourceNotFoundException", f"Function not found: {self.path}")
            return
        try:
            event = json.loads(body or b"{}")
        except ValueError:
            self._error(400, "InvalidRequestContentException", "Could not parse request body into json")
            return
        handler = self.server.handler_for(spec)
        if handler is None:
            self._error(502, "ServiceException", f"{spec.logical_id} does not load")
            return
        self._invoke(spec, handler, event)

    def _invoke(self, spec: FunctionSpec, handler: Handler, event: Any) -> None:
        try:
            result = handler(event, context(spec))
        except Exception as error:
            log.exception("%s raised", spec.logical_id)
            payload = {"errorMessage": str(error), "errorType": type(error).__name__}
            self._send(200, payload, {"X-Amz-Function-Error": "Unhandled"})
            return
        self._send(200, result, {"X-Amz-Executed-Version": "$LATEST"})

    def _error(self, status: int, kind: str, message: str) -> None:
        self._send(status, {"Type": "User", "message": message}, {"X-Amzn-ErrorType": kind})

    def _send(self, status: int, payload: Any, headers: dict[str, str]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)
