# Targets: `make serve` installs and starts the service; `make test` installs and runs every check.
PYTHON ?= python3
VENV := .venv
UV := $(VENV)/bin/uv

.PHONY: help serve test check pytest lint types install install-dev reference-data clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

$(UV):
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check "uv==0.13.9"

install: $(UV)  ## install the service from the lock file
	$(UV) sync --frozen --no-dev --inexact --quiet

install-dev: $(UV)  ## install the service and its development tools from the lock file
	$(UV) sync --frozen --inexact --quiet

serve: install  ## start the API (embedded PostgreSQL in ./var unless DATABASE_URL is set)
	$(VENV)/bin/trainees serve

test: install-dev  ## lint, type-check and run the whole test suite
	$(MAKE) --no-print-directory check

check: lint types pytest  ## the checks, without installing

lint:  ## ruff: style and common mistakes
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

types:  ## mypy --strict on domain, projections and service
	$(VENV)/bin/mypy

pytest:  ## the test suite (DATABASE_URL set: on that server; else embedded PostgreSQL)
	$(VENV)/bin/python -m pytest

reference-data: install-dev  ## regenerate domain/reference/data from ../shared/reference/codes
	$(VENV)/bin/python scripts/generate_reference_data.py

clean:  ## remove the virtual environment and the local data folder
	rm -rf $(VENV) var
