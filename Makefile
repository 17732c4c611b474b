# accordmap: `make report` builds the default reports, `make test` runs every test layer.
# Both create .venv (python3 -m venv + pip) when it is missing or pyproject.toml changed.
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

## Create .venv and install accordmap with its test tools (only when pyproject.toml changed)
env: $(STAMP)
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m ipykernel install --prefix $(VENV) --name python3 --display-name "Python 3 (accordmap)" >/dev/null
	touch $@

## Validate every data file
check: env
	$(BIN)/accordmap check

## Build every report of every agreement into reports/ (reports/index.html links them)
report: env
	$(BIN)/accordmap build

## Run all tests: lint, unit, integration (builds, nbval), browser (Chromium, axe-core, JupyterLab)
test: env e2e-tools lint
	$(BIN)/python -m pytest -n auto tests/unit
	$(BIN)/python -m pytest tests/integration tests/e2e notebooks

## Fast layer only: unit tests (no kernel, no build, no browser; well under a minute)
test-unit: env
	$(BIN)/python -m pytest -n auto tests/unit

## Integration layer: builds through the CLI, kernels, Dask, publishing, exports, and the notebooks with nbval
test-integration: env
	$(BIN)/python -m pytest tests/integration notebooks

## Browser layer only: built reports opened in headless Chromium (accessibility with axe-core), notebooks in JupyterLab
test-e2e: env e2e-tools
	$(BIN)/python -m pytest tests/e2e

## Lint: ruff over src/, tests/, benchmarks/ and docs/ (configured in pyproject.toml)
lint: env
	$(BIN)/ruff check src tests benchmarks docs

# axe-core for the accessibility tests, from the npm registry at the version tests/e2e/package-lock.json pins
e2e-tools: tests/e2e/node_modules/.package-lock.json
tests/e2e/node_modules/.package-lock.json: tests/e2e/package.json tests/e2e/package-lock.json
	@if command -v npm >/dev/null 2>&1; then cd tests/e2e && npm ci --no-audit --no-fund; \
	else echo "npm not found (apt-get install npm): the accessibility tests will be skipped (they fail under CI=true)"; fi

## Time the build (naive papermill+nbconvert, full, no-op, one agreement edited, a sweep, the floor), and a million events joined to the zones (see benchmarks/README.md)
bench: env
	$(BIN)/python benchmarks/build.py
	$(BIN)/python benchmarks/bench_events.py

## Open the notebooks in JupyterLab
lab: env
	$(BIN)/jupyter lab notebooks/

## Remove generated reports
clean:
	rm -rf reports/

help:
	@awk '/^## /{doc=substr($$0,4); next} /^[a-z0-9-]+:/{ if (doc) { split($$1,t,":"); printf "  make %-10s %s\n", t[1], doc; doc="" } }' $(MAKEFILE_LIST)

.PHONY: env e2e-tools check report test test-unit test-integration test-e2e lint bench lab clean help
