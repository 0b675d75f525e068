# The two commands that matter: `make dev` runs everything locally, `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8080
FAKE_GEMINI_PORT ?= 8181
CHECKOV_VENV := .venv-checkov

.PHONY: dev test lint fuzz fake-gemini migrate package bench bench-console seed-console staff-token retention eval clean

$(BIN)/.installed: requirements.txt requirements-dev.txt constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt -c constraints.txt
	touch $@

# checkov lives in its own virtualenv: its pins conflict with ours (see requirements-checkov.txt).
$(CHECKOV_VENV)/bin/checkov: requirements-checkov.txt
	test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet -r requirements-checkov.txt
	touch $@

## Serve all functions and the chat page on http://localhost:$(PORT)/
dev: $(BIN)/.installed
	PORT=$(PORT) exec $(BIN)/python -m scripts.devserver

## Run the whole test suite against real Postgres (TEST_DATABASE_URL, or an embedded one)
test: $(BIN)/.installed $(CHECKOV_VENV)/bin/checkov
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/mypy

## Fuzz every operation of openapi.yaml, admin routes too, on its own server and a throwaway
## database (never the data of `make dev`; SEED=n, EXAMPLES=n)
fuzz: $(BIN)/.installed
	$(BIN)/python -m scripts.fuzz --examples $(or $(EXAMPLES),50) --seed $(or $(SEED),1)

## A local fake Gemini server on :8181 (point GEMINI_BASE_URL at it, any GEMINI_API_KEY)
fake-gemini: $(BIN)/.installed
	$(BIN)/python -m scripts.fake_gemini --port $(FAKE_GEMINI_PORT) $(if $(FAKE_GEMINI_GAP),--gap $(FAKE_GEMINI_GAP))

## Build one deployable zip per function in dist/ (main.py, common/, requirements.txt)
package: $(BIN)/.installed
	$(BIN)/python -m scripts.package_functions

## Apply database migrations to DATABASE_URL
migrate: $(BIN)/.installed
	$(BIN)/python -m common.migrate

## chat_stream against the fake model's limit (BENCH_ARGS="--help"; a throwaway database on DATABASE_URL's server,
## else on 127.0.0.1:5432, else on an embedded Postgres),
## then hybrid retrieval over 2,000 entries (p95 per question, recall@5 on the labelled questions)
bench: $(BIN)/.installed
	$(BIN)/python -m scripts.bench $(BENCH_ARGS)
	$(BIN)/python -m scripts.bench_retrieval

## Score answers without a model on the labelled questions (tests/eval/questions.yaml); print each miss
eval: $(BIN)/.installed
	$(BIN)/python -m tests.eval.evaluate

## p95 of every console request with 100,000 stored messages (a throwaway database on DATABASE_URL's server)
bench-console: $(BIN)/.installed
	$(BIN)/python -m scripts.bench_console $(BENCH_ARGS)

## Fill DATABASE_URL with console data (MESSAGES=100000)
seed-console: $(BIN)/.installed
	$(BIN)/python -m scripts.seed_console --messages $(or $(MESSAGES),100000)

## Issue a staff token: make staff-token NAME="Ann" ROLE=editor [EMAIL=ann@shop.example] (shown once)
staff-token: $(BIN)/.installed
	$(BIN)/python -m scripts.staff_token --name "$(NAME)" --role "$(ROLE)" $(if $(EMAIL),--email "$(EMAIL)")

## Delete conversations older than RETENTION_DAYS (Cloud Scheduler runs the same in production)
retention: $(BIN)/.installed
	$(BIN)/python -m scripts.retention

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) dist .pytest_cache .ruff_cache .mypy_cache
