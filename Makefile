# The two commands: `make run` serves the demo, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# `make test`'s processes: one per core suits a two-core machine (PostgreSQL takes its share).
TEST_WORKERS ?= 2

.PHONY: run test bootstrap lint messages bench clean-db load clean-load-db

run: bootstrap
	scripts/run.sh

test: bootstrap
	scripts/system-deps.sh test
	scripts/ensure-services.sh
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/ruff check .
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/mypy
	# Two processes, a test database each; then, alone on the machine, the tests that time themselves
	# (exit 5 = none selected, e.g. PYTEST_ARGS naming one file).
	$(BIN)/python -m pytest --create-db -n $(TEST_WORKERS) -m "not timing" $(PYTEST_ARGS)
	$(BIN)/python -m pytest --create-db -m timing $(PYTEST_ARGS) || test $$? -eq 5

bootstrap: $(VENV)/.installed node_modules/.installed
	scripts/system-deps.sh run

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	# dev: tests, ruff, mypy; demo: the embedded PostgreSQL of `make run` (not in the image)
	$(BIN)/pip install -q -e ".[dev,demo]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

lint: bootstrap
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Refresh the Chinese catalogue after changing user-facing strings, then translate and compile.
messages: bootstrap
	$(BIN)/python manage.py makemessages -l zh_Hans --ignore=.venv --ignore=node_modules --ignore=var
	$(BIN)/python manage.py compilemessages -l zh_Hans --ignore=.venv

# The benchmark of the reports (issue #6): on its own database, created and migrated here, the
# province-scale demo is built once (20,000 villages, five years: kept for the next run), then the
# dashboard under gunicorn, the reports and their PDFs are measured. `make clean-db` drops it.
# Smaller: make bench BENCH_ARGS="--villages 2000 --quarters 8".
BENCH_SERVER ?= postgres://postgres@127.0.0.1:5432
BENCH_DB ?= cunjian_benchreports
BENCH_ARGS ?=
BENCH_ENV := DATABASE_URL=$(BENCH_SERVER)/$(BENCH_DB) DJANGO_SETTINGS_MODULE=config.settings.bench

bench: bootstrap
	psql "$(BENCH_SERVER)/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = '$(BENCH_DB)'" \
		| grep -q 1 || psql "$(BENCH_SERVER)/postgres" -qc 'CREATE DATABASE "$(BENCH_DB)"'
	$(BENCH_ENV) $(BIN)/python manage.py migrate --no-input -v0
	$(BENCH_ENV) $(BIN)/python manage.py bench_reports $(BENCH_ARGS)

clean-db:
	psql "$(BENCH_SERVER)/postgres" -qc 'DROP DATABASE IF EXISTS "$(BENCH_DB)" WITH (FORCE)'

# The load run (issue #15): on its own database, created, migrated and given the demo county here,
# gunicorn serves the app (config.settings.bench) while 16 users read and write for 10 minutes
# (reports/load.py); it fails on any error and on any acknowledged write not stored exactly once.
# `make clean-load-db` drops the database. Shorter: make load LOAD_ARGS="--duration 60".
LOAD_DB ?= cunjian_load
LOAD_ARGS ?=
LOAD_ENV := DATABASE_URL=$(BENCH_SERVER)/$(LOAD_DB) DJANGO_SETTINGS_MODULE=config.settings.bench

load: bootstrap
	psql "$(BENCH_SERVER)/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = '$(LOAD_DB)'" \
		| grep -q 1 || psql "$(BENCH_SERVER)/postgres" -qc 'CREATE DATABASE "$(LOAD_DB)"'
	$(LOAD_ENV) $(BIN)/python manage.py migrate --no-input -v0
	$(LOAD_ENV) $(BIN)/python manage.py seed_demo --if-empty
	$(LOAD_ENV) $(BIN)/python manage.py load_run $(LOAD_ARGS)

clean-load-db:
	psql "$(BENCH_SERVER)/postgres" -qc 'DROP DATABASE IF EXISTS "$(LOAD_DB)" WITH (FORCE)'
