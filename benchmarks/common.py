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
    """TOTP codes of steps not used yet, per account of one database: the portal accepts a step
    once and only the previous, current and next step, so a fourth sign-in within 30 s waits."""

    def __init__(self):
        self._last: dict[str, int] = {}

    def next(self, username: str, secret: str | None = None) -> str:
        now_step = int(time.time() // TOTP_STEP)
        step = max(now_step - 1, self._last.get(username, now_step - 2) + 1)
        if step > now_step + 1:
            time.sleep(max(0.0, (step - 1) * TOTP_STEP - time.time() + 0.1))
        self._last[username] = step
        return pyotp.TOTP(secret or secret_of(username)).at(step * TOTP_STEP)


def sign_in_client(client, username: str, code: str, password: str = DEMO_PASSWORD) -> None:
    """Sign a parent in with Flask's test client through both forms (password, then code)."""
    token = CSRF.search(client.get("/sign-in").text).group(1)
    first = client.post("/sign-in", data={"username": username, "password": password, "csrf_token": token})
    if first.status_code != 302:
        raise RuntimeError(f"password step failed for {username}: {first.status_code}")
    token = CSRF.search(client.get("/sign-in/code").text).group(1)
    second = client.post("/sign-in/code", data={"code": code, "csrf_token": token})
    if second.status_code != 302:
        raise RuntimeError(f"code step failed for {username}: {second.status_code}")


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (p95: the value 95 % of the samples are at or below)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def quiet_request_log() -> None:
    """The portal logs a JSON line per request to stderr; benchmarks keep their tables readable."""
    logging.getLogger("portal.requests").setLevel(logging.WARNING)
