# bib2pubs — every target sets up what it needs, starting from a fresh clone.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# The stamp records which dependency set the venv holds; setup.cfg changes
# trigger a reinstall.
DEV_STAMP  := $(VENV)/.dev-installed
DEMO_STAMP := $(VENV)/.demo-installed

.PHONY: demo test lint golden bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# `make demo` installs the package the way a user does (not editable).
$(DEMO_STAMP): $(BIN)/python setup.cfg pyproject.toml $(shell find bib2pubs templates -type f -not -name '*.pyc')
	$(BIN)/python -m pip install --quiet .
	rm -f $(DEV_STAMP)
	touch $@

$(DEV_STAMP): $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(DEMO_STAMP)
	touch $@

demo: $(DEMO_STAMP)
	$(BIN)/bib2pubs refs.bib --highlight "Chao Jin"

test: $(DEV_STAMP)
	tests/setup-system.sh
	$(BIN)/python -m pytest

lint: $(DEV_STAMP)
	$(BIN)/ruff check bib2pubs tests bench
	$(BIN)/ruff format --check bib2pubs tests bench
	$(BIN)/mypy --strict bib2pubs

golden: $(DEV_STAMP)
	$(BIN)/python -m tests.golden

# `make bench` times bib2pubs against bibtex2html and pybtex (bench/RESULTS.md),
# with bib2pubs installed as a user installs it: in a virtual environment of
# its own, not editable, next to pybtex.
BENCH_VENV := bench/out/venv
bench: $(DEV_STAMP)
	tests/setup-system.sh bench
	test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet . pybtex
	$(BENCH_VENV)/bin/python -m pip install --quiet --force-reinstall --no-deps .
	$(BIN)/python -m bench.run --venv $(BENCH_VENV)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
