# Peyvand CRM — the two commands are `make run` and `make test`; see README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NPM ?= npm
HAVE_NPM := $(shell command -v $(NPM) >/dev/null 2>&1 && echo yes)

.PHONY: run dev test test-python test-frontend lint openapi bench install frontend clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

frontend:
ifeq ($(HAVE_NPM),yes)
	@if [ -f frontend/package.json ]; then \
	  cd frontend && { [ -d node_modules ] || $(NPM) ci --no-audit --no-fund; } && $(NPM) run build; \
	fi
else
	@echo "npm not found: serving the API without the web app"
endif

run: $(STAMP) frontend
	$(BIN)/peyvand run

dev: $(STAMP)
	@if [ -f frontend/package.json ] && [ "$(HAVE_NPM)" = yes ]; then \
	  (cd frontend && { [ -d node_modules ] || $(NPM) ci --no-audit --no-fund; } && $(NPM) run dev) & \
	fi; PEYVAND_LOG_JSON=false $(BIN)/peyvand run

test: test-python test-frontend

test-python: $(STAMP)
	$(BIN)/python -m pytest

test-frontend:
ifeq ($(HAVE_NPM),yes)
	@if [ -f frontend/package.json ]; then \
	  cd frontend && { [ -d node_modules ] || $(NPM) ci --no-audit --no-fund; } && $(NPM) test; \
	fi
endif

lint: $(STAMP)
	$(BIN)/ruff check api workers tests migrations bench
	$(BIN)/mypy
ifeq ($(HAVE_NPM),yes)
	@if [ -f frontend/package.json ]; then \
	  cd frontend && { [ -d node_modules ] || $(NPM) ci --no-audit --no-fund; } && $(NPM) run lint; \
	fi
endif
	$(BIN)/peyvand openapi --output $(VENV)/openapi.check.json >/dev/null
	diff -q openapi/openapi.json $(VENV)/openapi.check.json || (echo "openapi/openapi.json is stale: run make openapi"; exit 1)

openapi: $(STAMP)
	$(BIN)/peyvand openapi --output openapi/openapi.json

bench: $(STAMP)
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) frontend/node_modules frontend/dist
