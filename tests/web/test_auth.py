"""Sign-in with a password and a second factor (TOTP, recovery codes, SMS), staff enrolment,
parent activation and the limits on guessing, through the real forms on SQLite and PostgreSQL."""
import datetime as dt
import html
import json
import re
import time
from pathlib import Path
from types import SimpleNamespace

import pyotp
import pytest
import segno
from flask_babel import force_locale, gettext
from markupsafe import escape
from sqlalchemy import update
from sqlmodel import Session, select

from portal import clock as portal_clock
from portal.accounts import secrets as auth_secrets
from portal.demo import DEMO_PASSWORD
from portal.models import (
    Account,
    AuditEvent,
    OneTimeCode,
    OutboxMessage,
    Parent,
    RecoveryCode,
    Role,
    SignInFlow,
)
from support.pages import say
from support.sign_in import csrf_token, secret_of, sign_in

# Sign-in, sessions and stored state: every test here runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_databases

STAFF_PASSWORD = "Zonnebloem-kanaal-2026-fiets"
PASSPHRASE = "paarse fiets op het dak"
RECOVERY_CODE = re.compile(r"<code>([0-9A-F]{6}-[0-9A-F]{6})</code>")


# --- helpers -----------------------------------------------------------------------------------

def engine(app):
    return app.extensions["engine"]


def account_of(app, username: str) -> Account:
    with Session(engine(app)) as db:
        return db.exec(select(Account).where(Account.username == username)).one()


def events(app, **match) -> list[AuditEvent]:
    with Session(engine(app)) as db:
        query = select(AuditEvent).order_by(AuditEvent.id)
        for name, value in match.items():
            query = query.where(getattr(AuditEvent, name) == value)
        return list(db.exec(query).all())


def nl(app, text: str, **values) -> str:
    """The Dutch text of an interface message as it appears (escaped) in a page."""
    with app.test_request_context(), force_locale("nl"):
        return str(escape(gettext(text, **values)))


def base_of(staff: bool) -> str:
    return "/backoffice" if staff else ""


def password_step(client, username: str, password: str = DEMO_PASSWORD, *, staff: bool, **request):
    token = csrf_token(client.get(base_of(staff) + "/sign-in", **request).text)
    return client.post(base_of(staff) + "/sign-in",
                       data={"username": username, "password": password, "csrf_token": token}, **request)


def code_step(client, code: str, *, staff: bool, **request):
    page = client.get(base_of(staff) + "/sign-in/code", **request)
    assert page.status_code == 200, "no code step is pending"
    return client.post(base_of(staff) + "/sign-in/code", data={"code": code, "csrf_token": csrf_token(page.text)},
                       **request)


def home_of(staff: bool) -> str:
    return "/backoffice/" if staff else "/"


def is_signed_in(client, staff: bool) -> bool:
    response = client.get(home_of(staff))
    if response.status_code == 200:
        return True
    assert response.status_code == 302
    assert response.headers["Location"].endswith(base_of(staff) + "/sign-in")
    return False


def sign_out(client, staff: bool) -> None:
    token = csrf_token(client.get(home_of(staff)).text)
    response = client.post("/sign-out", data={"csrf_token": token})
    assert response.status_code == 302
    assert not is_signed_in(client, staff)


def error_text(html: str, field: str) -> str:
    found = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', html, re.S)
    assert found, f"no error shown for {field}"
    return found.group(1)


@pytest.fixture
def clock(monkeypatch) -> float:
    """Freeze the portal's TOTP clock in the middle of the current 30 s step (no flaky step edges)."""
    now = (int(time.time()) // 30) * 30 + 15.0
    monkeypatch.setattr(auth_secrets, "time", SimpleNamespace(time=lambda: now))
    return now


def totp_at(username: str, moment: float) -> str:
    return pyotp.TOTP(secret_of(username)).at(moment)


PEOPLE = [pytest.param("ouder-sanne", False, id="parent"), pytest.param("anouk", True, id="staff")]


# --- 1. a password alone opens nothing ---------------------------------------------------------

@pytest.mark.parametrize("username, staff", PEOPLE)
def test_password_alone_opens_nothing(demo_client, username, staff):
    response = password_step(demo_client, username, staff=staff)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(base_of(staff) + "/sign-in/code")
    # The second step is waiting, but no page opens yet.
    assert demo_client.get(base_of(staff) + "/sign-in/code").status_code == 200
    assert not is_signed_in(demo_client, staff)
    for path in ("/", "/plan", "/appointments", "/backoffice/"):
        assert demo_client.get(path).status_code == 302, path


@pytest.mark.parametrize("username, staff", PEOPLE)
def test_wrong_password_and_unknown_user_get_the_same_answer(demo_app, demo_client, username, staff):
    wrong = password_step(demo_client, username, "niet-het-goede-wachtwoord", staff=staff)
    unknown = password_step(demo_client, "niemand-bekend", DEMO_PASSWORD, staff=staff)
    assert wrong.status_code == unknown.status_code == 401
    expected = nl(demo_app, "The username or password is not right.")
    assert error_text(wrong.text, "password") == error_text(unknown.text, "password") == expected
    assert not is_signed_in(demo_client, staff)
    # No second step was opened either.
    assert demo_client.get(base_of(staff) + "/sign-in/code").status_code == 302


@pytest.mark.parametrize("username, wrong_door", [("ouder-sanne", True), ("anouk", False)],
                         ids=["parent-at-staff-sign-in", "staff-at-family-sign-in"])
def test_nobody_signs_in_at_the_other_sign_in_page(demo_app, demo_client, username, wrong_door):
    response = password_step(demo_client, username, staff=wrong_door)
    assert response.status_code == 401
    assert error_text(response.text, "password") == nl(demo_app, "The username or password is not right.")
    assert demo_client.get(base_of(wrong_door) + "/sign-in/code").status_code == 302
    assert demo_client.get(base_of(not wrong_door) + "/sign-in/code").status_code == 302
    refused = events(demo_app, action="sign_in.password", result="refused")
    assert [event.object for event in refused] == [f"account:{username}"]


STAFF_FORGOT = ("Forgot your password? Ask your team lead for a new first-sign-in letter: it has a new start "
                "password, and you link your authenticator app again. Team leads ask another team lead of their team.")


def test_staff_sign_in_says_who_resets_a_forgotten_password(demo_app, demo_client):
    """The hint names what the back office offers: the team lead's "new first-sign-in letter" on the worker's
    staff page."""
    assert nl(demo_app, STAFF_FORGOT) in demo_client.get("/backoffice/sign-in").text
    assert nl(demo_app, STAFF_FORGOT) not in demo_client.get("/sign-in").text
    teamlead = demo_app.test_client()
    sign_in(teamlead, "teamlead")
    staff_page = teamlead.get(f"/backoffice/staff/{account_of(demo_app, 'anouk').id}")
    assert nl(demo_app, "New first-sign-in letter (resets the password and the app)") in staff_page.text


def test_a_pending_password_step_is_not_valid_at_the_other_door(demo_client, clock):
    assert password_step(demo_client, "ouder-sanne", staff=False).status_code == 302
    # The parent's pending step does not open the staff code step.
    assert demo_client.get("/backoffice/sign-in/code").status_code == 302
    response = demo_client.post("/backoffice/sign-in/code", data={
        "code": totp_at("ouder-sanne", clock), "csrf_token": csrf_token(demo_client.get("/sign-in/code").text)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/backoffice/sign-in")
    assert not is_signed_in(demo_client, True) and not is_signed_in(demo_client, False)


def test_an_inactive_account_gets_the_same_answer(demo_app, demo_client):
    with Session(engine(demo_app)) as db:
        db.exec(update(Account).where(Account.username == "ouder-sanne").values(active=False))
        db.commit()
    response = password_step(demo_client, "ouder-sanne", staff=False)
    assert response.status_code == 401
    assert error_text(response.text, "password") == nl(demo_app, "The username or password is not right.")


# --- 2. TOTP -----------------------------------------------------------------------------------

@pytest.mark.parametrize("username, staff", PEOPLE)
def test_a_valid_code_signs_in(demo_app, demo_client, username, staff, clock):
    assert password_step(demo_client, username, staff=staff).status_code == 302
    response = code_step(demo_client, totp_at(username, clock), staff=staff)
    assert response.status_code == 302
    assert response.headers["Location"] == home_of(staff)
    assert is_signed_in(demo_client, staff)
    account = account_of(demo_app, username)
    assert [e.result for e in events(demo_app, action="sign_in.totp", actor_id=account.id)] == ["ok"]


@pytest.mark.parametrize("username, staff", PEOPLE)
def test_a_wrong_code_is_refused(demo_app, demo_client, username, staff, clock):
    assert password_step(demo_client, username, staff=staff).status_code == 302
    right = totp_at(username, clock)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    response = code_step(demo_client, wrong, staff=staff)
    assert response.status_code == 401
    assert error_text(response.text, "code") == nl(
        demo_app, "This code is not right or was already used. Wait for a new code and try again.")
    assert not is_signed_in(demo_client, staff)


@pytest.mark.parametrize("username, staff", PEOPLE)
def test_a_code_works_only_once(demo_app, demo_client, username, staff, clock):
    code = totp_at(username, clock)
    assert password_step(demo_client, username, staff=staff).status_code == 302
    assert code_step(demo_client, code, staff=staff).status_code == 302
    sign_out(demo_client, staff)

    assert password_step(demo_client, username, staff=staff).status_code == 302
    replay = code_step(demo_client, code, staff=staff)
    assert replay.status_code == 401
    assert error_text(replay.text, "code") == nl(
        demo_app, "This code is not right or was already used. Wait for a new code and try again.")
    assert not is_signed_in(demo_client, staff)

    account = account_of(demo_app, username)
    refused = events(demo_app, action="sign_in.totp", result="refused", actor_id=account.id)
    assert len(refused) == 1
    assert refused[0].object == f"account:{account.id}"
    # The code of the next step still works: only the replay was refused.
    assert code_step(demo_client, totp_at(username, clock + 30), staff=staff).status_code == 302
    assert is_signed_in(demo_client, staff)


def test_the_same_code_in_another_browser_is_refused(demo_app, clock):
    """Two browsers racing with one code: only one gets in."""
    first, second = demo_app.test_client(), demo_app.test_client()
    code = totp_at("anouk", clock)
    assert password_step(first, "anouk", staff=True).status_code == 302
    assert password_step(second, "anouk", staff=True).status_code == 302
    assert code_step(first, code, staff=True).status_code == 302
    assert code_step(second, code, staff=True).status_code == 401
    assert is_signed_in(first, True) and not is_signed_in(second, True)


@pytest.mark.parametrize("steps", [-2, 2, -10])
def test_a_code_two_or_more_steps_away_is_refused(demo_client, clock, steps):
    assert password_step(demo_client, "ouder-sanne", staff=False).status_code == 302
    response = code_step(demo_client, totp_at("ouder-sanne", clock + steps * 30), staff=False)
    assert response.status_code == 401
    assert not is_signed_in(demo_client, False)


@pytest.mark.parametrize("steps", [-1, 1], ids=["previous-step", "next-step"])
def test_a_code_of_the_neighbouring_step_is_accepted(demo_client, clock, steps):
    assert password_step(demo_client, "anouk", staff=True).status_code == 302
    assert code_step(demo_client, totp_at("anouk", clock + steps * 30), staff=True).status_code == 302
    assert is_signed_in(demo_client, True)


def test_accept_totp_one_step_tolerance_and_no_replay(demo_app):
    now = 1_800_000_015.0  # the middle of a 30 s step
    with Session(engine(demo_app)) as db:
        account = db.exec(select(Account).where(Account.username == "anouk")).one()
        totp = pyotp.TOTP(account.totp_secret)

        def code(steps: int) -> str:
            return totp.at(now + steps * 30)

        assert not auth_secrets.accept_totp(db, account, code(-2), now=now)
        assert not auth_secrets.accept_totp(db, account, code(2), now=now)
        assert auth_secrets.accept_totp(db, account, code(-1), now=now)
        assert not auth_secrets.accept_totp(db, account, code(-1), now=now), "a replay was accepted"
        assert auth_secrets.accept_totp(db, account, code(0), now=now)
        assert not auth_secrets.accept_totp(db, account, code(-1), now=now), "an older code after a newer one"
        assert not auth_secrets.accept_totp(db, account, code(0), now=now)
        assert auth_secrets.accept_totp(db, account, code(1), now=now)
        assert not auth_secrets.accept_totp(db, account, code(1), now=now)
        # 30 s later the same code is the previous step's: still used, still refused.
        assert not auth_secrets.accept_totp(db, account, code(1), now=now + 30)
        assert auth_secrets.accept_totp(db, account, code(2), now=now + 30)
    assert account_of(demo_app, "anouk").totp_last_step == int(now // 30) + 2
    assert account_of(demo_app, "bram").totp_last_step == 0  # other accounts are untouched


def test_accept_totp_refuses_malformed_codes(demo_app):
    now = 1_800_000_015.0
    with Session(engine(demo_app)) as db:
        account = db.exec(select(Account).where(Account.username == "bram")).one()
        right = pyotp.TOTP(account.totp_secret).at(now)
        for malformed in ("", right[:5], right + "0", "abcdef", f" {right[1:]}", f"{right[:3]}-{right[3:]}"):
            assert not auth_secrets.accept_totp(db, account, malformed, now=now), malformed
        without_secret = Account(id=account.id, username="x", role=Role.worker, display_name="x", totp_secret=None)
        assert not auth_secrets.accept_totp(db, without_secret, right, now=now)
        assert auth_secrets.accept_totp(db, account, right, now=now)


# --- 3. recovery codes -------------------------------------------------------------------------

def recovery_codes_for(app, username: str) -> list[str]:
    with app.app_context(), Session(engine(app)) as db:
        account = db.exec(select(Account).where(Account.username == username)).one()
        return auth_secrets.new_recovery_codes(db, account)


def stored_recovery_rows(app, username: str) -> list[RecoveryCode]:
    account = account_of(app, username)
    with Session(engine(app)) as db:
        return list(db.exec(select(RecoveryCode).where(RecoveryCode.account_id == account.id)).all())


def test_new_recovery_codes_are_ten_and_stored_only_as_hashes(demo_app):
    codes = recovery_codes_for(demo_app, "anouk")
    assert len(codes) == len(set(codes)) == 10
    assert all(re.fullmatch(r"[0-9A-F]{6}-[0-9A-F]{6}", code) for code in codes)
    rows = stored_recovery_rows(demo_app, "anouk")
    assert len(rows) == 10
    stored = " ".join(f"{row.code_hash} {row.used_at}" for row in rows).upper()
    for code in codes:
        assert code not in stored and code.replace("-", "") not in stored
    assert all(re.fullmatch(r"[0-9a-f]{64}", row.code_hash) for row in rows)

    again = recovery_codes_for(demo_app, "anouk")
    assert not set(again) & set(codes)
    assert len(stored_recovery_rows(demo_app, "anouk")) == 10  # replaced, not added
    assert stored_recovery_rows(demo_app, "bram") == []


def test_a_recovery_code_signs_in_once(demo_app, demo_client):
    codes = recovery_codes_for(demo_app, "anouk")
    assert password_step(demo_client, "anouk", staff=True).status_code == 302
    response = code_step(demo_client, codes[0], staff=True)
    assert response.status_code == 302 and response.headers["Location"] == "/backoffice/"
    assert is_signed_in(demo_client, True)
    sign_out(demo_client, True)

    assert password_step(demo_client, "anouk", staff=True).status_code == 302
    again = code_step(demo_client, codes[0], staff=True)
    assert again.status_code == 401
    assert not is_signed_in(demo_client, True)
    # Another code works, also typed in lower case without the dash.
    assert code_step(demo_client, codes[1].lower().replace("-", ""), staff=True).status_code == 302
    assert is_signed_in(demo_client, True)

    account = account_of(demo_app, "anouk")
    results = [e.result for e in events(demo_app, action="sign_in.recovery_code", actor_id=account.id)]
    assert results == ["ok", "refused", "ok"]


def test_a_recovery_code_is_not_a_password(demo_app, demo_client):
    codes = recovery_codes_for(demo_app, "anouk")
    assert password_step(demo_client, "anouk", codes[0], staff=True).status_code == 401


def test_regenerating_recovery_codes_makes_the_old_ones_fail(demo_app, demo_client, clock):
    old = recovery_codes_for(demo_app, "anouk")
    assert password_step(demo_client, "anouk", staff=True).status_code == 302
    assert code_step(demo_client, totp_at("anouk", clock), staff=True).status_code == 302
    token = csrf_token(demo_client.get("/backoffice/").text)
    page = demo_client.post("/backoffice/recovery-codes", data={"csrf_token": token})
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    new = RECOVERY_CODE.findall(page.text)
    assert len(new) == len(set(new)) == 10
    assert not set(new) & set(old)
    assert len(events(demo_app, action="recovery_codes.renew", result="ok")) == 1
    sign_out(demo_client, True)

    assert password_step(demo_client, "anouk", staff=True).status_code == 302
    assert code_step(demo_client, old[0], staff=True).status_code == 401
    assert code_step(demo_client, new[0], staff=True).status_code == 302
    assert is_signed_in(demo_client, True)


def test_signed_out_visitors_cannot_make_recovery_codes(demo_app, demo_client):
    token = csrf_token(demo_client.get("/backoffice/sign-in").text)
    response = demo_client.post("/backoffice/recovery-codes", data={"csrf_token": token})
    assert response.status_code == 302
    assert RECOVERY_CODE.findall(response.text) == []
    assert events(demo_app, action="recovery_codes.renew") == []


def test_parents_cannot_make_recovery_codes(demo_client, clock):
    assert password_step(demo_client, "ouder-sanne", staff=False).status_code == 302
    assert code_step(demo_client, totp_at("ouder-sanne", clock), staff=False).status_code == 302
    token = csrf_token(demo_client.get("/").text)
    assert demo_client.post("/backoffice/recovery-codes", data={"csrf_token": token}).status_code == 404


# --- 4. staff enrolment ------------------------------------------------------------------------

def create_worker(app, username: str = "evi") -> None:
    result = app.test_cli_runner().invoke(
        args=["create-user", "--role", "worker", "--username", username, "--name", "Evi Jansen",
              "--team", "Team Zuidoost", "--organisation", "Veilig Thuis"],
        input=f"{STAFF_PASSWORD}\n{STAFF_PASSWORD}\n")
    assert result.exit_code == 0, result.output


def shown_key(page: str) -> str:
    """The key a page shows to type into an authenticator app, in groups of four, read back without spaces."""
    found = re.search(r'<code dir="ltr" class="key">([^<]+)</code>', page)
    assert found, "no key shown"
    groups = found.group(1).split(" ")
    assert all(len(group) == 4 for group in groups[:-1]) and 1 <= len(groups[-1]) <= 4, groups
    return "".join(groups)


def open_in_app_link(page: str) -> tuple[str, str]:
    """The address of the page's "Open in your authenticator app" link."""
    found = re.search(r'<a [^>]*href="(otpauth://[^"]+)"[^>]*>([^<]+)</a>', page)
    assert found, "no link that opens the authenticator app"
    return html.unescape(found.group(1)), found.group(2)


def test_a_new_worker_enrols_an_app_at_first_sign_in(app, client, clock):
    create_worker(app)
    assert client.get("/backoffice/enrol").status_code == 302  # not without the password step
    response = password_step(client, "evi", STAFF_PASSWORD, staff=True)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/backoffice/enrol")
    assert not is_signed_in(client, True)

    page = client.get("/backoffice/enrol")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    secret = account_of(app, "evi").totp_secret
    assert secret and re.fullmatch(r"[A-Z2-7]{16,}", secret)
    assert re.search(r'<div class="qr">\s*<svg[^>]*>.*</svg>', page.text, re.S), "no inline QR code"
    assert "<img" not in page.text
    assert shown_key(page.text) == secret
    assert re.search(r'<input id="code" name="code"[^>]*autocomplete="one-time-code"', page.text)
    # Reloading shows the same key: an app already scanned keeps working.
    assert shown_key(client.get("/backoffice/enrol").text) == secret

    right = pyotp.TOTP(secret).at(clock)
    wrong = client.post("/backoffice/enrol", data={"code": f"{(int(right) + 5) % 1_000_000:06d}",
                                                    "csrf_token": csrf_token(page.text)})
    assert wrong.status_code == 401
    assert not account_of(app, "evi").totp_enrolled
    assert not is_signed_in(client, True)

    done = client.post("/backoffice/enrol", data={"code": right, "csrf_token": csrf_token(wrong.text)})
    assert done.status_code == 200
    assert done.headers["Cache-Control"] == "no-store"
    codes = RECOVERY_CODE.findall(done.text)
    assert len(codes) == len(set(codes)) == 10
    assert account_of(app, "evi").totp_enrolled
    assert is_signed_in(client, True)
    assert len(stored_recovery_rows(app, "evi")) == 10
    assert client.get("/backoffice/enrol").status_code == 302  # enrolled once only


def test_an_enrolled_worker_goes_to_the_code_step_next_time(app, client, clock):
    create_worker(app)
    password_step(client, "evi", STAFF_PASSWORD, staff=True)
    page = client.get("/backoffice/enrol")
    secret = account_of(app, "evi").totp_secret
    now = clock
    assert client.post("/backoffice/enrol", data={"code": pyotp.TOTP(secret).at(now - 30),
                                                  "csrf_token": csrf_token(page.text)}).status_code == 200
    sign_out(client, True)
    response = password_step(client, "evi", STAFF_PASSWORD, staff=True)
    assert response.headers["Location"].endswith("/backoffice/sign-in/code")
    assert client.get("/backoffice/enrol").status_code == 302
    assert code_step(client, pyotp.TOTP(secret).at(now + 30), staff=True).status_code == 302
    assert is_signed_in(client, True)


# --- 5. parent activation ----------------------------------------------------------------------

NEW_PARENT = "ouder-nieuw"


def new_parent(app, username: str = NEW_PARENT) -> str:
    """A parent account in Sanne de Boer's household, without password; returns the letter's code."""
    with app.app_context(), Session(engine(app)) as db:
        family_id = db.exec(select(Parent.family_id).join(Account, Account.id == Parent.account_id)
                            .where(Account.username == "ouder-sanne")).one()
        account = Account(username=username, role=Role.parent, display_name="Noor de Boer", language="nl")
        db.add(account)
        db.flush()
        db.add(Parent(family_id=family_id, account_id=account.id, name="Noor de Boer", language="nl"))
        db.commit()
        return auth_secrets.issue_code(db, account, "activation")


def activate(client, username: str, code: str):
    page = client.get("/activate")
    return client.post("/activate", data={"username": username, "code": code, "csrf_token": csrf_token(page.text)})


def choose_password(client, password: str, again: str | None = None):
    page = client.get("/activate/password")
    assert page.status_code == 200
    again = password if again is None else again
    return client.post("/activate/password", data={"password": password, "password_again": again,
                                                   "csrf_token": csrf_token(page.text)})


def activated(app, client, password: str = PASSPHRASE) -> None:
    code = new_parent(app)
    assert activate(client, NEW_PARENT, code).status_code == 302
    response = choose_password(client, password)
    assert response.status_code == 302 and response.headers["Location"].endswith("/activate/second-factor")


def send_sms_code(client, phone: str):
    """The parent types a mobile number and asks for a code to it."""
    page = client.get("/activate/second-factor")
    return client.post("/activate/second-factor", data={"method": "sms", "phone": phone, "code": "", "sms_code": "",
                                                        "csrf_token": csrf_token(page.text)})


def confirm_sms(client, phone: str, code: str):
    """The parent types back the code that came by SMS, the number still in its field."""
    page = client.get("/activate/second-factor")
    return client.post("/activate/second-factor", data={"method": "sms_confirm", "phone": phone, "sms_code": code,
                                                        "code": "", "csrf_token": csrf_token(page.text)})


def choose_sms(app, client, phone: str):
    """SMS as the second factor: a code to the number, typed back."""
    assert send_sms_code(client, phone).status_code == 200
    return confirm_sms(client, phone, last_sms_code(app, phone))


def outbox_lines(app) -> list[dict]:
    """What was sent: a pass of the outbox worker first (the running worker sends within seconds)."""
    sent = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert sent.exit_code == 0, sent.output
    path = Path(app.instance_path) / "outbox.log"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def last_sms_code(app, phone: str) -> str:
    messages = [m for m in outbox_lines(app) if m["channel"] == "sms" and m["to"] == phone]
    assert messages, "no SMS was sent"
    return re.search(r"\b(\d{6})\b", messages[-1]["body"]).group(1)


def activation_refused(app) -> str:
    return nl(app, "This code is not right, was already used or is older than 7 days. "
                   "Ask your contact person for a new letter.")


def print_letter(app) -> tuple[str, list[str]]:
    """The contact person prints a (new) letter for the new parent: the page, and what its QR code holds."""
    staff = app.test_client()
    sign_in(staff, "anouk")  # the contact person of the household
    with Session(engine(app)) as db:
        family_id, parent_id = db.exec(select(Parent.family_id, Parent.id)
                                       .join(Account, Account.id == Parent.account_id)
                                       .where(Account.username == NEW_PARENT)).one()
    file = staff.get(f"/backoffice/families/{family_id}")
    made, make = [], segno.make
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(segno, "make", lambda content, **options: made.append(content) or make(content, **options))
        letter = staff.post(f"/backoffice/families/{family_id}/parents/{parent_id}/letter",
                            data={"csrf_token": csrf_token(file.text)}, follow_redirects=True)
    assert letter.status_code == 200
    return letter.text, made


def test_the_letters_link_carries_the_code_in_the_fragment_only(demo_app):
    """Browsers never send the fragment: no server, proxy or log on the way sees the code."""
    new_parent(demo_app)
    letter, qr_contents = print_letter(demo_app)
    code = re.findall(r'<strong dir="ltr">([^<]+)</strong>', letter)[1]
    assert qr_contents == [f"http://localhost/activate#username={NEW_PARENT}&code={code}"]
    assert '<code dir="ltr">http://localhost/activate</code>' in letter  # the link to type: no code in it
    assert not re.search(r"[?&]code=", letter)


def test_the_activation_page_fills_in_the_form_from_the_fragment(demo_app, demo_client):
    code = new_parent(demo_app)
    page = demo_client.get("/activate")
    nonce = re.search(r"'nonce-([^']+)'", page.headers["Content-Security-Policy"]).group(1)
    script = re.search(rf'<script src="(/static/activate\.js\?v=[0-9a-f]+)" nonce="{nonce}" defer></script>',
                       page.text)
    assert script, "the page does not load the script that reads the fragment"
    with demo_client.get(script.group(1)) as response:
        assert "location.hash" in response.text and "replaceState" in response.text
    # The code has letters: a phone must offer its full keyboard, not the digits only.
    field = re.search(r'<input id="code"[^>]*>', page.text).group(0)
    assert "inputmode" not in field and "pattern" not in field
    # The server reads no code from the address: an old letter's link opens an empty form, and typing works.
    old_link = demo_client.get(f"/activate?username={NEW_PARENT}&code={code}")
    assert re.search(r'<input id="username" name="username" type="text" value=""', old_link.text)
    assert re.search(r'<input id="code" name="code" type="text" value=""', old_link.text)
    assert activate(demo_client, NEW_PARENT, code).status_code == 302


def test_an_activation_code_works_once(demo_app, demo_client):
    code = new_parent(demo_app)
    response = activate(demo_client, NEW_PARENT, code)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/activate/password")

    other = demo_app.test_client()
    again = activate(other, NEW_PARENT, code)
    assert again.status_code == 401
    assert error_text(again.text, "code") == activation_refused(demo_app)
    assert other.get("/activate/password").headers["Location"].endswith("/activate")
    results = [e.result for e in events(demo_app, action="account.activate")]
    assert results == ["ok", "refused"]


def test_an_activation_code_is_accepted_typed_loosely(demo_app, demo_client):
    code = new_parent(demo_app)
    assert activate(demo_client, NEW_PARENT.upper(), f"  {code.lower().replace('-', ' ')} ").status_code == 302


def test_an_expired_activation_code_is_refused(demo_app, demo_client):
    code = new_parent(demo_app)
    with Session(engine(demo_app)) as db:
        row = db.exec(select(OneTimeCode).where(OneTimeCode.purpose == "activation")).one()
        assert dt.timedelta(days=6, hours=23) < row.expires_at - row.created_at <= dt.timedelta(days=7, minutes=1)
        db.exec(update(OneTimeCode).where(OneTimeCode.id == row.id)
                .values(expires_at=portal_clock.now() - dt.timedelta(minutes=1)))
        db.commit()
    response = activate(demo_client, NEW_PARENT, code)
    assert response.status_code == 401
    assert error_text(response.text, "code") == activation_refused(demo_app)


def test_an_activation_code_is_tied_to_its_account(demo_app, demo_client):
    code = new_parent(demo_app)
    assert activate(demo_client, "ouder-sanne", code).status_code == 401
    assert activate(demo_client, "anouk", code).status_code == 401
    assert activate(demo_client, NEW_PARENT, code).status_code == 302


def test_a_new_letter_code_replaces_the_old_one(demo_app, demo_client):
    first = new_parent(demo_app)
    with demo_app.app_context(), Session(engine(demo_app)) as db:
        account = db.exec(select(Account).where(Account.username == NEW_PARENT)).one()
        second = auth_secrets.issue_code(db, account, "activation")
    assert activate(demo_client, NEW_PARENT, first).status_code == 401
    assert activate(demo_client, NEW_PARENT, second).status_code == 302


def test_password_rules_at_activation(demo_app, demo_client):
    code = new_parent(demo_app)
    assert activate(demo_client, NEW_PARENT, code).status_code == 302

    short = choose_password(demo_client, "kort-1234")  # 9 characters
    assert short.status_code == 400
    assert error_text(short.text, "password") == nl(
        demo_app, "Use at least 10 characters. A few words in a row is good, e.g. blue bike on the roof.")

    common = choose_password(demo_client, "wachtwoord123")
    assert common.status_code == 400
    assert error_text(common.text, "password") == nl(
        demo_app, "This password is too easy to guess. Use a few words that belong together only for you.")

    different = choose_password(demo_client, PASSPHRASE, PASSPHRASE + "!")
    assert different.status_code == 400
    assert error_text(different.text, "password_again") == nl(demo_app, "The two passwords are not the same.")
    assert account_of(demo_app, NEW_PARENT).password_hash is None

    good = choose_password(demo_client, PASSPHRASE)
    assert good.status_code == 302
    assert good.headers["Location"].endswith("/activate/second-factor")
    assert auth_secrets.password_matches(account_of(demo_app, NEW_PARENT), PASSPHRASE)
    assert PASSPHRASE not in account_of(demo_app, NEW_PARENT).password_hash
    # Choosing a password does not sign in yet.
    assert not is_signed_in(demo_client, False)


def test_password_problem_rules():
    assert auth_secrets.password_problem("kort-1234") == "short"
    assert auth_secrets.password_problem("wachtwoord123") == "common"
    assert auth_secrets.password_problem("password1234") == "common"
    assert auth_secrets.password_problem("ouder-nieuw-1", "ouder-nieuw") == "common"
    assert auth_secrets.password_problem(PASSPHRASE) is None


def test_the_second_factor_page_offers_an_app_or_sms(demo_app, demo_client):
    activated(demo_app, demo_client)
    page = demo_client.get("/activate/second-factor")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    secret = account_of(demo_app, NEW_PARENT).totp_secret
    assert secret
    assert re.search(r'<div class="qr">\s*<svg[^>]*>.*</svg>', page.text, re.S)
    assert shown_key(page.text) == secret
    assert re.search(r'<input id="code" name="code"[^>]*autocomplete="one-time-code"', page.text)
    assert re.search(r'<input id="phone" name="phone" type="tel"', page.text)
    assert 'name="method" value="totp"' in page.text and 'name="method" value="sms"' in page.text


def test_a_parent_links_an_app(demo_app, demo_client, clock):
    activated(demo_app, demo_client)
    page = demo_client.get("/activate/second-factor")
    secret = account_of(demo_app, NEW_PARENT).totp_secret
    right = pyotp.TOTP(secret).at(clock - 30)
    wrong = demo_client.post("/activate/second-factor", data={
        "method": "totp", "code": f"{(int(right) + 7) % 1_000_000:06d}", "csrf_token": csrf_token(page.text)})
    assert wrong.status_code == 400
    assert not is_signed_in(demo_client, False)
    now = clock
    done = demo_client.post("/activate/second-factor", data={"method": "totp", "code": right,
                                                             "csrf_token": csrf_token(wrong.text)})
    assert done.status_code == 302 and done.headers["Location"] == "/"
    assert is_signed_in(demo_client, False)
    account = account_of(demo_app, NEW_PARENT)
    assert account.second_factor == "totp" and account.totp_enrolled
    sign_out(demo_client, False)
    # From now on: password, then a code from the app.
    assert password_step(demo_client, NEW_PARENT, PASSPHRASE, staff=False).status_code == 302
    assert code_step(demo_client, pyotp.TOTP(secret).at(now + 30), staff=False).status_code == 302
    assert is_signed_in(demo_client, False)


def test_a_parent_chooses_sms_and_signs_in_with_a_code_by_sms(demo_app, demo_client):
    activated(demo_app, demo_client)
    bad = send_sms_code(demo_client, "12")
    assert bad.status_code == 400
    assert error_text(bad.text, "phone") == nl(demo_app, "Type a mobile number, e.g. 06 12345678.")
    assert outbox_lines(demo_app) == []  # nothing is sent to a number that is none
    response = choose_sms(demo_app, demo_client, "06 12345678")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert is_signed_in(demo_client, False)
    account = account_of(demo_app, NEW_PARENT)
    assert (account.second_factor, account.sms_phone) == ("sms", "06 12345678")
    sign_out(demo_client, False)

    # Sign-in: the password step sends a code by SMS.
    assert password_step(demo_client, NEW_PARENT, PASSPHRASE, staff=False).status_code == 302
    code = last_sms_code(demo_app, "06 12345678")
    page = demo_client.get("/sign-in/code")
    assert nl(demo_app, "We sent a code by SMS. It works for 5 minutes.") in page.text
    assert re.search(r'<input id="code" name="code"[^>]*autocomplete="one-time-code"', page.text)
    with Session(engine(demo_app)) as db:
        confirming, message = db.exec(select(OutboxMessage).where(OutboxMessage.account_id == account.id)
                                      .order_by(OutboxMessage.id)).all()
        assert message.channel == "sms" and message.to == "06 12345678" and message.sent_at is not None
    assert code_step(demo_client, code, staff=False).status_code == 302
    assert is_signed_in(demo_client, False)
    sign_out(demo_client, False)

    # The same code a second time: refused; the new SMS code works.
    assert password_step(demo_client, NEW_PARENT, PASSPHRASE, staff=False).status_code == 302
    second = last_sms_code(demo_app, "06 12345678")
    assert code_step(demo_client, code, staff=False).status_code == 401
    assert not is_signed_in(demo_client, False)
    assert code_step(demo_client, second, staff=False).status_code == 302
    sign_out(demo_client, False)
    results = [e.result for e in events(demo_app, action="sign_in.sms", actor_id=account.id)]
    assert results == ["ok", "refused", "ok"]


def test_an_sms_code_expires_after_five_minutes(demo_app, demo_client):
    activated(demo_app, demo_client)
    choose_sms(demo_app, demo_client, "06 12345678")
    sign_out(demo_client, False)
    assert password_step(demo_client, NEW_PARENT, PASSPHRASE, staff=False).status_code == 302
    code = last_sms_code(demo_app, "06 12345678")
    with Session(engine(demo_app)) as db:
        row = db.exec(select(OneTimeCode).where(OneTimeCode.purpose == "sms", OneTimeCode.used_at.is_(None))).one()
        valid_for = row.expires_at - row.created_at
        assert dt.timedelta(minutes=4, seconds=50) < valid_for <= dt.timedelta(minutes=5, seconds=1)
        # Five minutes and a second have passed.
        db.exec(update(OneTimeCode).where(OneTimeCode.id == row.id).values(
            created_at=row.created_at - dt.timedelta(minutes=5, seconds=1),
            expires_at=row.expires_at - dt.timedelta(minutes=5, seconds=1)))
        db.commit()
    assert code_step(demo_client, code, staff=False).status_code == 401
    assert not is_signed_in(demo_client, False)


def test_a_new_sms_code_can_be_asked_for(demo_app, demo_client):
    activated(demo_app, demo_client)
    choose_sms(demo_app, demo_client, "06 12345678")
    sign_out(demo_client, False)
    password_step(demo_client, NEW_PARENT, PASSPHRASE, staff=False)
    first = last_sms_code(demo_app, "06 12345678")
    page = demo_client.get("/sign-in/code")
    assert demo_client.post("/sign-in/code", data={"resend": "1", "code": "",
                                                   "csrf_token": csrf_token(page.text)}).status_code == 200
    assert len(outbox_lines(demo_app)) == 1 + 2  # the code that confirmed the number, then two sign-in codes
    second = last_sms_code(demo_app, "06 12345678")
    if first != second:  # a new code replaces the earlier one
        assert code_step(demo_client, first, staff=False).status_code == 401
    assert code_step(demo_client, second, staff=False).status_code == 302


def test_a_stolen_password_cannot_flood_the_parents_phone_with_codes(demo_app, demo_client):
    activated(demo_app, demo_client)
    choose_sms(demo_app, demo_client, "06 12345678")
    sign_out(demo_client, False)
    password_step(demo_client, NEW_PARENT, PASSPHRASE, staff=False)
    page = demo_client.get("/sign-in/code")
    answers = [demo_client.post("/sign-in/code", data={"resend": "1", "code": "", "csrf_token": csrf_token(page.text)})
               for _ in range(6)]
    assert [a.status_code for a in answers[:4]] == [200] * 4
    assert answers[-1].status_code == 429
    # The code that confirmed the number, then the code at the password step and four more, then no more.
    assert len(outbox_lines(demo_app)) == 1 + 5
    assert code_step(demo_client, last_sms_code(demo_app, "06 12345678"), staff=False).status_code == 302


def test_an_sms_parent_cannot_use_a_totp_code(demo_app, demo_client, clock):
    activated(demo_app, demo_client)
    choose_sms(demo_app, demo_client, "06 12345678")
    sign_out(demo_client, False)
    secret = account_of(demo_app, NEW_PARENT).totp_secret
    password_step(demo_client, NEW_PARENT, PASSPHRASE, staff=False)
    assert code_step(demo_client, pyotp.TOTP(secret).at(clock), staff=False).status_code == 401


PHONE_WORDS = "Is the app on this phone? Tap “Open in your authenticator app”."
COMPUTER_WORDS = "Is this a computer or another phone? Scan the square code with the app."
KEY_WORDS = "Or type this key into the app. The spaces do not matter."


def qr_contents(client, path: str) -> tuple[object, list[str]]:
    """A page and what its QR code holds."""
    made, make = [], segno.make
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(segno, "make", lambda content, **options: made.append(content) or make(content, **options))
        page = client.get(path)
    return page, made


def assert_the_app_opens_on_this_phone(app, page, made: list[str], username: str) -> None:
    """A link opens the app with the account's key (the same as the QR code), the words fit a phone and a
    computer, and the key is shown in groups of four."""
    secret = account_of(app, username).totp_secret
    link, label = open_in_app_link(page.text)
    assert label.strip() == nl(app, "Open in your authenticator app")
    assert made == [link]
    opened = pyotp.parse_uri(link)
    assert (opened.secret, opened.name, opened.issuer) == (secret, username, app.config["APP_NAME"])
    for words in (PHONE_WORDS, COMPUTER_WORDS, KEY_WORDS):
        assert nl(app, words) in page.text, words
    assert nl(app, "Scan this code with an authenticator app, or type the key below into the app.") not in page.text
    assert shown_key(page.text) == secret and " " in re.search(r'class="key">([^<]+)<', page.text).group(1)


def test_a_parent_links_the_app_on_the_phone_that_holds_it(demo_app, demo_client, clock):
    activated(demo_app, demo_client)
    page, made = qr_contents(demo_client, "/activate/second-factor")
    assert_the_app_opens_on_this_phone(demo_app, page, made, NEW_PARENT)
    # The app shows its digits as "123 456": typed so, they count.
    right = pyotp.TOTP(account_of(demo_app, NEW_PARENT).totp_secret).at(clock)
    done = demo_client.post("/activate/second-factor", data={"method": "totp", "code": f"{right[:3]} {right[3:]}",
                                                             "csrf_token": csrf_token(page.text)})
    assert done.status_code == 302 and done.headers["Location"] == "/"
    assert is_signed_in(demo_client, False)


def test_a_worker_links_the_app_on_the_phone_that_holds_it(app, client, clock):
    create_worker(app)
    password_step(client, "evi", STAFF_PASSWORD, staff=True)
    page, made = qr_contents(client, "/backoffice/enrol")
    assert_the_app_opens_on_this_phone(app, page, made, "evi")
    right = pyotp.TOTP(account_of(app, "evi").totp_secret).at(clock)
    done = client.post("/backoffice/enrol", data={"code": f"{right[:3]} {right[3:]}",
                                                  "csrf_token": csrf_token(page.text)})
    assert done.status_code == 200 and account_of(app, "evi").totp_enrolled


def second_factor_of(app) -> tuple[str, str | None, bool]:
    account = account_of(app, NEW_PARENT)
    return account.second_factor, account.sms_phone, account.totp_enrolled


def phone_field(page: str) -> str:
    return re.search(r'<input id="phone" name="phone" type="tel" value="([^"]*)"', page).group(1)


def test_an_sms_number_counts_only_once_a_code_sent_to_it_is_typed_back(demo_app, demo_client):
    activated(demo_app, demo_client)
    before = second_factor_of(demo_app)
    sent = send_sms_code(demo_client, "06 12345678")
    assert sent.status_code == 200
    # The number keeps its own direction inside the sentence (an Arabic one too).
    assert say(demo_app, "nl", "We sent a code to %(phone)s. Type it here. It works for 5 minutes.",
               phone='<bdi dir="ltr">06 12345678</bdi>') in sent.text
    assert re.search(r'<input id="sms_code" name="sms_code"[^>]*autocomplete="one-time-code"', sent.text)
    assert phone_field(sent.text) == "06 12345678"
    # Sent through the outbox by its SMS sender, to that number; nothing of the account changed yet.
    code = last_sms_code(demo_app, "06 12345678")
    assert second_factor_of(demo_app) == before
    assert not is_signed_in(demo_client, False)

    wrong = confirm_sms(demo_client, "06 12345678", f"{(int(code) + 1) % 1_000_000:06d}")
    assert wrong.status_code == 400
    assert error_text(wrong.text, "sms_code") == nl(
        demo_app, "This code is not right or is older than 5 minutes. Type the last code we sent, or send a new one.")
    assert phone_field(wrong.text) == "06 12345678"  # the number typed stays
    assert second_factor_of(demo_app) == before
    assert not is_signed_in(demo_client, False)

    right = confirm_sms(demo_client, "06 12345678", code)
    assert right.status_code == 302 and right.headers["Location"] == "/"
    assert second_factor_of(demo_app) == ("sms", "06 12345678", False)
    assert is_signed_in(demo_client, False)


def test_a_code_confirms_only_the_number_it_was_sent_to(demo_app, demo_client):
    """A typo found after sending: the code of the wrong number does not make the right one count, nor the
    other way round; a code to the corrected number does."""
    activated(demo_app, demo_client)
    send_sms_code(demo_client, "06 12345687")
    typo_code = last_sms_code(demo_app, "06 12345687")
    assert confirm_sms(demo_client, "06 12345678", typo_code).status_code == 400
    assert second_factor_of(demo_app)[1] is None
    assert choose_sms(demo_app, demo_client, "0612345678").status_code == 302
    assert second_factor_of(demo_app) == ("sms", "0612345678", False)


def test_an_expired_confirmation_code_is_refused_and_the_number_stays(demo_app, demo_client):
    activated(demo_app, demo_client)
    send_sms_code(demo_client, "06 12345678")
    code = last_sms_code(demo_app, "06 12345678")
    with Session(engine(demo_app)) as db:
        db.exec(update(OneTimeCode).where(OneTimeCode.used_at.is_(None))
                .values(expires_at=portal_clock.now() - dt.timedelta(seconds=1)))
        db.commit()
    late = confirm_sms(demo_client, "06 12345678", code)
    assert late.status_code == 400
    assert error_text(late.text, "sms_code") == nl(
        demo_app, "This code is not right or is older than 5 minutes. Type the last code we sent, or send a new one.")
    assert phone_field(late.text) == "06 12345678"
    assert second_factor_of(demo_app)[1] is None


def test_confirming_a_number_is_capped(demo_app, demo_client):
    """At most a few codes an hour go to a number being confirmed, and a few wrong codes end the trying."""
    activated(demo_app, demo_client)
    answers = [send_sms_code(demo_client, "06 12345678") for _ in range(6)]
    assert [a.status_code for a in answers] == [200] * 5 + [429]
    assert error_text(answers[-1].text, "sms_code") == nl(
        demo_app, "We sent several codes already. Use the last one, or wait an hour for a new one.")
    assert phone_field(answers[-1].text) == "06 12345678"
    assert len(outbox_lines(demo_app)) == 5
    code = last_sms_code(demo_app, "06 12345678")
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    tries = [confirm_sms(demo_client, "06 12345678", wrong).status_code for _ in range(10)]
    assert tries == [400] * 10
    held = confirm_sms(demo_client, "06 12345678", code)  # even the right code, after ten wrong ones
    assert held.status_code == 429
    assert error_text(held.text, "sms_code") == nl(
        demo_app, "Too many wrong codes. Use the app, or ask your contact person for a new letter.")
    assert second_factor_of(demo_app)[1] is None
    assert not is_signed_in(demo_client, False)


@pytest.mark.parametrize("username, staff", PEOPLE)
def test_code_fields_help_the_phone_fill_in_the_code(demo_client, username, staff):
    password_step(demo_client, username, staff=staff)
    page = demo_client.get(base_of(staff) + "/sign-in/code")
    field = re.search(r'<input id="code" name="code" type="text" value="" autocomplete="one-time-code"'
                      r' required( inputmode="numeric")?', page.text)
    assert field is not None
    # Parents type six digits; staff may type a recovery code (letters and digits): no digits-only keypad.
    assert bool(field.group(1)) is (not staff)
    assert 'autocomplete="current-password"' in demo_client.get(base_of(staff) + "/sign-in").text


# --- 6. limits on guessing ---------------------------------------------------------------------

@pytest.fixture
def sqlite_demo_app(databases, make_app, tmp_path):
    """The demo portal on SQLite only: the limits live in the limiter's memory, not in the database,
    and a hundred argon2 checks per backend would only make the run slower."""
    return make_app(databases.create("sqlite", "demo", tmp_path))


def post_password(client, username: str, password: str, address: str, token: str):
    return client.post("/sign-in", data={"username": username, "password": password, "csrf_token": token},
                       environ_base={"REMOTE_ADDR": address})


def test_one_address_is_slowed_down_after_thirty_attempts_a_minute(sqlite_demo_app):
    client = sqlite_demo_app.test_client()
    token = csrf_token(client.get("/sign-in").text)
    answers = [post_password(client, f"onbekend-{n}", "fout-wachtwoord", "198.51.100.7", token).status_code
               for n in range(31)]
    assert answers[:30] == [401] * 30
    assert answers[30] == 429
    assert post_password(client, "ouder-sanne", DEMO_PASSWORD, "198.51.100.7", token).status_code == 429
    # Another address is not held up.
    assert post_password(client, "ouder-sanne", DEMO_PASSWORD, "198.51.100.8", token).status_code == 302


def test_failures_for_one_account_add_up_across_addresses(sqlite_demo_app):
    client = sqlite_demo_app.test_client()
    token = csrf_token(client.get("/sign-in").text)
    for n in range(100):
        address = f"203.0.113.{n // 25 + 1}"  # 25 a minute per address stays under that limit
        assert post_password(client, "ouder-sanne", f"gok-{n}", address, token).status_code == 401, n
    # The 101st attempt, from a new address and even with the right password, waits.
    locked = post_password(client, "ouder-sanne", DEMO_PASSWORD, "203.0.113.50", token)
    assert locked.status_code == 429
    assert nl(sqlite_demo_app, "There were too many attempts. Wait a few minutes and try again.") in locked.text
    for variant in ("Ouder-Sanne", "OUDER-SANNE"):
        assert post_password(client, variant, DEMO_PASSWORD, "203.0.113.51", token).status_code == 429, variant
    # Other accounts can still sign in.
    assert post_password(client, "ouder-kasia", DEMO_PASSWORD, "203.0.113.50", token).status_code == 302


@pytest.mark.parametrize("variant", [" ouder-sanne", "ouder-sanne ", "ouder-sanne\u200b", "\touder-sanne"],
                         ids=["leading-space", "trailing-space", "zero-width-space", "tab"])
def test_the_account_limit_cannot_be_dodged_by_spelling_the_username_differently(sqlite_demo_app, monkeypatch,
                                                                                 variant):
    """The sign-in cleans the username (spaces, invisible characters); the limit must count the same
    account. argon2 is replaced by a plain comparison here, to keep a hundred attempts quick."""
    monkeypatch.setattr(auth_secrets, "password_matches",
                        lambda account, password: account is not None and password == DEMO_PASSWORD)
    client = sqlite_demo_app.test_client()
    token = csrf_token(client.get("/sign-in").text)
    for n in range(100):
        assert post_password(client, "ouder-sanne", f"gok-{n}", f"203.0.113.{n // 25 + 1}", token).status_code == 401
    assert post_password(client, "ouder-sanne", DEMO_PASSWORD, "203.0.113.60", token).status_code == 429
    dodged = post_password(client, variant, DEMO_PASSWORD, "203.0.113.61", token)
    assert dodged.status_code == 429, "a differently spelled username got past the lock of this account"


def test_wrong_codes_for_one_account_are_limited_too(sqlite_demo_app, clock):
    """After the password, guessing the 6 digits is limited per account, whatever else the form holds
    and from however many addresses: the tenth wrong code ends the code step."""
    client = sqlite_demo_app.test_client()
    assert password_step(client, "anouk", staff=True).status_code == 302
    token = csrf_token(client.get("/backoffice/sign-in/code").text)
    answers = [client.post("/backoffice/sign-in/code", data={"code": wrong, "csrf_token": token, "username": f"x{n}"},
                           environ_base={"REMOTE_ADDR": f"192.0.2.{n + 1}"}).status_code
               for n, wrong in enumerate(wrong_codes("anouk", clock, 10))]
    assert answers == [401] * 9 + [302]
    final = client.post("/backoffice/sign-in/code", data={"code": totp_at("anouk", clock), "csrf_token": token,
                                                          "username": "y"}, environ_base={"REMOTE_ADDR": "192.0.2.99"})
    assert final.status_code == 302 and final.headers["Location"].endswith("/backoffice/sign-in")
    assert not is_signed_in(client, True), "ten wrong codes did not close the code step of this account"


# --- 7. sign-in and activation live on the server: an older copy of the cookie leads nowhere ---------

def copy_of(client):
    """A second browser holding the same cookie, as someone who copied it would."""
    other = client.application.test_client()
    other.set_cookie("portal", client.get_cookie("portal").value)
    return other


def post_code(client, code: str, *, staff: bool, address: str = "192.0.2.1"):
    token = csrf_token(client.get(base_of(staff) + "/sign-in").text)
    return client.post(base_of(staff) + "/sign-in/code", data={"code": code, "csrf_token": token},
                       environ_base={"REMOTE_ADDR": address})


def sent_back_to_sign_in(response, staff: bool) -> bool:
    return response.status_code == 302 and response.headers["Location"].endswith(base_of(staff) + "/sign-in")


def code_step_is_dead(client, username: str, staff: bool, code: str) -> None:
    """The browser is not at the code step, and posting a good code there signs nobody in."""
    assert client.get(base_of(staff) + "/sign-in/code").status_code == 302
    assert sent_back_to_sign_in(post_code(client, code, staff=staff), staff)
    assert not is_signed_in(client, staff)


@pytest.mark.parametrize("username, staff", PEOPLE)
def test_a_copy_of_the_cookie_from_the_password_step_is_dead_once_the_code_step_is_done(
        demo_app, demo_client, username, staff, clock):
    assert password_step(demo_client, username, staff=staff).status_code == 302
    copy = copy_of(demo_client)
    assert code_step(demo_client, totp_at(username, clock), staff=staff).status_code == 302
    code_step_is_dead(copy, username, staff, totp_at(username, clock + 30))
    assert account_of(demo_app, username).totp_last_step == int(clock // 30)  # the copy's code was not even tried
    assert is_signed_in(demo_client, staff)


def activation_is_dead(client) -> None:
    """Neither activation page opens, and a new password and an SMS number of the copier's own change nothing."""
    assert client.get("/activate/password").headers["Location"].endswith("/activate")
    assert client.get("/activate/second-factor").headers["Location"].endswith("/activate")
    token = csrf_token(client.get("/activate").text)
    chosen = client.post("/activate/password", data={"password": "groene boot in de gracht 4",
                                                     "password_again": "groene boot in de gracht 4",
                                                     "csrf_token": token})
    assert chosen.status_code == 302 and chosen.headers["Location"].endswith("/activate")
    factor = client.post("/activate/second-factor", data={"method": "sms", "phone": "06 99999999", "code": "",
                                                          "csrf_token": token})
    assert factor.status_code == 302 and factor.headers["Location"].endswith("/activate")
    assert not is_signed_in(client, False)


def test_older_copies_of_the_cookie_lead_nowhere_during_and_after_activation(demo_app, demo_client):
    code = new_parent(demo_app)
    assert activate(demo_client, NEW_PARENT, code).status_code == 302
    after_code = copy_of(demo_client)
    assert choose_password(demo_client, PASSPHRASE).status_code == 302
    after_password = copy_of(demo_client)
    activation_is_dead(after_code)  # already while the parent is still at the second factor
    assert choose_sms(demo_app, demo_client, "06 12345678").status_code == 302
    assert is_signed_in(demo_client, False)
    for copy in (after_code, after_password):
        activation_is_dead(copy)
    account = account_of(demo_app, NEW_PARENT)
    assert auth_secrets.password_matches(account, PASSPHRASE)
    assert (account.second_factor, account.sms_phone) == ("sms", "06 12345678")


def test_a_new_letter_ends_an_open_activation_and_its_code(demo_app, demo_client):
    code = new_parent(demo_app)
    assert activate(demo_client, NEW_PARENT, code).status_code == 302
    print_letter(demo_app)
    activation_is_dead(demo_client)
    assert account_of(demo_app, NEW_PARENT).password_hash is None
    assert activate(demo_app.test_client(), NEW_PARENT, code).status_code == 401


def signed_in_and_pending(app, username: str, staff: bool, clock: float):
    """The account signed in in one browser, and at the code step in another (someone with the password)."""
    signed_in, elsewhere = app.test_client(), app.test_client()
    assert password_step(signed_in, username, staff=staff).status_code == 302
    assert code_step(signed_in, totp_at(username, clock), staff=staff).status_code == 302
    assert password_step(elsewhere, username, staff=staff).status_code == 302
    return signed_in, elsewhere


@pytest.mark.parametrize("username, staff", PEOPLE)
def test_a_password_change_ends_the_accounts_open_sign_ins(demo_app, username, staff, clock):
    signed_in, elsewhere = signed_in_and_pending(demo_app, username, staff, clock)
    page = signed_in.get(base_of(staff) + "/password")
    changed = signed_in.post(base_of(staff) + "/password", data={
        "current_password": DEMO_PASSWORD, "password": PASSPHRASE, "password_again": PASSPHRASE,
        "csrf_token": csrf_token(page.text)})
    assert changed.status_code == 302
    code_step_is_dead(elsewhere, username, staff, totp_at(username, clock + 30))
    assert is_signed_in(signed_in, staff)


@pytest.mark.parametrize("username, staff", PEOPLE)
def test_signing_out_ends_the_accounts_open_sign_ins(demo_app, username, staff, clock):
    signed_in, elsewhere = signed_in_and_pending(demo_app, username, staff, clock)
    sign_out(signed_in, staff)
    code_step_is_dead(elsewhere, username, staff, totp_at(username, clock + 30))


def test_a_recovery_code_sign_in_cannot_be_replayed(demo_app, demo_client, clock):
    codes = recovery_codes_for(demo_app, "anouk")
    assert password_step(demo_client, "anouk", staff=True).status_code == 302
    copy = copy_of(demo_client)
    assert code_step(demo_client, codes[0], staff=True).status_code == 302
    for code in (codes[0], codes[1], totp_at("anouk", clock)):
        code_step_is_dead(copy, "anouk", True, code)
    assert len([row for row in stored_recovery_rows(demo_app, "anouk") if row.used_at]) == 1
    assert is_signed_in(demo_client, True)


def test_new_recovery_codes_end_the_accounts_open_sign_ins(demo_app, clock):
    signed_in, elsewhere = signed_in_and_pending(demo_app, "anouk", True, clock)
    token = csrf_token(signed_in.get("/backoffice/").text)
    renewed = signed_in.post("/backoffice/recovery-codes", data={"csrf_token": token})
    new = RECOVERY_CODE.findall(renewed.text)
    assert len(new) == 10
    code_step_is_dead(elsewhere, "anouk", True, new[0])
    assert not any(row.used_at for row in stored_recovery_rows(demo_app, "anouk"))


# --- 8. guessing the second factor with the password --------------------------------------------

TOO_MANY = "Too many wrong codes. Sign in again with your password."
TOO_MANY_TODAY = "Too many wrong codes today. Try again tomorrow."


def wrong_codes(username: str, moment: float, count: int) -> list[str]:
    """Codes that are none of the three the portal accepts at this moment."""
    accepted = {totp_at(username, moment + steps * 30) for steps in (-1, 0, 1)}
    return [code for code in (f"{n:06d}" for n in range(count + 3)) if code not in accepted][:count]


def guess(client, username: str, staff: bool, clock: float, count: int, first_address: int = 1) -> list:
    return [post_code(client, code, staff=staff, address=f"198.51.100.{first_address + n}")
            for n, code in enumerate(wrong_codes(username, clock, count))]


def locked_events(app, username: str) -> list[AuditEvent]:
    return events(app, action="sign_in.locked", result="refused", actor_id=account_of(app, username).id)


@pytest.mark.parametrize("username, staff", PEOPLE)
def test_ten_wrong_codes_close_the_code_step_until_the_password_is_given_again(
        demo_app, demo_client, username, staff, clock):
    assert password_step(demo_client, username, staff=staff).status_code == 302
    answers = guess(demo_client, username, staff, clock, 9)
    assert [a.status_code for a in answers] == [401] * 9
    copy = copy_of(demo_client)
    tenth = post_code(demo_client, wrong_codes(username, clock, 10)[-1], staff=staff, address="198.51.100.10")
    assert sent_back_to_sign_in(tenth, staff)
    assert nl(demo_app, TOO_MANY) in demo_client.get(base_of(staff) + "/sign-in").text
    assert len(locked_events(demo_app, username)) == 1
    account = account_of(demo_app, username)
    assert len(events(demo_app, action="sign_in.totp", result="refused", actor_id=account.id)) == 10
    # Not even the right code opens the closed step, in this browser or in a copy of its cookie.
    code_step_is_dead(demo_client, username, staff, totp_at(username, clock))
    code_step_is_dead(copy, username, staff, totp_at(username, clock))
    # The password again opens a new code step, and the right code signs in.
    assert password_step(demo_client, username, staff=staff).status_code == 302
    assert code_step(demo_client, totp_at(username, clock), staff=staff).status_code == 302
    assert is_signed_in(demo_client, staff)


def test_thirty_wrong_codes_close_the_code_step_for_a_day(demo_app, demo_client, clock):
    for round_ in range(3):
        assert password_step(demo_client, "ouder-sanne", staff=False).status_code == 302
        answers = guess(demo_client, "ouder-sanne", False, clock, 10, first_address=1 + 10 * round_)
        assert [a.status_code for a in answers] == [401] * 9 + [302]
    assert nl(demo_app, TOO_MANY_TODAY) in demo_client.get("/sign-in").text
    # The right password opens no code step today: no code of any kind can be tried.
    again = password_step(demo_client, "ouder-sanne", staff=False)
    assert sent_back_to_sign_in(again, False)
    assert nl(demo_app, TOO_MANY_TODAY) in demo_client.get("/sign-in").text
    code_step_is_dead(demo_client, "ouder-sanne", False, totp_at("ouder-sanne", clock))
    assert len(locked_events(demo_app, "ouder-sanne")) == 4
    # A day after the first of those wrong codes, the count starts afresh.
    with Session(engine(demo_app)) as db:
        db.exec(update(Account).where(Account.username == "ouder-sanne")
                .values(code_failures_since=portal_clock.now() - dt.timedelta(days=1, seconds=1)))
        db.commit()
    assert password_step(demo_client, "ouder-sanne", staff=False).status_code == 302
    assert code_step(demo_client, totp_at("ouder-sanne", clock), staff=False).status_code == 302
    assert account_of(demo_app, "ouder-sanne").code_failures == 0


def test_a_right_code_does_not_count_toward_the_day(demo_app, demo_client, clock):
    assert password_step(demo_client, "ouder-sanne", staff=False).status_code == 302
    assert [a.status_code for a in guess(demo_client, "ouder-sanne", False, clock, 3)] == [401] * 3
    assert code_step(demo_client, totp_at("ouder-sanne", clock), staff=False).status_code == 302
    assert account_of(demo_app, "ouder-sanne").code_failures == 3


def test_attempts_count_before_the_code_is_checked(demo_app, demo_client, clock):
    """Guesses sent all at once cannot slip past a limit: at the limit even the right code is refused
    (here the counts are set as if many guesses had raced in)."""
    assert password_step(demo_client, "anouk", staff=True).status_code == 302
    with Session(engine(demo_app)) as db:
        db.exec(update(SignInFlow).where(SignInFlow.consumed_at.is_(None)).values(code_attempts=10))
        db.commit()
    assert sent_back_to_sign_in(post_code(demo_client, totp_at("anouk", clock), staff=True), True)
    assert nl(demo_app, TOO_MANY) in demo_client.get("/backoffice/sign-in").text
    assert password_step(demo_client, "anouk", staff=True).status_code == 302
    with Session(engine(demo_app)) as db:
        db.exec(update(Account).where(Account.username == "anouk").values(code_failures=30,
                                                                          code_failures_since=portal_clock.now()))
        db.commit()
    assert sent_back_to_sign_in(post_code(demo_client, totp_at("anouk", clock), staff=True), True)
    assert nl(demo_app, TOO_MANY_TODAY) in demo_client.get("/backoffice/sign-in").text
    assert not is_signed_in(demo_client, True)
    assert account_of(demo_app, "anouk").totp_last_step == 0  # the right code was never even checked


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_passwords_are_hashed_at_production_strength_outside_tests(database_url, make_app):
    """Test apps hash cheaply (the suite signs in hundreds of times); every other app never does."""
    from argon2 import extract_parameters

    for testing, least_memory in ((False, 64 * 1024), (True, 8)):
        app = make_app(database_url, TESTING=testing)
        with app.app_context():
            stored = auth_secrets.hash_password("een lang genoeg wachtwoord")
            assert auth_secrets.password_matches(SimpleAccount(stored), "een lang genoeg wachtwoord")
        parameters = extract_parameters(stored)
        assert parameters.type.name == "ID" and parameters.memory_cost >= least_memory, testing
        if not testing:
            assert parameters.time_cost >= 3 and parameters.memory_cost >= 64 * 1024


class SimpleAccount:
    """Just the stored hash of an account, for password_matches."""

    def __init__(self, password_hash: str):
        self.password_hash = password_hash
