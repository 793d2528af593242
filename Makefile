# Integrated Care Finder: `make run` serves the app locally, `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
# The first Python 3.12+ on PATH (pyenv honours .python-version in this folder).
PYTHON ?= $(shell for p in python3.13 python3.12 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; break; }; done)

.PHONY: help run test lint check-python venv demo-data messages clean

help:
	@echo "make run   - set up and serve the app with the demo catalog at http://127.0.0.1:8000 (and the task worker)"
	@echo "make test  - set up and run the whole test suite (on a throwaway PostgreSQL when installed)"
	@echo "make lint  - ruff check and format check"

check-python:
	@if [ -z "$(PYTHON)" ]; then \
		echo "Integrated Care Finder needs Python 3.12 or newer (Django 6 refuses older ones)."; \
		echo "Install Python 3.12 (for example 'pyenv install 3.12'), then run make again."; \
		exit 1; fi

$(VENV)/.installed: pyproject.toml | check-python
	@if [ -x $(PY) ] && ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then rm -rf $(VENV); fi
	@[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	@touch $@

venv: $(VENV)/.installed

messages: venv
	@DEBUG=true $(PY) manage.py compilemessages --ignore=.venv >/dev/null

demo-data: venv messages
	DEBUG=true $(PY) manage.py migrate --noinput
	DEBUG=true $(PY) manage.py load_geography
	DEBUG=true $(PY) manage.py load_demo_catalog
	DEBUG=true $(PY) manage.py load_content

run: demo-data
	@echo "Serving Integrated Care Finder (sample data) at http://127.0.0.1:8000"
	@echo "with the task worker that runs admin imports (python manage.py db_worker)"
	DEBUG=true scripts/run-local 127.0.0.1:8000

test: venv messages
	@scripts/run-tests $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache db.sqlite3 staticfiles

# Figures, not tests (README "Benchmarks"). The scripts start and stop their own
# PostgreSQL and gunicorn on 127.0.0.1; each takes a few minutes.
.PHONY: bench
bench: venv
	@DEBUG=true $(PY) manage.py migrate --noinput -v0
	DEBUG=true $(PY) manage.py bench_page_queries
	@echo
	@echo "More benchmarks:"
	@echo "  scripts/bench-postgres bench_page_queries  the query counts on PostgreSQL"
	@echo "  scripts/bench-http    each page vs /healthz under wrk, page cache on and off"
	@echo "  scripts/bench-load    200 req/s through the wizard's journey for 60 s"
	@echo "  scripts/bench-fault   that load with PostgreSQL stopped for 10 s in the middle"
