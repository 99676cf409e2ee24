"""Deploy the SAM-built application into LocalStack (host mode) and seed it, or tear it down.

    python -m deploy.local_stack deploy [--stack NAME]    # after `sam build`: package, deploy, seed
    python -m deploy.local_stack outputs [--stack NAME]   # the deployed stack's outputs as JSON
    python -m deploy.local_stack status [--stack NAME]    # exit 0 when the stack is deployed
    python -m deploy.local_stack destroy [--stack NAME]

`make deploy-local` runs `sam build` and then `deploy`; AWS_ENDPOINT_URL names the LocalStack to use.
`sam deploy` itself uploads the built artifacts and creates the change set. Community LocalStack runs
no custom resources, so the test merchant is seeded here by invoking the seed function with the event
CloudFormation would send, its answer PUT to a presigned S3 URL as CloudFormation's own would be.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import boto3

ROOT = Path(__file__).resolve().parent.parent
BUILT_TEMPLATE = ROOT / ".aws-sam" / "build" / "template.yaml"
DEFAULT_STACK = "gateway-local"
REGION = "us-east-1"
ARTIFACT_BUCKET = "gateway-local-sam-artifacts"
# Test mode (the seeded merchant and /api/v1/test/*), webhook targets on loopback (the smoke test's
# receiver) and retries after seconds, as the local runtime runs in its tests.
PARAMETERS = {
    "TestMode": "true",
    "AllowPrivateWebhookUrls": "true",
    "WebhookRetryIntervalsTest": "true",
}
DEPLOY_DEADLINE_SECONDS = 600.0


def endpoint_url() -> str:
    return (
        os.environ.get("AWS_ENDPOINT_URL") or f"http://127.0.0.1:{os.environ.get('LOCALSTACK_PORT', '4566')}"
    )


def client(service: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=endpoint_url(),
        region_name=REGION,
        aws_access_key_id="test",
        aws_secret_access_key="test",  # noqa: S106 - LocalStack's fixed dummy credentials
    )


def sam_environment() -> dict[str, str]:
    return {
        **os.environ,
        "AWS_ENDPOINT_URL": endpoint_url(),
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "SAM_CLI_TELEMETRY": "0",
    }


def api_url(stack: str) -> str:
    """LocalStack serves a REST API's stage at /restapis/<id>/<stage>/_user_request_ on its own port."""
    api_id = resource_id(stack, "GatewayApi")
    return f"{endpoint_url()}/restapis/{api_id}/prod/_user_request_"


def resource_id(stack: str, logical_id: str) -> str:
    described = client("cloudformation").describe_stack_resource(
        StackName=stack, LogicalResourceId=logical_id
    )
    return str(described["StackResourceDetail"]["PhysicalResourceId"])


def stack_outputs(stack: str) -> dict[str, str]:
    described = client("cloudformation").describe_stacks(StackName=stack)["Stacks"][0]
    return {item["OutputKey"]: item["OutputValue"] for item in described.get("Outputs", [])}


def deploy(stack: str, sam: str) -> None:
    if not BUILT_TEMPLATE.exists():
        raise SystemExit(f"{BUILT_TEMPLATE} is missing: run `sam build` first (make deploy-local does)")
    s3 = client("s3")
    s3.create_bucket(Bucket=ARTIFACT_BUCKET)
    overrides = [f"{key}={value}" for key, value in PARAMETERS.items()]
    began = time.monotonic()
    print(f"==> sam deploy --stack-name {stack} into {endpoint_url()} ({' '.join(overrides)})", flush=True)
    subprocess.run(  # noqa: S603 - the SAM CLI from our own virtualenv, fixed arguments
        [
            sam,
            "deploy",
            "--template-file",
            str(BUILT_TEMPLATE),
            "--stack-name",
            stack,
            "--region",
            REGION,
            "--s3-bucket",
            ARTIFACT_BUCKET,
            "--capabilities",
            "CAPABILITY_IAM",
            "CAPABILITY_AUTO_EXPAND",
            "--parameter-overrides",
            *overrides,
            "--no-confirm-changeset",
            "--no-fail-on-empty-changeset",
            "--no-progressbar",
        ],
        cwd=ROOT,
        env=sam_environment(),
        stdin=subprocess.DEVNULL,
        check=True,
    )
    print(f"==> deployed in {time.monotonic() - began:.0f} s", flush=True)
    seed_test_merchant(stack)
    print_summary(stack)


def seed_test_merchant(stack: str) -> None:
    """Invoke the seed function with a CloudFormation Create event and check the answer it PUTs back."""
    s3, lambda_ = client("s3"), client("lambda")
    request_id = str(uuid.uuid4())
    answer_key = f"seed-answers/{request_id}"
    response_url = s3.generate_presigned_url(
        "put_object", Params={"Bucket": ARTIFACT_BUCKET, "Key": answer_key}, ExpiresIn=600
    )
    stack_id = client("cloudformation").describe_stacks(StackName=stack)["Stacks"][0]["StackId"]
    event = {
        "RequestType": "Create",
        "ResponseURL": response_url,
        "StackId": stack_id,
        "RequestId": request_id,
        "ResourceType": "Custom::TestMerchantSeed",
        "LogicalResourceId": "TestMerchantSeed",
        "ResourceProperties": {"Version": "1"},
    }
    function_name = resource_id(stack, "SeedFunction")
    print(f"==> seeding the test merchant ({function_name})", flush=True)
    invoked = lambda_.invoke(FunctionName=function_name, Payload=json.dumps(event).encode())
    if invoked.get("FunctionError"):
        raise SystemExit(f"seed function failed: {invoked['Payload'].read().decode()}")
    answer = json.loads(s3.get_object(Bucket=ARTIFACT_BUCKET, Key=answer_key)["Body"].read())
    if answer["Status"] != "SUCCESS":
        raise SystemExit(f"seed function answered {answer}")


def print_summary(stack: str) -> None:
    print(f"==> stack {stack} on {endpoint_url()}")
    for key, value in sorted(stack_outputs(stack).items()):
        print(f"    {key}: {value}")
    print(f"==> API Gateway URL (LocalStack): {api_url(stack)}")
    print(f"    try: curl {api_url(stack)}/health")


def is_deployed(stack: str) -> bool:
    try:
        stacks = client("cloudformation").describe_stacks(StackName=stack)["Stacks"]
    except client("cloudformation").exceptions.ClientError:
        return False
    return any(s["StackStatus"] in ("CREATE_COMPLETE", "UPDATE_COMPLETE") for s in stacks)


def destroy(stack: str) -> None:
    cloudformation = client("cloudformation")
    print(f"==> deleting stack {stack}", flush=True)
    cloudformation.delete_stack(StackName=stack)
    deadline = time.monotonic() + DEPLOY_DEADLINE_SECONDS
    while time.monotonic() < deadline:
        stacks = cloudformation.describe_stacks()["Stacks"]
        states = [s["StackStatus"] for s in stacks if s["StackName"] == stack]
        if not states or all(state == "DELETE_COMPLETE" for state in states):
            print("==> deleted", flush=True)
            return
        if "DELETE_FAILED" in states:
            raise SystemExit(f"stack {stack}: DELETE_FAILED")
        time.sleep(1)
    raise SystemExit(f"stack {stack} not deleted after {DEPLOY_DEADLINE_SECONDS:.0f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=["deploy", "outputs", "status", "destroy"])
    parser.add_argument("--stack", default=os.environ.get("LOCAL_STACK_NAME", DEFAULT_STACK))
    parser.add_argument("--sam", default=shutil.which("sam") or "sam", help="the SAM CLI to deploy with")
    args = parser.parse_args(argv)
    if args.command == "deploy":
        deploy(args.stack, args.sam)
    elif args.command == "status":
        return 0 if is_deployed(args.stack) else 1
    elif args.command == "outputs":
        print(json.dumps({**stack_outputs(args.stack), "LocalApiUrl": api_url(args.stack)}, indent=2))
    else:
        destroy(args.stack)
    return 0


if __name__ == "__main__":
    sys.exit(main())
