"""The ports the stack listens on, checked before anything slow starts."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass


@dataclass(frozen=True)
class Ports:
    api: int
    dashboard: int
    checkout: int
    merchant: int
    control: int
    # Lambda's Invoke API for the stack's own functions (local_runtime/lambda_invoke.py).
    lambda_invoke: int = 8098

    @classmethod
    def from_environment(cls) -> Ports:
        def port(name: str, default: int) -> int:
            return int(os.environ.get(name) or default)

        return cls(
            api=port("API_PORT", 8000),
            dashboard=port("DASHBOARD_PORT", 3000),
            checkout=port("CHECKOUT_PORT", 3001),
            merchant=port("MERCHANT_PORT", 4000),
            control=port("CONTROL_PORT", 8099),
            lambda_invoke=port("LAMBDA_PORT", 8098),
        )

    def by_variable(self) -> dict[str, int]:
        named = {
            "API_PORT": self.api,
            "DASHBOARD_PORT": self.dashboard,
            "CHECKOUT_PORT": self.checkout,
            "MERCHANT_PORT": self.merchant,
            "CONTROL_PORT": self.control,
            "LAMBDA_PORT": self.lambda_invoke,
        }
        if os.environ.get("MOTO_PORT") and not os.environ.get("AWS_ENDPOINT_URL"):
            named["MOTO_PORT"] = int(os.environ["MOTO_PORT"])
        return named


class StartupError(RuntimeError):
    """A problem the user can fix, reported as one line without a traceback."""


def port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def check_ports(ports: Ports) -> None:
    for variable, port in ports.by_variable().items():
        if port_in_use(port):
            raise StartupError(
                f"port {port} ({variable}) is already in use: stop what holds it or set {variable}"
            )
