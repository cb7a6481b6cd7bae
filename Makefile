# Two commands: `make run` starts the whole product, `make test` runs the whole suite.
# Both set themselves up on a fresh machine (virtualenv, pinned Python and npm packages,
# embedded PostgreSQL and Redis unless DATABASE_URL / REDIS_URL are given).

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP_PY := $(VENV)/.installed
STAMP_NPM := node_modules/.installed

.PHONY: run test lint setup bench messages chromium clean-data

setup: $(STAMP_PY) $(STAMP_NPM) messages

# The install steps themselves live in scripts/install.sh, which the Containerfile runs
# too (issue 13, prod): every `make test` proves the steps the production image uses.
INSTALL := PYTHON=$(PYTHON) VENV=$(VENV) REQUIREMENTS=requirements-dev.txt scripts/install.sh

$(STAMP_PY): requirements.txt requirements-dev.txt
	$(INSTALL) python deduce
	touch $@

$(STAMP_NPM): package.json package-lock.json
	$(INSTALL) npm
	touch $@

messages: $(STAMP_PY)
	@$(INSTALL) messages

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

# Issue 15 (perf-pages): accept/decline under load against GET /api/v1/me on production
# gunicorn (locust scenario bench/locust_answers.py; the database is checked afterwards).
# Results in bench/results/answers.json; pass options with ANSWERS_ARGS="--users 10".
.PHONY: bench-answers
bench-answers: setup
	$(PY) -m bench.answers $(ANSWERS_ARGS)
