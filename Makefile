# Frontdesk: `make run` serves the demo on embedded defaults; `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml requirements.lock 2>/dev/null | cksum | cut -d' ' -f1)

.DEFAULT_GOAL := help
.PHONY: help install run test unit lint format bench retell-config retell-push lock clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	@# The lock pins every package, dev tools included; the project itself runs from this folder.
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP) ## Create .venv and install the project with its dev tools

run: $(STAMP) ## Serve on http://127.0.0.1:8000 with embedded Postgres and a local calendar
	ALLOW_UNSIGNED_WEBHOOKS=$${ALLOW_UNSIGNED_WEBHOOKS:-true} $(BIN)/python -m app

test: lint unit ## Lint, type-check, then every test (unit, integration, end-to-end)

unit: $(STAMP) ## Only the tests (provides Postgres if none answers on 127.0.0.1:5432)
	$(BIN)/python -m pytest

lint: $(STAMP) ## ruff and mypy --strict
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP) ## Apply ruff's fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

.PHONY: check-config
check-config: $(STAMP) ## Validate BUSINESS_CONFIG (default: the demo) and print the business as read
	@$(BIN)/python -m app.check_config

bench: $(STAMP) ## Benchmarks of the hot paths (see bench/README.md)
	$(BIN)/python -m bench.availability
	$(BIN)/python -m bench.webhook
	$(BIN)/python -m bench.booking
	$(BIN)/python -m bench.google

retell-config: $(STAMP) ## Print the Retell LLM config (prompt + tools) as JSON; needs PUBLIC_BASE_URL
	@$(BIN)/python -m prompts.retell_config

retell-push: $(STAMP) ## Create or update (RETELL_LLM_ID) the Retell LLM; needs RETELL_API_KEY, PUBLIC_BASE_URL
	$(BIN)/python -m prompts.push

lock: ## Re-resolve pyproject.toml's dependencies and pin them in requirements.lock
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet --disable-pip-version-check '.[dev]'
	.venv-lock/bin/python -m pip freeze --exclude frontdesk --disable-pip-version-check > requirements.lock
	rm -rf .venv-lock build *.egg-info

clean: ## Remove the virtualenv (keeps .data/)
	rm -rf $(VENV)
