"""After `sam deploy`: allow browsers only from this stack's dashboard and checkout origins.

The API function cannot reference the CloudFront distributions in the template (they reference the API:
a cycle), so their origins reach it as the CorsAllowOrigins parameter, set from the stack's outputs by a
second deploy when they differ from what is deployed. `make deploy` runs this:

    python -m deploy.cors_origins --stack payment-gateway --sam .venv-sam/bin/sam

Every other parameter keeps its deployed value.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from typing import Any

import boto3

ORIGIN_OUTPUTS = ("DashboardUrl", "CheckoutWidgetUrl")


def wanted_origins(stack: dict[str, Any]) -> str:
    outputs = {item["OutputKey"]: item["OutputValue"] for item in stack.get("Outputs", [])}
    return ",".join(outputs[key].rstrip("/") for key in ORIGIN_OUTPUTS)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--stack", required=True)
    parser.add_argument("--sam", default="sam")
    args = parser.parse_args(argv)
    stack = boto3.client("cloudformation").describe_stacks(StackName=args.stack)["Stacks"][0]
    deployed = {item["ParameterKey"]: item.get("ParameterValue", "") for item in stack["Parameters"]}
    origins = wanted_origins(stack)
    if deployed.get("CorsAllowOrigins") == origins:
        print(f"==> CORS already limited to {origins}")
        return 0
    print(f"==> limiting CORS to {origins} (was {deployed.get('CorsAllowOrigins')!r})")
    overrides = [f"{key}={value}" for key, value in deployed.items() if key != "CorsAllowOrigins"]
    command = [
        args.sam,
        "deploy",
        "--stack-name",
        args.stack,
        "--no-confirm-changeset",
        "--parameter-overrides",
    ]
    return subprocess.run([*command, *overrides, f"CorsAllowOrigins={origins}"], check=False).returncode  # noqa: S603


if __name__ == "__main__":
    sys.exit(main())
