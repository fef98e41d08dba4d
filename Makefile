# Quickstart: `make run` starts the hub with its embedded defaults; `make test` runs the suite.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench chaos clean venv chromium

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

venv: $(STAMP)

# make run: the demo national network (national hub + Quảng Nam + Nghệ An, docs/tiers.md);
# make run SINGLE=1: the bare single hub. RUN_ARGS: more `axis serve` options, e.g.
# make run RUN_ARGS="--data-dir /tmp/net --listen 127.0.0.1:18080".
run: $(STAMP)
	$(BIN)/axis serve --config config.toml --demo $(if $(SINGLE),,--network) $(RUN_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check axis adapters tests scripts bench
	$(BIN)/ruff format --check axis adapters tests scripts bench
	$(BIN)/mypy

# Headless chromium renders the conformance kit's HTML report in a test (docs/conformance.md);
# under CI it is installed when missing, elsewhere that one test skips without it.
chromium:
	@command -v chromium >/dev/null 2>&1 || [ "$${CI:-}" != "true" ] || \
		{ apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }

# One pytest worker per core, each test file whole on one worker (its module fixtures: the demo
# network, the hubs of a tier test); docs/decisions.md "The suite on every core".
test: $(STAMP) lint chromium
	$(BIN)/python -m pytest -q -p no:cacheprovider -n auto --dist loadfile

bench: $(STAMP)
	$(BIN)/python -m bench.run

# make chaos CHAOS_ARGS="--backend postgres --nodes 2": two nodes on PostgreSQL
chaos: $(STAMP)
	$(BIN)/python -m bench.chaos $(CHAOS_ARGS)

clean:
	rm -rf $(VENV) var build *.egg-info .pytest_cache .ruff_cache
