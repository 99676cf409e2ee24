"""`up`: start the emulator, provision the template, seed, then serve the API, sites and workers."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import socket
import sys
import threading
import time
from dataclasses import dataclass
from http.server import HTTPServer
from typing import Any

from dotenv import load_dotenv

from local_runtime import console
from local_runtime.template import REPO_ROOT, TemplateError

log = logging.getLogger("runtime")


@dataclass(frozen=True)
class Ports:
    api: int
    dashboard: int
    checkout: int
    merchant: int
    control: int

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
        )

    def by_variable(self) -> dict[str, int]:
        named = {
            "API_PORT": self.api,
            "DASHBOARD_PORT": self.dashboard,
            "CHECKOUT_PORT": self.checkout,
            "MERCHANT_PORT": self.merchant,
            "CONTROL_PORT": self.control,
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local_runtime", description=__doc__)
    parser.add_argument("command", choices=["up"], help="bring the whole stack up")
    parser.parse_args(argv)
    load_dotenv(REPO_ROOT / ".env", override=False)
    console.install()
    try:
        return run()
    except (StartupError, TemplateError) as error:
        console.announce(f"error: {error}")
        return 1


def run() -> int:
    ports = Ports.from_environment()
    check_ports(ports)
    # Imported here so a port clash is reported before the slow imports (moto, boto3).
    from local_runtime.stack import Stack

    stack = Stack(ports)
    stopping = threading.Event()

    def request_stop(signum: int, frame: Any) -> None:
        stopping.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    started = time.perf_counter()
    try:
        stack.start()
        for line in stack.service_lines():
            console.announce(line)
        console.announce(f"ready in {time.perf_counter() - started:.1f}s (Ctrl-C to stop)")
        stopping.wait()
    except OSError as error:
        raise StartupError(f"could not start: {error}") from None
    finally:
        console.announce("stopping...")
        stack.stop()
    return 0


def serve_in_thread(name: str, server: HTTPServer) -> threading.Thread:
    """Serves in a daemon thread; each request thread logs as component `name`."""
    handle_in_thread = getattr(server, "process_request_thread", None)
    if handle_in_thread is not None:

        def process_request_thread(request: Any, client_address: Any) -> None:
            console.set_component(name)
            handle_in_thread(request, client_address)

        server.process_request_thread = process_request_thread  # type: ignore[attr-defined]

    def serve() -> None:
        console.set_component(name)
        server.serve_forever(poll_interval=0.2)

    thread = threading.Thread(target=serve, name=name, daemon=True)
    thread.start()
    return thread


if __name__ == "__main__":
    sys.exit(main())
