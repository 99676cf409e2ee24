"""devkit.live_stack: the ports a stack reserves for its runtime, and a runtime that died named as such."""

from __future__ import annotations

import socket
import subprocess
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from devkit.live_stack import LiveStack, reserve_port


def test_a_reserved_port_is_never_handed_to_a_bind_to_port_zero() -> None:
    reservation = reserve_port()
    reserved = reservation.getsockname()[1]
    handed_out = set()
    try:
        # Enough binds to go round the kernel's whole ephemeral range (32768-60999 by default).
        for _ in range(40_000):
            with socket.socket() as other:
                other.bind(("127.0.0.1", 0))
                handed_out.add(other.getsockname()[1])
    finally:
        reservation.close()
    assert reserved not in handed_out
    assert len(handed_out) > 10_000  # the range was covered, not a few ports over and over


def test_a_reserved_port_refuses_other_binds_but_takes_the_runtimes_server() -> None:
    reservation = reserve_port()
    port = reservation.getsockname()[1]
    try:
        with socket.socket() as stranger, pytest.raises(OSError):
            stranger.bind(("127.0.0.1", port))
        # http.server's servers set SO_REUSEADDR, as every server of the runtime does.
        server = ThreadingHTTPServer(("127.0.0.1", port), BaseHTTPRequestHandler)
        server.server_close()
    finally:
        reservation.close()


def test_a_runtime_that_exited_is_named_in_the_error_instead_of_a_refused_connection(tmp_path: Path) -> None:
    stack = LiveStack("exited")
    stack.log_path = tmp_path / "runtime.log"
    stack.log_path.write_text("ready in 3.0s\nFatal Python error: Segmentation fault\n")
    stack._process = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    stack._process.wait()
    stack._release_reservations()  # nothing listens on the control port now: connections are refused

    with pytest.raises(
        RuntimeError, match="exited with code 3; .* ends: Fatal Python error: Segmentation fault"
    ):
        stack.status()
