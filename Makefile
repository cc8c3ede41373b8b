# The two commands: `make run` serves the demo, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test bootstrap lint messages bench clean-db

run: bootstrap
	scripts/run.sh

test: bootstrap
	scripts/system-deps.sh test
	scripts/ensure-services.sh
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/ruff check .
	$(BIN)/python -m pytest --create-db $(PYTEST_ARGS)

bootstrap: $(VENV)/.installed node_modules/.installed
	scripts/system-deps.sh run

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -e ".[dev]"
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
