# Peyvand CRM — the two commands are `make run` and `make test`; see README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NPM ?= npm
HAVE_NPM := $(shell command -v $(NPM) >/dev/null 2>&1 && echo yes)

.PHONY: run dev test test-python test-frontend test-browser chromium lint openapi bench install frontend clean

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

test: test-python test-frontend test-browser

test-python: $(STAMP)
	$(BIN)/python -m pytest

test-frontend:
ifeq ($(HAVE_NPM),yes)
	@if [ -f frontend/package.json ]; then \
	  cd frontend && { [ -d node_modules ] || $(NPM) ci --no-audit --no-fund; } && $(NPM) test; \
	fi
endif

# Browser tests: playwright-core drives Debian's Chromium against `peyvand run` on a fresh database
# (frontend/e2e/README.md). Screenshots and the server log land in frontend/e2e/artifacts/.
test-browser: $(STAMP) frontend chromium
ifeq ($(HAVE_NPM),yes)
	cd frontend && $(NPM) run test:e2e
else
	@echo "npm is needed for the browser tests (Node 20+)"; exit 1
endif

# Debian's Chromium, installed when no browser is found (CHROMIUM_PATH names another one). apt-get
# update only runs when something has to be installed.
chromium:
	@if [ -n "$$CHROMIUM_PATH" ]; then test -x "$$CHROMIUM_PATH" || { echo "CHROMIUM_PATH=$$CHROMIUM_PATH is not executable"; exit 1; }; \
	elif ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then \
	  echo "Chromium not found: installing Debian's chromium package"; \
	  sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$sudo apt-get update && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; \
	fi

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
ifeq ($(HAVE_NPM),yes)
	@if [ -f frontend/package.json ]; then \
	  cd frontend && node_modules/.bin/openapi-typescript ../openapi/openapi.json -o ../$(VENV)/schema.check.d.ts >/dev/null 2>&1 \
	  && diff -q src/api/schema.d.ts ../$(VENV)/schema.check.d.ts \
	  || { echo "frontend/src/api/schema.d.ts is stale: run make openapi"; exit 1; }; \
	fi
endif

openapi: $(STAMP)
	$(BIN)/peyvand openapi --output openapi/openapi.json
ifeq ($(HAVE_NPM),yes)
	@if [ -f frontend/package.json ]; then \
	  cd frontend && { [ -d node_modules ] || $(NPM) ci --no-audit --no-fund; } && $(NPM) run --silent openapi; \
	fi
else
	@echo "npm not found: frontend/src/api/schema.d.ts was not regenerated"
endif

bench: $(STAMP)
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) frontend/node_modules frontend/dist
