# The two commands that matter: `make dev` runs everything locally, `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8080

.PHONY: dev test lint fuzz fake-gemini migrate clean

$(BIN)/.installed: requirements.txt requirements-dev.txt constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt -c constraints.txt
	touch $@

## Serve all functions and the chat page on http://localhost:$(PORT)/
dev: $(BIN)/.installed
	PORT=$(PORT) $(BIN)/python -m scripts.devserver

## Run the whole test suite against real Postgres (TEST_DATABASE_URL, or an embedded one)
test: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/mypy

## Fuzz a running `make dev` against openapi.yaml (same ADMIN_TOKEN as the server; SEED=n, EXAMPLES=n)
FUZZ_CHECKS := not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance
fuzz: $(BIN)/.installed
	$(BIN)/st run openapi.yaml --url http://localhost:$(PORT) --checks $(FUZZ_CHECKS) \
		--max-examples $(or $(EXAMPLES),50) --seed $(or $(SEED),1) \
		$(if $(ADMIN_TOKEN),--header "Authorization: Bearer $(ADMIN_TOKEN)")

## A local fake Gemini server on :8181 (point GEMINI_BASE_URL at it, any GEMINI_API_KEY)
fake-gemini: $(BIN)/.installed
	$(BIN)/python -m tests.fake_gemini --port 8181

## Apply database migrations to DATABASE_URL
migrate: $(BIN)/.installed
	$(BIN)/python -m common.migrate

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
