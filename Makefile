# Every target works on a fresh machine: it creates .venv when missing and installs what it needs.
SHELL := /bin/bash
PY := .venv/bin/python
VENV_STAMP := .venv/.installed
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: install run test test-sqlite test-postgres lint bench fuzz clean messages system-deps static screenshots

# The whole suite runs on SQLite, and what depends on the database runs again on PostgreSQL: the store,
# the services, the read models, the API, the entry points (backup, production, workers) and the jobs, and
# the browser flows that cross processes (the review, licences, reports followed to the worker,
# supervision). Left to SQLite alone, as they ask nothing of the database the others do not: the pages'
# rendering (tests/web), the other browser flows (language, layout, accessibility, the portal's variants)
# and the authorization matrix (its every refusal goes through the same services, checked on both).
DB_TESTS := tests/store tests/services tests/queries tests/api tests/entrypoints tests/jobs \
  tests/e2e/test_e2e_review.py tests/e2e/test_e2e_licences.py tests/e2e/test_e2e_reports.py \
  tests/e2e/test_e2e_supervision.py
SQLITE_ONLY := --ignore=tests/entrypoints/test_authorization_matrix.py
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/test

install: system-deps $(VENV_STAMP) messages static

# Debian packages: Chromium for the browser tests, Chinese fonts for screenshots, gettext for catalogues.
# Installed only when missing, so a prepared machine skips apt entirely.
SYSTEM_PACKAGES := chromium fonts-wqy-microhei gettext libpango-1.0-0 libpangoft2-1.0-0
system-deps:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages: $$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

# Front-end libraries come from npm (package-lock.json), copied into git-ignored static folders.
static: node_modules/.installed
	@bash scripts/vendor_static.sh

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(VENV_STAMP): pyproject.toml
	@test -x $(PY) || python3 -m venv .venv
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@touch $(VENV_STAMP)

# Compiled catalogues are build output, never committed.
messages: $(VENV_STAMP)
	@for po in $$(find locale src -name '*.po' 2>/dev/null); do \
	  .venv/bin/pybabel compile --statistics -i $$po -o $${po%.po}.mo || exit 1; done

# The platform with demo data on SQLite at http://127.0.0.1:8000 (demo accounts printed at start), and a
# task worker beside it (e-mails, report uploads), stopped with the server.
# The demo runs on its own day (`vatspilot demo --day`: one with a report window open, kept once built, or
# VATSPILOT_TODAY when set), pinned for the demo, the server and the worker alike.
run: install
	.venv/bin/vatspilot migrate -q
	@export VATSPILOT_TODAY=$$(.venv/bin/vatspilot demo --day) && echo "Demo day: $$VATSPILOT_TODAY" && \
	  .venv/bin/vatspilot demo && \
	  { .venv/bin/vatspilot jobs worker --interval 0.5 & worker=$$!; \
	    trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	    .venv/bin/vatspilot serve --port 8000; }

test: test-sqlite test-postgres

test-sqlite: install
	$(PY) -m pytest

# tests/conftest.py stops the run (never skips) when PostgreSQL was asked for and cannot be reached.
test-postgres: install
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start || true
	DATABASE_URL=$(POSTGRES_URL) $(PY) -m pytest $(SQLITE_ONLY) $(wildcard $(DB_TESTS))

lint: install
	.venv/bin/ruff check src tests bench
	.venv/bin/ruff format --check src tests bench
	.venv/bin/mypy src/vatspilot/domain src/vatspilot/services src/vatspilot/queries src/vatspilot/analytics
	.venv/bin/lint-imports

bench: install
	$(PY) bench/screening.py
	$(PY) bench/audit_verify.py
	$(PY) bench/node_countries.py
	$(PY) bench/security_log.py
	$(PY) bench/statistics.py
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start || true
	$(PY) bench/review_transitions.py
	$(PY) bench/api_load.py

# Schemathesis against a live server (Gunicorn, a small world in a temporary SQLite database) on every API
# operation, bounded in time (about three minutes): docs/api.md, "Fuzzing".
fuzz: install
	$(PY) scripts/fuzz_api.py

# Every main page in English and Chinese (a few at 390 px) as docs/screenshots/<page>.<en|zh>.png: the demo
# data set in a temporary SQLite database, served on a free port, photographed in Debian's Chromium.
screenshots: install
	$(PY) scripts/screenshots.py

clean:
	rm -rf .venv var node_modules .pytest_cache .mypy_cache .ruff_cache
