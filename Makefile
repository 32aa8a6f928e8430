# Every target builds .venv from nothing when it is missing: a fresh machine has only Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# The engine compiled with mypyc (about 1.5x faster, the same log); the sources run without
# a C compiler, or when they are newer than the build (server_stub/compiled_engine.py).
ENGINE_SOURCES := $(filter-out %/__init__.py,$(wildcard server_stub/engine/*.py))
ENGINE_BUILD := build/mypyc/manifest.json

.PHONY: demo test lint typecheck contracts pytest bench fuzz server engine clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

$(ENGINE_BUILD): $(STAMP) $(ENGINE_SOURCES) server_stub/compiled_engine.py
	$(BIN)/python -m server_stub.compiled_engine build

engine: $(ENGINE_BUILD)

demo: $(STAMP)
	$(BIN)/agent-tui --demo

server: $(STAMP)
	$(BIN)/agent-tui-server serve

lint: $(STAMP)
	$(BIN)/ruff check agent_tui server_stub tests bench
	$(BIN)/ruff format --check agent_tui server_stub tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

contracts: $(STAMP)
	$(BIN)/lint-imports

pytest: $(STAMP) $(ENGINE_BUILD)
	$(BIN)/pytest -n 2 --dist loadgroup -q

test: lint typecheck contracts pytest

bench: $(STAMP) $(ENGINE_BUILD)
	$(BIN)/python bench/sim_speed.py
	@for b in bench/fanout.py bench/screen_pop.py bench/startup.py; do \
		if [ -f $$b ]; then $(BIN)/python $$b || exit 1; fi; done

fuzz: $(STAMP) $(ENGINE_BUILD)
	$(BIN)/python bench/fuzz_api.py

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache
