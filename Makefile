# TravelPack: `make run` serves the app, `make run-cluster` two processes on PostgreSQL behind a sticky balancer,
# `make test` lints, type-checks and runs every test (SQLite, then PostgreSQL when it answers).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: run run-cluster test test-sqlite test-postgres test-browser lint typecheck bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python main.py

run-cluster: $(STAMP)
	TRAVELPACK_DATABASE_URL=$${TRAVELPACK_DATABASE_URL:-$(PG_URL)} PYTHON=$(BIN)/python deploy/run-cluster.sh

test: lint typecheck
	$(BIN)/python -m pytest -q -p no:cacheprovider
	@if [ -n "$$TRAVELPACK_TEST_POSTGRES_URL" ] || $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(subst +psycopg,,$(PG_URL))', connect_timeout=3).close()" 2>/dev/null; then \
		echo '--- the same suite against PostgreSQL (browser tests ran above) ---'; \
		TRAVELPACK_TEST_POSTGRES_URL=$${TRAVELPACK_TEST_POSTGRES_URL:-$(PG_URL)} $(BIN)/python -m pytest -q -p no:cacheprovider -m 'not browser'; \
	else echo 'PostgreSQL does not answer: skipped the PostgreSQL run'; fi

test-sqlite: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider

test-postgres: $(STAMP)
	TRAVELPACK_TEST_POSTGRES_URL=$${TRAVELPACK_TEST_POSTGRES_URL:-$(PG_URL)} $(BIN)/python -m pytest -q -p no:cacheprovider -m 'not browser'

test-browser: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/browser

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/codespell

typecheck: $(STAMP)
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/page_load.py
	$(BIN)/python bench/fanout.py

clean:
	rm -rf $(VENV) data .nicegui
