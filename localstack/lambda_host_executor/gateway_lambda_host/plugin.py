"""Registers the executor with LocalStack (LAMBDA_RUNTIME_EXECUTOR=host); imported only when chosen."""

from __future__ import annotations

from typing import Any

from localstack.services.lambda_.invocation.plugins import RuntimeExecutorPlugin


class HostRuntimeExecutorPlugin(RuntimeExecutorPlugin):
    name = "host"

    def load(self, *args: Any, **kwargs: Any) -> type:
        from gateway_lambda_host.executor import HostRuntimeExecutor

        return HostRuntimeExecutor
