# The two commands the README opens with: `make demo` and `make test`. Both set everything up.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEMO_HOME := .demo

.PHONY: demo serve test lint unit bench bench-analyze bench-dashboard install dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall when the project's metadata changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $@ $(VENV)/.installed-dev $(VENV)/.installed

install: $(VENV)/.installed
dev: $(VENV)/.installed-dev

demo: install
	$(BIN)/pushpull --home $(DEMO_HOME) demo

# The local web page, on your own data folder.
serve: install
	$(BIN)/pushpull serve

lint: dev
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

unit: dev
	$(BIN)/pytest

test: lint unit

bench: $(VENV)/.installed-bench
	$(BIN)/python bench/bench_import.py

bench-analyze: $(VENV)/.installed-dev
	$(BIN)/python bench/bench_analyze.py

bench-dashboard: $(VENV)/.installed-dev
	$(BIN)/python bench/bench_dashboard.py

clean:
	rm -rf $(VENV) $(DEMO_HOME) .pytest_cache .mypy_cache .ruff_cache .hypothesis
