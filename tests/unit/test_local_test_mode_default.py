"""`make run` is test mode unless told otherwise (docs/behaviour.md, "Test mode"); deployed stacks keep
the template's defaults."""

from __future__ import annotations

import pytest

from local_runtime.template import Template, load_template

LOCAL_MODE_VARIABLES = ("TEST_MODE", "TEST_PROCESSING_DELAY", "WEBHOOK_RETRY_INTERVALS_TEST")


@pytest.fixture(scope="module")
def document() -> dict:
    return load_template()


@pytest.fixture
def bare_environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """A shell with none of the mode variables set and no .env read into it."""
    for name in LOCAL_MODE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_the_local_stack_runs_in_test_mode_with_short_retries_by_default(
    document: dict, bare_environment: pytest.MonkeyPatch
) -> None:
    template = Template(document)
    assert template.parameters["TestMode"] == "true"
    assert template.parameters["TestProcessingDelay"] == "1000"
    assert template.parameters["WebhookRetryIntervalsTest"] == "true"
    assert template.conditions["IsTestMode"] is True


def test_test_mode_false_turns_test_mode_and_the_short_retries_off(
    document: dict, bare_environment: pytest.MonkeyPatch
) -> None:
    bare_environment.setenv("TEST_MODE", "false")
    template = Template(document)
    assert template.parameters["TestMode"] == "false"
    assert template.parameters["WebhookRetryIntervalsTest"] == "false"


def test_the_users_own_values_win_over_the_local_defaults(
    document: dict, bare_environment: pytest.MonkeyPatch
) -> None:
    bare_environment.setenv("TEST_PROCESSING_DELAY", "250")
    bare_environment.setenv("WEBHOOK_RETRY_INTERVALS_TEST", "false")
    template = Template(document)
    assert template.parameters["TestMode"] == "true"
    assert template.parameters["TestProcessingDelay"] == "250"
    assert template.parameters["WebhookRetryIntervalsTest"] == "false"


def test_a_deployed_stack_keeps_the_template_defaults(document: dict) -> None:
    template = Template(document, environ={})
    assert template.parameters["TestMode"] == "false"
    assert template.parameters["WebhookRetryIntervalsTest"] == "false"
