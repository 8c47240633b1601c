"""The foundation an operator meets first: configuration, health check, sign-in redirects,
the demo accounts and the `portal` command line, on SQLite and on PostgreSQL."""
import os
import socket
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func
from sqlalchemy import select as sql_select
from sqlmodel import Session, SQLModel, select

from portal import create_app, db
from portal.config import ConfigError
from support.apps import PRODUCTION_SERVING

DEMO_ROLES = {
    "anouk": "worker", "bram": "worker", "chantal": "worker", "dirk": "worker",
    "teamlead": "teamlead",
    "tolk-ar": "interpreter", "tolk-tr": "interpreter", "tolk-en": "interpreter", "tolk-pl": "interpreter",
    "tolk-uk": "interpreter", "tolk-so": "interpreter", "tolk-ti": "interpreter",
    "ouder-fatima": "parent", "ouder-youssef": "parent", "ouder-mehmet": "parent",
    "ouder-kasia": "parent", "ouder-olena": "parent", "ouder-sanne": "parent",
    "ouder-faadumo": "parent", "ouder-selam": "parent", "ouder-yonas": "parent",
    "netwerk-karim": "network", "netwerk-haddou": "network", "kind-elif": "child",
    "partner-wijkagent": "partner", "partner-school": "partner",
}
STRONG_KEY = "9f1c2e7a4b8d3f6e0a5c9b2d7e4f1a8c3b6d9e2f5a8c1b4d"
AUDIT_KEY = "2c7e1a9f4d8b3e6a0f5c2d9b7e1a4f8c3d6b0e9a5f2c8d1b"
ENV_SETTINGS = ("PORTAL_ENV", "SECRET_KEY", "DATABASE_URL", "PORTAL_INSTANCE", "PORTAL_AUDIT_KEY",
                "PORTAL_AUDIT_ANCHOR")


@pytest.fixture
def clean_env(monkeypatch):
    """No portal settings from the environment of whoever runs the tests."""
    for name in ENV_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def dispose(app) -> None:
    app.extensions["engine"].dispose()


def row_counts(url: str) -> dict[str, int]:
    import portal.models  # noqa: F401  (every table on the metadata)

    engine = db.make_engine(url)
    try:
        with engine.connect() as connection:
            return {table.name: connection.execute(sql_select(func.count()).select_from(table)).scalar_one()
                    for table in SQLModel.metadata.sorted_tables}
    finally:
        engine.dispose()


# --- configuration -----------------------------------------------------------------------------

def test_production_without_secret_key_refuses_to_start(clean_env, tmp_path):
    with pytest.raises(ConfigError, match="SECRET_KEY is not set") as refused:
        create_app({"ENV": "production", "INSTANCE_PATH": str(tmp_path / "instance"),
                    "DATABASE_URL": "postgresql+psycopg://portal@127.0.0.1:5432/portal"})
    assert "32" in str(refused.value)  # tells how long a key must be
    assert not (tmp_path / "instance" / "secret_key").exists()  # no key is made up in production


def test_production_without_secret_key_from_the_environment_refuses_too(clean_env, tmp_path):
    clean_env.setenv("PORTAL_ENV", "production")
    clean_env.setenv("DATABASE_URL", "postgresql+psycopg://portal@127.0.0.1:5432/portal")
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app({"INSTANCE_PATH": str(tmp_path / "instance")})


@pytest.mark.parametrize("weak_key", ["secret", "changeme-changeme", "x" * 40, STRONG_KEY[:31]],
                         ids=["word", "short", "one-character", "31-characters"])
def test_production_refuses_a_weak_secret_key(clean_env, tmp_path, weak_key):
    with pytest.raises(ConfigError, match="SECRET_KEY is too weak"):
        create_app({"ENV": "production", "SECRET_KEY": weak_key, "INSTANCE_PATH": str(tmp_path),
                    "DATABASE_URL": "postgresql+psycopg://portal@127.0.0.1:5432/portal"})


def test_production_starts_with_a_strong_key_and_secure_cookies(clean_env, tmp_path):
    app = create_app({"ENV": "production", "SECRET_KEY": STRONG_KEY, "INSTANCE_PATH": str(tmp_path),
                      "DATABASE_URL": "postgresql+psycopg://portal@127.0.0.1:5432/portal", "AUDIT_KEY": AUDIT_KEY,
                      **PRODUCTION_SERVING})
    dispose(app)
    assert app.config["SECRET_KEY"] == STRONG_KEY
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_production_refuses_the_default_sqlite_database(clean_env, tmp_path):
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        create_app({"ENV": "production", "SECRET_KEY": STRONG_KEY, "INSTANCE_PATH": str(tmp_path)})


def test_local_mode_generates_a_secret_key_once_and_keeps_it(clean_env, tmp_path):
    instance = tmp_path / "instance"
    first = create_app({"INSTANCE_PATH": str(instance)})
    dispose(first)
    key_file = instance / "secret_key"
    assert key_file.exists()
    key = key_file.read_text().strip()
    assert first.config["SECRET_KEY"] == key
    assert len(key) >= 32 and len(set(key)) >= 10
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600  # readable by the portal's user only

    again = create_app({"INSTANCE_PATH": str(instance)})
    dispose(again)
    assert again.config["SECRET_KEY"] == key  # sessions survive a restart

    elsewhere = create_app({"INSTANCE_PATH": str(tmp_path / "other")})
    dispose(elsewhere)
    assert elsewhere.config["SECRET_KEY"] != key  # a random key, not a built-in one


def test_database_url_defaults_to_sqlite_in_the_instance_folder(clean_env, tmp_path):
    instance = tmp_path / "instance"
    app = create_app({"INSTANCE_PATH": str(instance)})
    dispose(app)
    assert app.config["DATABASE_URL"] == f"sqlite:///{instance / 'portal.db'}"
    assert app.config["ENV"] == "local"


def test_settings_come_from_the_environment(clean_env, tmp_path):
    instance = tmp_path / "from-env"
    clean_env.setenv("PORTAL_INSTANCE", str(instance))
    clean_env.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'elsewhere.db'}")
    app = create_app()
    dispose(app)
    assert app.instance_path == str(instance)
    assert app.config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'elsewhere.db'}"
    assert (instance / "secret_key").exists()


# --- the test run itself: missing programs -----------------------------------------------------

def test_a_missing_program_skips_with_an_install_hint_but_fails_under_ci(monkeypatch):
    from support.binaries import require_binary

    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install no-such-package"):
        require_binary("no-such-program-here", "apt-get install no-such-package")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="apt-get install no-such-package"):
        require_binary("no-such-program-here", "apt-get install no-such-package")
    assert require_binary("sh", "apt-get install dash").endswith("/sh")


# --- health check ------------------------------------------------------------------------------

def test_healthz_reports_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def _unreachable_sqlite(tmp_path: Path) -> str:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the database folder should be")
    return f"sqlite:///{blocker / 'missing' / 'portal.db'}"


@pytest.mark.parametrize("unreachable", [
    lambda tmp_path: f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/x",
    _unreachable_sqlite,
], ids=["postgresql-closed-port", "sqlite-impossible-path"])
def test_healthz_reports_an_unreachable_database(make_app, tmp_path, unreachable):
    app = make_app(unreachable(tmp_path))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"
    assert response.get_json()["status"] != "ok"


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_healthz_notices_when_the_database_goes_away(app, client, database_url, databases):
    assert client.get("/healthz").status_code == 200
    databases.drop(database_url)  # ends the open connections too
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "unreachable"}


# --- sign-in -----------------------------------------------------------------------------------

@pytest.mark.parametrize("path, sign_in", [("/", "/sign-in"), ("/backoffice/", "/backoffice/sign-in")],
                         ids=["family", "backoffice"])
def test_signed_out_visitors_are_sent_to_their_sign_in_page(client, path, sign_in):
    response = client.get(path)
    assert response.status_code in (302, 303)
    assert urlsplit(response.headers["Location"]).path == sign_in
    page = client.get(sign_in)
    assert page.status_code == 200
    assert b"<form" in page.data


# --- demo data ---------------------------------------------------------------------------------

def test_demo_accounts_exist_with_their_roles(demo_app):
    from portal import demo
    from portal.accounts.secrets import password_matches
    from portal.models import Account

    with Session(demo_app.extensions["engine"]) as session:
        accounts = {account.username: account for account in session.exec(select(Account)).all()}
    assert {name: account.role.value for name, account in accounts.items()} == DEMO_ROLES
    assert {a.username: a.role for a in demo.DEMO_ACCOUNTS} == DEMO_ROLES  # what `portal demo` prints
    for documented in demo.DEMO_ACCOUNTS:
        assert accounts[documented.username].totp_secret == documented.totp_secret
        assert accounts[documented.username].active
    assert password_matches(accounts["anouk"], demo.DEMO_PASSWORD)
    assert password_matches(accounts["ouder-sanne"], demo.DEMO_PASSWORD)


def _demo_lines(output: str) -> list[str]:
    from portal import demo

    lines = output.splitlines()
    found = []
    for account in demo.DEMO_ACCOUNTS:
        matching = [line for line in lines
                    if line.split() and line.split()[0] == account.username and account.role in line.split()
                    and demo.DEMO_PASSWORD in line and account.totp_secret in line]
        assert len(matching) == 1, f"no line with {account.username}, role, password and TOTP secret in:\n{output}"
        found.extend(matching)
    return found


def test_portal_demo_loads_once_and_prints_every_account(database_url, make_app):
    app = make_app(database_url)
    runner = app.test_cli_runner()

    first = runner.invoke(args=["demo", "--no-serve"])
    assert first.exit_code == 0, first.output
    assert len(_demo_lines(first.output)) == len(DEMO_ROLES)
    loaded = row_counts(database_url)
    assert loaded["account"] == len(DEMO_ROLES)
    assert loaded["family"] >= 5 and loaded["appointment"] > 0

    second = runner.invoke(args=["demo", "--no-serve"])
    assert second.exit_code == 0, second.output
    assert len(_demo_lines(second.output)) == len(DEMO_ROLES)  # the accounts are printed every time
    assert row_counts(database_url) == loaded  # but nothing is added twice
    assert second.output != first.output  # it says the data was already there


def test_create_user_makes_an_interpreter(app):
    from portal.accounts.secrets import password_matches
    from portal.models import Account, Interpreter, Role

    password = "Zonnebloem-kanaal-2026-fiets"
    result = app.test_cli_runner().invoke(
        args=["create-user", "--role", "interpreter", "--username", "Tolk-PL", "--name", "Piotr Zieliński",
              "--languages", "pl,en"],
        input=f"{password}\n{password}\n")
    assert result.exit_code == 0, result.output
    assert password not in result.output

    with Session(app.extensions["engine"]) as session:
        account = session.exec(select(Account).where(Account.username == "tolk-pl")).one()
        interpreter = session.exec(select(Interpreter).where(Interpreter.account_id == account.id)).one()
    assert account.role is Role.interpreter
    assert account.display_name == "Piotr Zieliński"
    assert password_matches(account, password)
    assert interpreter.name == "Piotr Zieliński"
    assert interpreter.speaks("pl") and interpreter.speaks("en")


def test_create_user_refuses_an_easy_password(app):
    from portal.models import Account

    result = app.test_cli_runner().invoke(
        args=["create-user", "--role", "interpreter", "--username", "tolk-de", "--name", "Hans Becker",
              "--languages", "de"],
        input="password123\npassword123\n")
    assert result.exit_code != 0
    assert "password" in result.output.lower()
    with Session(app.extensions["engine"]) as session:
        assert session.exec(select(Account).where(Account.username == "tolk-de")).first() is None


# --- the installed `portal` command, as `make run` uses it ----------------------------------------

def test_portal_demo_serves_on_localhost_port_5000_by_default(make_app, tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'unused.db'}")
    result = app.test_cli_runner().invoke(args=["demo", "--help"])
    assert result.exit_code == 0, result.output
    assert "127.0.0.1" in result.output and "5000" in result.output
    assert "--no-serve" in result.output


def _portal_command() -> str:
    command = Path(sys.executable).parent / "portal"
    assert command.exists(), f"{command} is missing: install the project with `pip install -e .`"
    return str(command)


def _portal_env(database_url: str, instance: Path) -> dict:
    env = {key: value for key, value in os.environ.items() if key not in ENV_SETTINGS}
    env.update(DATABASE_URL=database_url, PORTAL_INSTANCE=str(instance))
    return env


_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via an http_proxy


def test_portal_demo_serves_on_the_given_host_and_port(database_url, tmp_path):
    port = free_port()
    env = _portal_env(database_url, tmp_path / "instance")
    log = tmp_path / "portal.log"
    with open(log, "w") as output:
        server = subprocess.Popen([_portal_command(), "demo", "--host", "127.0.0.1", "--port", str(port)],
                                  env=env, stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                  cwd=tmp_path)
    try:
        deadline = time.monotonic() + 90
        health = None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with _DIRECT.open(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    health = response.status, response.read()
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        assert health is not None, f"`portal demo` did not answer on port {port}:\n{log.read_text()}"
        assert health[0] == 200 and b'"database":"ok"' in health[1].replace(b" ", b"")
        with _DIRECT.open(f"http://127.0.0.1:{port}/sign-in", timeout=5) as page:
            assert page.status == 200
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    _demo_lines(log.read_text())
    assert row_counts(database_url)["account"] == len(DEMO_ROLES)
