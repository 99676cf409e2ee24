"""The API served the way API Gateway (REST, Lambda proxy) would serve it.

Chalice routes on `requestContext.resourcePath`, so each request is first matched to one of the route
templates of the API function's `Api` events, with static segments winning over `{param}` ones.
"""

from __future__ import annotations

import base64
import json
import logging
import sys
import time
import traceback
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from local_runtime import priority
from local_runtime.functions import Handler, context
from local_runtime.template import FunctionSpec

log = logging.getLogger("api")

NOT_FOUND = {"error": {"code": "NOT_FOUND_ERROR", "description": "Route not found"}}
METHOD_NOT_ALLOWED = {"error": {"code": "BAD_REQUEST_ERROR", "description": "Method not allowed"}}
INTERNAL_ERROR = {"error": {"code": "INTERNAL_SERVER_ERROR", "description": "Internal server error"}}


class RouteTable:
    """The route templates of the API and the methods each one accepts."""

    def __init__(self, routes: list[tuple[str, str]]) -> None:
        self.methods: dict[str, set[str]] = {}
        for path, method in routes:
            self.methods.setdefault(path, set()).add(method.upper())

    def match(self, path: str) -> tuple[str, dict[str, str]] | None:
        """The most specific route template for `path` and its path parameters, or None."""
        segments = [unquote(part) for part in path.strip("/").split("/")] if path.strip("/") else []
        best: tuple[tuple[int, ...], str, dict[str, str]] | None = None
        for template in self.methods:
            pattern = template.strip("/").split("/") if template.strip("/") else []
            if len(pattern) != len(segments):
                continue
            parameters: dict[str, str] = {}
            rank: list[int] = []
            for expected, actual in zip(pattern, segments, strict=True):
                if expected.startswith("{") and expected.endswith("}"):
                    if not actual:
                        break
                    parameters[expected[1:-1]] = actual
                    rank.append(1)
                elif expected == actual:
                    rank.append(0)
                else:
                    break
            else:
                # Lexicographic: the first segment where one route is static and the other a
                # parameter decides, as in API Gateway.
                if best is None or tuple(rank) < best[0]:
                    best = (tuple(rank), template, parameters)
        return None if best is None else (best[1], best[2])


def build_event(
    *,
    method: str,
    raw_path: str,
    resource: str,
    path_parameters: dict[str, str],
    headers: list[tuple[str, str]],
    body: bytes,
    source_ip: str,
    stage: str,
) -> dict[str, Any]:
    """The API Gateway REST proxy event for one request."""
    url = urlsplit(raw_path)
    multi_headers: dict[str, list[str]] = {}
    for name, value in headers:
        multi_headers.setdefault(name, []).append(value)
    query = parse_qs(url.query, keep_blank_values=True)
    try:
        text_body: str | None = body.decode("utf-8") if body else None
        is_base64 = False
    except UnicodeDecodeError:
        text_body, is_base64 = base64.b64encode(body).decode("ascii"), True
    now = time.time()
    return {
        "resource": resource,
        "path": url.path,
        "httpMethod": method,
        "headers": {name: values[-1] for name, values in multi_headers.items()} or None,
        "multiValueHeaders": multi_headers or None,
        "queryStringParameters": {name: values[-1] for name, values in query.items()} or None,
        "multiValueQueryStringParameters": query or None,
        "pathParameters": path_parameters or None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": resource,
            "httpMethod": method,
            "path": f"/{stage}{url.path}",
            "requestId": str(uuid.uuid4()),
            "extendedRequestId": str(uuid.uuid4()),
            "stage": stage,
            "protocol": "HTTP/1.1",
            "apiId": "local",
            "accountId": "000000000000",
            "requestTime": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "requestTimeEpoch": int(now * 1000),
            "identity": {
                "sourceIp": source_ip,
                "userAgent": next((v for n, v in headers if n.lower() == "user-agent"), None),
            },
        },
        "body": text_body,
        "isBase64Encoded": is_base64,
    }


class ApiServer(ThreadingHTTPServer):
    daemon_threads = True
    # socketserver's default backlog of 5 resets bursts of new connections (50 parallel checkouts).
    request_queue_size = 128

    def __init__(
        self,
        port: int,
        routes: RouteTable,
        spec: FunctionSpec,
        handler: Handler,
        stage: str,
        cors: dict[str, str],
    ) -> None:
        super().__init__(("127.0.0.1", port), _ApiRequestHandler)
        self.routes, self.spec, self.handler, self.stage, self.cors = routes, spec, handler, stage, cors

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError):
            log.info("client %s went away before the answer was written", client_address[0])
        else:
            super().handle_error(request, client_address)


class _ApiRequestHandler(BaseHTTPRequestHandler):
    server: ApiServer
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; without TCP_NODELAY the body waits for the client's delayed
    # ACK (40 ms on Linux) on keep-alive connections, which dwarfed the API's own time in the benchmark.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        log.debug(format, *args)

    def do_GET(self) -> None:
        with priority.serving_request():
            self._serve()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_TRACE = do_CONNECT = do_GET

    def __getattr__(self, name: str) -> Any:
        # Any other method (QUERY, PROPFIND...) gets the API's 400 instead of http.server's HTML 501.
        if name.startswith("do_"):
            return self.do_GET
        raise AttributeError(name)

    def _serve(self) -> None:
        started = time.perf_counter()
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path = urlsplit(self.path).path
        matched = self.server.routes.match(path)
        answered_by_function = False
        if matched is None:
            self._send_json(404, NOT_FOUND)
        elif self.command == "OPTIONS":
            self._send_preflight()
        elif self._method() not in self.server.routes.methods[matched[0]]:
            self._send_json(400, METHOD_NOT_ALLOWED)
        else:
            self._invoke(matched[0], matched[1], body)
            answered_by_function = True
        # The API function logs the requests it answers itself ("api request"); the runtime's line says
        # what the function never saw (unknown routes, preflights, wrong methods).
        log.log(
            logging.DEBUG if answered_by_function else logging.INFO,
            "%s %s %s %.0fms",
            self.command,
            self.path,
            self._status,
            (time.perf_counter() - started) * 1000,
        )

    def _method(self) -> str:
        # HEAD is answered as GET without the body, as HTTP servers do.
        return "GET" if self.command == "HEAD" else self.command

    def _invoke(self, resource: str, parameters: dict[str, str], body: bytes) -> None:
        event = build_event(
            method=self._method(),
            raw_path=self.path,
            resource=resource,
            path_parameters=parameters,
            headers=list(self.headers.items()),
            body=body,
            source_ip=self.client_address[0],
            stage=self.server.stage,
        )
        try:
            response = self.server.handler(event, context(self.server.spec))
        except Exception:
            log.error("unhandled error in the API function\n%s", traceback.format_exc())
            self._send_json(500, INTERNAL_ERROR)
            return
        payload = response.get("body") or ""
        raw = base64.b64decode(payload) if response.get("isBase64Encoded") else str(payload).encode("utf-8")
        headers: list[tuple[str, str]] = [(k, str(v)) for k, v in (response.get("headers") or {}).items()]
        for name, values in (response.get("multiValueHeaders") or {}).items():
            headers.extend((name, str(value)) for value in values if (name, str(value)) not in headers)
        self._send(int(response.get("statusCode", 200)), headers, raw)

    def _send_preflight(self) -> None:
        cors = self.server.cors
        headers = [
            ("Access-Control-Allow-Origin", cors.get("AllowOrigin", "*")),
            ("Access-Control-Allow-Methods", cors.get("AllowMethods", "GET,POST,PUT,OPTIONS")),
            ("Access-Control-Allow-Headers", cors.get("AllowHeaders", "Content-Type")),
        ]
        if "MaxAge" in cors:
            headers.append(("Access-Control-Max-Age", cors["MaxAge"]))
        self._send(200, headers, b"")

    def _send_json(self, status: int, document: dict[str, Any]) -> None:
        self._send(status, [("Content-Type", "application/json")], json.dumps(document).encode())

    def _send(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self._status = status
        names = {name.lower() for name, _ in headers}
        cors = self.server.cors
        if "access-control-allow-origin" not in names:
            headers.append(("Access-Control-Allow-Origin", cors.get("AllowOrigin", "*")))
        if "ExposeHeaders" in cors and "access-control-expose-headers" not in names:
            headers.append(("Access-Control-Expose-Headers", cors["ExposeHeaders"]))
        if "content-type" not in names and body:
            headers.append(("Content-Type", "application/json"))
        self.send_response(status)
        for name, value in headers:
            if name.lower() not in ("content-length", "connection", "transfer-encoding"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
