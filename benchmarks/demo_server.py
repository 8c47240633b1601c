"""A demo portal on a free loopback port in a background thread, and signed-in HTTP clients for it."""
import http.client
import logging
import re
import socket
import tempfile
import threading
import time
import urllib.parse

import pyotp
from sqlmodel import Session
from werkzeug.serving import make_server

from portal import create_app, db, demo


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class DemoServer:
    """Serve the demo data from a throwaway SQLite instance until stopped."""

    def __init__(self, database_url: str | None = None):
        self.instance = tempfile.TemporaryDirectory()
        url = database_url or f"sqlite:///{self.instance.name}/portal.db"
        db.upgrade(url)
        self.app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": self.instance.name,
                               "RATELIMIT_ENABLED": False})
        with self.app.app_context(), Session(db.engine()) as session:
            demo.load(session)
        self.port = free_port()
        self.server = make_server("127.0.0.1", self.port, self.app, threaded=True)
        for noisy in ("werkzeug", "portal.requests"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.instance.cleanup()


class Browser:
    """A tiny HTTP client that keeps cookies and counts the bytes that cross the wire."""

    def __init__(self, port: int, encoding: str = "br, gzip", headers: dict | None = None):
        self.port, self.encoding, self.cookies = port, encoding, {}
        self.headers = headers or {}  # sent with every request, e.g. the X-Forwarded-For of a proxy

    def request(self, method: str, path: str, form: dict | None = None,
                encoding: str | None = None) -> tuple[int, dict, bytes, int]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Accept-Encoding": encoding or self.encoding, "Host": f"127.0.0.1:{self.port}", **self.headers}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        raw = response.read()
        head = f"HTTP/1.1 {response.status} {response.reason}\r\n" + "".join(
            f"{k}: {v}\r\n" for k, v in response.getheaders()) + "\r\n"
        for key, value in response.getheaders():
            if key.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        connection.close()
        return response.status, dict(response.getheaders()), raw, len(head.encode()) + len(raw)

    def text(self, path: str) -> str:
        return self.request("GET", path, encoding="identity")[2].decode()

    def sign_in(self, username: str, staff: bool = False) -> None:
        base = "/backoffice" if staff else ""
        token = re.search(r'name="csrf_token" value="([^"]+)"', self.text(base + "/sign-in")).group(1)
        status, *_ = self.request("POST", base + "/sign-in", {"username": username, "password": demo.DEMO_PASSWORD,
                                                             "csrf_token": token})
        if status != 302:
            raise RuntimeError(f"password step failed for {username}: {status}")
        secret = next(a.totp_secret for a in demo.DEMO_ACCOUNTS if a.username == username)
        status, *_ = self.request("POST", base + "/sign-in/code",
                                  {"code": pyotp.TOTP(secret).at(time.time()), "csrf_token": token})
        if status != 302:
            raise RuntimeError(f"code step failed for {username}: {status}")
