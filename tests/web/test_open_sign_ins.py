"""Open sign-ins live on the server: a cookie copy, a password change, signing out or new codes end them."""
import pytest

from portal.demo import DEMO_PASSWORD
from support.sign_in import csrf_token
from support.sign_in_steps import (
    PASSPHRASE,
    PEOPLE,
    RECOVERY_CODE,
    account_of,
    base_of,
    code_step,
    code_step_is_dead,
    copy_of,
    is_signed_in,
    password_step,
    recovery_codes_for,
    sign_out,
    stored_recovery_rows,
    totp_at,
)

# Sign-in, sessions and stored state: every test here runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_databases


@pytest.mark.parametrize("staff", PEOPLE)
def test_a_copy_of_the_cookie_from_the_password_step_is_dead_once_the_code_step_is_done(
        team_app, browser, username, staff, clock):
    assert password_step(browser, username, staff=staff).status_code == 302
    copy = copy_of(browser)
    assert code_step(browser, totp_at(team_app, username, clock), staff=staff).status_code == 302
    code_step_is_dead(copy, username, staff, totp_at(team_app, username, clock + 30))
    assert account_of(team_app, username).totp_last_step == int(clock // 30)  # the copy's code was not even tried
    assert is_signed_in(browser, staff)


def signed_in_and_pending(app, username: str, staff: bool, clock: float):
    """The account signed in in one browser, and at the code step in another (someone with the password)."""
    signed_in, elsewhere = app.test_client(), app.test_client()
    assert password_step(signed_in, username, staff=staff).status_code == 302
    assert code_step(signed_in, totp_at(app, username, clock), staff=staff).status_code == 302
    assert password_step(elsewhere, username, staff=staff).status_code == 302
    return signed_in, elsewhere


@pytest.mark.parametrize("staff", PEOPLE)
def test_a_password_change_ends_the_accounts_open_sign_ins(team_app, username, staff, clock):
    signed_in, elsewhere = signed_in_and_pending(team_app, username, staff, clock)
    page = signed_in.get(base_of(staff) + "/password")
    changed = signed_in.post(base_of(staff) + "/password", data={
        "current_password": DEMO_PASSWORD, "password": PASSPHRASE, "password_again": PASSPHRASE,
        "csrf_token": csrf_token(page.text)})
    assert changed.status_code == 302
    code_step_is_dead(elsewhere, username, staff, totp_at(team_app, username, clock + 30))
    assert is_signed_in(signed_in, staff)


@pytest.mark.parametrize("staff", PEOPLE)
def test_signing_out_ends_the_accounts_open_sign_ins(team_app, username, staff, clock):
    signed_in, elsewhere = signed_in_and_pending(team_app, username, staff, clock)
    sign_out(signed_in, staff)
    code_step_is_dead(elsewhere, username, staff, totp_at(team_app, username, clock + 30))


def test_a_recovery_code_sign_in_cannot_be_replayed(team_app, browser, clock):
    codes = recovery_codes_for(team_app, "anouk")
    assert password_step(browser, "anouk", staff=True).status_code == 302
    copy = copy_of(browser)
    assert code_step(browser, codes[0], staff=True).status_code == 302
    for code in (codes[0], codes[1], totp_at(team_app, "anouk", clock)):
        code_step_is_dead(copy, "anouk", True, code)
    assert len([row for row in stored_recovery_rows(team_app, "anouk") if row.used_at]) == 1
    assert is_signed_in(browser, True)


def test_new_recovery_codes_end_the_accounts_open_sign_ins(team_app, clock):
    signed_in, elsewhere = signed_in_and_pending(team_app, "anouk", True, clock)
    token = csrf_token(signed_in.get("/backoffice/").text)
    renewed = signed_in.post("/backoffice/recovery-codes", data={"csrf_token": token})
    new = RECOVERY_CODE.findall(renewed.text)
    assert len(new) == 10
    code_step_is_dead(elsewhere, "anouk", True, new[0])
    assert not any(row.used_at for row in stored_recovery_rows(team_app, "anouk"))
