"""Shared helpers of the benchmarks: fresh TOTP codes, sign-in through the forms, percentiles."""
import logging
import math
import re
import time

import pyotp

from portal.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
TOTP_STEP = 30


def secret_of(username: str) -> str:
    return next(a.totp_secret for a in DEMO_ACCOUNTS if a.username == username)


class Codes:
    """TOTP codes of steps not used yet, per account of one database: the portal accepts a step once,
    and only the previous, current and next step. Take a code right before posting it."""

    def __init__(self):
        self._last: dict[str, int] = {}

    def next(self, username: str, secret: str | None = None) -> str:
        while True:
            now = time.time()
            now_step = int(now // TOTP_STEP)
            # The previous step only early in a step, so it cannot expire before the form is posted.
            lowest = now_step - 1 if now - now_step * TOTP_STEP < TOTP_STEP - 10 else now_step
            step = max(lowest, self._last.get(username, lowest - 1) + 1)
            if step <= now_step + 1:
                break
            time.sleep(max(0.0, (step - 1) * TOTP_STEP - now + 0.1))
        self._last[username] = step
        return pyotp.TOTP(secret or secret_of(username)).at(step * TOTP_STEP)


def sign_in_client(client, username: str, code, password: str = DEMO_PASSWORD, base: str = "") -> None:
    """Sign a parent (or, with base="/backoffice", a member of staff) in with Flask's test client through both
    forms (password, then code); `code` is a callable, called after the (slow, argon2) password step."""
    token = CSRF.search(client.get(f"{base}/sign-in").text).group(1)
    first = client.post(f"{base}/sign-in", data={"username": username, "password": password, "csrf_token": token})
    if first.status_code != 302:
        raise RuntimeError(f"password step failed for {username}: {first.status_code}")
    token = CSRF.search(client.get(f"{base}/sign-in/code").text).group(1)
    second = client.post(f"{base}/sign-in/code", data={"code": code(), "csrf_token": token})
    if second.status_code != 302:
        raise RuntimeError(f"code step failed for {username}: {second.status_code}")


def scratch_app(directory: str):
    """The portal on a new, migrated SQLite database in `directory` (no rate limits, quiet request log)."""
    from portal import create_app, db

    url = f"sqlite:///{directory}/portal.db"
    db.upgrade(url)
    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": directory, "SECRET_KEY": "bench-" + "x" * 40,
                      "RATELIMIT_ENABLED": False})
    quiet_request_log()
    return app


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (p95: the value 95 % of the samples are at or below)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def quiet_request_log() -> None:
    """The portal logs a JSON line per request to stderr; benchmarks keep their tables readable."""
    logging.getLogger("portal.requests").setLevel(logging.WARNING)


def support_module(name: str):
    """A module of tests/support, loaded by path (an installed package named `tests` shadows the project's
    tests folder)."""
    import importlib.util
    import sys
    from pathlib import Path

    qualified = f"benchmarks_support_{name}"
    if qualified not in sys.modules:
        path = Path(__file__).resolve().parent.parent / "tests" / "support" / f"{name}.py"
        spec = importlib.util.spec_from_file_location(qualified, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[qualified] = module  # dataclasses look their module up while the class is made
        spec.loader.exec_module(module)
    return sys.modules[qualified]


def postgres_cluster_class():
    """tests/support/postgres.py: its PostgresCluster and ClusterError."""
    return support_module("postgres")
