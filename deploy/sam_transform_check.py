"""Run the AWS SAM transform on template.yaml, offline, as CloudFormation does at CreateChangeSet.

cfn-lint checks the template's shape but not what the SAM translator accepts (an invalid key under an
API's `Cors` passes cfn-lint and fails `sam deploy`). `make lint` runs this, so such a template fails there:

    python -m deploy.sam_transform_check [template.yaml]

Exits 1 and prints the translator's messages when the transform fails for any value of TestMode.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

import boto3
from samtranslator.model.exceptions import InvalidDocumentException
from samtranslator.parser.parser import Parser
from samtranslator.translator.translator import Translator
from samtranslator.yaml_helper import yaml_parse

ROOT = Path(__file__).resolve().parent.parent
# The conditional resources (the test merchant seed) are translated in both modes.
PARAMETER_SETS: tuple[dict[str, str], ...] = ({"TestMode": "false"}, {"TestMode": "true"})
# Local code paths, which `sam package` replaces with S3 locations before CloudFormation sees them.
ARTIFACT_PROPERTIES = {
    "AWS::Serverless::Function": "CodeUri",
    "AWS::Serverless::LayerVersion": "ContentUri",
    "AWS::Serverless::StateMachine": "DefinitionUri",
}


def as_packaged(template: dict[str, Any]) -> dict[str, Any]:
    """The template as `sam package` uploads it: every local artifact path an S3 URI."""
    for logical_id, resource in template.get("Resources", {}).items():
        artifact = ARTIFACT_PROPERTIES.get(resource.get("Type", ""))
        properties = resource.get("Properties", {})
        if artifact and isinstance(properties.get(artifact), str):
            properties[artifact] = f"s3://packaged-artifacts/{logical_id}"
    return template


def transform_errors(template_text: str) -> list[str]:
    """The translator's messages for the template, one per cause; empty when it translates."""
    errors: list[str] = []
    for parameters in PARAMETER_SETS:
        template = as_packaged(yaml_parse(template_text))
        translator = Translator(
            managed_policy_map=None,
            sam_parser=Parser(),
            # Pseudo parameters (AWS::Region and the partition) come from a session; no call is made.
            boto_session=boto3.session.Session(region_name="us-east-1"),
        )
        try:
            translator.translate(template, parameter_values=dict(parameters), get_managed_policy_map=dict)
        except InvalidDocumentException as error:
            label = ", ".join(f"{key}={value}" for key, value in parameters.items())
            errors.extend(f"{label}: {cause.message}" for cause in error.causes)
    return sorted(set(errors))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("template", nargs="?", type=Path, default=ROOT / "template.yaml")
    args = parser.parse_args(argv)
    # The translator warns about metrics it never publishes offline.
    logging.getLogger("samtranslator").setLevel(logging.ERROR)
    errors = transform_errors(args.template.read_text())
    for message in errors:
        print(f"{args.template}: SAM transform: {message}", file=sys.stderr)
    if not errors:
        print(f"{args.template}: SAM transform ok")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
