# Set-up and everyday commands. `make help` lists them.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
STAMP := $(VENV)/.synced
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
export UV_PROJECT_ENVIRONMENT := $(VENV)

.DEFAULT_GOAL := help
.PHONY: help env repro test lab lint format bench clean-scratch

help: ## List the targets with what they do
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | \
	  awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-14s %s\n", $$1, $$2}'

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(STAMP): uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --compile-bytecode --python $(PYTHON)
	@touch $(STAMP)

env: $(STAMP) ## Create the locked environment in .venv (only when missing or stale)

repro: env ## Run the pipeline (dvc repro) for every article set in params.yaml, writing reports/
	python -m tolldrift.sets params.yaml data/raw
	dvc repro

test: env ## Run every test (unit, notebooks under nbval, reports in a browser)
	python -m pytest

lab: env ## Open JupyterLab on notebooks/ with the project's kernel
	$(UV) sync --frozen --inexact --group lab --python $(PYTHON)
	jupyter lab --notebook-dir=notebooks

lint: env ## Check style with ruff
	ruff check tolldrift tests benchmarks

format: env ## Format code with ruff (ruff format)
	ruff format tolldrift tests benchmarks

bench: env ## Run the benchmarks quoted in the README (prints figures)
	python benchmarks/bench_scale.py --articles 100000
	python benchmarks/bench_pipeline.py

clean-scratch: ## Remove outputs of notebooks run by hand or by nbval (data/scratch)
	rm -rf data/scratch test-artifacts
