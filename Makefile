# make run  : install what serving needs (requirements.lock) and serve on http://127.0.0.1:$(PORT)
# make test : install the development tools too (requirements-dev.lock, npm), lint (make lint),
#             then run every test
# make lint : ruff over portal and tests (part of make test)
# make bench: benchmarks (never part of make test)
# make lock : refresh both lock files after changing dependencies in pyproject.toml

PYTHON ?= python3
VENV   ?= .venv
PORT   ?= 5000
BIN     = $(VENV)/bin
# Two stamps: what serving needs, and everything for development on top of it.
RUN_STAMP = $(VENV)/.run-stamp
STAMP     = $(VENV)/.installed-stamp
LOCK      = requirements.lock
DEV_LOCK  = requirements-dev.lock

.PHONY: install install-run lock translations messages db run test lint bench screenshots clean

# Exact versions with hashes come from the lock files; the package itself without resolving
# again. pip check fails when pyproject.toml names a dependency the lock lacks.
# Serving: requirements.lock only (no test tools, no browser, no npm).
$(RUN_STAMP): pyproject.toml $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	@$(BIN)/pip check || { echo "$(LOCK) does not match pyproject.toml: run make lock" >&2; exit 1; }
	touch $(RUN_STAMP)

# Development: the dev lock (the run-time pins and the test tools) and the browser tests' npm packages.
$(STAMP): $(RUN_STAMP) $(DEV_LOCK) package-lock.json
	$(BIN)/pip install --quiet --require-hashes -r $(DEV_LOCK)
	@$(BIN)/pip check || { echo "$(DEV_LOCK) does not match pyproject.toml: run make lock" >&2; exit 1; }
	if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --silent; fi
	touch $(STAMP)

# Refresh both lock files from pyproject.toml after a dependency was added or changed; pins
# that still fit are kept. The dev lock (with the dev extra) is resolved first; the run-time
# lock starts from it, so both pin every shared package alike. LOCK_ARGS=--upgrade moves
# every pin.
PIP_COMPILE = $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet "pip-tools>=7.4"
	$(PIP_COMPILE) --extra dev --output-file $(DEV_LOCK) $(LOCK_ARGS) pyproject.toml
	cp $(DEV_LOCK) $(LOCK)
	$(PIP_COMPILE) --output-file $(LOCK) pyproject.toml

# What serving needs; `make install` adds the development tools.
install-run: $(RUN_STAMP) translations

install: $(STAMP) translations

# Catalogues are compiled at install time; no .mo file is kept in git.
translations: $(RUN_STAMP)
	@if ls portal/translations/*/LC_MESSAGES/messages.po >/dev/null 2>&1; then \
		$(BIN)/pybabel -q compile -d portal/translations; \
	fi

# After changing interface texts: refresh the template and every catalogue.
messages: $(STAMP)
	$(BIN)/pybabel -q extract -F babel.cfg -k N_ -k N_plural:1,2 -k _ -k gettext -k ngettext:1,2 \
		--no-location --sort-output --project Amtsweg -o portal/translations/messages.pot .
	$(BIN)/pybabel -q update -i portal/translations/messages.pot -d portal/translations --no-fuzzy-matching

db: install-run
	$(BIN)/amtsweg db upgrade
	$(BIN)/amtsweg authorities load --create-destinations
	$(BIN)/amtsweg jurisdictions import authorities/jurisdictions.csv
	AMTSWEG_PAYMENT_TEST_PROVIDER=1 $(BIN)/amtsweg forms load --create-destinations

# The embedded server speaks plain HTTP on loopback, so its cookies cannot be
# marked Secure; production runs behind TLS with Secure cookies (docs/operations.md).
# Fees are paid with the built-in test provider (no real money, docs/payments.md).
run: db
	AMTSWEG_INSECURE_COOKIES=1 AMTSWEG_PAYMENT_TEST_PROVIDER=1 $(BIN)/amtsweg run --host 127.0.0.1 --port $(PORT)

# Lint first: a finding fails make test (and so .ci/run) before the slower tests run.
test: install lint
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check portal tests

# The load generator is Debian's wrk; without it (not root, no apt) bench/load.py falls back
# to its Python client and says so in docs/benchmarks.md. The complete application in a
# browser (bench/browser_application.py) needs Debian's chromium; without it its section
# says so. BENCH names modules to run only those: make bench BENCH="wizard browser_application"
# The soak (bench/soak.py): SOAK_MINUTES of complete applications at SOAK_CITIZENS at once on
# PostgreSQL; `make bench BENCH=soak SOAK_MINUTES=1` for a short trial.
BENCH ?=
SOAK_MINUTES  ?= 10
SOAK_CITIZENS ?= 32
bench: install db
	@command -v wrk >/dev/null || [ "$$(id -u)" != 0 ] || \
		(apt-get update -qq && apt-get install -y -qq wrk >/dev/null) || true
	@[ -x /usr/bin/chromium ] || [ "$$(id -u)" != 0 ] || \
		(apt-get update -qq && apt-get install -y -qq chromium >/dev/null) || true
	SOAK_MINUTES=$(SOAK_MINUTES) SOAK_CITIZENS=$(SOAK_CITIZENS) \
		BENCH_MODULE_TIMEOUT=$$(( $(SOAK_MINUTES) * 60 + 600 > 900 ? $(SOAK_MINUTES) * 60 + 600 : 900 )) \
		BENCH_COMMAND="make bench$(if $(BENCH), BENCH=\"$(BENCH)\")" $(BIN)/python -m bench $(BENCH)

# docs/screenshots/: every shipped form at 1280 and 320 px, as citizens see it;
# docs/screenshots/designer/: the designer's pages for its help (docs/designer.md).
screenshots: install
	$(BIN)/python -m tools.screenshots
	$(BIN)/python -m tools.designer_screenshots

clean:
	rm -rf $(VENV) instance .pytest_cache
