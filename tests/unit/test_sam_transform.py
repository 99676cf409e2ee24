"""`make lint` runs the SAM transform, so a template CloudFormation's changeset would reject fails lint first."""

from __future__ import annotations

from pathlib import Path

import pytest

from deploy.sam_transform_check import main, transform_errors

TEMPLATE = Path(__file__).resolve().parents[2] / "template.yaml"
CORS_MAX_AGE = "        MaxAge: \"'600'\"\n"


def test_the_template_translates_in_both_modes() -> None:
    assert transform_errors(TEMPLATE.read_text()) == []


def test_a_cors_key_sam_does_not_know_fails_the_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN the template with the ExposeHeaders key that once broke `sam deploy` at CreateChangeSet
    text = TEMPLATE.read_text()
    assert text.count(CORS_MAX_AGE) == 1
    broken = tmp_path / "template.yaml"
    broken.write_text(
        text.replace(CORS_MAX_AGE, CORS_MAX_AGE + "        ExposeHeaders: \"'Idempotent-Replayed'\"\n")
    )

    # WHEN the lint step checks it
    status = main([str(broken)])

    # THEN it fails, naming the resource and the key
    assert status == 1
    assert (
        "[GatewayApi] is invalid. Invalid key 'ExposeHeaders' for 'Cors' property." in capsys.readouterr().err
    )
