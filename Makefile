# Two commands: `make run` starts the whole product, `make test` runs the whole suite.
# Both set themselves up on a fresh machine (virtualenv, pinned Python and npm packages,
# embedded PostgreSQL and Redis unless DATABASE_URL / REDIS_URL are given).

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP_PY := $(VENV)/.installed
STAMP_NPM := node_modules/.installed
# deduce checks its cache against file times in naive local time: build it in the time
# zone Django runs in (TIME_ZONE), or the first check in the product rebuilds it.
DEDUCE_TZ := Europe/Amsterdam

.PHONY: run test lint setup bench messages chromium clean-data

setup: $(STAMP_PY) $(STAMP_NPM) messages

$(STAMP_PY): requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@echo "Building the lookup cache of deduce (Dutch de-identification), once per virtualenv (~2-3 min)"
	TZ=$(DEDUCE_TZ) $(PY) -c "import deduce; deduce.Deduce()"
	touch $@

$(STAMP_NPM): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

messages: $(STAMP_PY)
	@env -u DJANGO_SETTINGS_MODULE $(VENV)/bin/django-admin compilemessages --ignore=.venv --ignore=node_modules -v 0

# Browser tests drive Debian's Chromium; install it when missing and we may.
chromium:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = "0" ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null); \
	  else echo "Chromium is missing: install Debian's chromium package"; exit 1; fi; }

run: setup
	$(PY) -m config.devstack run

# The code's own rules first: ruff (lint and format) and the import-linter layer contracts
# (pyproject.toml), then the suite in random order (pytest-randomly; the seed is printed,
# repeat a run with PYTEST_ARGS="-p randomly --randomly-seed=N").
lint: $(STAMP_PY)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

test: setup chromium lint
	$(PY) -m config.devstack test -- $(PYTEST_ARGS)

bench: setup
	$(PY) -m config.devstack bench -- $(BENCH_ARGS)

clean-data:
	rm -rf .data
