# Every target creates .venv (python3 -m venv) and installs the project with its dev
# extras when the venv is missing or pyproject.toml changed since the last install.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-slow bench fuzz lint clean

# the modules compiled at install (pyproject.toml, [tool.ccbench] compiled): an edit to
# one reinstalls, so the compiled module never lags its source
COMPILED := $(shell $(PYTHON) -c "import tomllib; print(*tomllib.load(open('pyproject.toml', 'rb'))['tool']['ccbench']['compiled'])" 2>/dev/null)

$(STAMP): pyproject.toml setup.py $(COMPILED)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m ccbench.demo

test: $(STAMP)
	$(BIN)/python -m pytest -q

test-slow: $(STAMP)
	$(BIN)/python -m pytest -q -m slow

bench: $(STAMP)
	$(BIN)/python -m pytest -q -m bench --benchmark-only --benchmark-columns=median,ops,rounds

# schemathesis against the backend's served OpenAPI document (bounded budget)
fuzz: $(STAMP)
	$(BIN)/python -m pytest -q -m slow tests/backend/test_fuzz.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis .benchmarks build
	find ccbench -name '*.so' -delete
