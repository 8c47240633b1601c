"""Two app servers behind one address, as in production: one PostgreSQL database, one Redis.

Two gunicorn processes (`-w 1`) serve the same portal on two free loopback ports with the same
SECRET_KEY, DATABASE_URL and RATELIMIT_STORAGE_URI=redis://127.0.0.1:<port>/0 (a throwaway
redis-server started here). A user's requests may land on either server:
  (a) a parent who signs in through server A (password on A, code on B) uses the same cookie on
      both; signing out on B ends the session on A too, even for a copy of the old cookie;
  (b) the per-address sign-in limit (30 per minute) counts attempts on both servers together:
      the 31st failed password overall answers 429, on whichever server it lands.
Everything listens on 127.0.0.1 only; every process is stopped at the end (also on failure), and
every wait has a timeout.
"""
from __future__ import annotations

import atexit
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pyotp
import pytest

from portal.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from support.binaries import require_binary

REDIS_HINT = "apt-get install redis-server"
SECRET_KEY = "c4f1e8a9b2d7360f5e1a9c8b7d6e5f4a3b2c1d0e9f8a7b6c"
START_TIMEOUT = 60  # seconds for a server to answer /healthz
LIFETIME = 600  # seconds: every process started here ends by itself after this, whatever happens to pytest
REQUEST_TIMEOUT = 20
PER_ADDRESS_LIMIT = 30  # portal/auth/views.py: PER_ADDRESS = "30/minute"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stop(process: subprocess.Popen) -> None:
    """Stop a process this test started (and its children: its own process group)."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except (ProcessLookupError, PermissionError):
        pass
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def tail(path: Path, lines: int = 40) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen
    log: Path


def _start(argv: list[str], log: Path, env: dict | None = None, cwd: Path | None = None) -> subprocess.Popen:
    """Start a process in its own process group, under coreutils `timeout` so that it also ends when
    this test run is killed before its cleanup."""
    capped = shutil.which("timeout")
    if capped:
        argv = [capped, "--kill-after=5", str(LIFETIME), *argv]
    with open(log, "wb") as output:
        process = subprocess.Popen(argv, stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   env=env, cwd=cwd, start_new_session=True)
    atexit.register(stop, process)  # also when the run ends without the fixtures' cleanup
    return process


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


def _wait_for_app(server: Server) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"server {server.name} stopped:\n{tail(server.log)}")
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=2)
        try:
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
        finally:
            connection.close()
    raise RuntimeError(f"server {server.name} did not answer /healthz on port {server.port}:\n{tail(server.log)}")


@pytest.fixture(scope="module")
def redis_port(tmp_path_factory):
    redis = require_binary("redis-server", REDIS_HINT)
    directory = tmp_path_factory.mktemp("redis")
    log = directory / "redis.log"
    for _attempt in range(3):  # another process may take the free port first
        port = free_port()
        process = _start([redis, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                          "--protected-mode", "yes", "--dir", str(directory)], log)
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
    url = databases.create("postgresql", "demo")  # migrated + portal.demo.load, from the template
    yield url
    databases.drop(url)


@pytest.fixture(scope="module")
def servers(redis_port, shared_database, tmp_path_factory) -> dict[str, Server]:
    gunicorn = Path(sys.executable).parent / "gunicorn"
    assert gunicorn.exists(), f"{gunicorn} is missing: install the project with `pip install -e .`"
    started: dict[str, Server] = {}
    try:
        for name in ("A", "B"):
            directory = tmp_path_factory.mktemp(f"server-{name}")
            env = {key: value for key, value in os.environ.items()
                   if not key.startswith(("PORTAL_", "RATELIMIT_")) and key not in ("DATABASE_URL", "SECRET_KEY")}
            env.update(PORTAL_ENV="local", PORTAL_INSTANCE=str(directory / "instance"), SECRET_KEY=SECRET_KEY,
                       DATABASE_URL=shared_database, RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{redis_port}/0",
                       PYTHONDONTWRITEBYTECODE="1")
            for _attempt in range(3):
                port = free_port()
                log = directory / f"gunicorn-{port}.log"
                process = _start([str(gunicorn), "-w", "1", "-b", f"127.0.0.1:{port}", "--timeout", "30",
                                  "--graceful-timeout", "5", "portal:create_app()"], log, env=env, cwd=directory)
                server = Server(name, port, process, log)
                try:
                    _wait_for_app(server)
                    started[name] = server
                    break
                except RuntimeError as error:
                    stop(process)
                    failure = error
            else:
                pytest.fail(f"app server {name} did not start: {failure}", pytrace=False)
        yield started
    finally:
        for server in started.values():
            stop(server.process)


@pytest.fixture
def fresh_limits(redis_port):
    """Each test starts with no rate-limit counters (they live in Redis, shared by both servers)."""
    assert _redis_command(redis_port, "FLUSHALL").startswith(b"+OK")


# --- a browser that can talk to either server -------------------------------------------------------

@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    text: str

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


@dataclass
class Browser:
    """One browser (one cookie jar) whose requests land on whichever server is named."""

    servers: dict[str, Server]
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, server: str, method: str, path: str, form: dict | None = None) -> Answer:
        headers = {"Accept-Language": "nl"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.servers[server].port, timeout=REQUEST_TIMEOUT)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            answer = Answer(response.status, response.msg, response.read().decode("utf-8", "replace"))
        finally:
            connection.close()
        for cookie in answer.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            value = rest.split(";", 1)[0]
            if not value or "max-age=0" in cookie.lower() or "1970" in cookie:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return answer

    def get(self, server: str, path: str) -> Answer:
        return self.request(server, "GET", path)

    def post(self, server: str, path: str, form: dict) -> Answer:
        return self.request(server, "POST", path, form)

    def token(self, server: str, path: str) -> str:
        page = self.get(server, path)
        assert page.status == 200, (server, path, page.status)
        return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def totp_code(username: str) -> str:
    secret = next(account.totp_secret for account in DEMO_ACCOUNTS if account.username == username)
    return pyotp.TOTP(secret).now()


def test_a_session_holds_on_both_servers_and_ends_on_both(servers, fresh_limits):
    browser = Browser(servers)
    first = browser.post("A", "/sign-in", {"username": "ouder-sanne", "password": DEMO_PASSWORD,
                                           "csrf_token": browser.token("A", "/sign-in")})
    assert first.status == 302 and first.location.endswith("/sign-in/code"), (first.status, tail(servers["A"].log))
    # The code step lands on the other server: the pending sign-in travels in the signed cookie.
    second = browser.post("B", "/sign-in/code", {"code": totp_code("ouder-sanne"),
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


def test_the_sign_in_limit_counts_attempts_on_both_servers(servers, fresh_limits):
    browser = Browser(servers)
    token = browser.token("A", "/sign-in")  # one session; its token is good on both servers
    began = time.monotonic()
    for attempt in range(1, PER_ADDRESS_LIMIT + 1):
        server = "AB"[attempt % 2]
        answer = browser.post(server, "/sign-in", {"username": "ouder-sanne", "password": f"fout-{attempt}",
                                                   "csrf_token": token})
        assert answer.status == 401, f"attempt {attempt} on {server}: {answer.status}\n{tail(servers[server].log)}"
    assert time.monotonic() - began < 50, "too slow to stay within one rate-limit minute"
    for attempt, server in ((PER_ADDRESS_LIMIT + 1, "B"), (PER_ADDRESS_LIMIT + 2, "A")):
        answer = browser.post(server, "/sign-in", {"username": "ouder-sanne", "password": DEMO_PASSWORD,
                                                   "csrf_token": token})
        # Even the right password is refused now: the limit holds on both servers for this address.
        assert answer.status == 429, f"attempt {attempt} overall, on server {server}: {answer.status}"
        assert "<h1>Even geduld</h1>" in answer.text  # the calm "please wait" page
