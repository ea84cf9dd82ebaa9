# bib2pubs — every target sets up what it needs, starting from a fresh clone.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# The stamp records which dependency set the venv holds; setup.cfg changes
# trigger a reinstall.
DEV_STAMP  := $(VENV)/.dev-installed
DEMO_STAMP := $(VENV)/.demo-installed

.PHONY: demo test lint golden bench wheel clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# `make demo` installs the package the way a user does (not editable).
$(DEMO_STAMP): $(BIN)/python setup.py setup.cfg pyproject.toml $(shell find bib2pubs templates -type f -not -name '*.pyc')
	$(BIN)/python -m pip install --quiet .
	rm -f $(DEV_STAMP)
	touch $@

$(DEV_STAMP): $(BIN)/python setup.py setup.cfg pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(DEMO_STAMP)
	touch $@

demo: $(DEMO_STAMP)
	$(BIN)/bib2pubs refs.bib --highlight "Chao Jin"

test: $(DEV_STAMP)
	tests/setup-system.sh
	$(BIN)/python -m pytest

lint: $(DEV_STAMP)
	$(BIN)/ruff check bib2pubs tests bench setup.py
	$(BIN)/ruff format --check bib2pubs tests bench setup.py
	$(BIN)/mypy --strict bib2pubs

golden: $(DEV_STAMP)
	$(BIN)/python -m tests.golden

# `make wheel`: the wheel a release ships, in dist/: the modules that do
# the per-entry work compiled by mypyc (setup.py says which), with the
# mypy and setuptools the dev venv pins; pure Python where it cannot compile.
# build/lib.* goes first, or a module since deleted would be packed again;
# build/temp.* keeps the C objects, reused where the C is unchanged.
wheel: $(DEV_STAMP)
	rm -rf dist build/lib.* build/bdist.*
	BIB2PUBS_COMPILE=1 $(BIN)/python -m pip wheel --quiet --no-build-isolation --no-deps -w dist .
	@if ls dist/bib2pubs-*-none-any.whl >/dev/null 2>&1; then \
		echo "make wheel: built pure Python (no mypyc or no working C compiler here): $$(ls dist)" >&2; \
	else echo "make wheel: built $$(ls dist), its per-entry modules compiled"; fi

# `make bench` times bib2pubs against bibtex2html and pybtex (bench/RESULTS.md),
# with bib2pubs installed as a user installs it, in virtual environments of
# its own, not editable: the release wheel (next to pybtex), and pure Python.
BENCH_VENV := bench/out/venv
BENCH_PURE := bench/out/venv-pure
bench: $(DEV_STAMP) wheel
	tests/setup-system.sh bench
	test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	test -x $(BENCH_PURE)/bin/python || $(PYTHON) -m venv $(BENCH_PURE)
	$(BENCH_VENV)/bin/python -m pip install --quiet . pybtex
	$(BENCH_VENV)/bin/python -m pip install --quiet --force-reinstall --no-deps dist/bib2pubs-*.whl
	$(BENCH_PURE)/bin/python -m pip install --quiet .
	$(BENCH_PURE)/bin/python -m pip install --quiet --force-reinstall --no-deps .
	$(BIN)/python -m bench.run --venv $(BENCH_VENV) --pure-venv $(BENCH_PURE)

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
