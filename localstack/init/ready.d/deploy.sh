#!/usr/bin/env bash
# LocalStack init hook (runs inside the LocalStack container once its services are ready): builds the
# SAM application in template.yaml and deploys it into this LocalStack with samlocal
# (aws-sam-cli-local, the SAM CLI pointed at LocalStack).
#
# UNTESTED HERE: the development machine has no Docker; see localstack/README.md.
#
# Needs network access from the container (pip and a Python 3.12 download) on the first run; later
# runs reuse /var/lib/localstack/sam-tools (a volume). Settings come from docker-compose.yml:
#   GATEWAY_PROJECT_DIR  the repository mounted read-only (default /project)
#   GATEWAY_STACK_NAME   the CloudFormation stack name (default payment-gateway)
#   GATEWAY_PARAMETERS   SAM parameter overrides (default TestMode=true AllowPrivateWebhookUrls=true)
set -euo pipefail

project="${GATEWAY_PROJECT_DIR:-/project}"
stack="${GATEWAY_STACK_NAME:-payment-gateway}"
parameters="${GATEWAY_PARAMETERS:-TestMode=true AllowPrivateWebhookUrls=true}"
tools="/var/lib/localstack/sam-tools"
work="/tmp/gateway-build"
region="${AWS_DEFAULT_REGION:-us-east-1}"

step() { printf '[deploy.sh] %s\n' "$*"; }

export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION="$region"
export AWS_ENDPOINT_URL="http://localhost:4566"
export SAM_CLI_TELEMETRY=0

# template.yaml targets python3.12, and `sam build` (without containers) needs that interpreter on PATH.
# The LocalStack image has another Python, so fetch 3.12 with uv into a persistent tools directory.
if [ ! -x "$tools/venv/bin/samlocal" ]; then
  step "installing uv, Python 3.12, aws-sam-cli and aws-sam-cli-local into $tools (first run only)"
  # The system interpreter (the image's own venv may have no pip).
  system_python=/usr/local/bin/python3
  [ -x "$system_python" ] || system_python=python3
  "$system_python" -m pip install --quiet --target "$tools/uv" uv
  export UV_PYTHON_INSTALL_DIR="$tools/python"
  PYTHONPATH="$tools/uv" "$system_python" -m uv venv --quiet --python 3.12 "$tools/venv"
  PYTHONPATH="$tools/uv" "$system_python" -m uv pip install --quiet --python "$tools/venv/bin/python" \
    aws-sam-cli aws-sam-cli-local
fi
export PATH="$tools/venv/bin:$PATH" UV_PYTHON_INSTALL_DIR="$tools/python"

step "copying $project to $work (the mount is read-only)"
rm -rf "$work" && mkdir -p "$work"
tar -C "$project" \
  --exclude=./.git --exclude=./.venv --exclude='./.venv-*' --exclude=./node_modules --exclude='./*/node_modules' \
  --exclude=./.aws-sam --exclude=./localstack/.state --exclude=./test-artifacts -cf - . | tar -C "$work" -xf -
cd "$work"

step "samlocal build"
samlocal build --template-file template.yaml

# Community LocalStack's Docker executor does not mount layers into function containers (a hook only
# LocalStack Pro implements), so each built function gets a copy of the common layer's python/ tree.
layer_dir="$(ls -d .aws-sam/build/CommonLayer*/python)"
for function_dir in .aws-sam/build/*Function; do
  cp -R "$layer_dir/." "$function_dir/"
done

step "samlocal deploy --stack-name $stack ($parameters)"
# shellcheck disable=SC2086 # the parameter list is meant to split into Key=Value words
samlocal deploy \
  --stack-name "$stack" \
  --region "$region" \
  --resolve-s3 \
  --capabilities CAPABILITY_IAM CAPABILITY_AUTO_EXPAND \
  --parameter-overrides $parameters \
  --no-confirm-changeset \
  --no-fail-on-empty-changeset

# LocalStack serves REST APIs at http://localhost:4566/restapis/<id>/<stage>/_user_request_/<path>.
api_id="$(python -c "import boto3, sys
resource = boto3.client('cloudformation').describe_stack_resource(StackName=sys.argv[1], LogicalResourceId='GatewayApi')
print(resource['StackResourceDetail']['PhysicalResourceId'])" "$stack")"
api_url="http://localhost:4566/restapis/$api_id/prod/_user_request_"
echo "$api_url" > /var/lib/localstack/gateway-api-url

# Community LocalStack runs no custom resources: seed the test merchant as deploy/local_stack.py does,
# by invoking the seed function with a CloudFormation Create event (its answer goes to a presigned S3 URL).
step "seeding the test merchant"
python - "$stack" <<'PY'
import json, sys, uuid
import boto3
stack = sys.argv[1]
cloudformation, s3, lambda_ = boto3.client("cloudformation"), boto3.client("s3"), boto3.client("lambda")
bucket, key = "gateway-seed-answers", f"answers/{uuid.uuid4()}"
s3.create_bucket(Bucket=bucket)
function = cloudformation.describe_stack_resource(StackName=stack, LogicalResourceId="SeedFunction")
event = {
    "RequestType": "Create",
    "ResponseURL": s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=600),
    "StackId": cloudformation.describe_stacks(StackName=stack)["Stacks"][0]["StackId"],
    "RequestId": key,
    "ResourceType": "Custom::TestMerchantSeed",
    "LogicalResourceId": "TestMerchantSeed",
    "ResourceProperties": {"Version": "1"},
}
answer = lambda_.invoke(
    FunctionName=function["StackResourceDetail"]["PhysicalResourceId"], Payload=json.dumps(event).encode()
)
if answer.get("FunctionError"):
    sys.exit(f"seeding failed: {answer['Payload'].read().decode()}")
status = json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())["Status"]
if status != "SUCCESS":
    sys.exit(f"seeding answered {status}")
PY
step "deployed: API at $api_url (try $api_url/health); also in localstack/.state/docker/gateway-api-url"
