# The portal's two set-up commands are `make run` and `make test` (see README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Links in emails written outside a request (reminders) point here; set SITE_URL to override.
SITE_URL ?= http://localhost:$(PORT)
APPS := applications cohorts mentoring funding analysis
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test bench install install-dev messages lint check clean demo-code

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## make run: the portal with demo data on the embedded default (SQLite, eager tasks, email to var/mail/)
## and, next to it, the every-minute dispatch that writes the reminders due (as cron would)
run: install
	SITE_URL='$(SITE_URL)' DEBUG=1 $(BIN)/python manage.py migrate --noinput -v 0
	SITE_URL='$(SITE_URL)' DEBUG=1 $(BIN)/python manage.py import_funding_sources
	SITE_URL='$(SITE_URL)' DEBUG=1 $(BIN)/python manage.py seed_instruments
	SITE_URL='$(SITE_URL)' DEBUG=1 $(BIN)/python manage.py load_demo
	@echo ""
	@echo "  The portal: http://localhost:$(PORT)/  (English: http://localhost:$(PORT)/en/)"
	@echo "  Administration: http://localhost:$(PORT)/admin/"
	@echo "  Emails are written to var/mail/"
	@echo "  Reminders: dispatch_notifications --loop runs alongside, once a minute (log: var/dispatch.log)"
	@echo ""
	@mkdir -p var; SITE_URL='$(SITE_URL)' DEBUG=1 $(BIN)/python manage.py dispatch_notifications --loop >> var/dispatch.log 2>&1 & \
	dispatcher=$$!; trap 'kill $$dispatcher 2>/dev/null' EXIT INT TERM; \
	SITE_URL='$(SITE_URL)' DEBUG=1 $(BIN)/python manage.py runserver 0.0.0.0:$(PORT)

## make test: the whole suite, spread over one pytest-xdist process per core (TEST_WORKERS=0: one
## process); tests that need PostgreSQL, Redis or Chromium are skipped without them, or fail
## with REQUIRE_SERVICES=1
TEST_WORKERS ?= auto
test: install-dev
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

## make bench: benchmark figures against DATABASE_URL (PostgreSQL), at the full size;
## make bench BENCH_SIZE=quick runs the same benchmarks and checks on a small seed (CI)
BENCH_SIZE ?= full
bench: install-dev
	BENCH_SIZE=$(BENCH_SIZE) $(BIN)/python -m bench

## make messages: refresh the .po files after changing user-facing strings, then compile
messages: install-dev
	DEBUG=1 $(BIN)/python manage.py makemessages -l lv --no-obsolete --ignore '.venv/*' $(foreach app,$(APPS),--ignore '$(app)/*')
	for app in $(APPS); do (cd $$app && DEBUG=1 ../$(BIN)/python ../manage.py makemessages -l lv --no-obsolete); done
	DEBUG=1 $(BIN)/python manage.py compilemessages --ignore '.venv/*'

## make lint: ruff's checks (complexity included) and its formatting, zero findings
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## make check: lint, migrations in step with the models, and the production configuration
check: lint
	$(BIN)/python manage.py makemigrations --check --dry-run
	DEBUG=0 SECRET_KEY=check-deploy-$$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n') ALLOWED_HOSTS=incubator.example.lv $(BIN)/python manage.py check --deploy --fail-level WARNING

## make demo-code: the current sign-in code of the demo's staff and administrator
demo-code: install
	@DEBUG=1 $(BIN)/python manage.py demo_code

clean:
	rm -rf $(VENV) var staticfiles
