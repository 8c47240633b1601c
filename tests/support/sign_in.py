"""Sign demo users in through the real forms (password, then TOTP), for web tests."""
import re
import time

import pyotp

from portal.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

STAFF_ROLES = {"worker", "teamlead", "interpreter"}
# The last time step used per (app, account): each test app has its own fresh database.
_steps: dict[tuple[int, str], int] = {}


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def secret_of(username: str) -> str:
    return next(a.totp_secret for a in DEMO_ACCOUNTS if a.username == username)


def role_of(username: str) -> str:
    return next(a.role for a in DEMO_ACCOUNTS if a.username == username)


def fresh_code(username: str, app=None) -> str:
    """A valid code of a time step not used yet for this account in this app (codes work once)."""
    key = (id(app), username)
    now = time.time()
    now_step = int(now // 30)
    # The previous step is accepted too, but only while the current one has time left to spare.
    earliest = now_step - 1 if now - now_step * 30 < 20 else now_step
    step = max(earliest, _steps.get(key, earliest - 1) + 1)
    if step > now_step + 1:
        time.sleep((step - 1) * 30 - time.time() + 0.1)
    _steps[key] = step
    return pyotp.TOTP(secret_of(username)).at(step * 30)


def sign_in(client, username: str, password: str = DEMO_PASSWORD):
    """Sign in through both steps; returns the response of the code step (a redirect home)."""
    base = "/backoffice" if role_of(username) in STAFF_ROLES else ""
    token = csrf_token(client.get(base + "/sign-in").text)
    first = client.post(base + "/sign-in", data={"username": username, "password": password, "csrf_token": token})
    assert first.status_code == 302, first.text
    token = csrf_token(client.get(first.headers["Location"]).text)
    second = client.post(base + "/sign-in/code", data={"code": fresh_code(username, client.application),
                                                          "csrf_token": token})
    assert second.status_code == 302, second.text
    return second
