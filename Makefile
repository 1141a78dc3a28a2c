# make run  : set up everything and serve on http://127.0.0.1:$(PORT)
# make test : set up everything and run every test
# make bench: benchmarks (never part of make test)

PYTHON ?= python3
VENV   ?= .venv
PORT   ?= 5000
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed-stamp

.PHONY: install translations messages db run test lint bench clean

$(STAMP): pyproject.toml package-lock.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --silent; fi
	touch $(STAMP)

install: $(STAMP) translations

# Catalogues are compiled at install time; no .mo file is kept in git.
translations: $(STAMP)
	@if ls portal/translations/*/LC_MESSAGES/messages.po >/dev/null 2>&1; then \
		$(BIN)/pybabel -q compile -d portal/translations; \
	fi

# After changing interface texts: refresh the template and every catalogue.
messages: $(STAMP)
	$(BIN)/pybabel -q extract -F babel.cfg -k N_ -k N_plural:1,2 -k _ -k gettext -k ngettext:1,2 \
		--no-location --sort-output --project Amtsweg -o portal/translations/messages.pot .
	$(BIN)/pybabel -q update -i portal/translations/messages.pot -d portal/translations --no-fuzzy-matching

db: install
	$(BIN)/amtsweg db upgrade
	$(BIN)/amtsweg forms load

# The embedded server speaks plain HTTP on loopback, so its cookies cannot be
# marked Secure; production runs behind TLS with Secure cookies (docs/operations.md).
run: db
	AMTSWEG_INSECURE_COOKIES=1 $(BIN)/amtsweg run --host 127.0.0.1 --port $(PORT)

test: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check portal tests

# The load generator is Debian's wrk; without it (not root, no apt) bench/load.py falls back
# to its Python client and says so in docs/benchmarks.md.
bench: db
	@command -v wrk >/dev/null || [ "$$(id -u)" != 0 ] || \
		(apt-get update -qq && apt-get install -y -qq wrk >/dev/null) || true
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) instance .pytest_cache
