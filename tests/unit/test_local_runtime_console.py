"""The local console shows the product's JSON log lines as one readable line each."""

from __future__ import annotations

import logging
import sys
from datetime import datetime

from gateway.telemetry.logs import JsonFormatter, request_scope
from gateway.telemetry.metrics import emf_document

from local_runtime.console import (
    ReadableFormatter,
    _Formatter,
    is_not_metric,
    readable_line,
    shorten_step_functions_failure,
)

FORMATTER = ReadableFormatter(JsonFormatter())


def _record(message: str, level: int = logging.INFO, **extra: object) -> logging.LogRecord:
    record = logging.makeLogRecord({"name": "gateway.api", "levelno": level, "msg": message, **extra})
    record.levelname = logging.getLevelName(level)
    record.created = datetime(2026, 1, 2, 12, 3, 4).timestamp()
    return record


def test_an_api_request_line_reads_as_method_route_status_latency_merchant_and_request_id() -> None:
    record = _record(
        "api request",
        method="POST",
        route="/api/v1/payments",
        status=201,
        latency_ms=12.0,
        merchant_id="merch_1",
    )
    with request_scope("req-abc"):
        line = FORMATTER.format(record)
    assert line == "12:03:04 api request POST /api/v1/payments 201 12ms merchant=merch_1 req=req-abc"


def test_a_job_line_leads_with_function_resource_and_outcome() -> None:
    record = _record(
        "job", function="process_payment", resource_id="pay_1", outcome="success", latency_ms=3.5
    )
    with request_scope("req-1"):
        assert FORMATTER.format(record) == "12:03:04 job process_payment pay_1 success 3.5ms req=req-1"


def test_other_lines_show_their_fields_and_the_level_only_when_it_needs_attention() -> None:
    info = _record("payment settled", payment_id="pay_1", status="success")
    error = _record("dropping message", logging.ERROR, message_id="m1", reason="bad json")
    with request_scope(None):
        assert FORMATTER.format(info) == "12:03:04 payment settled payment_id=pay_1 status=success"
        assert FORMATTER.format(error) == "12:03:04 ERROR dropping message message_id=m1 reason=bad json"


def test_an_exception_follows_its_line() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        record = _record("message failed", logging.ERROR)
        record.exc_info = sys.exc_info()
    with request_scope(None):
        first, *rest = FORMATTER.format(record).splitlines()
    assert first == "12:03:04 ERROR message failed"
    assert rest[-1] == "ValueError: boom"


def test_a_metric_line_is_summarized() -> None:
    document = emf_document(
        "PaymentsCreated",
        1,
        "Count",
        {"method": "upi"},
        int(datetime(2026, 1, 2, 12, 3, 4).timestamp() * 1000),
    )
    with request_scope(None):
        line = FORMATTER.format(_record("PaymentsCreated", emf=document))
    assert line == "12:03:04 metric PaymentsCreated=1 method=upi"


def test_text_that_is_not_a_json_object_is_left_as_it_is() -> None:
    assert readable_line("plain text") == "plain text"
    assert readable_line("[1, 2]") == "[1, 2]"


def test_metric_records_are_the_ones_the_console_filter_drops() -> None:
    metric = _record("PaymentsCreated", emf=emf_document("PaymentsCreated", 1, "Count", {}, 0))
    assert not is_not_metric(metric)
    assert is_not_metric(_record("payment settled"))


def test_a_step_functions_state_failure_reads_as_one_short_line() -> None:
    # GIVEN moto's Step Functions interpreter logging a failed state, as eval_component does
    details = 'Exception=FailureEventException, Error=States.TaskFailed, Details={"cause": "%s"}' % (
        "x" * 500
    )
    record = logging.LogRecord(
        "moto.stepfunctions.parser.asl.component.eval_component",
        logging.ERROR,
        __file__,
        1,
        "%s at '%s'",
        (details, "StateTask(" + "y" * 3000 + ")"),
        None,
    )
    # WHEN the console's handler filters and formats it
    assert shorten_step_functions_failure(record)
    line = _Formatter().format(record)
    # THEN it is one warning line that keeps the error and drops the state's dump
    assert line.startswith("WARNING moto.stepfunctions") and "Error=States.TaskFailed" in line
    assert "yyy" not in line and len(line) < 400 and "\n" not in line
