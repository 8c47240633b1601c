"""Sessions: a new identifier at sign-in, safe cookie flags, idle and absolute time limits,
ending other sessions after a password change, and the 'stay signed in' warning."""
import datetime as dt
import re

import pytest
from sqlalchemy import update
from sqlmodel import Session, select

from portal import clock
from portal.accounts import secrets as auth_secrets
from portal.accounts import sessions
from portal.demo import DEMO_PASSWORD
from portal.models import Account, UserSession
from portal.web.secret import code_key
from support import factories
from support.apps import PRODUCTION_SERVING
from support.sign_in import csrf_token, role_of, sign_in

STRONG_KEY = "9f1c2e7a4b8d3f6e0a5c9b2d7e4f1a8c3b6d9e2f5a8c1b4d"
PASSPHRASE = "paarse fiets op het dak"
COOKIE = "portal"


A_PARENT = "parent"  # in a parametrisation: the one parent of a household the test makes (fixture `username`)


@pytest.fixture
def username(team_app, who) -> str:
    """The account `who` names: a username of the team's staff, or for A_PARENT a parent made as `parent` is."""
    return factories.parent_who_signs_in(team_app) if who == A_PARENT else who


def engine(app):
    return app.extensions["engine"]


def is_staff(app, username: str) -> bool:
    return role_of(app, username) != "parent"


def home(app, username: str) -> str:
    return "/backoffice/" if is_staff(app, username) else "/"


def sign_in_page(app, username: str) -> str:
    return "/backoffice/sign-in" if is_staff(app, username) else "/sign-in"


def signed_in(client, username: str) -> bool:
    response = client.get(home(client.application, username))
    if response.status_code == 200:
        return True
    assert response.status_code == 302, response.status_code
    assert response.headers["Location"].endswith(sign_in_page(client.application, username))
    return False


def account_id(app, username: str) -> int:
    with Session(engine(app)) as db:
        return db.exec(select(Account.id).where(Account.username == username)).one()


def live_sessions(app, username: str) -> list[UserSession]:
    with Session(engine(app)) as db:
        return list(db.exec(select(UserSession).where(UserSession.account_id == account_id(app, username),
                                                      UserSession.ended_at.is_(None))).all())


def move_back(app, username: str, **deltas: dt.timedelta) -> None:
    """Pretend time passed: move the account's session timestamps (last_seen_at, created_at) back."""
    now = clock.now()
    with Session(engine(app)) as db:
        db.exec(update(UserSession).where(UserSession.account_id == account_id(app, username))
                .values(**{column: now - delta for column, delta in deltas.items()}))
        db.commit()


def cookie_value(client) -> str | None:
    cookie = client.get_cookie(COOKIE)
    return cookie.value if cookie else None


def set_cookies(response) -> list[str]:
    return [value for value in response.headers.getlist("Set-Cookie") if value.startswith(COOKIE + "=")]


# --- a new session at sign-in ------------------------------------------------------------------

@pytest.mark.parametrize("who", [A_PARENT, "anouk"])
def test_the_session_cookie_changes_at_sign_in(team_app, browser, username):
    browser.get(sign_in_page(team_app, username))
    before = cookie_value(browser)
    assert before
    sign_in(browser, username)
    after = cookie_value(browser)
    assert after and after != before
    assert signed_in(browser, username)

    # The cookie from before sign-in (a planted or stolen one) opens nothing.
    other = team_app.test_client()
    other.set_cookie(COOKIE, before)
    assert not signed_in(other, username)


def test_the_cookie_of_the_password_step_opens_nothing(team_app, browser, parent):
    browser.get("/sign-in")
    token = csrf_token(browser.get("/sign-in").text)
    browser.post("/sign-in", data={"username": parent, "password": DEMO_PASSWORD,
                                       "csrf_token": token})
    halfway = cookie_value(browser)
    sign_in(team_app.test_client(), parent)  # the parent signs in elsewhere meanwhile
    other = team_app.test_client()
    other.set_cookie(COOKIE, halfway)
    assert not signed_in(other, parent)


def test_each_sign_in_gets_its_own_session(team_app, parent):
    first, second = team_app.test_client(), team_app.test_client()
    sign_in(first, parent)
    sign_in(second, parent)
    assert cookie_value(first) != cookie_value(second)
    assert len(live_sessions(team_app, parent)) == 2
    token = csrf_token(first.get("/").text)
    first.post("/sign-out", data={"csrf_token": token})
    assert not signed_in(first, parent)
    assert signed_in(second, parent)  # signing out on one phone leaves the other


def test_sign_out_ends_the_session_on_the_server(team_app, browser, parent):
    sign_in(browser, parent)
    stolen = cookie_value(browser)
    token = csrf_token(browser.get("/").text)
    assert browser.post("/sign-out", data={"csrf_token": token}).status_code == 302
    assert not signed_in(browser, parent)
    replay = team_app.test_client()
    replay.set_cookie(COOKIE, stolen)
    assert not signed_in(replay, parent)
    assert live_sessions(team_app, parent) == []


def test_quick_exit_ends_the_session_and_clears_the_browser(team_app, browser, parent):
    sign_in(browser, parent)
    stolen = cookie_value(browser)
    response = browser.post("/quick-exit")
    assert response.status_code == 303
    assert response.headers["Location"] == team_app.config["NEUTRAL_SITE"]
    assert response.headers["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert not signed_in(browser, parent)
    replay = team_app.test_client()
    replay.set_cookie(COOKIE, stolen)
    assert not signed_in(replay, parent)


# --- cookie flags ------------------------------------------------------------------------------

def test_the_session_cookie_is_http_only_and_same_site_lax(browser, parent):
    response = sign_in(browser, parent)
    cookies = set_cookies(response)
    assert cookies, "sign-in set no session cookie"
    for cookie in cookies:
        flags = [part.strip().lower() for part in cookie.split(";")[1:]]
        assert "httponly" in flags
        assert "samesite=lax" in flags
        assert "secure" not in flags  # local runs over plain http
    page = browser.get("/sign-in")
    for cookie in set_cookies(page):
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_the_session_cookie_is_secure_in_production(database_url, databases, make_app):
    databases.fill(database_url, "team")
    app = make_app(database_url, ENV="production", SECRET_KEY=STRONG_KEY, AUDIT_KEY=STRONG_KEY[::-1],
                   DATABASE_URL=database_url, **PRODUCTION_SERVING)
    client = app.test_client()
    page = client.get("/sign-in", base_url="https://portaal.example")
    assert page.status_code == 200
    cookies = set_cookies(page)
    assert cookies
    for cookie in cookies:
        flags = [part.strip().lower() for part in cookie.split(";")[1:]]
        assert {"secure", "httponly", "samesite=lax"} <= set(flags)


# --- idle and absolute limits ------------------------------------------------------------------

@pytest.mark.parametrize("who, idle_minutes, still_in", [
    (A_PARENT, 14, True), (A_PARENT, 16, False),
    ("anouk", 16, True), ("anouk", 29, True), ("anouk", 31, False),
    ("tolk-ar", 31, False), ("teamlead", 29, True),
])
def test_idle_sessions_end(team_app, browser, username, idle_minutes, still_in):
    sign_in(browser, username)
    move_back(team_app, username, last_seen_at=dt.timedelta(minutes=idle_minutes))
    assert signed_in(browser, username) is still_in
    if not still_in:
        # Once ended, the session stays ended: the redirect did not bring it back.
        assert not signed_in(browser, username)


def test_using_the_portal_keeps_the_session_alive(team_app, browser, parent):
    sign_in(browser, parent)
    for _ in range(3):
        move_back(team_app, parent, last_seen_at=dt.timedelta(minutes=14))
        assert signed_in(browser, parent)
    (record,) = live_sessions(team_app, parent)
    assert clock.now() - record.last_seen_at < dt.timedelta(minutes=1)


@pytest.mark.parametrize("who", [A_PARENT, "anouk"])
def test_sessions_end_after_twelve_hours_whatever_happens(team_app, browser, username):
    sign_in(browser, username)
    move_back(team_app, username, created_at=dt.timedelta(hours=11, minutes=58), last_seen_at=dt.timedelta(0))
    assert signed_in(browser, username)
    move_back(team_app, username, created_at=dt.timedelta(hours=12, minutes=1), last_seen_at=dt.timedelta(0))
    assert not signed_in(browser, username)


def session_token(app, client) -> str:
    """The session identifier inside the signed cookie (what Flask-Login keeps as the user id)."""
    data = app.session_interface.get_signing_serializer(app).loads(cookie_value(client))
    return data["_user_id"]


def test_sessions_load_applies_the_limits_at_the_given_time(team_app, browser, parent):
    sign_in(browser, parent)
    token = session_token(team_app, browser)
    (record,) = live_sessions(team_app, parent)
    start = record.last_seen_at
    with Session(engine(team_app)) as db:
        assert sessions.load(db, token, now=start + dt.timedelta(minutes=15)) is None
        assert sessions.load(db, "not-a-token", now=start) is None
        user = sessions.load(db, token, now=start + dt.timedelta(minutes=14, seconds=59))
        assert user is not None and user.account.username == parent
        # That request counted as activity: the idle limit starts again from there.
        assert user.expires_at() == start + dt.timedelta(minutes=29, seconds=59)
        assert sessions.load(db, token, now=start + dt.timedelta(minutes=29)) is not None
        assert sessions.load(db, token, now=record.created_at + dt.timedelta(hours=12)) is None


# --- a password change ends other sessions -----------------------------------------------------

def test_a_new_password_ends_the_other_sessions(team_app, parent):
    phone, laptop = team_app.test_client(), team_app.test_client()
    sign_in(phone, parent)
    sign_in(laptop, parent)
    anouk = team_app.test_client()
    sign_in(anouk, "anouk")

    # The parent lost the phone: a new letter comes, and the parent sets a new password on a new device.
    with team_app.app_context(), Session(engine(team_app)) as db:
        account = db.exec(select(Account).where(Account.username == parent)).one()
        code = auth_secrets.issue_code(db, account, "activation", code_key())
    device = team_app.test_client()
    page = device.get("/activate")
    assert device.post("/activate", data={"username": parent, "code": code,
                                          "csrf_token": csrf_token(page.text)}).status_code == 302
    page = device.get("/activate/password")
    done = device.post("/activate/password", data={"password": PASSPHRASE, "password_again": PASSPHRASE,
                                                   "csrf_token": csrf_token(page.text)})
    assert done.status_code == 302

    assert not signed_in(phone, parent)
    assert not signed_in(laptop, parent)
    assert signed_in(anouk, "anouk")  # other accounts are not touched


def test_end_all_other_keeps_the_current_session(team_app, parent):
    current, other = team_app.test_client(), team_app.test_client()
    sign_in(current, parent)
    sign_in(other, parent)
    kept_token_hash = max(live_sessions(team_app, parent), key=lambda s: s.id).token_hash
    with Session(engine(team_app)) as db:
        account = db.exec(select(Account).where(Account.username == parent)).one()
        keep = db.exec(select(UserSession).where(UserSession.token_hash == kept_token_hash)).one()
        sessions.end_all_other(db, account, keep=keep)
    # `other` signed in last: its session is the one kept.
    assert signed_in(other, parent)
    assert not signed_in(current, parent)


def test_deactivating_an_account_ends_its_sessions(team_app, browser, parent):
    sign_in(browser, parent)
    with Session(engine(team_app)) as db:
        db.exec(update(Account).where(Account.username == parent).values(active=False))
        db.commit()
    assert not signed_in(browser, parent)


# --- staying signed in -------------------------------------------------------------------------

def test_stay_signed_in_extends_the_session(team_app, browser, parent):
    sign_in(browser, parent)
    token = csrf_token(browser.get("/plan").text)
    move_back(team_app, parent, last_seen_at=dt.timedelta(minutes=14))
    response = browser.post("/session/extend", data={"csrf_token": token, "next": "/plan"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/plan"
    (record,) = live_sessions(team_app, parent)
    assert clock.now() - record.last_seen_at < dt.timedelta(seconds=30)
    # Fourteen more minutes later the session is still there: 28 minutes after the last page.
    move_back(team_app, parent, last_seen_at=dt.timedelta(minutes=14))
    assert signed_in(browser, parent)


def test_stay_signed_in_only_goes_to_pages_of_the_portal(browser, parent):
    sign_in(browser, parent)
    token = csrf_token(browser.get("/").text)
    response = browser.post("/session/extend", data={"csrf_token": token, "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_stay_signed_in_cannot_revive_an_ended_session(team_app, browser, parent):
    sign_in(browser, parent)
    token = csrf_token(browser.get("/").text)
    move_back(team_app, parent, last_seen_at=dt.timedelta(minutes=16))
    response = browser.post("/session/extend", data={"csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/sign-in")
    assert not signed_in(browser, parent)


def test_stay_signed_in_needs_the_form_token(team_app, browser, parent):
    sign_in(browser, parent)
    browser.get("/")
    move_back(team_app, parent, last_seen_at=dt.timedelta(minutes=10))
    assert browser.post("/session/extend", data={}).status_code == 400


def expires_in(html: str) -> int | None:
    found = re.search(r'<body[^>]*\sdata-expires-in="(\d+)"', html)
    return int(found.group(1)) if found else None


def idle_warning(html: str) -> str | None:
    found = re.search(r'<div id="idle-warning"[^>]*>.*?</div>', html, re.S)
    return found.group(0) if found else None


@pytest.mark.parametrize("path", ["/", "/plan", "/appointments"])
def test_family_pages_carry_the_idle_warning(browser, parent, path):
    sign_in(browser, parent)
    page = browser.get(path)
    assert page.status_code == 200
    warning = idle_warning(page.text)
    assert warning and " hidden" in warning.split(">")[0]
    assert 'action="/session/extend"' in warning and 'name="csrf_token"' in warning
    assert 14 * 60 < expires_in(page.text) <= 15 * 60


@pytest.mark.parametrize("who, path", [("anouk", "/backoffice/"), ("tolk-ar", "/backoffice/")])
def test_back_office_pages_carry_the_idle_warning(browser, username, path):
    sign_in(browser, username)
    page = browser.get(path)
    assert page.status_code == 200
    assert idle_warning(page.text)
    assert expires_in(page.text) is not None, "no data-expires-in: the idle warning never shows for staff"
    assert 29 * 60 < expires_in(page.text) <= 30 * 60


def test_the_warning_counts_down_to_the_twelve_hour_limit(team_app, browser, parent):
    sign_in(browser, parent)
    move_back(team_app, parent, created_at=dt.timedelta(hours=11, minutes=55), last_seen_at=dt.timedelta(0))
    assert 4 * 60 < expires_in(browser.get("/").text) <= 5 * 60


def test_signed_out_pages_have_no_idle_warning(browser):
    for path in ("/sign-in", "/backoffice/sign-in", "/activate"):
        page = browser.get(path)
        assert idle_warning(page.text) is None and expires_in(page.text) is None
