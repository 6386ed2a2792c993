# xxgk — two commands matter:  `make demo` and `make test`.
# Both create the virtual environment (.venv) from the pinned dependencies first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
SEEDS  := tests/fixtures/seeds/*.txt

.PHONY: screenshots setup demo test test-fast bench fuzz accuracy serve dist dist-check clean

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "xxgk needs Python 3.11+"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -r requirements.lock  # (setuptools pinned there too: cpca needs its pkg_resources, the editable install its backend)
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	@# the package's bytecode, as an installed wheel has it (where PYTHONDONTWRITEBYTECODE is set,
	@# every process would otherwise compile every module it imports)
	@$(BIN)/python -m compileall -q src >/dev/null
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

setup: $(STAMP)

## the main job on the five seed reports: parse them, then check them
demo: setup
	$(BIN)/xxgk parse $(SEEDS)
	@# exit status 1 means "errors found in the reports" (three seeds break the 表三 balance); 2 would be a failure
	$(BIN)/xxgk check $(SEEDS); test $$? -le 1

## the review desk in a browser on the five seeds: http://127.0.0.1:8000/ (HOST=0.0.0.0 PORT=8080 to change)
HOST ?= 127.0.0.1
PORT ?= 8000
SEEDS_DB := build/seeds.duckdb
serve: setup
	@mkdir -p build
	@# exit status 2 would be a failure; 0 is a fresh or already complete store
	$(BIN)/xxgk ingest $(SEEDS) --db $(SEEDS_DB) --jobs 1
	$(BIN)/xxgk serve --db $(SEEDS_DB) --host $(HOST) --port $(PORT)

## the wheel and the offline bundle (wheelhouse for Windows x64 and Linux x86_64, 安装说明) in dist/
dist: setup
	$(BIN)/python scripts/make_dist.py

## install dist/ into a fresh venv with no index and start the desk on it (after `make dist`)
dist-check:
	$(PYTHON) scripts/check_dist.py

## the whole test suite (what CI runs)
test: setup
	$(BIN)/python -m pytest -q -n 2 --dist loadfile

## refresh the committed page screenshots (docs/screenshots/) with the browser test
screenshots: setup
	XXGK_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -q tests/web/test_browser.py

test-fast: setup
	$(BIN)/python -m pytest -q -x -m "not slow"

## a long fuzz run of every reader (CI runs a few hundred examples; this, thousands, fresh randomness)
FUZZ_EXAMPLES ?= 2000
fuzz: setup
	XXGK_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) XXGK_FUZZ_RANDOM=1 $(BIN)/python -m pytest -q -s tests/hostile/test_fuzz.py

## speed figures (docs/benchmarks.md records them)
bench: setup
	$(BIN)/python benchmarks/run.py

## accuracy against ../shared/corpus (skips when the corpus is absent)
accuracy: setup
	$(BIN)/python scripts/accuracy.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build dist *.egg-info src/*.egg-info
