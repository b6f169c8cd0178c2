# topowire: the two commands of the README's quick start are `make demo` and `make test`.
# Both create .venv and install what they need, on a brand-new machine too.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CHROMIUM ?= /usr/bin/chromium
ASYNCAPI := node_modules/.bin/asyncapi

.PHONY: demo test test-fast dist bench mutation golden prereqs setup setup-dev system-deps node-deps docs docs-check schema-sync scaffold-sync lint clean help

help:
	@echo "make demo   set up and run the main job on topology.yaml (no cloud account needed)"
	@echo "make demo CLOUDS=aws  the same on one cloud (installs only its SDK: faster)"
	@echo "make test   set up everything the tests need and run the whole suite (what CI runs)"
	@echo "make test-fast  the suite without the tests marked slow: every area, a few minutes"
	@echo "make dist   build the sdist and wheel into dist/ and check them with twine"
	@echo "make docs   regenerate docs/architecture.md, docs/rules.md and asyncapi/"
	@echo "make bench  benchmarks (a few minutes); writes bench/RESULTS.md"
	@echo "make mutation [AREAS=rules]  mutmut, area by area (long; see tests/MUTATION.md)"
	@echo "make golden  regenerate the golden plans under tests/golden/ (review the diff, commit with the change)"

$(BIN)/python:
	@echo "-- creating $(VENV)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# The core only: PyYAML, jsonschema, Jinja2 (what pre-commit installs too).
$(VENV)/.core: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	@touch $@

# The core plus the providers of CLOUDS (default: all three) and the embedded emulator, for the demo.
# pip shows its progress: the three clouds' SDKs are about 900 MB, minutes on a slow line.
CLOUDS ?= aws azure gcp
ifneq ($(filter-out aws azure gcp,$(CLOUDS)),)
$(error CLOUDS='$(CLOUDS)': unknown cloud '$(firstword $(filter-out aws azure gcp,$(CLOUDS)))'; CLOUDS is one or more of aws azure gcp, separated by spaces (make demo CLOUDS="aws gcp"))
endif
ifeq ($(strip $(CLOUDS)),)
$(error CLOUDS is empty; give one or more of aws azure gcp (make demo CLOUDS=aws))
endif
comma := ,
empty :=
space := $(empty) $(empty)
DEMO_EXTRAS := $(subst $(space),$(comma),$(strip $(CLOUDS) local))
DEMO_STAMP := $(VENV)/.demo-$(subst $(comma),-,$(DEMO_EXTRAS))
$(DEMO_STAMP): pyproject.toml | $(BIN)/python
	@echo "-- installing topowire[$(DEMO_EXTRAS)] (the Pulumi SDK and providers of: $(CLOUDS))"
	$(BIN)/pip install --progress-bar on -e '.[$(DEMO_EXTRAS)]'
	@touch $@ $(VENV)/.core
$(VENV)/.demo: $(VENV)/.demo-aws-azure-gcp-local
	@touch $@

# Everything the tests need.
$(VENV)/.dev: pyproject.toml | $(BIN)/python
	@echo "-- installing topowire[dev] (the three clouds' SDKs, the emulator and the test tools)"
	$(BIN)/pip install --progress-bar on -e '.[dev]'
	@touch $@ $(VENV)/.core $(VENV)/.demo $(VENV)/.demo-aws-azure-gcp-local

setup: $(VENV)/.core
# Fail in seconds, before any slow install, when a prerequisite is missing.
prereqs:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "topowire needs Python 3.10 or newer; this is " + sys.version.split()[0])'
	@$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || { echo "Python's venv/ensurepip is missing: apt-get install python3-venv"; exit 1; }
	@command -v npm >/dev/null || { echo "npm is missing (the tests run mermaid-cli and @asyncapi/cli from npm): install Node.js 20+ with npm"; exit 1; }
	@[ -x $(CHROMIUM) ] || command -v apt-get >/dev/null || { echo "$(CHROMIUM) is missing and there is no apt-get to install it: install Chromium and run make CHROMIUM=/path/to/chromium"; exit 1; }
	@[ -x $(CHROMIUM) ] || [ "$$(id -u)" = 0 ] || command -v sudo >/dev/null || { echo "installing Chromium needs root or sudo"; exit 1; }

setup-dev: prereqs
	@$(MAKE) --no-print-directory $(VENV)/.dev system-deps node-deps

# Debian's chromium drives the real Mermaid renderer (puppeteer's own browser download is skipped).
system-deps:
	@if [ ! -x $(CHROMIUM) ]; then \
	  echo "installing chromium (Debian) for the Mermaid renderer"; \
	  $(SUDO) apt-get -o DPkg::Lock::Timeout=600 update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null; \
	fi

node_modules/.installed: package.json package-lock.json
	PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
	@touch $@

node-deps: node_modules/.installed

demo: $(DEMO_STAMP)
	@echo "== topowire validate topology.yaml"
	$(BIN)/topowire validate topology.yaml
	@echo "== topowire docs topology.yaml (architecture docs, Markdown + Mermaid)"
	$(BIN)/topowire docs topology.yaml -o build/demo/architecture.md
	$(BIN)/topowire docs topology.yaml --check -o docs/architecture.md
	@echo "== topowire asyncapi topology.yaml (one AsyncAPI 3.0 document per service)"
	$(BIN)/topowire asyncapi topology.yaml -o build/demo/asyncapi
	$(BIN)/topowire asyncapi topology.yaml --check -o asyncapi
	@if [ -x $(ASYNCAPI) ]; then \
	  echo "-- checked by the official AsyncAPI CLI (analytics off: no network):"; \
	  printf '{"analyticsEnabled":"false","infoMessageShown":"true","userID":"topowire-demo"}' > build/demo/asyncapi-analytics.json; \
	  set -o pipefail; ASYNCAPI_METRICS_CONFIG_PATH=build/demo/asyncapi-analytics.json SUPPRESS_NO_CONFIG_WARNING=1 \
	    $(ASYNCAPI) validate build/demo/asyncapi/notifier.yaml 2>/dev/null | grep -v '^$$' || exit 1; \
	else echo "-- (npm ci installs @asyncapi/cli; then this step also validates build/demo/asyncapi/notifier.yaml)"; fi
	@echo "== topowire plan on $(CLOUDS) (the Pulumi program under Pulumi's mock engine: no account needed)"
	@set -o pipefail; for cloud in $(CLOUDS); do echo "-- $$cloud:"; $(BIN)/topowire plan topology.yaml --cloud $$cloud 2>/dev/null \
	  | sed -n '/resources to create/,$$p' || exit 1; done
	@echo "== topowire local smoke (embedded AWS emulator: deploy, then real messages through every route)"
	$(BIN)/topowire local smoke topology.yaml
	@echo "== open build/demo/architecture.md, or docs/architecture.md on GitHub, to see the diagram"

test: setup-dev
	$(BIN)/python -m pytest

# Every area, without the tests marked slow (pyproject.toml: markers): for developers; CI runs make test.
test-fast: setup-dev
	$(BIN)/python -m pytest -m "not slow" -q

# The release as users get it: dist/topowire-<version>.tar.gz and the wheel (tests/test_dist.py installs it).
dist: $(VENV)/.dev
	rm -rf dist
	$(BIN)/python -m build --outdir dist .
	$(BIN)/python -m twine check --strict dist/*

# Benchmarks against check-jsonschema, a bare YAML parse and the Pulumi SDK's floor; writes bench/RESULTS.md.
bench: $(VENV)/.dev
	$(BIN)/python bench/run.py

docs: setup
	$(BIN)/topowire docs topology.yaml -o docs/architecture.md
	$(BIN)/python -m generator.docs.rules_page > docs/rules.md
	$(BIN)/topowire asyncapi topology.yaml -o asyncapi

# The reviewed snapshots under tests/golden/ (whole plans, every diagnostic); test_golden.py compares them.
golden: $(VENV)/.demo
	PYTHONPATH=$(CURDIR) $(BIN)/python tests/golden/golden.py

# Mutation testing (not part of CI): each area with its own tests, in build/mutation/<area>/.
AREAS ?= rules specs model loader schema diff docs escape plan programs
# SAMPLE=N [SEED=S]: a random sample of N mutants per area; ONLY=file: re-run the mutants it names (run.py).
export SAMPLE SEED ONLY MUTMUT_CHILDREN
mutation: $(VENV)/.dev
	@for area in $(AREAS); do PYTHONPATH= $(BIN)/python tests/mutation/run.py $$area || exit 1; done

schema-sync:
	cp schema/topology.schema.json generator/data/topology.schema.json

# The workflows `topowire init` writes: every file of .github/workflows, installing the release instead of '.'.
scaffold-sync: setup
	$(BIN)/python -m generator.scaffold.sync .

clean:
	rm -rf $(VENV) node_modules build dist .pytest_cache
