# The two commands of the README: `make demo` and `make test`. Both work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8765
# The suite runs in this many processes, each test module whole in one of them.
TEST_PROCESSES ?= 2
# The stamp is newer than pyproject.toml once the venv holds what pyproject.toml asks for.
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean

demo: $(STAMP)
	$(BIN)/newsarchive demo --port $(PORT) --out archive

# `python -m tests.support.replay` builds pywb, the replay tool the replay test serves our WARC
# files with, in a venv of its own (.venv-pywb/: its pins would downgrade Scrapy's TLS stack);
# once, a no-op after.
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m tests.support.replay
	$(BIN)/python -m pytest -n $(TEST_PROCESSES) --dist loadscope

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/timestamps.py
	$(BIN)/python benchmarks/incremental.py
	$(BIN)/python benchmarks/encoding.py
	$(BIN)/python benchmarks/extraction.py
	$(BIN)/python benchmarks/evidence.py
	$(BIN)/python benchmarks/store.py
	$(BIN)/python benchmarks/fleet.py
	$(BIN)/python benchmarks/frontier.py

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) .venv-pywb archive .pytest_cache .ruff_cache *.egg-info
