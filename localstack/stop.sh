#!/usr/bin/env bash
# Stops the LocalStack that localstack/start.sh started (the PID in localstack/.state/localstack.pid).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python="$here/../.venv-localstack/bin/python"
[ -x "$python" ] || python=python3   # stopping needs only the standard library
exec "$python" "$here/host_mode.py" stop
