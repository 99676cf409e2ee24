"""Loading a function's handler from its module and calling it with a Lambda-like context."""

from __future__ import annotations

import importlib
import logging
import sys
import time
import uuid
from collections.abc import Callable
from typing import Any

from local_runtime.template import REGION, REPO_ROOT, FunctionSpec

log = logging.getLogger("functions")

# The function code and its layer, as Lambda lays them out (/var/task and /opt/python).
for _path in (str(REPO_ROOT / "layers" / "common" / "python"), str(REPO_ROOT)):
    if _path not in sys.path:
        sys.path.insert(0, _path)

Handler = Callable[[dict[str, Any], Any], Any]


class LambdaContext:
    """The attributes and method of Lambda's context object that handlers use."""

    def __init__(self, spec: FunctionSpec, account_id: str = "000000000000") -> None:
        self.function_name = spec.logical_id
        self.function_version = "$LATEST"
        self.invoked_function_arn = f"arn:aws:lambda:{REGION}:{account_id}:function:{spec.logical_id}"
        self.memory_limit_in_mb = spec.memory_mb
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{spec.logical_id}"
        self.log_stream_name = "local"
        self._deadline = time.monotonic() + spec.timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


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
    return handler
