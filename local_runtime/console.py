"""One console for every component: each line is prefixed with the component that wrote it.

Handlers run in this process and log or print as they would in Lambda; the component is a per-thread
value set by whoever runs the code (`[api]`, `[payments-worker]`...), so their lines are told apart too.
"""

from __future__ import annotations

import logging
import sys
import threading
from typing import TextIO

_current = threading.local()
_write_lock = threading.Lock()


def current_component() -> str:
    return getattr(_current, "component", "runtime")


def set_component(name: str) -> None:
    _current.component = name


class PrefixedStream:
    """A text stream that writes whole lines, each prefixed with the writing thread's component."""

    def __init__(self, target: TextIO) -> None:
        self.target = target
        self._partial = threading.local()

    def write(self, text: str) -> int:
        pending = getattr(self._partial, "text", "") + text
        *lines, rest = pending.split("\n")
        self._partial.text = rest
        if lines:
            prefix = f"[{current_component()}] "
            with _write_lock:
                self.target.write("".join(f"{prefix}{line}\n" for line in lines))
                self.target.flush()
        return len(text)

    def flush(self) -> None:
        self.target.flush()

    def isatty(self) -> bool:
        return self.target.isatty()

    @property
    def encoding(self) -> str:
        return self.target.encoding


_STANDARD_ATTRIBUTES = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


class _Formatter(logging.Formatter):
    """`name: message key=value...`, with the level only when it is worth attention.

    Structured fields passed with `extra=` are shown, so a line such as "dropping message" says why.
    """

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        level = "" if record.levelno <= logging.INFO else f"{record.levelname} "
        fields = " ".join(
            f"{key}={value}" for key, value in vars(record).items() if key not in _STANDARD_ATTRIBUTES
        )
        return f"{level}{record.name}: {text}{' ' + fields if fields else ''}"


def announce(line: str) -> None:
    """A line without prefix on the real stdout: the list of services when they are ready."""
    with _write_lock:
        sys.__stdout__.write(line + "\n")  # type: ignore[union-attr]
        sys.__stdout__.flush()  # type: ignore[union-attr]


def install(level: int = logging.INFO) -> None:
    """Routes print() and logging through the prefixing stream."""
    stream = PrefixedStream(sys.__stdout__)  # type: ignore[arg-type]
    sys.stdout = stream
    sys.stderr = stream
    handler = logging.StreamHandler(stream)
    handler.setFormatter(_Formatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("botocore", "boto3", "urllib3", "werkzeug", "pynamodb"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
