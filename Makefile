# Two commands: `make run` (a demo service on https://127.0.0.1:8443) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
COVERAGE_FLOOR ?= 90

.PHONY: run test lint typecheck imports unit venv bench clean

$(BIN)/anxin: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(BIN)/anxin

venv: $(BIN)/anxin

run: venv
	$(BIN)/anxin init --demo
	$(BIN)/anxin serve

lint: venv
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: venv
	$(BIN)/mypy

imports: venv
	$(BIN)/lint-imports

unit: venv
	$(BIN)/pytest -n 2 --dist loadfile --cov --cov-report=term --cov-fail-under=$(COVERAGE_FLOOR)

test: lint typecheck imports unit

bench: venv
	$(BIN)/python -m bench.ingestion
	$(BIN)/python -m bench.lookup
	$(BIN)/python -m bench.http_lookup

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .coverage .coverage.* htmlcov
