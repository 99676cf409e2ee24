#!/usr/bin/env bash
# Runs one command against LocalStack in host mode:
#   localstack/with_localstack.sh .venv/bin/python -m local_runtime up
#   localstack/with_localstack.sh .venv/bin/python -m pytest -m integration
# Starts LocalStack (setup + health + service checks, see start.sh), runs the command with
# AWS_ENDPOINT_URL pointing at it, and stops LocalStack afterwards - unless it was already running
# before, in which case it is left running. Exits with the command's status.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[ "$#" -gt 0 ] || { echo "usage: $0 COMMAND [ARGS...]" >&2; exit 2; }

port="${LOCALSTACK_PORT:-4566}"
already_running=0
if "$here/../.venv-localstack/bin/python" "$here/host_mode.py" status >/dev/null 2>&1; then
  already_running=1
fi
"$here/start.sh"
if [ "$already_running" = 0 ]; then
  trap '"$here/stop.sh"' EXIT
fi
# Ctrl-C reaches the command and this shell alike; leave through the EXIT trap either way.
trap 'exit 130' INT
trap 'exit 143' TERM
set +e
AWS_ENDPOINT_URL="http://127.0.0.1:$port" "$@"
status=$?
set -e
exit "$status"
