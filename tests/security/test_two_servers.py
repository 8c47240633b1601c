"""Two app servers behind one address, as in production: one PostgreSQL database, one Redis.

Two gunicorn processes (`-w 1`, tests/support/servers.py) serve the same portal on two free
loopback ports with the same SECRET_KEY, audit key and anchor file, DATABASE_URL and
RATELIMIT_STORAGE_URI=redis://127.0.0.1:<port>/0 (a throwaway redis-server started here).
A user's requests may land on either server:
  (a) a parent who signs in through server A (password on A, code on B) uses the same cookie on
      both; signing out on B ends the session on A too, even for a copy of the old cookie;
  (b) the per-address sign-in limit (30 per minute) counts attempts on both servers together:
      the 31st failed password overall answers 429, on whichever server it lands.
Everything listens on 127.0.0.1 only; every process is stopped at the end (also on failure), and
every wait has a timeout.
"""
from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from portal import create_app
from portal.demo import DEMO_PASSWORD
from support import factories
from support.apps import app_settings
from support.binaries import require_binary
from support.servers import (
    START_TIMEOUT,
    Browser,
    Server,
    free_port,
    server_env,
    start_app_servers,
    start_process,
    stop,
    tail,
    totp_code,
)

REDIS_HINT = "apt-get install redis-server"
SECRET_KEY = "c4f1e8a9b2d7360f5e1a9c8b7d6e5f4a3b2c1d0e9f8a7b6c"
AUDIT_KEY = "5d2e8f1a7c4b9e3d6f0a2c8e5b1d7f4a9c3e6b0d8f2a5c1e"
PER_ADDRESS_LIMIT = 30  # portal/auth/views.py: PER_ADDRESS = "30/minute"


def _wait_for_redis(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"redis-server stopped:\n{tail(log)}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as connection:
                connection.sendall(b"PING\r\n")
                if connection.recv(64).startswith(b"+PONG"):
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"redis-server did not answer on 127.0.0.1:{port}:\n{tail(log)}")


def _redis_command(port: int, *words: str) -> bytes:
    command = f"*{len(words)}\r\n" + "".join(f"${len(w)}\r\n{w}\r\n" for w in words)
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        connection.sendall(command.encode())
        return connection.recv(1024)


@pytest.fixture(scope="module")
def redis_port(tmp_path_factory):
    redis = require_binary("redis-server", REDIS_HINT)
    directory = tmp_path_factory.mktemp("redis")
    log = directory / "redis.log"
    for _attempt in range(3):  # another process may take the free port first
        port = free_port()
        process = start_process([redis, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
                                 "no", "--protected-mode", "yes", "--dir", str(directory)], log)
        try:
            _wait_for_redis(port, process, log)
            break
        except RuntimeError:
            stop(process)
    else:
        pytest.fail(f"redis-server did not start:\n{tail(log)}", pytrace=False)
    try:
        yield port
    finally:
        stop(process)


@pytest.fixture(scope="module")
def shared_database(databases):
    url = databases.create("postgresql", "team")  # migrated + the demo team and its staff, from the template
    yield url
    databases.drop(url)


@pytest.fixture(scope="module")
def shared_app(shared_database, tmp_path_factory):
    """A portal app of the tests' own on the servers' database: the factories make what a test needs through it."""
    app = create_app(app_settings(shared_database, tmp_path_factory.mktemp("factories") / "instance"))
    yield app
    app.extensions["engine"].dispose()


@pytest.fixture
def parent(shared_app) -> str:
    """The username of a parent of a new household who has activated the account (the demo's password and an
    authenticator of their own), in the servers' database."""
    return factories.parent_who_signs_in(shared_app)


@pytest.fixture(scope="module")
def servers(redis_port, shared_database, tmp_path_factory) -> dict[str, Server]:
    started: dict[str, Server] = {}
    # One audit key and one anchor file for both, as every server of one portal must share them.
    anchor = tmp_path_factory.mktemp("audit") / "audit-anchor.log"
    wanted = {}
    for name in ("A", "B"):
        directory = tmp_path_factory.mktemp(f"server-{name}")
        wanted[name] = directory, server_env(
            PORTAL_ENV="local", PORTAL_INSTANCE=str(directory / "instance"), SECRET_KEY=SECRET_KEY,
            PORTAL_AUDIT_KEY=AUDIT_KEY, PORTAL_AUDIT_ANCHOR=str(anchor), DATABASE_URL=shared_database,
            RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{redis_port}/0")
    try:
        try:
            started = start_app_servers(wanted)
        except RuntimeError as error:
            pytest.fail(str(error), pytrace=False)
        yield started
    finally:
        for server in started.values():
            stop(server.process)


@pytest.fixture
def fresh_limits(redis_port):
    """Each test starts with no rate-limit counters (they live in Redis, shared by both servers)."""
    assert _redis_command(redis_port, "FLUSHALL").startswith(b"+OK")


def test_a_session_holds_on_both_servers_and_ends_on_both(servers, fresh_limits, shared_app, parent):
    browser = Browser(servers)
    first = browser.post("A", "/sign-in", {"username": parent, "password": DEMO_PASSWORD,
                                           "csrf_token": browser.token("A", "/sign-in")})
    assert first.status == 302 and first.location.endswith("/sign-in/code"), (first.status, tail(servers["A"].log))
    # The code step lands on the other server: the pending sign-in travels in the signed cookie.
    second = browser.post("B", "/sign-in/code", {"code": totp_code(parent, shared_app),
                                                 "csrf_token": browser.token("B", "/sign-in/code")})
    assert second.status == 302 and urlsplit(second.location).path == "/", (second.status, second.location)

    for server in ("A", "B", "A"):
        home = browser.get(server, "/")
        assert home.status == 200, f"signed in, but server {server} answers {home.status} {home.location}"
        assert 'href="/plan"' in home.text  # the parent's own home page
    kept = dict(browser.cookies)  # a copy of the cookie, as a thief or a second tab would have it

    signed_out = browser.post("B", "/sign-out", {"csrf_token": browser.token("B", "/plan")})
    assert signed_out.status == 302 and signed_out.location.endswith("/sign-in")

    for server in ("A", "B"):
        again = Browser(servers, dict(kept)).get(server, "/")
        assert again.status == 302 and again.location.endswith("/sign-in"), \
            f"after signing out on B, server {server} still accepts the old cookie ({again.status})"
    assert browser.get("A", "/plan").status == 302


def test_the_sign_in_limit_counts_attempts_on_both_servers(servers, fresh_limits, parent):
    browser = Browser(servers)
    token = browser.token("A", "/sign-in")  # one session; its token is good on both servers
    began = time.monotonic()
    for attempt in range(1, PER_ADDRESS_LIMIT + 1):
        server = "AB"[attempt % 2]
        answer = browser.post(server, "/sign-in", {"username": parent, "password": f"fout-{attempt}",
                                                   "csrf_token": token})
        assert answer.status == 401, f"attempt {attempt} on {server}: {answer.status}\n{tail(servers[server].log)}"
    assert time.monotonic() - began < 50, "too slow to stay within one rate-limit minute"
    for attempt, server in ((PER_ADDRESS_LIMIT + 1, "B"), (PER_ADDRESS_LIMIT + 2, "A")):
        answer = browser.post(server, "/sign-in", {"username": parent, "password": DEMO_PASSWORD,
                                                   "csrf_token": token})
        # Even the right password is refused now: the limit holds on both servers for this address.
        assert answer.status == 429, f"attempt {attempt} overall, on server {server}: {answer.status}"
        assert "<h1>Even geduld</h1>" in answer.text  # the calm "please wait" page
