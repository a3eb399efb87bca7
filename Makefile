# Frontdesk: `make run` serves the demo on embedded defaults; `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# uv installs uv.lock; scripts/venv.sh bootstraps this version of it with pip.
UV_VERSION := 0.13.9
UV := $(VENV)/uv/bin/uv
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON_DOWNLOADS := never
# A PYTHON named on the command line or in the environment rebuilds a .venv made by another one.
PYTHON_EXPLICIT := $(if $(filter command line environment,$(origin PYTHON)),yes)
VENV_ENV := PYTHON=$(PYTHON) PYTHON_EXPLICIT=$(PYTHON_EXPLICIT) VENV=$(VENV) UV_VERSION=$(UV_VERSION)
# .env (see .env.example) fills in the settings the shell does not set: the shell wins.
WITH_ENV := saved=$$(export -p); if [ -f .env ]; then set -a; . ./.env; set +a; fi; eval "$$saved";
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml uv.lock 2>/dev/null | cksum | cut -d' ' -f1)$(if $(PYTHON_EXPLICIT),-$(notdir $(PYTHON)))

.DEFAULT_GOAL := help
.PHONY: help install run chat test unit lint format bench retell-config retell-push lock clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml uv.lock scripts/venv.sh
	@$(VENV_ENV) scripts/venv.sh
	@rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP) ## Create .venv and install the project with its dev tools

run: $(STAMP) ## Serve on http://127.0.0.1:8000 with embedded Postgres and a local calendar
	@$(WITH_ENV) if [ -z "$${OPERATOR_API_KEY:-}" ]; then export OPERATOR_API_KEY=demo-operator-key; \
	  echo "console: http://127.0.0.1:$${PORT:-8000}/console (demo operator key: demo-operator-key)"; fi; \
	  ALLOW_UNSIGNED_WEBHOOKS=$${ALLOW_UNSIGNED_WEBHOOKS:-true} $(BIN)/python -m app

chat: $(STAMP) ## Be the caller in a terminal: typed lines become the agent's tool calls
	@$(WITH_ENV) ALLOW_UNSIGNED_WEBHOOKS=$${ALLOW_UNSIGNED_WEBHOOKS:-true} $(BIN)/python -m app.chat

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
	@$(WITH_ENV) $(BIN)/python -m app.check_config

bench: $(STAMP) ## Benchmarks of the hot paths (see bench/README.md)
	$(BIN)/python -m bench.availability
	$(BIN)/python -m bench.staff
	$(BIN)/python -m bench.webhook
	$(BIN)/python -m bench.booking
	$(BIN)/python -m bench.google
	$(BIN)/python -m bench.tenants
	$(BIN)/python -m bench.console

retell-config: $(STAMP) ## Print the Retell LLM config (prompt + tools) as JSON; needs PUBLIC_BASE_URL (BUSINESS=<id> in a directory)
	@$(WITH_ENV) $(if $(BUSINESS),BUSINESS='$(BUSINESS)') $(BIN)/python -m prompts.retell_config

retell-push: $(STAMP) ## Create or update (RETELL_LLM_ID) the Retell LLM; needs RETELL_API_KEY, PUBLIC_BASE_URL (BUSINESS=<id> in a directory)
	@$(WITH_ENV) $(if $(BUSINESS),BUSINESS='$(BUSINESS)') $(BIN)/python -m prompts.push

lock: ## Update uv.lock to pyproject.toml (keeps other pins; UPGRADE=1 re-resolves all)
	@$(VENV_ENV) scripts/venv.sh uv
	$(UV) lock $(if $(UPGRADE),--upgrade)

clean: ## Remove the virtualenv (keeps .data/)
	rm -rf $(VENV)
