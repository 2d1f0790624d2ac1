# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: install run test lint lock messages

install: $(VENV)/.installed

$(VENV)/.installed: requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	touch $@

# Migrate, add the demo data (idempotent: only what is missing), then run the web server,
# a Celery worker and Celery beat together; Ctrl-C stops all three. DEBUG is on unless the
# environment says otherwise (the settings default it to off, for deploys).
run: export DEBUG ?= 1
run: install
	mkdir -p var/mail
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	SITE_URL="$${SITE_URL:-http://127.0.0.1:$(PORT)}" PATH="$(CURDIR)/$(BIN):$$PATH" \
		$(BIN)/honcho start -f Procfile.dev -p $(PORT)

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Re-pin every dependency after editing pyproject.toml.
lock: install
	$(BIN)/pip-compile --quiet --extra dev --generate-hashes --strip-extras --allow-unsafe \
		--no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml

# After editing locale/en_GB/LC_MESSAGES/django.po (our wording of allauth's strings).
messages:
	msgfmt --check -o locale/en_GB/LC_MESSAGES/django.mo locale/en_GB/LC_MESSAGES/django.po
