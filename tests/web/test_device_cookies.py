"""Nobody is locked out by strangers: device cookies (OWASP, "Slow Down Online Guessing Attacks with Device
Cookies"). A browser where the account signed in before is counted on its own; every other one meets the
account's limit. On SQLite only, like the other limits: they live in the limiter's memory, not in the database."""
import secrets

import pytest

from portal.accounts import secrets as auth_secrets
from portal.auth import devices
from portal.demo import DEMO_PASSWORD
from support.apps import PRODUCTION_SERVING
from support.pages import say, text_of
from support.sign_in import csrf_token, fresh_code

OLENA = "ouder-olena"
STRONG_KEY = "9f1c2e7a4b8d3f6e0a5c9b2d7e4f1a8c3b6d9e2f5a8c1b4d"


@pytest.fixture
def portal(databases, make_app, tmp_path, monkeypatch):
    """The demo portal; argon2 is replaced by a plain comparison, to keep a hundred attempts quick."""
    monkeypatch.setattr(auth_secrets, "password_matches",
                        lambda account, password: account is not None and password == DEMO_PASSWORD)
    return make_app(databases.create("sqlite", "demo", tmp_path))


def base_of(username: str) -> str:
    return "" if username.startswith("ouder-") else "/backoffice"


def password(client, username: str, typed: str, address: str):
    page = base_of(username) + "/sign-in"
    token = csrf_token(client.get(page, environ_base={"REMOTE_ADDR": address}).text)
    return client.post(page, data={"username": username, "password": typed, "csrf_token": token},
                       environ_base={"REMOTE_ADDR": address})


def sign_in_fully(client, username: str, address: str):
    """Password and code, as the parent does on her phone; returns the code step's answer."""
    first = password(client, username, DEMO_PASSWORD, address)
    assert first.status_code == 302, first.status_code
    page = client.get(base_of(username) + "/sign-in/code", environ_base={"REMOTE_ADDR": address})
    return client.post(base_of(username) + "/sign-in/code",
                       data={"code": fresh_code(username, client.application), "csrf_token": csrf_token(page.text)},
                       environ_base={"REMOTE_ADDR": address})


def sign_out(client, username: str = OLENA) -> None:
    token = csrf_token(client.get(base_of(username) + "/").text)
    assert client.post("/sign-out", data={"csrf_token": token}).status_code == 302


def known_device(app, username: str = OLENA):
    """A browser where the account signed in before, and signed out again."""
    client = app.test_client()
    assert sign_in_fully(client, username, "192.0.2.10").status_code == 302
    assert client.get_cookie(devices.COOKIE) is not None, "signing in left no device cookie"
    sign_out(client, username)
    return client


def stranger_guesses(app, username: str = OLENA, count: int = 100) -> None:
    """Wrong passwords from another browser: 25 per address, under the per-address limit."""
    client = app.test_client()
    for n in range(count):
        answer = password(client, username, f"gok-{n}", f"203.0.113.{n // 25 + 1}")
        assert answer.status_code == 401, n


@pytest.mark.parametrize("username", [OLENA, "anouk"], ids=["parent", "worker"])
def test_a_stranger_guessing_does_not_keep_the_owner_out_of_their_own_device(portal, username):
    phone = known_device(portal, username)
    stranger_guesses(portal, username)
    # The stranger is held now, even with the right password ...
    held = password(portal.test_client(), username, DEMO_PASSWORD, "203.0.113.90")
    assert held.status_code == 429
    # ... and Olena (or Anouk), where she signed in before, signs in at once.
    assert sign_in_fully(phone, username, "192.0.2.10").status_code == 302
    assert phone.get(base_of(username) + "/").status_code == 200


def test_an_unknown_device_still_meets_the_accounts_limit(portal):
    known_device(portal)
    stranger_guesses(portal)
    new_phone = portal.test_client()
    answer = password(new_phone, OLENA, DEMO_PASSWORD, "192.0.2.20")
    assert answer.status_code == 429
    assert say(portal, "nl", "There were too many attempts. Wait a few minutes and try again.") in text_of(answer)


def test_a_forged_or_borrowed_device_cookie_does_not_help(portal):
    sanne_phone = known_device(portal, "ouder-sanne")
    olena_phone = known_device(portal)
    stranger_guesses(portal)
    real = olena_phone.get_cookie(devices.COOKIE).value
    nonce, signature = real.rsplit(".", 1)
    forged = [
        f"{secrets.token_urlsafe(16)}.{signature}",  # another nonce under Olena's signature
        f"{nonce}.{secrets.token_urlsafe(20)}",  # her nonce, a made-up signature
        sanne_phone.get_cookie(devices.COOKIE).value,  # a real device cookie of another account
        "x" * 4000,
    ]
    for value in forged:
        thief = portal.test_client()
        thief.set_cookie(devices.COOKIE, value)
        assert password(thief, OLENA, DEMO_PASSWORD, "198.51.100.3").status_code == 429, value[:40]
    # Sanne's own phone still counts as hers.
    assert sign_in_fully(sanne_phone, "ouder-sanne", "192.0.2.11").status_code == 302


def test_a_device_that_fails_too_often_is_held_on_its_own(portal):
    phone = known_device(portal)
    limit = int(devices.FAILURES_PER_DEVICE.split("/")[0])
    for n in range(limit):
        assert password(phone, OLENA, f"vergeten-{n}", "192.0.2.10").status_code == 401, n
    assert password(phone, OLENA, DEMO_PASSWORD, "192.0.2.10").status_code == 429
    # Its failures were its own: another browser meets the account's untouched limit and signs in.
    assert sign_in_fully(portal.test_client(), OLENA, "192.0.2.30").status_code == 302


def test_only_a_whole_sign_in_makes_a_device_known(portal):
    """The password alone (a stranger who guessed it) gets no device cookie: the code step gives it."""
    client = portal.test_client()
    first = password(client, OLENA, DEMO_PASSWORD, "192.0.2.40")
    assert first.status_code == 302 and client.get_cookie(devices.COOKIE) is None
    assert sign_in_fully(client, OLENA, "192.0.2.40").status_code == 302
    assert client.get_cookie(devices.COOKIE) is not None


def device_cookie_flags(response) -> set[str]:
    """The attributes of the device cookie the response sets (Max-Age without its number)."""
    (cookie,) = [value for value in response.headers.getlist("Set-Cookie")
                 if value.startswith(devices.COOKIE + "=")]
    flags = {part.strip().lower() for part in cookie.split(";")[1:]}
    return {"max-age" if flag.startswith("max-age=") else flag for flag in flags}


def test_the_device_cookie_is_http_only_same_site_and_long_lived(portal):
    flags = device_cookie_flags(sign_in_fully(portal.test_client(), OLENA, "192.0.2.50"))
    assert {"httponly", "samesite=lax", "path=/", "max-age"} <= flags
    assert "secure" not in flags  # local runs over plain http


def test_the_device_cookie_is_secure_in_production(databases, make_app, tmp_path, monkeypatch):
    monkeypatch.setattr(auth_secrets, "password_matches",
                        lambda account, password: account is not None and password == DEMO_PASSWORD)
    url = databases.create("sqlite", "demo", tmp_path)
    app = make_app(url, ENV="production", SECRET_KEY=STRONG_KEY, AUDIT_KEY=STRONG_KEY[::-1], DATABASE_URL=url,
                   **PRODUCTION_SERVING)
    client = app.test_client()
    https = {"base_url": "https://portaal.example", "environ_base": {"REMOTE_ADDR": "192.0.2.60"},
             "headers": {"Referer": "https://portaal.example/sign-in"}}  # CSRF over https checks the referrer
    token = csrf_token(client.get("/sign-in", **https).text)
    assert client.post("/sign-in", data={"username": OLENA, "password": DEMO_PASSWORD, "csrf_token": token},
                       **https).status_code == 302
    token = csrf_token(client.get("/sign-in/code", **https).text)
    done = client.post("/sign-in/code", data={"code": fresh_code(OLENA, app), "csrf_token": token}, **https)
    assert done.status_code == 302
    assert {"secure", "httponly", "samesite=lax"} <= device_cookie_flags(done)


def test_leave_quickly_forgets_the_device(portal):
    """On a shared phone the device cookie would tell that the portal was used here: Leave quickly removes
    it with every other trace, and from then on this phone is a stranger's."""
    phone = portal.test_client()
    assert sign_in_fully(phone, OLENA, "192.0.2.70").status_code == 302
    left = phone.post("/quick-exit")
    assert left.status_code == 303
    assert any(value.startswith(devices.COOKIE + "=;") or value.startswith(devices.COOKIE + '=""')
               for value in left.headers.getlist("Set-Cookie"))
    assert phone.get_cookie(devices.COOKIE) is None
    stranger_guesses(portal)
    assert password(phone, OLENA, DEMO_PASSWORD, "192.0.2.70").status_code == 429
