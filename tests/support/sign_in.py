"""Sign users in for web tests: through the real forms (password, then TOTP), or, where signing in is not
what the test is about, straight into a server-side session (signed_in_client)."""
import hashlib
import re
import secrets
import time

import pyotp

from portal.demo import DEMO_PASSWORD

STAFF_ROLES = {"worker", "teamlead", "interpreter", "partner"}  # who signs in on the back office's pages
# The last time step used per (app, account): each test app has its own fresh database.
_steps: dict[tuple[int, str], int] = {}


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _account(app, username: str):
    from sqlmodel import select

    from portal.models import Account
    from support.pages import database

    with database(app) as db:
        return db.exec(select(Account).where(Account.username == username)).one()


def secret_of(app, username: str) -> str:
    """The authenticator secret of an account in this app's database (the demo's, or one a factory made)."""
    return _account(app, username).totp_secret


def role_of(app, username: str) -> str:
    return _account(app, username).role.value


def forget_used_codes(app, username: str) -> None:
    from sqlalchemy import update

    from portal.models import Account
    from support.pages import database

    with database(app) as db:
        db.exec(update(Account).where(Account.username == username).values(totp_last_step=0))
        db.commit()


def fresh_code(username: str, app) -> str:
    """A valid code of a time step not used yet for this account in this app (codes work once)."""
    key = (id(app), username)
    now = time.time()
    now_step = int(now // 30)
    # The previous step is accepted too, but only while the current one has time left to spare.
    earliest = now_step - 1 if now - now_step * 30 < 20 else now_step
    step = max(earliest, _steps.get(key, earliest - 1) + 1)
    if step > now_step + 1:
        # Every step the portal accepts now was used: instead of waiting for the next one, make the
        # test database forget them, as if that much time had passed (replay tests use fixed codes).
        forget_used_codes(app, username)
        step = earliest
    _steps[key] = step
    return pyotp.TOTP(secret_of(app, username)).at(step * 30)


def sign_in(client, username: str, password: str = DEMO_PASSWORD):
    """Sign in through both steps; returns the response of the code step (a redirect home)."""
    base = "/backoffice" if role_of(client.application, username) in STAFF_ROLES else ""
    token = csrf_token(client.get(base + "/sign-in").text)
    first = client.post(base + "/sign-in", data={"username": username, "password": password, "csrf_token": token})
    assert first.status_code == 302, first.text
    token = csrf_token(client.get(first.headers["Location"]).text)
    second = client.post(base + "/sign-in/code", data={"code": fresh_code(username, client.application),
                                                          "csrf_token": token})
    assert second.status_code == 302, second.text
    return second


def signed_in_client(app, username: str):
    """A client signed in as this account without the sign-in forms (they have their own tests): a live
    server-side session and the cookie that names it, as a successful sign-in leaves them."""
    from sqlmodel import select

    from portal.models import Account, UserSession
    from support.pages import database

    token = secrets.token_urlsafe(32)
    with database(app) as db:
        account = db.exec(select(Account).where(Account.username == username)).one()
        db.add(UserSession(token_hash=hashlib.sha256(token.encode()).hexdigest(), account_id=account.id,
                           generation=account.session_generation))
        db.commit()
    client = app.test_client()
    with client.session_transaction() as cookie:
        cookie["_user_id"], cookie["_fresh"] = token, True
    return client
