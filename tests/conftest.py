"""Fixtures for the whole suite: databases on SQLite and PostgreSQL, and portal apps on them.

Databases
  postgres_cluster  (session) the throwaway PostgreSQL cluster (tests/support/postgres.py), started
                    on first use on a free 127.0.0.1 port and removed at the end of the run. Without
                    PostgreSQL installed the test is skipped with an install hint; with CI=true it fails.
                    initdb/pg_ctl come from PATH or /usr/lib/postgresql/N/bin (newest N), or from
                    $PORTAL_TEST_PG_BINDIR; the cluster lives in /dev/shm when there is room
                    (or $PORTAL_TEST_PG_DIR).
  postgres_url      (session) SQLAlchemy URL of the cluster's maintenance database `postgres`. Don't
                    fill it: create a database per module or test with `databases.create(...)`.
  databases         (session) `Databases` (tests/support/databases.py): `create(backend, kind,
                    directory=None) -> url` with kind "empty" | "migrated" | "demo", `fill(url, kind)`,
                    `drop(url)`. E.g. a per-module database:
                        @pytest.fixture(scope="module", params=["sqlite", "postgresql"])
                        def module_url(request, databases, tmp_path_factory):
                            url = databases.create(request.param, "demo", tmp_path_factory.mktemp("db"))
                            yield url
                            databases.drop(url)
  database_url      a fresh EMPTY database per test: id "sqlite" (a file in tmp_path); a test or
                    module marked `both_databases` also gets "postgresql" (a new database in the
                    cluster, dropped afterwards). Choose the backends of one test with
                        @pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
  backend           "sqlite" or "postgresql": the backend of database_url.

Apps
  make_app          factory: make_app(url, **config) -> create_app with support.apps.app_settings
                    (config overrides them); engines are disposed after the test.
  app               the portal on database_url, migrated to head (a copy of a template built once per
                    run with portal.db.upgrade); no data. app.config["DATABASE_URL"] == database_url.
  demo_app          the portal on database_url with the demo data (portal.demo.load), also a copy of
                    a template: the demo is loaded (one argon2 hash) once per backend per run.
  team_app          the portal with the demo team and its staff only (workers, team lead, interpreters),
                    no households: a test makes what it needs with support/factories.py and says so.
  client            app.test_client(); demo_client: demo_app.test_client().

The clock
  The suite runs at whatever moment it is started. PORTAL_TEST_NOW=2026-12-12T23:30+01:00 runs the
  portal's clock (portal/clock.py) from that moment instead, to show what depends on the hour or the day.
  at_work           the portal's clock from 10:00 on a weekday both demo duo workers work (Amsterdam):
                    for a test whose page names the contact person to call now.
  any_hour          the test twice: now, and from 00:30 in Amsterdam (the UTC date still yesterday's): for a
                    test that counts a family's days.
"""
import atexit
import datetime as dt
import os
from pathlib import Path

import pytest

from portal import clock
from portal.accounts import secrets as auth_secrets
from support.apps import COMPILED_TEMPLATES, app_settings
from support.binaries import require_binary
from support.databases import Databases, backend_of
from support.moments import a_duo_working_hour, running_from
from support.postgres import INSTALL_HINT, ClusterError, PostgresCluster

_cluster_report: list[str] = []


# --- PostgreSQL --------------------------------------------------------------------------------

def _postgres_bindirs() -> tuple[str, ...]:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin"),
                   key=lambda path: int(path.parent.name) if path.parent.name.isdigit() else 0, reverse=True)
    return tuple(str(path) for path in found)


@pytest.fixture(scope="session")
def postgres_cluster():
    chosen = os.environ.get("PORTAL_TEST_PG_BINDIR")  # a particular PostgreSQL installation
    if chosen:
        initdb = require_binary(str(Path(chosen) / "initdb"), INSTALL_HINT)
    else:
        initdb = require_binary("initdb", INSTALL_HINT, search=_postgres_bindirs())
    bindir = Path(initdb).resolve().parent
    require_binary(str(bindir / "pg_ctl"), INSTALL_HINT)
    try:
        cluster = PostgresCluster.start(bindir)
    except ClusterError as error:
        pytest.fail(f"The PostgreSQL test cluster did not start: {error}", pytrace=False)
    atexit.register(cluster.stop)  # also when the run is cut short
    _cluster_report.append(f"PostgreSQL test cluster ({bindir}) on 127.0.0.1:{cluster.port} in {cluster.root}: "
                           f"started in {cluster.startup_seconds:.2f} s")
    yield cluster
    cluster.stop()
    atexit.unregister(cluster.stop)


@pytest.fixture(scope="session")
def postgres_url(postgres_cluster) -> str:
    return postgres_cluster.url


def pytest_terminal_summary(terminalreporter):
    for line in _cluster_report:
        terminalreporter.write_line(line)


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogues():
    """The interface texts in every language: .mo files are build output (`make` compiles them too).
    Compiled only when one is missing or older than its .po: the pytest workers must not rewrite a file
    the other worker's app may be reading."""
    from portal.web import catalogues

    sources = list(catalogues.TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))
    if any(not source.with_suffix(".mo").exists() or source.with_suffix(".mo").stat().st_mtime < source.stat().st_mtime
           for source in sources):
        catalogues.compile_all()


# --- the clock -------------------------------------------------------------------------------

def pytest_configure(config):
    # Passwords hashed at the smallest argon2 cost: the suite signs in hundreds of times (the portal itself never
    # does: tests/web/test_sign_in.py).
    auth_secrets.hasher = auth_secrets.TESTING_HASHER
    moment = os.environ.get("PORTAL_TEST_NOW")
    if moment:  # before any fixture: the demo data is made at that moment too
        clock.system_now = running_from(dt.datetime.fromisoformat(moment))


@pytest.fixture(params=["now", "just after midnight"])
def any_hour(request, monkeypatch) -> None:
    """The test twice: from the moment the run started, and from 00:30 in Amsterdam, when the UTC date is still
    yesterday's: a family's day counted as a UTC day is one off then."""
    if request.param != "now":
        monkeypatch.setattr(clock, "system_now", running_from(
            dt.datetime.combine(clock.today(), dt.time(0, 30), tzinfo=clock.AMSTERDAM)))


@pytest.fixture
def at_work(monkeypatch) -> dt.datetime:
    moment = a_duo_working_hour(clock.today())
    monkeypatch.setattr(clock, "system_now", running_from(moment))
    return moment


# --- databases ---------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def databases(request, tmp_path_factory) -> Databases:
    return Databases(tmp_path_factory.mktemp("databases"), lambda: request.getfixturevalue("postgres_cluster"))


def pytest_generate_tests(metafunc):
    """database_url is SQLite; a test or module marked `both_databases` runs on PostgreSQL too (migrations,
    concurrency, the audit chain, stored text, what differs between the two). A test may also choose its
    backends itself with @pytest.mark.parametrize("database_url", [...], indirect=True)."""
    if "database_url" not in metafunc.fixturenames:
        return
    chosen = metafunc.definition.iter_markers("parametrize")
    if any(mark.args and "database_url" in str(mark.args[0]) for mark in chosen):
        return
    both = metafunc.definition.get_closest_marker("both_databases") is not None
    metafunc.parametrize("database_url", ["sqlite", "postgresql"] if both else ["sqlite"], indirect=True)


@pytest.fixture
def database_url(request, databases, tmp_path):
    url = databases.create(request.param, "empty", directory=tmp_path)
    yield url
    databases.drop(url)


@pytest.fixture
def backend(database_url) -> str:
    return backend_of(database_url)


# --- apps --------------------------------------------------------------------------------------

@pytest.fixture
def make_app(tmp_path):
    from portal import create_app

    apps = []

    def make(url: str, **config):
        settings = app_settings(url, tmp_path / "instance")
        settings.update(config)
        app = create_app(settings)
        app.jinja_env.bytecode_cache = COMPILED_TEMPLATES
        apps.append(app)
        return app

    yield make
    for app in apps:
        engine = app.extensions.get("engine")
        if engine is not None:
            engine.dispose()


@pytest.fixture
def app(database_url, databases, make_app):
    databases.fill(database_url, "migrated")
    return make_app(database_url)


@pytest.fixture
def demo_app(database_url, databases, make_app):
    databases.fill(database_url, "demo")
    return make_app(database_url)


@pytest.fixture
def team_app(database_url, databases, make_app):
    databases.fill(database_url, "team")
    return make_app(database_url)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def demo_client(demo_app):
    return demo_app.test_client()

