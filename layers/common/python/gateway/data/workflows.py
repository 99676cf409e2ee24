"""The webhook retry state machine: starting a schedule and answering its task tokens."""

from __future__ import annotations

import json
from typing import Any

from gateway.data.aws_clients import client


def start_retry_schedule(state_machine_arn: str, execution_name: str, state: dict[str, Any]) -> bool:
    """Start one retry schedule; False when an execution of that name already exists (a redelivery)."""
    sfn = client("stepfunctions")
    try:
        sfn.start_execution(stateMachineArn=state_machine_arn, name=execution_name, input=json.dumps(state))
    except sfn.exceptions.ExecutionAlreadyExists:
        return False
    return True


def execution_status(state_machine_arn: str, execution_name: str) -> str | None:
    """RUNNING, SUCCEEDED, FAILED, TIMED_OUT or ABORTED; None when no execution has that name."""
    sfn = client("stepfunctions")
    prefix, _, machine = state_machine_arn.rpartition(":stateMachine:")
    try:
        described = sfn.describe_execution(executionArn=f"{prefix}:execution:{machine}:{execution_name}")
    except sfn.exceptions.ExecutionDoesNotExist:
        return None
    return str(described["status"])


def report_attempt(task_token: str, output: dict[str, Any] | None, failure: str | None = None) -> None:
    """Answer the state machine's waiting task; a token that already closed is not an error."""
    sfn = client("stepfunctions")
    try:
        if failure is None:
            sfn.send_task_success(taskToken=task_token, output=json.dumps(output or {}))
        else:
            sfn.send_task_failure(taskToken=task_token, error="WebhookDeliveryFailed", cause=failure)
    except (sfn.exceptions.TaskTimedOut, sfn.exceptions.InvalidToken, sfn.exceptions.TaskDoesNotExist):
        pass
