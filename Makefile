# Two commands for a newcomer: `make run` and `make test`. Everything else is here for operators.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) manage.py
PYTEST_ARGS ?=

.PHONY: run test lint format setup migrate seed check-deploy clean

## run: set up, migrate SQLite, load demo data and serve on http://127.0.0.1:8000
run: setup migrate seed
	$(MANAGE) runserver 127.0.0.1:8000

## test: set up and run lint, migration check and the whole test suite
test: setup lint
	$(MANAGE) makemigrations --check --dry-run
	$(PY) -m pytest $(PYTEST_ARGS)

setup: $(VENV)/.installed .env

$(VENV)/.installed: requirements.txt requirements-dev.txt scripts/find-python.sh
	@test -x $(PY) || "$$(scripts/find-python.sh)" -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

.env:
	cp .env.example .env

migrate: setup
	$(MANAGE) migrate --noinput
	$(MANAGE) createcachetable

seed: setup
	$(MANAGE) seed_demo

## lint: ruff lint and format check
lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## check-deploy: Django's deployment checklist under production-like settings
check-deploy: setup
	DEBUG=false SECRET_KEY="check-deploy-$$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
	ALLOWED_HOSTS=meals.example.com $(MANAGE) check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
