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
        "code": totp_at(demo_client.application, "ouder-sanne", clock),
        "csrf_token": csrf_token(demo_client.get("/sign-in/code").text)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/backoffice/sign-in")
    assert not is_signed_in(demo_client, True) and not is_signed_in(demo_client, False)


def test_an_inactive_account_gets_the_same_answer(demo_app, demo_client):
    with Session(engine(demo_app)) as db:
        db.exec(update(Account).where(Account.username == "ouder-sanne").values(active=False))
        db.commit()
    response = password_step(demo_client, "ouder-sanne", staff=False)
    assert response.status_code == 401
    assert error_text(response.text, "password") == nl(demo_app, "The username or password is not right.")


@pytest.mark.parametrize("username, staff", PEOPLE)
def test_a_valid_code_signs_in(demo_app, demo_client, username, staff, clock):
    assert password_step(demo_client, username, staff=staff).status_code == 302
    response = code_step(demo_client, totp_at(demo_app, username, clock), staff=staff)
    assert response.status_code == 302
    assert response.headers["Location"] == home_of(staff)
    assert is_signed_in(demo_client, staff)
    account = account_of(demo_app, username)
    assert [e.result for e in events(demo_app, action="sign_in.totp", actor_id=account.id)] == ["ok"]


@pytest.mark.parametrize("username, staff", PEOPLE)
def test_a_wrong_code_is_refused(demo_app, demo_client, username, staff, clock):
    assert password_step(demo_client, username, staff=staff).status_code == 302
    right = totp_at(demo_app, username, clock)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    response = code_step(demo_client, wrong, staff=staff)
    assert response.status_code == 401
    assert error_text(response.text, "code") == nl(
        demo_app, "This code is not right or was already used. Wait for a new code and try again.")
    assert not is_signed_in(demo_client, staff)


@pytest.mark.parametrize("username, staff", PEOPLE)
def test_a_code_works_only_once(demo_app, demo_client, username, staff, clock):
    code = totp_at(demo_app, username, clock)
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
    assert code_step(demo_client, totp_at(demo_app, username, clock + 30), staff=staff).status_code == 302
    assert is_signed_in(demo_client, staff)


def test_the_same_code_in_another_browser_is_refused(demo_app, clock):
    """Two browsers racing with one code: only one gets in."""
    first, second = demo_app.test_client(), demo_app.test_client()
    code = totp_at(demo_app, "anouk", clock)
    assert password_step(first, "anouk", staff=True).status_code == 302
    assert password_step(second, "anouk", staff=True).status_code == 302
    assert code_step(first, code, staff=True).status_code == 302
    assert code_step(second, code, staff=True).status_code == 401
    assert is_signed_in(first, True) and not is_signed_in(second, True)


@pytest.mark.parametrize("steps", [-2, 2, -10])
def test_a_code_two_or_more_steps_away_is_refused(demo_client, clock, steps):
    assert password_step(demo_client, "ouder-sanne", staff=False).status_code == 302
    code = totp_at(demo_client.application, "ouder-sanne", clock + steps * 30)
    response = code_step(demo_client, code, staff=False)
    assert response.status_code == 401
    assert not is_signed_in(demo_client, False)


@pytest.mark.parametrize("steps", [-1, 1], ids=["previous-step", "next-step"])
def test_a_code_of_the_neighbouring_step_is_accepted(demo_client, clock, steps):
    assert password_step(demo_client, "anouk", staff=True).status_code == 302
    code = totp_at(demo_client.application, "anouk", clock + steps * 30)
    assert code_step(demo_client, code, staff=True).status_code == 302
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
    assert code_step(demo_client, totp_at(demo_app, "anouk", clock), staff=True).status_code == 302
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
    code = totp_at(demo_client.application, "ouder-sanne", clock)
    assert code_step(demo_client, code, staff=False).status_code == 302
    token = csrf_token(demo_client.get("/").text)
    assert demo_client.post("/backoffice/recovery-codes", data={"csrf_token": token}).status_code == 404


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
