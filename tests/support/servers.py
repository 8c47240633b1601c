"""Portal app servers in their own processes (gunicorn) on free loopback ports, and a browser for them.

    servers = start_app_servers({"A": (dir_a, env_a), "B": (dir_b, env_b)})  # gunicorn -w 1 each, all at once
    browser = Browser(servers)             # one cookie jar; each request names its server
    stop(servers["A"].process)

Every process runs in its own process group under coreutils `timeout` (LIFETIME), so it ends even
when the test run is killed before its cleanup; every wait has a timeout.
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
from urllib.parse import urlencode

import pyotp

import portal
from support.sign_in import secret_of

START_TIMEOUT = 60  # seconds for a server to answer /healthz
LIFETIME = 600  # seconds: every process started here ends by itself after this, whatever happens to pytest
REQUEST_TIMEOUT = 20


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


def start_process(argv: list[str], log: Path, env: dict | None = None, cwd: Path | None = None) -> subprocess.Popen:
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


def wait_for_app(server: Server) -> None:
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


def server_env(**settings: str) -> dict[str, str]:
    """This process's environment without any portal setting of whoever runs the tests, plus `settings`;
    the server imports the same portal package as the tests."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("PORTAL_", "RATELIMIT_")) and key not in ("DATABASE_URL", "SECRET_KEY")}
    env.update(PYTHONPATH=str(Path(portal.__file__).resolve().parent.parent),
               **settings)
    return env


def start_app_servers(wanted: dict[str, tuple[Path, dict[str, str]]], threads: int = 1) -> dict[str, Server]:
    """gunicorn serving `portal:create_app()` (one worker, `threads` threads) for each name -> (directory, env),
    all starting at once (each takes seconds to import the portal); raises RuntimeError when one does not answer
    /healthz after three tries, with the ones started stopped again."""
    gunicorn = Path(sys.executable).parent / "gunicorn"
    assert gunicorn.exists(), f"{gunicorn} is missing: install the project with `pip install -e .`"
    started: dict[str, Server] = {}
    failures: dict[str, RuntimeError] = {}
    for _attempt in range(3):  # another process may take the free port first
        starting = []
        for name, (directory, env) in wanted.items():
            if name in started:
                continue
            port = free_port()
            log = directory / f"gunicorn-{port}.log"
            process = start_process([str(gunicorn), "-w", "1", "--threads", str(threads), "-b", f"127.0.0.1:{port}",
                                     "--timeout", "30", "--graceful-timeout", "5", "portal:create_app()"],
                                    log, env=env, cwd=directory)
            starting.append(Server(name, port, process, log))
        for server in starting:
            try:
                wait_for_app(server)
                started[server.name] = server
                failures.pop(server.name, None)
            except RuntimeError as error:
                stop(server.process)
                failures[server.name] = error
        if not failures:
            return started
    for server in started.values():
        stop(server.process)
    raise RuntimeError("app servers did not start: " + "; ".join(f"{n}: {e}" for n, e in failures.items()))


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


def totp_code(username: str, app) -> str:
    """The authenticator code of this moment for the account `username` in the database of `app` (a portal app on
    the servers' DATABASE_URL), read as `support.sign_in.secret_of` reads it: a parent a factory made signs in
    through the servers' forms too."""
    return pyotp.TOTP(secret_of(app, username)).now()
