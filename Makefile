# planctl — `make demo` and `make test` set everything up from scratch.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed
DEVSTAMP = $(VENV)/.installed-dev

.DEFAULT_GOAL := help
.PHONY: help install demo test lint bench bench-commands bench-engine eval eval-match calibrate clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# setuptools says, on every editable install of a package whose data packages map other
# folders (corpora/, dictionaries/), that such folders may shadow imports: information only.
QUIET_EDITABLE = PYTHONWARNINGS="ignore:Editable installation"

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(QUIET_EDITABLE) $(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

$(DEVSTAMP): $(STAMP)
	$(QUIET_EDITABLE) $(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(DEVSTAMP)

install: $(STAMP) ## Create .venv and install planctl with its test extras

demo: $(STAMP) ## Run planctl on the shipped corpus: list, show, indicators, diff
	$(BIN)/planctl list
	$(BIN)/planctl show wuwei --depth 2
	$(BIN)/planctl show qinghai --indicators
	$(BIN)/planctl export indicators --format csv | head -5
	@# diff exits 1 when the plans differ, which is the point of the demo
	$(BIN)/planctl diff gansu qinghai; test $$? -le 1
	$(BIN)/planctl diff gansu-employment-2021 gansu-employment-2021-2 --only changed; test $$? -le 1
	$(BIN)/planctl compare --topic employment

test: $(STAMP) ## Run the test suite
	$(BIN)/python -m pytest

lint: $(DEVSTAMP) ## ruff and mypy
	$(BIN)/ruff check planctl tests scripts
	$(BIN)/mypy

bench: $(STAMP) ## Speed benchmark: start-up, parsing, commands, scaled corpora (not part of `make test`)
	$(BIN)/python scripts/bench.py

bench-commands: $(STAMP) ## Only the commands' cold and warm times, beside the last release's (a minute)
	$(BIN)/python scripts/bench.py commands

bench-engine: $(STAMP) ## Only compare's alignments: serial, the old pool and a local Dask cluster (minutes)
	$(BIN)/python scripts/bench.py engine

eval: $(STAMP) ## How planctl reads the real documents in ../shared/real and the shipped corpus
	$(BIN)/python scripts/eval_documents.py

eval-match: $(STAMP) ## The matcher on the gold pairs: dev and test figures, label precision, what each signal adds
	$(BIN)/python scripts/eval_matcher.py

calibrate: $(STAMP) ## Refit the matcher's confidence on the dev part of the gold (writes calibration.json)
	$(BIN)/python scripts/calibrate.py > /dev/null

clean: ## Remove the virtual environment and caches
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
