#!/usr/bin/env bash
# Starts LocalStack in host mode (no Docker) on 127.0.0.1:${LOCALSTACK_PORT:-4566} in the background,
# waits until SQS, DynamoDB (+ Streams) and Step Functions answer, then proves each one with boto3.
# Runs setup.sh first (a no-op once everything is in place). Stop it with localstack/stop.sh.
# Pass --no-verify to skip the checks (saves about 5 s).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"$here/setup.sh" | grep -v '^==> ready' || exit 1
exec "$here/../.venv-localstack/bin/python" "$here/host_mode.py" start "$@"
