# The project's verbs. `make demo` and `make test` set everything up from nothing.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
STRIPE_PORT ?= 12111

.PHONY: demo test fuzz install messages update-messages setup-db lint format bench bench-national lighthouse serve worker clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet ".[test]"
	touch $@

install: $(VENV)/.installed

# Compiled catalogues are committed; recompile when GNU gettext is on the machine.
messages: install
	@if command -v msgfmt >/dev/null 2>&1; then $(MANAGE) compilemessages --ignore=.venv -v0 --settings=ocop_market.settings.test; \
	else echo "msgfmt not found: using the committed .mo catalogues"; fi

# Refresh the catalogues from the code and templates (needs GNU gettext), then translate locale/vi.
update-messages: install
	$(MANAGE) makemessages -l vi -l en --no-obsolete --settings=ocop_market.settings.test \
		--ignore=.venv --ignore=tests --ignore=build --ignore=staticfiles --ignore=media

setup-db: install
	$(MANAGE) migrate --no-input -v0
	$(MANAGE) load_admin_units

# The demo also runs localstripe (a Stripe-compatible test server) on 127.0.0.1:STRIPE_PORT with
# a fresh state, for the card step's test cards; it stops with the server (demo/runner.py).
# `make demo PORT=8123 STRIPE_PORT=12112` moves both: the runner seeds (`seed_demo`) in the
# environment it serves with, so the printed addresses and the notifications' links use PORT.
demo: export DEBUG = 1
demo: install messages setup-db
	$(PY) -m demo.runner --host $(HOST) --port $(PORT) --stripe-port $(STRIPE_PORT) --seed

test: install messages
	$(MANAGE) makemigrations --check --dry-run -v0 --settings=ocop_market.settings.test
	$(PY) -m pytest -q

# The property-based and fuzz tests with new random examples, ten times as many as the suite's
# fixed ones (the suite replays the same examples on every run, so CI is reproducible).
fuzz: install messages
	HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest -q tests/test_properties.py tests/test_fuzz_storefront.py tests/test_fuzz_urls.py

# Every template folder: the project's and each app's (.venv holds other packages' templates).
TEMPLATE_DIRS = $(shell find . -path ./.venv -prune -o -path ./node_modules -prune -o -type d -name templates -print)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/djhtml --tabwidth 4 $(TEMPLATE_DIRS)

# The three benchmarks run; the target fails at the end if any missed a target. The storefront
# one builds its own SQLite file (STOREFRONT_BENCH_DATABASE_URL to change it); the feeds one
# measures on PostgreSQL, in a database it creates (FEEDS_BENCH_DATABASE_URL to change it); the
# national one (also `make bench-national`) drops and recreates its own PostgreSQL database
# (NATIONAL_BENCH_DATABASE_URL) and flushes Redis db 14 (NATIONAL_BENCH_REDIS_URL), measures the
# storefront at 600 and 100,000 products with and without the page cache, then a mixed load,
# then grows the catalog to NATIONAL_BENCH_PRODUCTS (250,000 by default, a developer's run;
# `make bench-national NATIONAL_BENCH_PRODUCTS=1000000` for the national size, about twelve
# minutes) and measures the pages, searches and the feed of every product again (0 skips it).
FEEDS_BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/ocop_bench
NATIONAL_BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/ocop_bench_national
NATIONAL_BENCH_REDIS_URL ?= redis://127.0.0.1:6379/14
NATIONAL_BENCH_PRODUCTS ?= 250000
bench: install messages
	status=0; \
	DATABASE_URL="$(STOREFRONT_BENCH_DATABASE_URL)" $(PY) tests/bench/run.py || status=1; \
	DATABASE_URL="$(FEEDS_BENCH_DATABASE_URL)" $(PY) tests/bench/feeds.py || status=1; \
	NATIONAL_BENCH_DATABASE_URL="$(NATIONAL_BENCH_DATABASE_URL)" NATIONAL_BENCH_REDIS_URL="$(NATIONAL_BENCH_REDIS_URL)" \
		NATIONAL_BENCH_PRODUCTS="$(NATIONAL_BENCH_PRODUCTS)" $(PY) tests/bench/national.py || status=1; \
	exit $$status

bench-national: install messages
	NATIONAL_BENCH_DATABASE_URL="$(NATIONAL_BENCH_DATABASE_URL)" NATIONAL_BENCH_REDIS_URL="$(NATIONAL_BENCH_REDIS_URL)" \
		NATIONAL_BENCH_PRODUCTS="$(NATIONAL_BENCH_PRODUCTS)" $(PY) tests/bench/national.py

# Lighthouse's four mobile scores (performance, accessibility, best practices, SEO) of the home,
# listing, a product and a stall page: tests/lighthouse.py builds the seeded demo in its own SQLite
# file, serves it with gunicorn (DEBUG off) and runs `npx lighthouse` (npm, fetched on first use;
# LIGHTHOUSE to use another command) with Debian's Chromium. Fails when a score is under 1.00.
# Not part of `make test`: the suite never downloads anything. Reports in artifacts/lighthouse/.
lighthouse: install messages
	CHROME_PATH="$${CHROME_PATH:-/usr/bin/chromium}" $(PY) tests/lighthouse.py

# Production mode: gunicorn (ocop_market/gunicorn.conf.py; WEB_CONCURRENCY workers, default 2)
# with DEBUG off, after migrations and collectstatic. Needs SECRET_KEY; see README, Deployment.
serve: export DEBUG = 0
serve: install messages
	@test -n "$$SECRET_KEY" || { echo "make serve: SECRET_KEY is not set. Export a long random key, e.g." \
		"SECRET_KEY=\$$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')" >&2; exit 1; }
	$(MANAGE) migrate --no-input -v0
	$(MANAGE) collectstatic --no-input -v0
	exec $(VENV)/bin/gunicorn ocop_market.wsgi:application --config ocop_market/gunicorn.conf.py --bind $(HOST):$(PORT)

# A Celery worker with the beat scheduler (daily feed pushes); needs REDIS_URL.
worker: install
	$(VENV)/bin/celery -A ocop_market worker -B -l info

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles private_media .test_media .test_private_media
