"""LocalStack Lambda runtime executor that runs each execution environment as a host process.

LocalStack's community edition runs functions only in Docker containers (the "docker" executor). Where
there is no Docker, LAMBDA_RUNTIME_EXECUTOR=host selects this one: an environment is a long-lived
`pythonX.Y bootstrap.py` process (the interpreter named by the function's runtime, found on PATH) with
the function's unzipped code as its working directory and task root and each layer's python/ directory
on PYTHONPATH, as /var/task and /opt/python are in Lambda, then LAMBDA_HOST_RUNTIME_SITE_PACKAGES/<runtime>
(the SDK the runtime ships, as /var/runtime does). Invocations go over its stdin and stdout;
its stderr is the environment's log. Only Python zip functions are supported.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import select
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from localstack.services.lambda_.invocation.lambda_models import FunctionVersion, InvocationResult
from localstack.services.lambda_.invocation.runtime_executor import LambdaRuntimeException, RuntimeExecutor

from localstack import config

LOG = logging.getLogger(__name__)
BOOTSTRAP = Path(__file__).resolve().parent / "bootstrap.py"
LOG_DIR = Path(tempfile.gettempdir()) / "lambda-host-executor"
HOST = "127.0.0.1"  # LocalStack listens on loopback in host mode; the functions call it back there


def interpreter_for(runtime: str | None) -> str:
    """The first `pythonX.Y` on PATH that runs (a pyenv shim for a version not selected does not)."""
    if not runtime or not runtime.startswith("python"):
        raise LambdaRuntimeException(f"host executor runs Python runtimes only, not {runtime}")
    for directory in os.environ.get("PATH", "").split(os.pathsep):
        candidate = shutil.which(runtime, path=directory)
        if candidate and runs(candidate):
            return candidate
    raise LambdaRuntimeException(f"host executor: no working {runtime} interpreter on PATH")


@functools.cache
def runs(interpreter: str) -> bool:
    try:
        subprocess.run([interpreter, "-c", "pass"], check=True, capture_output=True, timeout=30)  # noqa: S603
    except (OSError, subprocess.SubprocessError):
        return False
    return True


class HostRuntimeExecutor(RuntimeExecutor):
    def __init__(self, id: str, function_version: FunctionVersion) -> None:
        super().__init__(id, function_version)
        self.process: subprocess.Popen[str] | None = None
        self.environment: dict[str, str] = {}
        self.log_path = LOG_DIR / f"{id}.log"
        self.lock = threading.Lock()

    # ------------------------------------------------------------------ lifecycle

    def start(self, env_vars: dict[str, str]) -> None:
        code = self.function_version.config.code
        if code is None:
            raise LambdaRuntimeException("host executor runs zip-packaged functions only")
        task_root = Path(code.get_unzipped_code_location())
        layer_paths = [
            str(Path(layer.code.get_unzipped_code_location()) / "python")
            for layer in self.function_version.config.layers
        ]
        # Lambda's own runtime directory comes last: its SDK is found only when code and layers bring none.
        runtime_site = os.environ.get("LAMBDA_HOST_RUNTIME_SITE_PACKAGES", "")
        runtime_paths = [f"{runtime_site}/{self.function_version.config.runtime}"] if runtime_site else []
        self.environment = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.environ.get("HOME", tempfile.gettempdir()),
            **{key: str(value) for key, value in env_vars.items()},
            "LAMBDA_TASK_ROOT": str(task_root),
            "PYTHONPATH": os.pathsep.join([str(task_root), *layer_paths, *runtime_paths]),
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONUNBUFFERED": "1",
        }
        self.spawn()

    def spawn(self) -> None:
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        python = interpreter_for(self.function_version.config.runtime)
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our bootstrap under the runtime's interpreter
                [python, str(BOOTSTRAP)],
                cwd=self.environment["LAMBDA_TASK_ROOT"],
                env=self.environment,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
                start_new_session=True,
            )
        LOG.debug("host executor %s: pid %s for %s", self.id, self.process.pid, self.function_version.id)

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        if process.stdin:
            process.stdin.close()
        try:
            process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    # ------------------------------------------------------------------ invocation

    def invoke(self, payload: dict[str, str]) -> InvocationResult:
        request_id = payload["invoke-id"]
        timeout = float(self.function_version.config.timeout)
        with self.lock:
            if self.process is None or self.process.poll() is not None:
                self.spawn()  # a crashed or timed-out environment comes back fresh, as Lambda's does
            process = self.process
            assert process is not None and process.stdin is not None and process.stdout is not None
            log_offset = self.log_size()
            request = {
                "request_id": request_id,
                "invoked_arn": payload["invoked-function-arn"],
                "payload": payload["payload"],
                "deadline": time.time() + timeout,
            }
            timed_out, line = False, ""
            try:
                process.stdin.write(json.dumps(request) + "\n")
                process.stdin.flush()
                readable, _, _ = select.select([process.stdout], [], [], timeout)
                timed_out = not readable
                line = process.stdout.readline() if readable else ""
            except OSError:  # the process is gone: a broken pipe
                line = ""
            if line:
                answer = json.loads(line)
                is_error, body = not answer["ok"], answer["payload"]
            else:
                self.stop()
                message = f"Task timed out after {timeout:.2f} seconds" if timed_out else "Runtime exited"
                kind = "Sandbox.Timedout" if timed_out else "Runtime.ExitError"
                is_error, body = True, json.dumps({"errorMessage": message, "errorType": kind})
            return InvocationResult(
                request_id, body.encode(), is_error=is_error, logs=self.read_log(log_offset)
            )

    # ------------------------------------------------------------------ addresses and logs

    def get_address(self) -> str:
        return HOST

    def get_endpoint_from_executor(self) -> str:
        return HOST

    def get_runtime_endpoint(self) -> str:
        return f"http://{HOST}:{config.GATEWAY_LISTEN[0].port}/_localstack_lambda/{self.id}"

    def log_size(self) -> int:
        try:
            return self.log_path.stat().st_size
        except FileNotFoundError:
            return 0

    def read_log(self, offset: int = 0) -> str:
        try:
            with self.log_path.open("rb") as log:
                log.seek(offset)
                return log.read().decode(errors="replace")
        except FileNotFoundError:
            return ""

    def get_logs(self) -> str:
        return self.read_log()

    # ------------------------------------------------------------------ versions

    @classmethod
    def prepare_version(cls, function_version: FunctionVersion) -> None:
        if function_version.config.code:
            function_version.config.code.prepare_for_execution()
        for layer in function_version.config.layers:
            layer.code.prepare_for_execution()

    @classmethod
    def cleanup_version(cls, function_version: FunctionVersion) -> None:
        """Nothing to clean: the unzipped code belongs to LocalStack's code store."""

    @classmethod
    def validate_environment(cls) -> bool:
        return True
