# make run   the demo: create .venv, install the portal, migrate, load demo data, serve on 127.0.0.1:5000
#            with the outbox worker (`portal worker`) beside it
# make test  the whole suite (SQLite and a throwaway PostgreSQL cluster) in one pytest run
#
# Both create .venv when it is missing and (re)install only when pyproject.toml or uv.lock is newer
# than the stamp file of that install. HOST and PORT choose where `make run` serves.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV_VERSION := 0.13.8
# uv installs the portal in seconds where pip takes most of a minute: a first `make run` serves quickly.
UV := $(VENV)/bin/uv
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?=
# Three pytest workers on the two cores of the development and CI machines: a third of a worker's time is spent
# waiting (for Chromium, a server starting, an autosave's delay), and the third worker fills it (pytest 228 s
# with two workers, 208 s with three, in the same hour).
PYTEST_WORKERS ?= 3
# The Nu HTML Checker (vnu.jar, run by tests/web/test_valid_html.py) from its npm package, without the package's
# install script: that script downloads a Java of its own, and the system's (default-jre-headless) is used instead.
VNU_VERSION := 26.9.27
VNU := $(VENV)/vnu/node_modules/vnu-jar/build/dist/vnu.jar
# The OpenID Connect provider the sign-in tests start on loopback (tests/web/test_oidc.py): the npm package
# `oidc-provider` at the version its package-lock.json pins, installed with `npm ci` when the lock is newer than the
# stamp of the last install (node_modules is git-ignored).
OIDC_PROVIDER := tests/support/oidc_provider/node_modules/.installed
# Keep Python's cache of compiled modules (__pycache__, git-ignored) even where the environment turns it off:
# without it every process compiles every module it imports from source, 7 s more for each pytest worker's
# collection and 2.5 s more for each server or command the tests start.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run test translations

# The outbox worker runs next to the web server (messages are never sent inside a request); Ctrl-C or a
# TERM stops both.
run: $(VENV)/.installed translations
	$(VENV)/bin/portal db upgrade
	$(VENV)/bin/portal worker & worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(VENV)/bin/portal demo --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-test $(VNU) $(OIDC_PROVIDER) translations
	$(VENV)/bin/ruff check portal tests benchmarks
	$(VENV)/bin/mypy
	$(PY) -m pytest -p no:cacheprovider -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# The compiled catalogues (.mo) are build output, made from translations/*/LC_MESSAGES/messages.po.
translations: $(VENV)/.installed
	$(VENV)/bin/portal translations compile

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check --quiet uv==$(UV_VERSION)

# Every package, indirect ones included, comes at the version uv.lock names, the portal itself editable. --locked
# stops with "needs to be updated" when uv.lock no longer matches pyproject.toml (CI included), so nothing installs
# from a stale lock; --inexact keeps uv, which pip put in .venv. The test install includes the plain one: a fresh
# test stamp satisfies `make run` too. Both compile the installed modules once, in parallel, rather than in every
# process that first imports them.
SYNC := $(UV) sync --locked --inexact --compile-bytecode

$(VENV)/.installed: pyproject.toml uv.lock | $(PY)
	if [ $(VENV)/.installed-test -nt pyproject.toml ] && [ $(VENV)/.installed-test -nt uv.lock ]; then :; else $(SYNC); fi
	touch $@

$(VENV)/.installed-test: pyproject.toml uv.lock | $(PY)
	$(SYNC) --extra test
	touch $@

# Made again when this file changes (a new VNU_VERSION).
$(VNU): Makefile | $(PY)
	npm install --prefix $(VENV)/vnu --no-save --no-package-lock --no-audit --no-fund --ignore-scripts vnu-jar@$(VNU_VERSION)
	touch $@

$(OIDC_PROVIDER): tests/support/oidc_provider/package-lock.json
	npm ci --prefix tests/support/oidc_provider --no-audit --no-fund
	touch $@
