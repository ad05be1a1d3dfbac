# Two commands from a fresh clone: `make run` (install, build corpus and index, start the app) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8501
export HF_HUB_OFFLINE ?= 1

.PHONY: install run test test-fast corpus ingest clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet "torch==2.13.0"
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

corpus: install
	$(BIN)/clausewise corpus

ingest: install
	$(BIN)/clausewise ingest

run: install
	$(BIN)/clausewise corpus
	$(BIN)/clausewise ingest
	$(BIN)/streamlit run app.py --server.port $(PORT) --server.headless true

test: install
	$(BIN)/python -m pytest -q

test-fast: install
	$(BIN)/python -m pytest -q -m "not slow"

clean:
	rm -rf $(VENV) .pytest_cache
