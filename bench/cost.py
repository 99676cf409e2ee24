"""A cost model per million payments, from counted calls, measured handler time and list prices."""

from __future__ import annotations

from typing import Any

from local_runtime.template import Template, load_template

PRICES_NOTE = "us-east-1 on-demand list prices as of 2026, check before relying on them"
PRICES = {
    "lambda_requests_per_million": 0.20,
    "lambda_arm64_gb_second": 0.0000133334,
    "dynamodb_write_request_units_per_million": 0.625,
    "dynamodb_read_request_units_per_million": 0.125,
    "sqs_standard_requests_per_million": 0.40,
    "step_functions_standard_per_thousand_transitions": 0.025,
    "api_gateway_rest_requests_per_million": 3.50,
    "dynamodb_streams_reads_by_lambda": 0.0,
}
FUNCTION_LOGICAL_IDS = {
    "api": "ApiFunction",
    "dispatch_events": "DispatchEventsFunction",
    "process_payment": "ProcessPaymentFunction",
    "process_refund": "ProcessRefundFunction",
    "deliver_webhook": "DeliverWebhookFunction",
}
API_REQUESTS_PER_PAYMENT = 2  # POST /orders and POST /payments


def memory_mb_by_function() -> dict[str, int]:
    template = Template(load_template(), stack_name="bench", account_id="000000000000")
    return {name: template.function(logical).memory_mb for name, logical in FUNCTION_LOGICAL_IDS.items()}


def model(one_payment: dict[str, Any]) -> dict[str, Any]:
    """USD per million payments for one measured payment (`InProcess.one_payment`)."""
    memory = memory_mb_by_function()
    functions = one_payment["per_function"]
    states = one_payment["step_functions"]["states_entered"]
    # Each DeliverAttempt state sends one SQS message itself (sqs:sendMessage.waitForTaskToken).
    sfn_sqs_sends = sum(
        (entered - 1) // 3
        for entered in one_payment["step_functions"]["states_entered_per_execution"].values()
    )
    function_sends = one_payment["totals"]["calls"].get("sqs:SendMessage", 0)
    consumed = function_sends + sfn_sqs_sends
    # Lambda's SQS event source mapping: one ReceiveMessage and one DeleteMessageBatch per message at low
    # traffic (batches of one); busy queues share both among up to 10 messages.
    esm_requests = 2 * consumed
    # One Lambda invocation per stream record or message (low traffic, the upper bound).
    invocations = sum(f["records"] for f in functions.values())
    gb_seconds = sum(f["handler_ms_total"] / 1000 * memory[name] / 1024 for name, f in functions.items())
    reads = one_payment["totals"]["read_request_units"]
    writes = one_payment["totals"]["write_request_units"]
    per_payment = {
        "lambda_requests": invocations * PRICES["lambda_requests_per_million"] / 1e6,
        "lambda_duration": gb_seconds * PRICES["lambda_arm64_gb_second"],
        "dynamodb_reads": reads * PRICES["dynamodb_read_request_units_per_million"] / 1e6,
        "dynamodb_writes": writes * PRICES["dynamodb_write_request_units_per_million"] / 1e6,
        "sqs": (function_sends + sfn_sqs_sends + esm_requests)
        * PRICES["sqs_standard_requests_per_million"]
        / 1e6,
        "step_functions": states * PRICES["step_functions_standard_per_thousand_transitions"] / 1e3,
        "api_gateway": API_REQUESTS_PER_PAYMENT * PRICES["api_gateway_rest_requests_per_million"] / 1e6,
    }
    per_million = {name: round(value * 1e6, 2) for name, value in per_payment.items()}
    return {
        "usd_per_million_payments": round(sum(per_payment.values()) * 1e6, 2),
        "breakdown_usd": per_million,
        "inputs_per_payment": {
            "lambda_invocations": invocations,
            "lambda_gb_seconds": round(gb_seconds, 4),
            "dynamodb_read_request_units": reads,
            "dynamodb_write_request_units": writes,
            "sqs_requests": {
                "sent_by_functions": function_sends,
                "sent_by_step_functions": sfn_sqs_sends,
                "event_source_mapping_receive_and_delete": esm_requests,
            },
            "step_functions_state_transitions": states,
            "api_gateway_requests": API_REQUESTS_PER_PAYMENT,
            "memory_mb": memory,
        },
    }
