# The front door. `make help` lists the targets; every target bootstraps what it needs.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
FRONTENDS := checkout_widget dashboard_site
# The suites against a live stack mostly wait (the bank delay, webhook retry intervals, pages rendering), so
# they run in pytest-xdist workers, each with a stack of its own on free ports: three for the HTTP suites,
# two for the browser's (each worker also runs a chromium, and a starved one makes pages slow to settle).
LIVE_WORKERS ?= -n 3
BROWSER_WORKERS ?= -n 2
# The AWS SAM CLI lives in its own virtualenv: it is large and pins its own boto3.
SAM_VENV ?= .venv-sam
SAM := $(SAM_VENV)/bin/sam
# `sam build` for the python3.12 runtime needs a working python3.12 first on PATH (pyenv's shim is not
# one unless 3.12 is selected), so pyenv's own 3.12 comes first when there is one.
PYTHON312_DIR ?= $(or $(lastword $(sort $(wildcard $(HOME)/.pyenv/versions/3.12*/bin))),$(patsubst %/,%,$(dir $(shell command -v python3.12 2>/dev/null))))
LOCAL_STACK_NAME ?= gateway-local
LOCALSTACK_URL = http://127.0.0.1:$${LOCALSTACK_PORT:-4566}
export PYTHONPATH := $(CURDIR)/layers/common/python:$(CURDIR)
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help run run-localstack test test-unit test-integration test-sdk test-e2e test-localstack test-deployed lint bench soak deploy deploy-local sam-build sam-cli venv frontend chromium clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

run: venv frontend ## Bring the whole gateway up locally (API :8000, dashboard :3000, checkout :3001, merchant :4000)
	$(PY) -m local_runtime up

test: venv frontend chromium ## Install what is needed, then run every test (lint, npm, unit, integration, browser)
	@echo "==> lint"
	@$(MAKE) --no-print-directory lint
	@for d in $(FRONTENDS); do if [ -f $$d/package.json ]; then echo "==> npm test ($$d)"; (cd $$d && npm test --silent) || exit 1; fi; done
	@echo "==> unit"
	@$(MAKE) --no-print-directory test-unit
	@echo "==> integration"
	@$(MAKE) --no-print-directory test-integration
	@echo "==> sdk"
	@$(MAKE) --no-print-directory test-sdk
	@echo "==> e2e"
	@$(MAKE) --no-print-directory test-e2e

run-localstack: venv frontend ## The same local stack on LocalStack (host mode, offline) instead of moto
	localstack/with_localstack.sh $(PY) -m local_runtime up

test-localstack: venv frontend ## The integration suite against LocalStack (starts and stops it)
	localstack/with_localstack.sh $(PY) -m pytest -m integration tests/integration

deploy-local: venv sam-build ## sam build, then deploy the SAM application into LocalStack (host mode) and seed it
	localstack/start.sh --no-verify
	AWS_ENDPOINT_URL=$(LOCALSTACK_URL) $(PY) -m deploy.local_stack deploy --stack $(LOCAL_STACK_NAME) --sam $(SAM)

test-deployed: venv sam-build ## Deploy into LocalStack, smoke-test the API Gateway URL, compare with template.yaml, tear down
	localstack/with_localstack.sh deploy/test_deployed.sh $(LOCAL_STACK_NAME) $(SAM)

test-unit: venv ## In-process tests: no sockets, no servers (moto's in-process mock)
	$(PY) -m pytest tests/unit -n auto  # one worker per core: the unit tests are CPU-bound and independent

test-integration: venv frontend ## The local stack over HTTP (starts its own on free ports)
	$(PY) -m pytest tests/integration $(LIVE_WORKERS)

test-sdk: venv frontend ## The Python SDK and `gateway` CLI: typed strictly, then against the local stack
	cd sdk/python && $(abspath $(VENV))/bin/mypy
	$(PY) -m pytest tests/sdk $(LIVE_WORKERS)

test-e2e: venv frontend chromium ## The pages in Debian's chromium against the local stack
	$(PY) -m pytest tests/e2e $(BROWSER_WORKERS)

lint: venv frontend ## ruff, mypy, cfn-lint, the SAM transform; eslint and prettier on the front ends and web_shared/
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/cfn-lint template.yaml
	$(PY) -m deploy.sam_transform_check template.yaml
	@for d in $(FRONTENDS); do echo "==> eslint + prettier ($$d, web_shared)"; (cd $$d && npm run lint --silent) || exit 1; done

bench: venv frontend ## Benchmark the local stack; writes bench/results/latest.{json,md}
	$(PY) -m bench

soak: venv frontend ## Bounded load-and-fault run against the local stack
	$(PY) -m bench.soak

deploy: venv frontend sam-build ## Build and deploy to AWS with SAM, then publish the two static sites
	$(SAM) deploy
	$(PY) -m deploy.publish_sites --stack $${STACK_NAME:-payment-gateway}

venv: $(VENV)/.installed

$(VENV)/.installed: requirements/runtime.txt requirements/dev.txt
	@echo "==> creating $(VENV) and installing Python packages (first run: about a minute)"
	@test -x $(PY) || python3 -m venv $(VENV)
	@$(PIP) install --disable-pip-version-check --progress-bar on -q --upgrade pip
	@$(PIP) install --disable-pip-version-check --progress-bar on -r requirements/dev.txt 2>&1 | grep -vE '^(Requirement already|WARNING: Location)' || true
	@$(PY) -c "import chalice, pynamodb, moto, pytest" || { echo "python packages failed to install"; exit 1; }
	@touch $@

sam-cli: $(SAM_VENV)/.installed

$(SAM_VENV)/.installed: deploy/sam-requirements.txt deploy/sam-constraints.txt
	@test -n "$(PYTHON312_DIR)" || { echo "sam build needs python3.12: install it (pyenv install 3.12) or put it on PATH"; exit 1; }
	@echo "==> creating $(SAM_VENV) with $(PYTHON312_DIR)/python3.12 and installing the AWS SAM CLI (first run: 1-3 min)"
	@test -x $(SAM_VENV)/bin/python || $(PYTHON312_DIR)/python3.12 -m venv $(SAM_VENV)
	@$(SAM_VENV)/bin/pip install --disable-pip-version-check --progress-bar on -r deploy/sam-requirements.txt -c deploy/sam-constraints.txt 2>&1 | grep -vE '^(Requirement already|WARNING: Location)' || true
	@$(SAM) --version || { echo "the AWS SAM CLI failed to install into $(SAM_VENV)"; exit 1; }
	@touch $@

sam-build: sam-cli ## sam build (into .aws-sam/build) with python3.12 first on PATH
	PATH="$(PYTHON312_DIR):$$PATH" SAM_CLI_TELEMETRY=0 $(SAM) build --template-file template.yaml

frontend: ## Install npm packages and build the checkout widget and dashboard
	@for d in $(FRONTENDS); do if [ -f $$d/package.json ]; then \
	  if [ ! -d $$d/node_modules ] || [ $$d/package-lock.json -nt $$d/node_modules/.package-lock.json ]; then \
	    echo "==> npm ci ($$d)"; (cd $$d && npm ci --no-audit --no-fund) || exit 1; fi; \
	  echo "==> npm run build ($$d)"; (cd $$d && npm run build --silent) || exit 1; fi; done

chromium: ## Debian's chromium for the browser tests
	@command -v chromium >/dev/null 2>&1 || { echo "==> installing Debian chromium (about 40 s)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) || \
	  (sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium); }

clean: ## Remove build output and the virtualenv
	rm -rf $(VENV) $(SAM_VENV) .venv-localstack .aws-sam $(addsuffix /node_modules,$(FRONTENDS)) $(addsuffix /dist,$(FRONTENDS))
