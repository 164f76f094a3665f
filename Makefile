# Two commands: `make run` (a demo service on https://127.0.0.1:8443) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
COVERAGE_FLOOR ?= 90

.PHONY: run test lint typecheck imports unit softhsm venv bench clean

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

# The HSM tests run against SoftHSM2 (Debian package softhsm2), and TOTP codes are checked
# against oathtool, a standard authenticator (Debian package oathtool).
softhsm:
	@command -v softhsm2-util >/dev/null && command -v oathtool >/dev/null || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq softhsm2 oathtool >/dev/null; \
		else echo "softhsm2 or oathtool is missing: sudo apt-get install softhsm2 oathtool" >&2; exit 1; fi; }

unit: venv softhsm
	$(BIN)/pytest -n 2 --dist loadfile --cov --cov-report=term --cov-fail-under=$(COVERAGE_FLOOR)

test: lint typecheck imports unit

bench: venv
	$(BIN)/python -m bench.ingestion
	$(BIN)/python -m bench.lookup
	$(BIN)/python -m bench.http_lookup
	$(BIN)/python -m bench.crypto_ops
	$(BIN)/python -m bench.key_rotation

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .coverage .coverage.* htmlcov
