"""The process one Lambda execution environment runs on the host (standard library only).

Started by executor.py under the function's Python (python3.12 for runtime python3.12) with the function's
code directory and its layers' python/ directories on PYTHONPATH and the environment LocalStack gives a
function. It loads the handler once, as Lambda does per environment, then answers invocations one at a
time: one JSON line in on stdin, one JSON line out on the original stdout. The handler's own prints
and logs go to stderr, which the executor keeps as the environment's log.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
import traceback
from typing import Any


class LambdaContext:
    """The attributes and method of the context object Lambda passes to a Python handler."""

    def __init__(self, request_id: str, invoked_arn: str, deadline: float) -> None:
        self.aws_request_id = request_id
        self.invoked_function_arn = invoked_arn
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME", "")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME", "")
        self.identity = None
        self.client_context = None
        self._deadline = deadline

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.time()) * 1000))


def error_payload(error: BaseException, error_type: str | None = None) -> str:
    return json.dumps(
        {
            "errorMessage": str(error),
            "errorType": error_type or type(error).__name__,
            "stackTrace": traceback.format_tb(error.__traceback__),
        }
    )


def load_handler() -> Any:
    module_name, _, attribute = os.environ["_HANDLER"].rpartition(".")
    return getattr(importlib.import_module(module_name), attribute)


def main() -> None:
    answers = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # print() in a handler must not write into the answer channel
    sys.stdout = sys.stderr
    handler: Any = None
    init_error: BaseException | None = None
    try:
        handler = load_handler()
    except Exception as error:  # reported on every invocation, as Lambda reports a failed init
        traceback.print_exc()
        init_error = error
    for line in sys.stdin:
        request = json.loads(line)
        print(f"START RequestId: {request['request_id']}", file=sys.stderr, flush=True)
        if init_error is not None:
            answer = {"ok": False, "payload": error_payload(init_error, "Runtime.ImportModuleError")}
        else:
            context = LambdaContext(request["request_id"], request["invoked_arn"], request["deadline"])
            try:
                result = handler(json.loads(request["payload"] or "null"), context)
                answer = {"ok": True, "payload": json.dumps(result)}
            except Exception as error:  # the function's error is the invocation's result
                traceback.print_exc()
                answer = {"ok": False, "payload": error_payload(error)}
        print(f"END RequestId: {request['request_id']}", file=sys.stderr, flush=True)
        answers.write(json.dumps(answer) + "\n")


if __name__ == "__main__":
    main()
