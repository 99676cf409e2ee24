"""One console for every component: each line is prefixed with the component that wrote it.

Handlers run in this process and log or print as they would in Lambda; the component is a per-thread
value set by whoever runs the code (`[api]`, `[payments-worker]`...), so their lines are told apart too.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
from datetime import datetime
from typing import Any, TextIO, cast

# Set to true to see the product's Embedded Metric Format lines (one short line per data point).
SHOW_METRICS_VARIABLE = "LOCAL_LOG_METRICS"

_current = threading.local()
_write_lock = threading.Lock()


def current_component() -> str:
    return getattr(_current, "component", "runtime")


def set_component(name: str) -> None:
    _current.component = name


# Every C0 and C1 control character but the tab, shown as an escape: lines carry text from requests
# (paths, headers, bodies), and an ESC or CR in them must not move the cursor, recolour, retitle or rewrite
# the developer's terminal. Newlines end lines before this applies.
_CONTROL_ESCAPES = {
    code: f"\\x{code:02x}" for code in (*range(0x20), *range(0x7F, 0xA0)) if code != ord("\t")
}


def printable(line: str) -> str:
    """`line` with its terminal control characters escaped (`\\x1b` for ESC)."""
    return line.translate(_CONTROL_ESCAPES)


class PrefixedStream:
    """A text stream that writes whole lines, each prefixed with the writing thread's component and with
    its control characters escaped."""

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
                self.target.write("".join(f"{prefix}{printable(line)}\n" for line in lines))
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


def readable_line(text: str) -> str:
    """One of the product's JSON log lines as a line to read: `12:03:04 api request POST /api/v1/payments
    201 12ms merchant=... req=...`; an Embedded Metric Format line as `12:03:04 metric Name=1 dim=...`.
    Anything that is not a JSON object is returned as it is."""
    try:
        line = json.loads(text)
    except ValueError:
        return text
    if not isinstance(line, dict):
        return text
    if "_aws" in line:
        return _metric_line(line)
    fields = dict(line)
    clock = _clock(str(fields.pop("time", "")))
    level = str(fields.pop("level", "INFO"))
    fields.pop("logger", None)
    request_id, exception = fields.pop("request_id", None), fields.pop("exception", None)
    words = [clock] + ([level] if level not in ("DEBUG", "INFO") else []) + [str(fields.pop("message", ""))]
    # The per-request and per-job lines lead with what they are about, in the order one reads them.
    leading = {"api request": ("method", "route", "status"), "job": ("function", "resource_id", "outcome")}
    words += [str(fields.pop(key)) for key in leading.get(words[-1], ()) if fields.get(key) is not None]
    latency = fields.pop("latency_ms", None)
    if isinstance(latency, int | float):
        words.append(f"{latency:g}ms")
    merchant_id = fields.pop("merchant_id", None)
    words += [f"{key}={_value(value)}" for key, value in fields.items() if value is not None]
    words += [f"merchant={merchant_id}"] if merchant_id else []
    words += [f"req={request_id}"] if request_id else []
    return " ".join(words) + (f"\n{exception}" if exception else "")


def _metric_line(document: dict[str, Any]) -> str:
    meta = document["_aws"]
    directive = (meta.get("CloudWatchMetrics") or [{}])[0]
    names = [metric["Name"] for metric in directive.get("Metrics", [])]
    dimensions = [name for group in directive.get("Dimensions", []) for name in group]
    clock = datetime.fromtimestamp(int(meta.get("Timestamp", 0)) / 1000).strftime("%H:%M:%S")
    values = [f"{name}={_value(document.get(name))}" for name in names]
    return " ".join([clock, "metric", *values, *(f"{name}={document.get(name)}" for name in dimensions)])


def _clock(iso_time: str) -> str:
    try:
        return datetime.fromisoformat(iso_time).astimezone().strftime("%H:%M:%S")
    except ValueError:
        return iso_time


def _value(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


class ReadableFormatter(logging.Formatter):
    """The product's formatter (its JSON line, with request id and fields), rendered by `readable_line`."""

    def __init__(self, json_formatter: logging.Formatter) -> None:
        super().__init__()
        self.json_formatter = json_formatter

    def format(self, record: logging.LogRecord) -> str:
        return readable_line(self.json_formatter.format(record))


def is_not_metric(record: logging.LogRecord) -> bool:
    """A logging filter: False for the product's Embedded Metric Format records."""
    from gateway.telemetry.logs import EMF_ATTRIBUTE

    return not hasattr(record, EMF_ATTRIBUTE)


def install_product_logging(stream: TextIO, show_metrics: bool) -> None:
    """The product's log lines on `stream`, readable; metric lines only when asked for. Called before any
    handler imports: the product's `configure_logging` keeps the first configuration it is given."""
    from gateway.telemetry.logs import JsonFormatter, configure_logging
    from gateway.telemetry.metrics import logger as metrics_logger

    import local_runtime.functions  # noqa: F401  (puts the layer on sys.path, where Lambda has /opt/python)

    configure_logging(stream, ReadableFormatter(JsonFormatter()))
    if not show_metrics:
        metrics_logger.addFilter(is_not_metric)


def announce(line: str) -> None:
    """A line without prefix on the real stdout: the list of services when they are ready."""
    with _write_lock:
        sys.__stdout__.write(printable(line) + "\n")  # type: ignore[union-attr]
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
    show_metrics = os.environ.get(SHOW_METRICS_VARIABLE, "").lower() in ("1", "true", "yes")
    install_product_logging(cast(TextIO, stream), show_metrics)
