# The two commands the README opens with: `make demo` and `make test`. Both set everything up.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEMO_HOME := .demo

.PHONY: demo serve test lint unit fuzz bench bench-analyze bench-dashboard bench-scenarios install dev clean

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
	$(BIN)/ruff check src tests bench fuzz tools
	$(BIN)/ruff format --check src tests bench fuzz tools
	$(BIN)/mypy
	$(BIN)/lint-imports

unit: dev
	$(BIN)/pytest

test: lint unit

$(VENV)/.installed-fuzz: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev,fuzz]'
	touch $@ $(VENV)/.installed-dev $(VENV)/.installed

# atheris on every importer, FUZZ_SECONDS each; stops at the first crash and keeps its input.
FUZZ_SECONDS ?= 30
FUZZ_FORMATS ?= whatsapp telegram signal generic messenger imessage sms discord
fuzz: $(VENV)/.installed-fuzz
	@for f in $(FUZZ_FORMATS); do \
		echo "== fuzzing $$f for $(FUZZ_SECONDS) s"; \
		FUZZ_FORMAT=$$f $(BIN)/python fuzz/fuzz_importer.py -max_total_time=$(FUZZ_SECONDS) \
			-artifact_prefix=fuzz/crash-$$f- -print_final_stats=1 || exit 1; \
	done

bench: $(VENV)/.installed-bench
	$(BIN)/python bench/bench_import.py
	$(BIN)/python bench/bench_formats.py
	$(BIN)/python bench/bench_scenarios.py
	$(BIN)/python bench/bench_gaslighting.py

# The realistic scenario suite alone: the confusion table per family (SEEDS="0 5" by default).
SEEDS ?= 0 5
bench-scenarios: $(VENV)/.installed-dev
	$(BIN)/python bench/bench_scenarios.py --seeds $(SEEDS)
	$(BIN)/python bench/bench_gaslighting.py

bench-analyze: $(VENV)/.installed-dev
	$(BIN)/python bench/bench_vader.py
	$(BIN)/python bench/bench_analyze.py

bench-dashboard: $(VENV)/.installed-dev
	$(BIN)/python bench/bench_dashboard.py
	$(BIN)/python bench/bench_dashboard.py --messages 1000000

clean:
	rm -rf $(VENV) $(DEMO_HOME) .pytest_cache .mypy_cache .ruff_cache .hypothesis
