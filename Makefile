# eslabon: `make demo` runs the whole job on bundled synthetic data; `make test` runs the suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO ?= demo
SEED ?= 7
PYTEST_ARGS ?=

.PHONY: demo test lint bench install clean serve

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Front-end libraries (Cytoscape.js) come from the npm registry into git-ignored node_modules/.
node_modules/.installed: package.json
	npm install --no-audit --no-fund --silent
	touch node_modules/.installed

install: $(STAMP) node_modules/.installed

demo: $(STAMP) node_modules/.installed
	$(BIN)/python scripts/demo.py --out $(DEMO) --seed $(SEED)

test: $(STAMP) node_modules/.installed
	$(BIN)/python -m pytest -n auto -q $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts

serve: $(STAMP) node_modules/.installed
	$(BIN)/eslabon serve --store $(DEMO)/eslabon.duckdb

bench: $(STAMP) node_modules/.installed
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(DEMO) .pytest_cache .ruff_cache
