"""A parent's activation: the letter's code, choosing a password, older cookies leading nowhere."""
import datetime as dt
import re

import pytest
import segno
from sqlalchemy import update
from sqlmodel import Session, select

from portal import clock as portal_clock
from portal.accounts import secrets as auth_secrets
from portal.models import (
    Account,
    OneTimeCode,
    Parent,
)
from portal.web.secret import code_key
from support import factories
from support.sign_in import csrf_token, sign_in
from support.sign_in_steps import (
    NEW_PARENT,
    PASSPHRASE,
    account_of,
    activate,
    choose_password,
    choose_sms,
    copy_of,
    engine,
    error_text,
    events,
    is_signed_in,
    new_parent,
    nl,
)

# Sign-in, sessions and stored state: every test here runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_databases


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


def test_the_letters_link_carries_the_code_in_the_fragment_only(team_app):
    """Browsers never send the fragment: no server, proxy or log on the way sees the code."""
    new_parent(team_app)
    letter, qr_contents = print_letter(team_app)
    code = re.findall(r'<strong dir="ltr">([^<]+)</strong>', letter)[1]
    assert qr_contents == [f"http://localhost/activate#username={NEW_PARENT}&code={code}"]
    assert '<code dir="ltr">http://localhost/activate</code>' in letter  # the link to type: no code in it
    assert not re.search(r"[?&]code=", letter)


def test_the_activation_page_fills_in_the_form_from_the_fragment(team_app, browser):
    code = new_parent(team_app)
    page = browser.get("/activate")
    nonce = re.search(r"'nonce-([^']+)'", page.headers["Content-Security-Policy"]).group(1)
    script = re.search(rf'<script src="(/static/activate\.js\?v=[0-9a-f]+)" nonce="{nonce}" defer></script>',
                       page.text)
    assert script, "the page does not load the script that reads the fragment"
    with browser.get(script.group(1)) as response:
        assert "location.hash" in response.text and "replaceState" in response.text
    # The code has letters: a phone must offer its full keyboard, not the digits only.
    field = re.search(r'<input id="code"[^>]*>', page.text).group(0)
    assert "inputmode" not in field and "pattern" not in field
    # The server reads no code from the address: an old letter's link opens an empty form, and typing works.
    old_link = browser.get(f"/activate?username={NEW_PARENT}&code={code}")
    assert re.search(r'<input id="username" name="username" type="text" value=""', old_link.text)
    assert re.search(r'<input id="code" name="code" type="text" value=""', old_link.text)
    assert activate(browser, NEW_PARENT, code).status_code == 302


def test_an_activation_code_works_once(team_app, browser):
    code = new_parent(team_app)
    response = activate(browser, NEW_PARENT, code)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/activate/password")

    other = team_app.test_client()
    again = activate(other, NEW_PARENT, code)
    assert again.status_code == 401
    assert error_text(again.text, "code") == activation_refused(team_app)
    assert other.get("/activate/password").headers["Location"].endswith("/activate")
    results = [e.result for e in events(team_app, action="account.activate")]
    assert results == ["ok", "refused"]


def test_an_activation_code_is_accepted_typed_loosely(team_app, browser):
    code = new_parent(team_app)
    assert activate(browser, NEW_PARENT.upper(), f"  {code.lower().replace('-', ' ')} ").status_code == 302


def test_an_expired_activation_code_is_refused(team_app, browser):
    code = new_parent(team_app)
    with Session(engine(team_app)) as db:
        row = db.exec(select(OneTimeCode).where(OneTimeCode.purpose == "activation")).one()
        assert dt.timedelta(days=6, hours=23) < row.expires_at - row.created_at <= dt.timedelta(days=7, minutes=1)
        db.exec(update(OneTimeCode).where(OneTimeCode.id == row.id)
                .values(expires_at=portal_clock.now() - dt.timedelta(minutes=1)))
        db.commit()
    response = activate(browser, NEW_PARENT, code)
    assert response.status_code == 401
    assert error_text(response.text, "code") == activation_refused(team_app)


def test_an_activation_code_is_tied_to_its_account(team_app, browser):
    code = new_parent(team_app)
    parent = factories.parent_who_signs_in(team_app)  # a parent of another household
    assert activate(browser, parent, code).status_code == 401
    assert activate(browser, "anouk", code).status_code == 401
    assert activate(browser, NEW_PARENT, code).status_code == 302


def test_a_new_letter_code_replaces_the_old_one(team_app, browser):
    first = new_parent(team_app)
    with team_app.app_context(), Session(engine(team_app)) as db:
        account = db.exec(select(Account).where(Account.username == NEW_PARENT)).one()
        second = auth_secrets.issue_code(db, account, "activation", code_key())
    assert activate(browser, NEW_PARENT, first).status_code == 401
    assert activate(browser, NEW_PARENT, second).status_code == 302


def test_password_rules_at_activation(team_app, browser):
    code = new_parent(team_app)
    assert activate(browser, NEW_PARENT, code).status_code == 302

    short = choose_password(browser, "kort-1234")  # 9 characters
    assert short.status_code == 400
    assert error_text(short.text, "password") == nl(
        team_app, "Use at least 10 characters. A few words in a row is good, e.g. blue bike on the roof.")

    common = choose_password(browser, "wachtwoord123")
    assert common.status_code == 400
    assert error_text(common.text, "password") == nl(
        team_app, "This password is too easy to guess. Use a few words that belong together only for you.")

    different = choose_password(browser, PASSPHRASE, PASSPHRASE + "!")
    assert different.status_code == 400
    assert error_text(different.text, "password_again") == nl(team_app, "The two passwords are not the same.")
    assert account_of(team_app, NEW_PARENT).password_hash is None

    good = choose_password(browser, PASSPHRASE)
    assert good.status_code == 302
    assert good.headers["Location"].endswith("/activate/second-factor")
    assert auth_secrets.password_matches(account_of(team_app, NEW_PARENT), PASSPHRASE)
    assert PASSPHRASE not in account_of(team_app, NEW_PARENT).password_hash
    # Choosing a password does not sign in yet.
    assert not is_signed_in(browser, False)


def test_password_problem_rules():
    assert auth_secrets.password_problem("kort-1234") == "short"
    assert auth_secrets.password_problem("wachtwoord123") == "common"
    assert auth_secrets.password_problem("password1234") == "common"
    assert auth_secrets.password_problem("ouder-nieuw-1", "ouder-nieuw") == "common"
    assert auth_secrets.password_problem(PASSPHRASE) is None


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


def test_older_copies_of_the_cookie_lead_nowhere_during_and_after_activation(team_app, browser):
    code = new_parent(team_app)
    assert activate(browser, NEW_PARENT, code).status_code == 302
    after_code = copy_of(browser)
    assert choose_password(browser, PASSPHRASE).status_code == 302
    after_password = copy_of(browser)
    activation_is_dead(after_code)  # already while the parent is still at the second factor
    assert choose_sms(team_app, browser, "06 12345678").status_code == 302
    assert is_signed_in(browser, False)
    for copy in (after_code, after_password):
        activation_is_dead(copy)
    account = account_of(team_app, NEW_PARENT)
    assert auth_secrets.password_matches(account, PASSPHRASE)
    assert (account.second_factor, account.sms_phone) == ("sms", "06 12345678")


def test_a_new_letter_ends_an_open_activation_and_its_code(team_app, browser):
    code = new_parent(team_app)
    assert activate(browser, NEW_PARENT, code).status_code == 302
    print_letter(team_app)
    activation_is_dead(browser)
    assert account_of(team_app, NEW_PARENT).password_hash is None
    assert activate(team_app.test_client(), NEW_PARENT, code).status_code == 401
