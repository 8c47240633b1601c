"""Signing in with a password, then an app's code or a recovery code, for parents and staff."""
import re
import subprocess
import sys

import pyotp
import pytest
from sqlalchemy import update
from sqlmodel import Session, select

from portal.accounts import secrets as auth_secrets
from portal.demo import DEMO_PASSWORD
from portal.models import (
    Account,
    Role,
)
from support.sign_in import csrf_token, sign_in
from support.sign_in_steps import (
    PEOPLE,
    RECOVERY_CODE,
    account_of,
    base_of,
    code_step,
    engine,
    error_text,
    events,
    home_of,
    is_signed_in,
    nl,
    password_step,
    recovery_codes_for,
    sign_out,
    stored_recovery_rows,
    totp_at,
)

# Sign-in, sessions and stored state: every test here runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_databases


@pytest.mark.parametrize("staff", PEOPLE)
def test_password_alone_opens_nothing(browser, username, staff):
    response = password_step(browser, username, staff=staff)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(base_of(staff) + "/sign-in/code")
    # The second step is waiting, but no page opens yet.
    assert browser.get(base_of(staff) + "/sign-in/code").status_code == 200
    assert not is_signed_in(browser, staff)
    for path in ("/", "/plan", "/appointments", "/backoffice/"):
        assert browser.get(path).status_code == 302, path


@pytest.mark.parametrize("staff", PEOPLE)
def test_wrong_password_and_unknown_user_get_the_same_answer(team_app, browser, username, staff):
    wrong = password_step(browser, username, "niet-het-goede-wachtwoord", staff=staff)
    unknown = password_step(browser, "niemand-bekend", DEMO_PASSWORD, staff=staff)
    assert wrong.status_code == unknown.status_code == 401
    expected = nl(team_app, "The username or password is not right.")
    assert error_text(wrong.text, "password") == error_text(unknown.text, "password") == expected
    assert not is_signed_in(browser, staff)
    # No second step was opened either.
    assert browser.get(base_of(staff) + "/sign-in/code").status_code == 302


@pytest.mark.parametrize("staff", [pytest.param(False, id="parent-at-staff-sign-in"),
                                   pytest.param(True, id="staff-at-family-sign-in")])
def test_nobody_signs_in_at_the_other_sign_in_page(team_app, browser, username, staff):
    wrong_door = not staff  # the back office's page for a parent, the families' page for staff
    response = password_step(browser, username, staff=wrong_door)
    assert response.status_code == 401
    assert error_text(response.text, "password") == nl(team_app, "The username or password is not right.")
    assert browser.get(base_of(wrong_door) + "/sign-in/code").status_code == 302
    assert browser.get(base_of(not wrong_door) + "/sign-in/code").status_code == 302
    refused = events(team_app, action="sign_in.password", result="refused")
    assert [event.object for event in refused] == [f"account:{username}"]


STAFF_FORGOT = ("Forgot your password? Ask your team lead for a new first-sign-in letter: it has a new start "
                "password, and you link your authenticator app again. Team leads ask another team lead of their team.")


def test_parent_reaches_home(browser, parent):
    """A parent signs in through the real forms (password, then the app's code) and reaches the home page."""
    sign_in(browser, parent)
    page = browser.get("/")
    assert page.status_code == 200
    assert "Wie bel ik nu?" in page.text or "Who do I call now?" in page.text


def test_staff_sign_in_says_who_resets_a_forgotten_password(team_app, browser):
    """The hint names what the back office offers: the team lead's "new first-sign-in letter" on the worker's
    staff page."""
    assert nl(team_app, STAFF_FORGOT) in browser.get("/backoffice/sign-in").text
    assert nl(team_app, STAFF_FORGOT) not in browser.get("/sign-in").text
    teamlead = team_app.test_client()
    sign_in(teamlead, "teamlead")
    staff_page = teamlead.get(f"/backoffice/staff/{account_of(team_app, 'anouk').id}")
    assert nl(team_app, "New first-sign-in letter (resets the password and the app)") in staff_page.text


def test_a_pending_password_step_is_not_valid_at_the_other_door(team_app, browser, parent, clock):
    assert password_step(browser, parent, staff=False).status_code == 302
    # The parent's pending step does not open the staff code step.
    assert browser.get("/backoffice/sign-in/code").status_code == 302
    response = browser.post("/backoffice/sign-in/code", data={
        "code": totp_at(team_app, parent, clock),
        "csrf_token": csrf_token(browser.get("/sign-in/code").text)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/backoffice/sign-in")
    assert not is_signed_in(browser, True) and not is_signed_in(browser, False)


def test_an_inactive_account_gets_the_same_answer(team_app, browser, parent):
    with Session(engine(team_app)) as db:
        db.exec(update(Account).where(Account.username == parent).values(active=False))
        db.commit()
    response = password_step(browser, parent, staff=False)
    assert response.status_code == 401
    assert error_text(response.text, "password") == nl(team_app, "The username or password is not right.")


@pytest.mark.parametrize("staff", PEOPLE)
def test_a_valid_code_signs_in(team_app, browser, username, staff, clock):
    assert password_step(browser, username, staff=staff).status_code == 302
    response = code_step(browser, totp_at(team_app, username, clock), staff=staff)
    assert response.status_code == 302
    assert response.headers["Location"] == home_of(staff)
    assert is_signed_in(browser, staff)
    account = account_of(team_app, username)
    assert [e.result for e in events(team_app, action="sign_in.totp", actor_id=account.id)] == ["ok"]


@pytest.mark.parametrize("staff", PEOPLE)
def test_a_wrong_code_is_refused(team_app, browser, username, staff, clock):
    assert password_step(browser, username, staff=staff).status_code == 302
    right = totp_at(team_app, username, clock)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    response = code_step(browser, wrong, staff=staff)
    assert response.status_code == 401
    assert error_text(response.text, "code") == nl(
        team_app, "This code is not right or was already used. Wait for a new code and try again.")
    assert not is_signed_in(browser, staff)


@pytest.mark.parametrize("staff", PEOPLE)
def test_a_code_works_only_once(team_app, browser, username, staff, clock):
    code = totp_at(team_app, username, clock)
    assert password_step(browser, username, staff=staff).status_code == 302
    assert code_step(browser, code, staff=staff).status_code == 302
    sign_out(browser, staff)

    assert password_step(browser, username, staff=staff).status_code == 302
    replay = code_step(browser, code, staff=staff)
    assert replay.status_code == 401
    assert error_text(replay.text, "code") == nl(
        team_app, "This code is not right or was already used. Wait for a new code and try again.")
    assert not is_signed_in(browser, staff)

    account = account_of(team_app, username)
    refused = events(team_app, action="sign_in.totp", result="refused", actor_id=account.id)
    assert len(refused) == 1
    assert refused[0].object == f"account:{account.id}"
    # The code of the next step still works: only the replay was refused.
    assert code_step(browser, totp_at(team_app, username, clock + 30), staff=staff).status_code == 302
    assert is_signed_in(browser, staff)


def test_the_same_code_in_another_browser_is_refused(team_app, clock):
    """Two browsers racing with one code: only one gets in."""
    first, second = team_app.test_client(), team_app.test_client()
    code = totp_at(team_app, "anouk", clock)
    assert password_step(first, "anouk", staff=True).status_code == 302
    assert password_step(second, "anouk", staff=True).status_code == 302
    assert code_step(first, code, staff=True).status_code == 302
    assert code_step(second, code, staff=True).status_code == 401
    assert is_signed_in(first, True) and not is_signed_in(second, True)


@pytest.mark.parametrize("steps", [-2, 2, -10])
def test_a_code_two_or_more_steps_away_is_refused(team_app, browser, parent, clock, steps):
    assert password_step(browser, parent, staff=False).status_code == 302
    response = code_step(browser, totp_at(team_app, parent, clock + steps * 30), staff=False)
    assert response.status_code == 401
    assert not is_signed_in(browser, False)


@pytest.mark.parametrize("steps", [-1, 1], ids=["previous-step", "next-step"])
def test_a_code_of_the_neighbouring_step_is_accepted(team_app, browser, clock, steps):
    assert password_step(browser, "anouk", staff=True).status_code == 302
    assert code_step(browser, totp_at(team_app, "anouk", clock + steps * 30), staff=True).status_code == 302
    assert is_signed_in(browser, True)


def test_accept_totp_one_step_tolerance_and_no_replay(team_app):
    now = 1_800_000_015.0  # the middle of a 30 s step
    with Session(engine(team_app)) as db:
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
    assert account_of(team_app, "anouk").totp_last_step == int(now // 30) + 2
    assert account_of(team_app, "bram").totp_last_step == 0  # other accounts are untouched


def test_accept_totp_refuses_malformed_codes(team_app):
    now = 1_800_000_015.0
    with Session(engine(team_app)) as db:
        account = db.exec(select(Account).where(Account.username == "bram")).one()
        right = pyotp.TOTP(account.totp_secret).at(now)
        for malformed in ("", right[:5], right + "0", "abcdef", f" {right[1:]}", f"{right[:3]}-{right[3:]}"):
            assert not auth_secrets.accept_totp(db, account, malformed, now=now), malformed
        without_secret = Account(id=account.id, username="x", role=Role.worker, display_name="x", totp_secret=None)
        assert not auth_secrets.accept_totp(db, without_secret, right, now=now)
        assert auth_secrets.accept_totp(db, account, right, now=now)


def test_new_recovery_codes_are_ten_and_stored_only_as_hashes(team_app):
    codes = recovery_codes_for(team_app, "anouk")
    assert len(codes) == len(set(codes)) == 10
    assert all(re.fullmatch(r"[0-9A-F]{6}-[0-9A-F]{6}", code) for code in codes)
    rows = stored_recovery_rows(team_app, "anouk")
    assert len(rows) == 10
    stored = " ".join(f"{row.code_hash} {row.used_at}" for row in rows).upper()
    for code in codes:
        assert code not in stored and code.replace("-", "") not in stored
    assert all(re.fullmatch(r"[0-9a-f]{64}", row.code_hash) for row in rows)

    again = recovery_codes_for(team_app, "anouk")
    assert not set(again) & set(codes)
    assert len(stored_recovery_rows(team_app, "anouk")) == 10  # replaced, not added
    assert stored_recovery_rows(team_app, "bram") == []


def test_a_recovery_code_signs_in_once(team_app, browser):
    codes = recovery_codes_for(team_app, "anouk")
    assert password_step(browser, "anouk", staff=True).status_code == 302
    response = code_step(browser, codes[0], staff=True)
    assert response.status_code == 302 and response.headers["Location"] == "/backoffice/"
    assert is_signed_in(browser, True)
    sign_out(browser, True)

    assert password_step(browser, "anouk", staff=True).status_code == 302
    again = code_step(browser, codes[0], staff=True)
    assert again.status_code == 401
    assert not is_signed_in(browser, True)
    # Another code works, also typed in lower case without the dash.
    assert code_step(browser, codes[1].lower().replace("-", ""), staff=True).status_code == 302
    assert is_signed_in(browser, True)

    account = account_of(team_app, "anouk")
    results = [e.result for e in events(team_app, action="sign_in.recovery_code", actor_id=account.id)]
    assert results == ["ok", "refused", "ok"]


def test_a_recovery_code_is_not_a_password(team_app, browser):
    codes = recovery_codes_for(team_app, "anouk")
    assert password_step(browser, "anouk", codes[0], staff=True).status_code == 401


def test_regenerating_recovery_codes_makes_the_old_ones_fail(team_app, browser, clock):
    old = recovery_codes_for(team_app, "anouk")
    assert password_step(browser, "anouk", staff=True).status_code == 302
    assert code_step(browser, totp_at(team_app, "anouk", clock), staff=True).status_code == 302
    token = csrf_token(browser.get("/backoffice/").text)
    page = browser.post("/backoffice/recovery-codes", data={"csrf_token": token})
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    new = RECOVERY_CODE.findall(page.text)
    assert len(new) == len(set(new)) == 10
    assert not set(new) & set(old)
    assert len(events(team_app, action="recovery_codes.renew", result="ok")) == 1
    sign_out(browser, True)

    assert password_step(browser, "anouk", staff=True).status_code == 302
    assert code_step(browser, old[0], staff=True).status_code == 401
    assert code_step(browser, new[0], staff=True).status_code == 302
    assert is_signed_in(browser, True)


def test_signed_out_visitors_cannot_make_recovery_codes(team_app, browser):
    token = csrf_token(browser.get("/backoffice/sign-in").text)
    response = browser.post("/backoffice/recovery-codes", data={"csrf_token": token})
    assert response.status_code == 302
    assert RECOVERY_CODE.findall(response.text) == []
    assert events(team_app, action="recovery_codes.renew") == []


def test_parents_cannot_make_recovery_codes(team_app, browser, parent, clock):
    assert password_step(browser, parent, staff=False).status_code == 302
    assert code_step(browser, totp_at(team_app, parent, clock), staff=False).status_code == 302
    token = csrf_token(browser.get("/").text)
    assert browser.post("/backoffice/recovery-codes", data={"csrf_token": token}).status_code == 404


@pytest.mark.parametrize("staff", PEOPLE)
def test_code_fields_help_the_phone_fill_in_the_code(browser, username, staff):
    password_step(browser, username, staff=staff)
    page = browser.get(base_of(staff) + "/sign-in/code")
    field = re.search(r'<input id="code" name="code" type="text" value="" autocomplete="one-time-code"'
                      r' required( inputmode="numeric")?', page.text)
    assert field is not None
    # Parents type six digits; staff may type a recovery code (letters and digits): no digits-only keypad.
    assert bool(field.group(1)) is (not staff)
    assert 'autocomplete="current-password"' in browser.get(base_of(staff) + "/sign-in").text


def test_passwords_are_hashed_at_production_strength_outside_tests():
    """The suite hashes cheaply (it signs in hundreds of times, tests/conftest.py); the portal on its own never
    does: a fresh interpreter, as the server starts, hashes and checks at argon2id's recommended cost."""
    from argon2 import extract_parameters

    script = ("from portal.accounts import secrets\n"
              "stored = secrets.hash_password('een lang genoeg wachtwoord')\n"
              "class Account: password_hash = stored\n"
              "assert secrets.password_matches(Account(), 'een lang genoeg wachtwoord')\n"
              "print(stored)")
    stored = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.strip()
    parameters = extract_parameters(stored)
    assert parameters.type.name == "ID" and parameters.time_cost >= 3 and parameters.memory_cost >= 64 * 1024
    assert extract_parameters(auth_secrets.hash_password("een lang genoeg wachtwoord")).memory_cost == 8
