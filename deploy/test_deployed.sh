#!/usr/bin/env bash
# `make test-deployed`, run inside localstack/with_localstack.sh (AWS_ENDPOINT_URL names LocalStack):
# deploys the built application (or reuses a stack of that name already deployed), runs tests/deployed
# against its API Gateway URL and AWS APIs, then deletes the stack whatever the outcome.
#   deploy/test_deployed.sh STACK_NAME SAM_CLI
set -euo pipefail
stack="${1:?stack name}"
sam="${2:?path to the sam CLI}"
cd "$(dirname "$0")/.."
python=.venv/bin/python

began=$SECONDS
if $python -m deploy.local_stack status --stack "$stack"; then
  echo "==> reusing the deployed stack $stack"
else
  $python -m deploy.local_stack deploy --stack "$stack" --sam "$sam"
fi
deployed=$SECONDS
trap '$python -m deploy.local_stack destroy --stack "$stack" || true' EXIT

status=0
DEPLOYED_STACK_NAME="$stack" $python -m pytest tests/deployed -p no:randomly -q -rA --durations=5 || status=$?
echo "==> deploy (or reuse): $((deployed - began)) s; tests: $((SECONDS - deployed)) s"
exit "$status"
