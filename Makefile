# Every target works on a fresh machine: it creates .venv when missing and installs what it needs.
SHELL := /bin/bash
PY := .venv/bin/python
VENV_STAMP := .venv/.installed
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: install run test test-sqlite test-postgres lint bench clean messages

install: $(VENV_STAMP) messages

$(VENV_STAMP): pyproject.toml
	@test -x $(PY) || python3 -m venv .venv
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@touch $(VENV_STAMP)

# Compiled catalogues are build output, never committed.
messages: $(VENV_STAMP)
	@for po in $$(find locale src -name '*.po' 2>/dev/null); do \
	  .venv/bin/pybabel compile --statistics -i $$po -o $${po%.po}.mo || exit 1; done

run: install
	.venv/bin/vatspilot run-examples

test: install
	$(PY) -m pytest

lint: install
	.venv/bin/ruff check src tests bench
	.venv/bin/ruff format --check src tests bench
	.venv/bin/mypy src/vatspilot/domain
	.venv/bin/lint-imports

bench: install
	$(PY) bench/screening.py

clean:
	rm -rf .venv var .pytest_cache .mypy_cache .ruff_cache
