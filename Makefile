# Every target builds .venv from nothing when it is missing: a fresh machine has only Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# The engine compiled with mypyc (about 1.5x faster, the same log); the sources run without
# a C compiler, or when they are newer than the build (server_stub/compiled_engine.py).
ENGINE_SOURCES := $(filter-out %/__init__.py,$(wildcard server_stub/engine/*.py))
ENGINE_BUILD := build/mypyc/manifest.json

.PHONY: demo test lock lint typecheck contracts pytest bench fuzz server engine clean

# Every package, direct and transitive, at the exact version and hash of requirements.lock;
# the project itself is installed on top without resolving anything. A changed lock builds
# the environment again from nothing, so no package outlives the lock that dropped it.
$(STAMP): requirements.lock pyproject.toml
	@if [ -d $(VENV) ] && [ ! -f $(STAMP) -o requirements.lock -nt $(STAMP) ]; then rm -rf $(VENV); fi
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	@touch $(STAMP)

# Refresh the lock after changing pyproject.toml: one universal resolution (every
# platform and Python 3.11+), with hashes. Installs never resolve; only this does. uv runs
# from a venv of its own, installed from its hashed entry in the lock, so that a
# dependency new to pyproject.toml (not yet in the lock) does not stop the refresh.
LOCK_TOOL := build/lock-tool
lock:
	@test -x $(LOCK_TOOL)/bin/uv || { $(PYTHON) -m venv $(LOCK_TOOL) && \
		awk '/^uv==/{on=1} on{print} on && !/\\$$/{exit}' requirements.lock > $(LOCK_TOOL)/uv.txt && \
		$(LOCK_TOOL)/bin/python -m pip install --quiet --require-hashes --no-deps -r $(LOCK_TOOL)/uv.txt; }
	$(LOCK_TOOL)/bin/uv pip compile pyproject.toml --extra dev --universal --generate-hashes \
		--python-version 3.11 --no-header --quiet -o requirements.lock
	@echo "requirements.lock refreshed: run make test, then commit it"

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

# Every benchmark in bench/ (a new one joins by being there), but the fuzzer (make fuzz)
# and the module the server benchmarks share.
BENCHES := $(filter-out bench/fuzz_api.py bench/server_process.py,$(sort $(wildcard bench/*.py)))

bench: $(STAMP) $(ENGINE_BUILD)
	@for b in $(BENCHES); do echo "== $$b"; $(BIN)/python $$b || exit 1; done

fuzz: $(STAMP) $(ENGINE_BUILD)
	$(BIN)/python bench/fuzz_api.py

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache
