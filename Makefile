# Logbook — `make dev` runs the local stack, `make test` runs every check.
# Both install what they need on a fresh machine (venv, pip and npm packages,
# a Java runtime for DynamoDB Local, Chromium for the browser tests).

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP_PY := $(VENV)/.installed
STAMP_NPM := node_modules/.installed
CHECKOV_VENV := .venv-checkov
STAMP_CHECKOV := $(CHECKOV_VENV)/.installed

# Never reach AWS from this machine: fake credentials, and the DynamoDB Streams
# endpoint mode that in-process moto can intercept.
export AWS_ACCESS_KEY_ID ?= local
export AWS_SECRET_ACCESS_KEY ?= local
export AWS_DEFAULT_REGION ?= eu-north-1
export AWS_ACCOUNT_ID_ENDPOINT_MODE := disabled
export AWS_EC2_METADATA_DISABLED := true
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help
help:
	@echo "make dev      run the local stack (API :8000, site :8080, DynamoDB Local :8001)"
	@echo "make dev-reset  delete the local stack's data (.local/)"
	@echo "make test     lint, type-check and run every test"
	@echo "make lint     ruff (lint + format check), mypy, Biome for the JavaScript"
	@echo "make fmt      format the code"
	@echo "make vocabulary  regenerate static_site/shared/vocabulary.js from the Python"
	@echo "make rebuild  recompute every statistic from the data table"
	@echo "make verify   compare stored statistics with a recomputation"
	@echo "make privacy-audit  play the attacker over every public figure of the local data"
	@echo "make migrate-checkins  key first-visit markers stored before check-in keys (once)"
	@echo "make bench    both benchmarks below"
	@echo "make bench-writes  write cost of the stream aggregation vs a naive consumer"
	@echo "make bench-publish  publish time with the full demo: the whole demo, one organisation's change"
	@echo "make bench-concurrency  100 clients at once on the local stack: resets, 5xx, latency"
	@echo "make synth    CloudFormation templates and Lambda packages into build/ (offline)"
	@echo "make checkov  checkov over the synthesized templates (every skip has its reason)"
	@echo "make lock     re-resolve the lock files after editing requirements*.txt"
	@echo "make bench-cold  cold import time of each Lambda handler vs import boto3"
	@echo "make deploy STAGE=dev|prod  deploy to AWS (see infra/README.md)"
	@echo "make lighthouse-stats  Lighthouse scores and page weight of /stats/ (URL=... to choose the page)"
	@echo "make screenshots       README screenshots of /stats/ into docs/screenshots/"

# ---------------------------------------------------------------- installs
# Every Python package comes from a lock with hashes (infra/lock.py): pip refuses any
# file whose hash is not in the lock, and refuses to start when a lock is out of date
# with what requirements*.txt ask for (then run `make lock`).
PIP_INSTALL = -m pip install --quiet --disable-pip-version-check --require-hashes -r

$(STAMP_PY): requirements.txt requirements-dev.txt requirements.lock requirements-dev.lock
	$(PYTHON) -m infra.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) $(PIP_INSTALL) requirements-dev.lock
	touch $@

# checkov pins boto3 and packaging at versions the project cannot share: its own venv.
$(STAMP_CHECKOV): requirements-checkov.txt requirements-checkov.lock
	$(PYTHON) -m infra.lock
	test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python $(PIP_INSTALL) requirements-checkov.lock
	touch $@

# Re-resolve the locks after editing requirements*.txt (pins already in a lock are kept;
# LOCK_ARGS=--upgrade moves every indirect dependency to its newest version). Needs only
# uv, installed at the version requirements-dev.txt pins when the venv has none.
UV_VERSION = $(shell sed -n 's/^uv==//p' requirements-dev.txt)
UV_COMPILE = $(VENV)/bin/uv pip compile --universal --python-version 3.11 --generate-hashes \
	--custom-compile-command "make lock" --quiet $(LOCK_ARGS)
.PHONY: lock
lock:
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	test -x $(VENV)/bin/uv || $(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(UV_COMPILE) requirements.txt -o requirements.lock
	$(UV_COMPILE) --constraint requirements.lock requirements-dev.txt -o requirements-dev.lock
	$(UV_COMPILE) requirements-checkov.txt -o requirements-checkov.lock
	$(PYTHON) -m infra.lock

$(STAMP_NPM): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

.PHONY: install java chromium binutils
install: $(STAMP_PY) $(STAMP_NPM) $(STAMP_CHECKOV) java

# DynamoDB Local is AWS's Java engine: install a runtime from Debian if none is there.
java:
	@command -v java >/dev/null 2>&1 || { \
	  echo "Installing a Java runtime for DynamoDB Local (Debian openjdk-17-jre-headless)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null; }

# Browser tests drive Debian's Chromium (never a downloaded browser build).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Chromium for the browser tests (Debian chromium)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# The Lambda package strips its shared libraries with GNU strip (infra/package.py): from
# Debian's binutils where it is missing; elsewhere (macOS) they ship unstripped.
binutils:
	@command -v strip >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1 || { \
	  echo "Installing binutils for stripping the Lambda package (Debian binutils)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq binutils >/dev/null; }

# ---------------------------------------------------------------- run
# Ports and data dir: LOGBOOK_API_PORT, LOGBOOK_SITE_PORT, LOGBOOK_DDB_PORT, LOGBOOK_LOCAL_DIR;
# demo data size: LOGBOOK_SEED=full|small|none (first start only).
.PHONY: dev dev-reset
# checkov is for `make test` only: the local stack needs neither it nor its venv.
dev: $(STAMP_PY) $(STAMP_NPM) java
	$(PY) -m devstack

# Delete the local stack's data (refused while it runs); the next `make dev` seeds afresh.
dev-reset: $(STAMP_PY)
	$(PY) -m devstack --reset

# ---------------------------------------------------------------- checks
.PHONY: lint fmt test test-fast
lint: $(STAMP_PY) $(STAMP_NPM)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(PY) -m tools.gen_vocabulary --check
	node_modules/.bin/biome ci --colors=off .

# The pages' words and limits (static_site/shared/vocabulary.js), generated from the
# Python that defines them; `make lint` fails when the checked-in file drifts.
.PHONY: vocabulary
vocabulary: $(STAMP_PY)
	$(PY) -m tools.gen_vocabulary

fmt: $(STAMP_PY) $(STAMP_NPM) vocabulary
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .
	node_modules/.bin/biome check --write .

# Two workers (the machine's two cores); a test file stays on one worker, so its
# module fixtures are built once (and each worker runs its own live stack).
test: install chromium binutils lint test-js
	$(VENV)/bin/pytest -n 2 --dist loadfile

# The pure JavaScript modules (the outbox's rules, periods, the message layer and its
# language files, the vocabulary, the statistics' figures and CSV) with Node's own test
# runner: tests/js/*.test.mjs.
.PHONY: test-js
test-js:
	node --test tests/js/

# Unit and functional tests only: no servers, no browser.
test-fast: $(STAMP_PY)
	$(VENV)/bin/pytest tests/unit tests/functional

# ---------------------------------------------------------------- statistics
# Against DynamoDB Local (LOGBOOK_DYNAMODB_ENDPOINT, else http://127.0.0.1:8001).
.PHONY: rebuild verify bench bench-writes
rebuild: $(STAMP_PY)
	$(PY) -m tools.stats_admin rebuild

verify: $(STAMP_PY)
	$(PY) -m tools.stats_admin verify

# The attacker's linear programs over every public figure of the local stack's data
# (docs/privacy.md); exits 1 naming each derivable small group. PRIVACY_AUDIT_ENDPOINT
# overrides the DynamoDB Local endpoint.
.PHONY: privacy-audit
privacy-audit: $(STAMP_PY)
	$(PY) -m tools.privacy_audit --endpoint $(or $(PRIVACY_AUDIT_ENDPOINT),$(LOGBOOK_DYNAMODB_ENDPOINT),http://127.0.0.1:8001)
# One-off: first-visit markers from before check-in keys get their keyed form.
.PHONY: migrate-checkins
migrate-checkins: $(STAMP_PY)
	$(PY) -m tools.checkin_markers

# Every benchmark: the stream consumer's write cost, then the handlers' cold imports.
bench: bench-writes bench-cold

# Export and import times of the largest demo organisation (MODE=small for less);
# starts its own DynamoDB Local.
.PHONY: bench-data
bench-data: $(STAMP_PY) $(STAMP_NPM) java
	$(PY) -m tools.bench_org_package $(if $(MODE),--mode $(MODE))

# Write cost of the stream consumer vs a naive one; starts its own DynamoDB Local.
bench-writes: $(STAMP_PY) $(STAMP_NPM) java
	$(PY) -m tools.bench_aggregate

# What publishing costs with the full demo data (its own DynamoDB Local): the whole-demo
# publication, its suppression and audit, and one organisation's change.
.PHONY: bench-publish
bench-publish: $(STAMP_PY) $(STAMP_NPM) java
	$(PY) -m tools.bench_publish

# 100 clients at once against the local stack (its own, on free ports; API=URL for a
# running `make dev`): resets, 5xx, 429 and latency percentiles. CLIENTS=N to change.
.PHONY: bench-concurrency
bench-concurrency: $(STAMP_PY) $(STAMP_NPM) java
	$(PY) -m tools.bench_concurrency $(if $(CLIENTS),--clients $(CLIENTS)) $(if $(API),--api '$(API)')

# ---------------------------------------------------------------- AWS (infra/)
# Offline: CloudFormation templates to build/cloudformation/, Lambda packages to build/.
CFN_LINT := $(VENV)/bin/cfn-lint --regions eu-north-1 eu-central-1 --
LAMBDA_SOURCES := app.py requirements.lock .chalice/config.json $(shell find chalicelib infra -name '*.py' 2>/dev/null)
export CDK_DISABLE_VERSION_CHECK := 1

.PHONY: synth lint-infra checkov bench-cold deploy
synth: $(STAMP_PY) $(STAMP_NPM) binutils
	$(PY) -m infra.synth
	$(CFN_LINT) build/cloudformation/*.template.json

build/logbook-prod-lambda.zip: $(STAMP_PY) $(STAMP_NPM) $(LAMBDA_SOURCES) | binutils
	$(PY) -m infra.synth

lint-infra: build/logbook-prod-lambda.zip
	$(CFN_LINT) build/cloudformation/*.template.json

# The IaC scanner, offline; exits non-zero on any failed check (skips carry their reason,
# infra/checks.py). Also part of `make test` (tests/infra/test_checkov.py).
checkov: build/logbook-prod-lambda.zip $(STAMP_CHECKOV)
	$(CHECKOV_VENV)/bin/checkov --directory build/cloudformation --framework cloudformation \
	  --compact --quiet --skip-download

# Cold import time of each Lambda entry point, as a multiple of `import boto3`.
bench-cold: build/logbook-prod-lambda.zip
	$(PY) -m infra.bench_cold

# Needs real AWS credentials and an explicit STAGE; see infra/README.md.
# The stage check comes first so nothing is installed or built for a refused deploy.
.PHONY: deploy-stage-given
deploy-stage-given:
	@test -n "$(STAGE)" || { echo "make deploy needs STAGE=dev or STAGE=prod" >&2; exit 2; }

deploy: deploy-stage-given $(STAMP_PY) $(STAMP_NPM) binutils
	$(PY) -m infra.deploy --stage "$(STAGE)" $(DEPLOY_ARGS)

# ---------------------------------------------------------------- the statistics page
# Lighthouse against a running site (default: `make dev`'s /stats/); prints the scores,
# bytes transferred and requests, and fails when the page misses its budget.
.PHONY: lighthouse-stats screenshots
lighthouse-stats: $(STAMP_PY) $(STAMP_NPM) chromium
	$(PY) tools/lighthouse_stats.py $(if $(URL),--url '$(URL)')

# Screenshots come from an end-to-end run on a live stack with demo-like data.
screenshots: install chromium
	$(PY) tools/screenshots.py
