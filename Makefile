# Passage. The README's two commands are `make run` and `make test`; both set up what is missing.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV       := .venv
RASA_VENV  := .venv-rasa
CHROMIUM   := /usr/bin/chromium
NGINX      := /usr/sbin/nginx
PASSAGE    := $(VENV)/bin/passage
RASA       := $(RASA_VENV)/bin/rasa
export RASA_TELEMETRY_ENABLED := false
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help venvs model migrate run test lint typecheck rasa-validate rasa-test-core pytest pytest-scaled bench clean

help:
	@echo "make run    set up what is missing, then start the assistant (Ctrl-C stops it)"
	@echo "make test   set up what is missing, then run every check and test"
	@echo "make bench  run the benchmarks and print a table"
	@echo "make venvs | model | migrate | lint | typecheck | clean"

# The Rasa environment: Python 3.10 and rasa==3.6.21 only; its dependency tree is pinned by the lock.
$(RASA_VENV)/.installed: requirements/rasa.lock
	@py=$$(scripts/find-python 3.10) && echo "Creating $(RASA_VENV) with $$py (several minutes the first time) ..." \
	  && rm -rf $(RASA_VENV) && $$py -m venv $(RASA_VENV)
	$(RASA_VENV)/bin/pip install --quiet "rasa==3.6.21" -c requirements/rasa.lock
	@touch $@

# The application environment: Python 3.11, this project installed in editable mode.
$(VENV)/.installed: pyproject.toml requirements/app.lock
	@py=$$(scripts/find-python 3.11) && echo "Creating $(VENV) with $$py ..." \
	  && rm -rf $(VENV) && $$py -m venv $(VENV)
	@# torch first: the CPU build on this disk; argostranslate would otherwise pull a CUDA one (GBs).
	$(VENV)/bin/pip install --quiet "torch==2.13.0"
	$(VENV)/bin/pip install --quiet -c requirements/app.lock -e ".[dev]"
	@touch $@

venvs: $(RASA_VENV)/.installed $(VENV)/.installed

model: venvs
	@$(PASSAGE) rasa model

migrate: $(VENV)/.installed
	@$(PASSAGE) db upgrade

run: venvs
	@$(PASSAGE) run

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

typecheck: $(VENV)/.installed
	$(VENV)/bin/mypy

rasa-validate: venvs
	@$(PASSAGE) rasa domain >/dev/null
	$(RASA) data validate --domain var/build/domain --data bot/data --config bot/config.yml --fail-on-warnings

rasa-test-core: venvs
	@model=$$($(PASSAGE) rasa model) && \
	  $(RASA) test core --model "$$model" --stories bot/tests --fail-on-prediction-errors --out var/results/core

# The browser tests drive Debian's Chromium (Playwright never downloads a browser here).
$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ]; then \
	  echo "Installing Debian's chromium for the browser tests (a minute or two) ..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
	  echo "The browser tests need Debian's chromium: run 'sudo apt-get install chromium'." >&2; \
	  exit 1; \
	fi

# The scaled profile's load balancer (passage run --replicas N): Debian's nginx.
$(NGINX):
	@if [ "$$(id -u)" = 0 ]; then \
	  echo "Installing Debian's nginx-light for the scaled profile (a minute) ..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null; \
	else \
	  echo "The scaled profile needs Debian's nginx: run 'sudo apt-get install nginx-light'." >&2; \
	  exit 1; \
	fi

# Every test on the embedded profile; then, where PostgreSQL and Redis answer, the end-to-end
# suite again on the scaled profile (2 replicas of each process behind nginx).
pytest: venvs $(CHROMIUM) $(NGINX)
	$(VENV)/bin/pytest
	@if scripts/scaled-services; then \
	  $(MAKE) --no-print-directory pytest-scaled; \
	else \
	  echo "The scaled profile's end-to-end run is skipped: it needs PostgreSQL and Redis."; \
	fi

pytest-scaled: venvs $(CHROMIUM) $(NGINX)
	PASSAGE_E2E_PROFILE=scaled $(VENV)/bin/pytest tests/e2e
	PASSAGE_E2E_PROFILE=scaled $(VENV)/bin/pytest -m walkthrough tests/browser

test: lint typecheck rasa-validate rasa-test-core pytest

bench: model $(CHROMIUM) $(NGINX)
	$(VENV)/bin/python -m benchmarks.turn_latency
	$(VENV)/bin/python -m benchmarks.intake_turns
	$(VENV)/bin/python -m benchmarks.answer_to_screen
	$(VENV)/bin/python -m benchmarks.officer_channels
	$(VENV)/bin/python -m benchmarks.operation_holds
	$(VENV)/bin/python -m benchmarks.operation_triage_turns
	$(VENV)/bin/python -m benchmarks.matching
	$(VENV)/bin/python -m benchmarks.matching --postgres
	$(VENV)/bin/python -m benchmarks.outbox_send --postgres --workers 1,2
	$(VENV)/bin/python -m benchmarks.language_detection
	$(VENV)/bin/python -m benchmarks.scaled_throughput

clean:
	rm -rf var .mypy_cache .ruff_cache .pytest_cache
