# Two commands for a newcomer: `make run` and `make test`. Everything else is here for operators.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) manage.py
PYTEST_ARGS ?= -n auto
PORT ?= 8000

.PHONY: run test lint format setup setup-dev migrate seed check-deploy clean assets browser ocr package infra zappa-settings \
	bench bench-bundle bench-cold-start loadtest fuzz security audit deploy-rehearsal

## run: install what the app needs to run, migrate SQLite, load demo data and serve on http://127.0.0.1:$(PORT)
## (the ASGI app: pages, and live updates over the WebSocket at /ws/; it restarts when a .py file changes)
## (`make run PORT=8080`); receipt reading (OCR) is on when Tesseract is installed, and says how to install it if not
run: setup migrate seed
	@backend="$$(scripts/ocr-for-run.sh)"; if [ -n "$$backend" ]; then export OCR_BACKEND="$$backend"; fi; \
	export METRICS_ENABLED="$${METRICS_ENABLED:-false}"; \
	echo "Serving on http://127.0.0.1:$(PORT)/ (Ctrl+C stops it)"; \
	exec $(PY) -m uvicorn mealtracker.asgi:application --host 127.0.0.1 --port $(PORT) --lifespan off \
		--reload --reload-dir accounts --reload-dir expenses --reload-dir reports --reload-dir mealtracker

## test: install the test toolchain too, then run lint, migration check and the whole test suite
test: setup-dev browser ocr lint security infra deploy-rehearsal
	$(MANAGE) makemigrations --check --dry-run
	$(PY) -m pytest $(PYTEST_ARGS)

## infra: terraform fmt/validate/test, checkov, actionlint (tools cached in ~/.cache/mealtracker-tools)
infra:
	CHECK_INFRA_TOOLS=$${CHECK_INFRA_TOOLS:-$$HOME/.cache/mealtracker-tools} bash scripts/check-infra.sh

## deploy-rehearsal: plan envs/dev offline, run Zappa's deploy/update and every release path (first deploy,
## canary, failed canary, refused migrations, rollback, failed first deploy) against moto, and judge each AWS
## call against the planned IAM (docs/deploy.md); skipped loudly without terraform or the provider mirror.
## REHEARSAL_REVISION=addd1f1 REHEARSAL_EXPECT=state-backend,... rehearses a commit that must report those.
deploy-rehearsal: setup-dev
	@if [ "$${CHECK_INFRA:-}" = "skip" ]; then echo "!!! SKIPPED: deploy rehearsal -- CHECK_INFRA=skip"; \
	else CHECK_INFRA_TOOLS=$${CHECK_INFRA_TOOLS:-$$HOME/.cache/mealtracker-tools} $(PY) -m deploy.rehearsal \
		$${REHEARSAL_REVISION:+--revision $$REHEARSAL_REVISION} $${REHEARSAL_EXPECT:+--expect $$REHEARSAL_EXPECT}; fi

# Runtime requirements for `make run`; the test and tooling requirements on top for everything else.
setup: $(VENV)/.installed-runtime .env assets
setup-dev: setup $(VENV)/.installed-dev

## assets: front-end packages from npm (package-lock.json), copied into static/vendor/ (quick when done)
assets:
	@scripts/build-assets.sh

## ocr: Debian's tesseract-ocr for the receipt-reading tests and poppler-utils for the bundle PDF's (installed only when missing)
ocr:
	@scripts/setup-ocr.sh

## browser: Debian's Chromium for the browser tests (installed only when /usr/bin/chromium is missing)
browser:
	@scripts/setup-browser.sh

# --no-compile: Python compiles what is imported when it is first imported; compiling every installed module up
# front (botocore alone is thousands) was a third of the first `make run`.
$(VENV)/.installed-runtime: requirements.txt scripts/find-python.sh
	@test -x $(PY) || "$$(scripts/find-python.sh)" -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check --no-compile -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed-runtime requirements-dev.txt
	$(PIP) install --quiet --disable-pip-version-check --no-compile -r requirements-dev.txt
	@touch $@

.env:
	cp .env.example .env

migrate: setup
	$(MANAGE) migrate --noinput
	$(MANAGE) createcachetable

seed: setup
	METRICS_ENABLED=$${METRICS_ENABLED:-false} $(MANAGE) seed_demo
	METRICS_ENABLED=$${METRICS_ENABLED:-false} $(MANAGE) seed_reports_demo

## lint: ruff lint and format check
lint: setup-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## security: bandit over the application code (blocking; part of `make test`)
security: setup-dev
	$(VENV)/bin/bandit -q -r accounts expenses reports mealtracker -x '*/tests/*,*/migrations/*' -ll

## audit: pip-audit of the pinned requirements against PyPI's advisory data (see docs/security.md for its limits here)
audit: setup-dev
	$(VENV)/bin/pip-audit --progress-spinner off -r requirements.txt -r requirements-dev.txt

## bench: load PostgreSQL (BENCH_ROWS expenses, default 1,000,000) and time the hot paths (bench/results/latest.json)
BENCH_ROWS ?= 1000000
bench: setup-dev
	$(PY) bench/run.py --rows $(BENCH_ROWS)
	$(PY) bench/report_bundle.py

## bench-bundle: build the bundle (PDF + ZIP) of a 200-meal report with 200 receipt photos against its time and memory bounds
bench-bundle: setup-dev
	$(PY) bench/report_bundle.py

## loadtest: gunicorn + PostgreSQL primary + streaming replica + a private Redis on loopback; the replica stopped for a
## window and Redis restarted mid-run; fails on a 5xx outside the outages or a lost write (bench/loadtest.py).
## Quick by default (50 users, 30 s); the full run: `make loadtest LOADTEST_USERS=200 LOADTEST_SECONDS=60`
LOADTEST_USERS ?= 50
LOADTEST_SECONDS ?= 30
loadtest: setup
	LOADTEST_USERS=$(LOADTEST_USERS) LOADTEST_SECONDS=$(LOADTEST_SECONDS) $(PY) bench/loadtest.py

## fuzz: schemathesis over every API operation, hostile inputs and stateful workflows, with many more examples than `make test`
FUZZ_EXAMPLES ?= 100
FUZZ_STATEFUL_EXAMPLES ?= 100
fuzz: setup-dev
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) FUZZ_STATEFUL_EXAMPLES=$(FUZZ_STATEFUL_EXAMPLES) \
		$(PY) -m pytest -p no:xdist -q mealtracker/tests/test_api_fuzz.py

## check-deploy: Django's deployment checklist under production-like settings
check-deploy: setup
	DEBUG=false SECRET_KEY="check-deploy-$$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
	FIELD_ENCRYPTION_KEY="check-deploy-$$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
	ALLOWED_HOSTS=meals.example.com $(MANAGE) check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache

## package: build the Lambda deployment zip offline with Zappa (ENV=dev|staging|prod), add compiled bytecode, print its size
ENV ?= dev
PACKAGE_VENV := .venv-package
package: $(PACKAGE_VENV)/.installed assets
	rm -rf staticfiles && DEBUG=false SECRET_KEY=collectstatic-only FIELD_ENCRYPTION_KEY=collectstatic-only $(PACKAGE_VENV)/bin/python manage.py collectstatic --noinput -v0
	mkdir -p build
	source $(PACKAGE_VENV)/bin/activate && zappa package $(ENV) -o build/mealtracker-$(ENV).zip
	$(PACKAGE_VENV)/bin/python scripts/compile_package.py build/mealtracker-$(ENV).zip
	@$(PACKAGE_VENV)/bin/python scripts/package_size.py build/mealtracker-$(ENV).zip

## bench-cold-start: build the zip, then time import + first requests of it unzipped with Python 3.12 (bench/results/package-cold-start.json)
bench-cold-start: package
	$(PY) bench/package_cold_start.py build/mealtracker-$(ENV).zip --record latest

$(PACKAGE_VENV)/.installed: requirements.txt scripts/find-python.sh
	@test -x $(PACKAGE_VENV)/bin/python || "$$(scripts/find-python.sh)" -m venv $(PACKAGE_VENV)
	$(PACKAGE_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

## zappa-settings: write a stage's VPC, bucket, role and secret values from `terraform output` (ENV=dev|staging|prod)
zappa-settings:
	python3 scripts/zappa_settings_from_tf.py $(ENV)
