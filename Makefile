# `make run`: set up everything and serve the portal on SQLite. `make test`: set up and run every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
export FLASK_APP := app.py

.PHONY: run test setup translations db i18n-update i18n-check bench clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed translations

translations: $(VENV)/.installed
	$(BIN)/python -m slrt.core.i18n_tool compile

# Upgrade the schema, load the region codes and the district's starting lists, seed the demo district
# on a new database outside production (password from SLRT_DEMO_PASSWORD, else printed once).
db: setup
	$(BIN)/flask db upgrade
	$(BIN)/flask regions load
	$(BIN)/flask reference load
	@if [ "$$SLRT_ENV" != "production" ]; then $(BIN)/flask demo seed --if-new; fi

run: db
	$(BIN)/gunicorn --workers $(WORKERS) --threads 4 --bind $(HOST):$(PORT) --access-logfile - \
		--forwarded-allow-ips "$${FORWARDED_ALLOW_IPS:-127.0.0.1}" app:app

# Every test on SQLite; when SLRT_TEST_DATABASE_URL is set (MariaDB in CI), every test on that database too,
# at the same time: the two runs share nothing (each its own database, temporary files and free ports), and
# each keeps one of a district server's two cores busy. The second run's report follows the first's.
test: setup
	@if [ -z "$$SLRT_TEST_DATABASE_URL" ]; then exec $(BIN)/python -m pytest -q; fi; \
	report=$$(mktemp); \
	SLRT_TEST_DATABASE=external $(BIN)/python -m pytest -q >"$$report" 2>&1 & \
	external=$$!; \
	$(BIN)/python -m pytest -q; sqlite=$$?; \
	wait $$external; again=$$?; \
	echo "== again on $$SLRT_TEST_DATABASE_URL =="; cat "$$report"; rm -f "$$report"; \
	[ $$sqlite -eq 0 ] && [ $$again -eq 0 ]

i18n-update: $(VENV)/.installed
	$(BIN)/python -m slrt.core.i18n_tool update

i18n-check: $(VENV)/.installed
	$(BIN)/python -m slrt.core.i18n_tool check

clean:
	rm -rf $(VENV) .pytest_cache
