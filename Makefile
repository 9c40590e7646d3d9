# Golden Thread. `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= goldenthread.config.settings.dev

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-14s %s\n", $$1, $$2}'

$(BIN)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Needs $(PYTHON) (Python 3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

.PHONY: install
install: $(BIN)/.installed ## Create .venv with everything the service and its tests need

.PHONY: run
run: install ## Start the demo on http://127.0.0.1:$(PORT)/ (SQLite under ./var/ unless DATABASE_URL is set)
	$(BIN)/goldenthread migrate --noinput
	$(BIN)/goldenthread demo-data
	@echo ""
	@echo "Golden Thread is running at http://127.0.0.1:$(PORT)/  (press Ctrl+C to stop)"
	@# DEBUG off, as in production: the service's own 404 and 500 pages, never Django's debug
	@# pages (settings, stack frames, every URL). WhiteNoise serves the static files.
	DEBUG=false $(BIN)/goldenthread runserver 127.0.0.1:$(PORT)

.PHONY: test
test: install ## Run the whole test suite (browser tests need Debian's chromium: apt-get install chromium)
	DJANGO_SETTINGS_MODULE=goldenthread.config.settings.test $(BIN)/pytest -n 2 $(PYTEST_ARGS)

.PHONY: lint
lint: install ## ruff, formatting, mypy on the domain code, and the scoped-query check
	$(BIN)/ruff check .
	$(BIN)/python scripts/lint_scoped_queries.py
	DJANGO_SETTINGS_MODULE=goldenthread.config.settings.test $(BIN)/mypy

.PHONY: vendor
vendor: ## Refresh the vendored Scottish Government Design System and htmx (pinned versions)
	bash scripts/vendor_design_system.sh

.PHONY: clean
clean: ## Remove the virtualenv and the local database
	rm -rf $(VENV) var
