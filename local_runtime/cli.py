"""`up`: start the emulator, provision the template, seed, then serve the API, sites and workers."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time
from typing import Any

from dotenv import load_dotenv

from local_runtime import console
from local_runtime.ports import Ports, StartupError, check_ports
from local_runtime.template import REPO_ROOT, TemplateError


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

    # One interpreter serves the API, moto and the pollers: a request thread that waited on I/O gets
    # the interpreter back within 1 ms instead of the default 5 ms behind the busy worker threads.
    sys.setswitchinterval(0.001)

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


if __name__ == "__main__":
    sys.exit(main())
