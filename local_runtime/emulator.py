"""The AWS emulator: moto in this process, or whatever endpoint AWS_ENDPOINT_URL names.

With moto, the runtime's own functions reach moto in process: their calls to DynamoDB, DynamoDB Streams,
SQS and Step Functions are answered at botocore's `before-call` hook by moto's handlers
(`local_runtime/bridge.py`), the rest through moto's in-process mock; tests, tools and the browser
reach the same state through moto's server on a loopback port (`endpoint_url`, published on the control
port's /status).
"""

from __future__ import annotations

import importlib
import logging
import os
import threading
from typing import Any
from urllib.parse import urlparse

from moto import mock_aws
from moto.server import ThreadedMotoServer

from local_runtime import bridge
from local_runtime.moto_fixes import patch_moto

log = logging.getLogger("emulator")

_REAL_AWS_SUFFIXES = (".amazonaws.com", ".amazonaws.com.cn", ".api.aws")


class RealAwsEndpointError(RuntimeError):
    """The runtime was pointed at real AWS; it only ever runs against an emulator."""


def refuse_real_aws(environ: dict[str, str] | os._Environ[str] = os.environ) -> None:
    for name, value in environ.items():
        if name.startswith("AWS_ENDPOINT_URL") and value:
            host = (urlparse(value).hostname or "").lower()
            if host.endswith(_REAL_AWS_SUFFIXES) or host == "amazonaws.com":
                raise RealAwsEndpointError(f"{name}={value} is real AWS; the local runtime needs an emulator")


def _import_step_functions_interpreter() -> None:
    try:
        importlib.import_module("moto.stepfunctions.parser.models")
    except ImportError as error:
        log.debug("step functions interpreter not preloaded: %s", error)


class Emulator:
    """Starts moto unless an endpoint is given, and puts the endpoint and dummy credentials in os.environ."""

    def __init__(self) -> None:
        self._server: ThreadedMotoServer | None = None
        self._in_process: Any = None
        self.kind = "external"
        self.endpoint_url = os.environ.get("AWS_ENDPOINT_URL", "")

    def start(self) -> None:
        refuse_real_aws()
        os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
        if os.environ.get("AWS_ENDPOINT_URL"):
            # LocalStack or a shared moto accepts any credentials; keep the user's if set.
            os.environ.setdefault("AWS_ACCESS_KEY_ID", "test")
            os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "test")
            return
        # Dummy credentials always, so a developer's real ones can never be sent anywhere by mistake.
        os.environ["AWS_ACCESS_KEY_ID"] = "test"
        os.environ["AWS_SECRET_ACCESS_KEY"] = "test"  # noqa: S105 - a dummy for the emulator
        os.environ.pop("AWS_SESSION_TOKEN", None)
        os.environ.pop("AWS_PROFILE", None)
        # moto's Step Functions interpreter takes seconds to import; load it while the tables and
        # queues are created instead of on the first Step Functions call.
        threading.Thread(target=_import_step_functions_interpreter, name="warm-up", daemon=True).start()
        patch_moto()
        self._in_process = mock_aws(config={"stepfunctions": {"execute_state_machine": True}})
        self._in_process.start()
        bridge.install()
        # botocore addresses DynamoDB Streams at <account>.streams-ddb..., a host moto's mock does not know.
        os.environ["AWS_ACCOUNT_ID_ENDPOINT_MODE"] = "disabled"
        self._server = ThreadedMotoServer(
            ip_address="127.0.0.1", port=int(os.environ.get("MOTO_PORT") or 0), verbose=False
        )
        self._server.start()
        _, port = self._server.get_host_and_port()
        self.kind = "moto"
        os.environ["MOTO_PORT"] = str(port)
        self.endpoint_url = f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None
        if self._in_process is not None:
            self._in_process.stop()
            self._in_process = None
