"""The runtime serves one Chalice app from many threads, each request seeing only itself."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from chalice import Chalice

from local_runtime.api_server import build_event
from local_runtime.functions import context, serve_concurrently
from local_runtime.template import FunctionSpec

SPEC = FunctionSpec("ApiFunction", "functions.api.app", "app", 10, 1024, {})


def _event(name: str) -> dict[str, Any]:
    return build_event(
        method="GET",
        raw_path=f"/echo/{name}",
        resource="/echo/{name}",
        path_parameters={"name": name},
        headers=[],
        body=b"",
        source_ip="127.0.0.1",
        stage="api",
    )


def test_concurrent_requests_each_see_their_own_current_request() -> None:
    # GIVEN a Chalice app whose view reads app.current_request after every request has started
    app = Chalice(app_name="echo")
    both_started = threading.Barrier(2, timeout=10)

    @app.route("/echo/{name}")
    def echo(name: str) -> dict[str, Any]:
        both_started.wait()
        request = app.current_request
        assert request is not None
        return {"asked": name, "seen": request.uri_params["name"]}

    handler = serve_concurrently(app)

    # WHEN two requests run at the same time in two threads
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda name: handler(_event(name), context(SPEC)), ["alpha", "beta"]))

    # THEN each request saw itself, not the other
    bodies = [json.loads(answer["body"]) for answer in answers]
    assert bodies == [{"asked": "alpha", "seen": "alpha"}, {"asked": "beta", "seen": "beta"}]


def test_a_plain_function_handler_is_left_as_it_is() -> None:
    def handler(event: dict[str, Any], lambda_context: Any) -> dict[str, Any]:
        return {}

    assert serve_concurrently(handler) is handler
