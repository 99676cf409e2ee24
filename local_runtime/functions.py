"""Loading a function's handler from its module and calling it with a Lambda-like context."""

from __future__ import annotations

import importlib
import logging
import sys
import threading
from collections.abc import Callable
from typing import Any

from chalice import Chalice
from chalice.app import Request
from chalice.local import LambdaContext

from local_runtime.template import REPO_ROOT, FunctionSpec

log = logging.getLogger("functions")

# The function code and its layer, as Lambda lays them out (/var/task and /opt/python).
for _path in (str(REPO_ROOT / "layers" / "common" / "python"), str(REPO_ROOT)):
    if _path not in sys.path:
        sys.path.insert(0, _path)

Handler = Callable[[dict[str, Any], Any], Any]


class ThreadLocalRequestChalice(Chalice):
    """Chalice keeps the current request on the app object: Lambda runs one request per container at a
    time, this runtime runs many threads with one app, so each thread gets its own `current_request`."""

    _local = threading.local()

    @property
    def current_request(self) -> Request | None:
        return getattr(self._local, "request", None)

    @current_request.setter
    def current_request(self, value: Request | None) -> None:
        self._local.request = value


def context(spec: FunctionSpec) -> LambdaContext:
    return LambdaContext(spec.logical_id, spec.memory_mb, spec.timeout_seconds * 1000)


def load_handler(spec: FunctionSpec) -> Handler | None:
    """The handler object, or None (with a warning) while its module does not import yet."""
    try:
        module = importlib.import_module(spec.module)
        handler: Handler = getattr(module, spec.attribute)
    except Exception as error:
        log.warning(
            "skipping %s: %s.%s does not load (%s)", spec.logical_id, spec.module, spec.attribute, error
        )
        # Forget the half-imported module so the next attempt imports it afresh.
        sys.modules.pop(spec.module, None)
        return None
    return serve_concurrently(handler)


def serve_concurrently(handler: Handler) -> Handler:
    """A Chalice app gets a per-thread `current_request` (the app object stays the product's, its class
    is swapped, as `chalice local` swaps in its own server); any other handler is returned as it is."""
    if type(handler) is Chalice:
        handler.__class__ = ThreadLocalRequestChalice
    return handler
