# 兴庆区街道社区治理系统: `make run` serves the system with demo data; `make test` runs the test suite.
# Needs only Python 3.11+ (with venv) and make; see README.md.

PYTHON ?= python3
VENV ?= .venv
PORT ?= 8000
DEMO_PASSWORD ?= xingqing-demo-2018
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test install check clean-venv

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' \
		|| { echo "Python 3.11 or newer is needed ($(PYTHON) is $$($(PYTHON) --version))."; exit 1; }
	$(PYTHON) -m venv $(VENV)

# Reinstall when the pins change.
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	@touch $@

install: $(STAMP)

# Development server on SQLite (unless DATABASE_URL says otherwise), Celery eager, demo data on a new database.
# DJANGO_RUNSERVER_HIDE_WARNING: runserver's "development server" warning is said once, below, in our words.
run: $(STAMP)
	@export DJANGO_DEBUG=1 DJANGO_RUNSERVER_HIDE_WARNING=true; \
	$(PY) manage.py migrate --noinput --verbosity 0 && \
	if $(PY) manage.py shell --no-imports -c "import sys; from streets.models import Street; sys.exit(0 if Street.objects.exists() else 1)"; then \
		echo "Database already holds data: demo data not loaded again."; \
	else \
		$(PY) manage.py seed_demo --password "$(DEMO_PASSWORD)" || exit 1; \
	fi && \
	echo "" && \
	echo "兴庆区街道社区治理系统: http://127.0.0.1:$(PORT)/" && \
	echo "Demo accounts: admin, orgdept, civil-affairs, street-fhbj, community-fhbj-01, ... (see README.md)" && \
	echo "Demo password: $(DEMO_PASSWORD)  (set when the demo data was first loaded)" && \
	echo "Development server with DJANGO_DEBUG=1, for trying the system; production runs gunicorn (README.md)." && \
	echo "" && \
	exec $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: $(STAMP)
	$(VENV)/bin/pytest

check: $(STAMP)
	$(VENV)/bin/ruff check .
	DJANGO_DEBUG=1 $(PY) manage.py check
	DJANGO_DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

clean-venv:
	rm -rf $(VENV)
