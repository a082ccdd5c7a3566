# aims-graph: `make serve` runs the service, `make test` runs the tests. Both set up .venv on first use.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PYTHON ?= python3

.PHONY: serve compile test test-slow lint bench bench-quick golden java chromium wrk virtuoso jena catalogs nist clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -U pip
	$(PY) -m pip install -q --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

# HermiT (the OWL reasoner behind `aims-graph check`) runs on Java.
java:
	@bash scripts/ensure-debian-package.sh java default-jre-headless "the HermiT OWL reasoner"

# The web explorer's browser tests drive Debian's chromium through Playwright.
chromium:
	@bash scripts/ensure-debian-package.sh $${AIMS_GRAPH_CHROMIUM:-/usr/bin/chromium} chromium "the explorer's browser tests"

# OpenLink Virtuoso 7, the second SPARQL server the sparql: store is tested on (binaries only: the
# tests start it on a throw-away database; the full package would also start a system service).
virtuoso:
	@bash scripts/ensure-debian-package.sh /usr/bin/virtuoso-t virtuoso-opensource-7-bin "the sparql: store tests on Virtuoso"

# Jena's jars, for the SPARQL client tests with arq.rsparql (Debian ships no launcher script).
jena:
	@bash scripts/ensure-debian-package.sh /usr/share/java/jena-arq.jar libapache-jena-java "the rsparql client tests"

# The HTTP load benchmark's client.
wrk:
	@bash scripts/ensure-debian-package.sh wrk wrk "the HTTP load benchmark"

# Byte-compiled once here: with PYTHONDONTWRITEBYTECODE set (as on this project's machines)
# every start would otherwise compile the whole package again (0.2-0.3 s of a warm start).
compile: $(STAMP)
	@$(PY) -m compileall -q src

serve: $(STAMP) compile
	$(VENV)/bin/aims-graph serve

# The default suite (under 3 minutes on 2 cores); CI also runs test-slow.
test: $(STAMP) java chromium virtuoso jena
	$(PY) -m pytest -n 2 --dist worksteal -q -m 'not slow'

test-slow: $(STAMP) java chromium virtuoso jena
	$(PY) -m pytest -n 2 --dist worksteal -q -m slow

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests scripts bench
	$(VENV)/bin/ruff format --check src tests scripts bench
	$(VENV)/bin/mypy src bench

# Benchmarks against baselines measured in the same run; the table goes to bench/RESULTS.md.
bench: $(STAMP) compile chromium wrk virtuoso
	$(PY) -m bench.run --output bench/RESULTS.md

# A few repeats of each benchmark, so that CI keeps them running (no table written).
bench-quick: $(STAMP) compile chromium wrk virtuoso
	$(PY) -m bench.run --quick

catalogs: $(STAMP)
	$(VENV)/bin/aims-graph build-catalogs

# NIST CSF 2.0 and SP 800-53 Rev. 5: edition TSVs, catalogs and NIST's mapping sets, regenerated
# from the files vendored in ontology/standards/src/nist/ (no network needed).
nist: $(STAMP)
	$(PY) scripts/import_nist.py

clean:
	rm -rf .aims-graph .pytest_cache .mypy_cache .ruff_cache

# Rewrite the hot routes' golden digests (tests/golden/hot_routes.json) from the code as it is:
# only for a change meant to change answers; review the diff (issue 18, rule a).
golden: $(STAMP)
	AIMS_GRAPH_UPDATE_GOLDEN=1 $(PY) -m pytest -p no:cacheprovider -q -m '' tests/test_hot_routes_golden.py
