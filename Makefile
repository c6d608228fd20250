# Two commands get you going on a machine with Python 3.11+, pip and make:
#   make serve   set up, build the model if needed, and start the web service on http://127.0.0.1:8000
#   make test    set up and run the whole test suite (the browser test needs Debian's chromium)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
MODEL  := models/scam_classifier.joblib
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: setup model serve lint test test-fast fuzz evaluate benchmark validate-data clean

$(BIN)/scam-classifier: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,spark]'
	touch $@

setup: $(BIN)/scam-classifier

$(MODEL): $(BIN)/scam-classifier $(wildcard training_data/*.jsonl training_data/eval/*.jsonl)
	$(BIN)/scam-classifier train

model: $(MODEL)

serve: $(MODEL)
	$(BIN)/scam-classifier serve --host $(HOST) --port $(PORT)

lint: setup
	$(BIN)/ruff check .

test: setup lint
	$(BIN)/python -m pytest -q

test-fast: setup
	$(BIN)/python -m pytest -q -m "not slow and not browser"

fuzz: setup   # a long fuzzing session of the API: FUZZ_EXAMPLES cases per operation (2,500 × 5 ≈ 12,500 requests)
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-2500} $(BIN)/python -m pytest -q tests/web/test_fuzz.py

evaluate: $(MODEL)
	$(BIN)/scam-classifier evaluate

validate-data: setup
	$(BIN)/scam-classifier validate

benchmark: $(MODEL)
	$(BIN)/python benchmarks/throughput.py
	$(BIN)/python benchmarks/load.py

clean:
	rm -rf $(VENV) $(MODEL) models/scam_classifier.json
