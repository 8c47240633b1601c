"""The limits on guessing passwords and codes: per address, per account, per sign-in and per day."""
import datetime as dt

import pytest
from sqlalchemy import update
from sqlmodel import Session

from portal import clock as portal_clock
from portal.accounts import secrets as auth_secrets
from portal.demo import DEMO_PASSWORD
from portal.models import (
    Account,
    AuditEvent,
    SignInFlow,
)
from support import factories
from support.sign_in import csrf_token
from support.sign_in_steps import (
    PEOPLE,
    account_of,
    base_of,
    code_step,
    code_step_is_dead,
    copy_of,
    engine,
    events,
    is_signed_in,
    nl,
    password_step,
    post_code,
    sent_back_to_sign_in,
    totp_at,
)

# Sign-in, sessions and stored state: every test here runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_databases


@pytest.fixture
def sqlite_team_app(databases, make_app, tmp_path):
    """The portal with the demo team and its staff (no households), on SQLite only: the limits live in the
    limiter's memory, not in the database, and a hundred argon2 checks per backend would only make the run slower."""
    return make_app(databases.create("sqlite", "team", tmp_path))


def post_password(client, username: str, password: str, address: str, token: str):
    return client.post("/sign-in", data={"username": username, "password": password, "csrf_token": token},
                       environ_base={"REMOTE_ADDR": address})


def test_one_address_is_slowed_down_after_thirty_attempts_a_minute(sqlite_team_app):
    parent = factories.parent_who_signs_in(sqlite_team_app)
    client = sqlite_team_app.test_client()
    token = csrf_token(client.get("/sign-in").text)
    answers = [post_password(client, f"onbekend-{n}", "fout-wachtwoord", "198.51.100.7", token).status_code
               for n in range(31)]
    assert answers[:30] == [401] * 30
    assert answers[30] == 429
    assert post_password(client, parent, DEMO_PASSWORD, "198.51.100.7", token).status_code == 429
    # Another address is not held up.
    assert post_password(client, parent, DEMO_PASSWORD, "198.51.100.8", token).status_code == 302


def test_failures_for_one_account_add_up_across_addresses(sqlite_team_app):
    parent, other = (factories.parent_who_signs_in(sqlite_team_app) for _ in range(2))
    client = sqlite_team_app.test_client()
    token = csrf_token(client.get("/sign-in").text)
    for n in range(100):
        address = f"203.0.113.{n // 25 + 1}"  # 25 a minute per address stays under that limit
        assert post_password(client, parent, f"gok-{n}", address, token).status_code == 401, n
    # The 101st attempt, from a new address and even with the right password, waits.
    locked = post_password(client, parent, DEMO_PASSWORD, "203.0.113.50", token)
    assert locked.status_code == 429
    assert nl(sqlite_team_app, "There were too many attempts. Wait a few minutes and try again.") in locked.text
    for variant in (parent.title(), parent.upper()):
        assert post_password(client, variant, DEMO_PASSWORD, "203.0.113.51", token).status_code == 429, variant
    # Other accounts can still sign in.
    assert post_password(client, other, DEMO_PASSWORD, "203.0.113.50", token).status_code == 302


@pytest.mark.parametrize("variant", [" {}", "{} ", "{}\u200b", "\t{}"],
                         ids=["leading-space", "trailing-space", "zero-width-space", "tab"])
def test_the_account_limit_cannot_be_dodged_by_spelling_the_username_differently(sqlite_team_app, monkeypatch,
                                                                                 variant):
    """The sign-in cleans the username (spaces, invisible characters); the limit must count the same
    account. argon2 is replaced by a plain comparison here, to keep a hundred attempts quick."""
    monkeypatch.setattr(auth_secrets, "password_matches",
                        lambda account, password: account is not None and password == DEMO_PASSWORD)
    parent = factories.parent_who_signs_in(sqlite_team_app)
    client = sqlite_team_app.test_client()
    token = csrf_token(client.get("/sign-in").text)
    for n in range(100):
        assert post_password(client, parent, f"gok-{n}", f"203.0.113.{n // 25 + 1}", token).status_code == 401
    assert post_password(client, parent, DEMO_PASSWORD, "203.0.113.60", token).status_code == 429
    dodged = post_password(client, variant.format(parent), DEMO_PASSWORD, "203.0.113.61", token)
    assert dodged.status_code == 429, "a differently spelled username got past the lock of this account"


def test_wrong_codes_for_one_account_are_limited_too(sqlite_team_app, clock):
    """After the password, guessing the 6 digits is limited per account, whatever else the form holds
    and from however many addresses: the tenth wrong code ends the code step."""
    client = sqlite_team_app.test_client()
    assert password_step(client, "anouk", staff=True).status_code == 302
    token = csrf_token(client.get("/backoffice/sign-in/code").text)
    answers = [client.post("/backoffice/sign-in/code", data={"code": wrong, "csrf_token": token, "username": f"x{n}"},
                           environ_base={"REMOTE_ADDR": f"192.0.2.{n + 1}"}).status_code
               for n, wrong in enumerate(wrong_codes(sqlite_team_app, "anouk", clock, 10))]
    assert answers == [401] * 9 + [302]
    final = client.post("/backoffice/sign-in/code",
                        data={"code": totp_at(sqlite_team_app, "anouk", clock), "csrf_token": token, "username": "y"},
                        environ_base={"REMOTE_ADDR": "192.0.2.99"})
    assert final.status_code == 302 and final.headers["Location"].endswith("/backoffice/sign-in")
    assert not is_signed_in(client, True), "ten wrong codes did not close the code step of this account"


TOO_MANY = "Too many wrong codes. Sign in again with your password."
TOO_MANY_TODAY = "Too many wrong codes today. Try again tomorrow."


def wrong_codes(app, username: str, moment: float, count: int) -> list[str]:
    """Codes that are none of the three the portal accepts at this moment."""
    accepted = {totp_at(app, username, moment + steps * 30) for steps in (-1, 0, 1)}
    return [code for code in (f"{n:06d}" for n in range(count + 3)) if code not in accepted][:count]


def guess(client, username: str, staff: bool, clock: float, count: int, first_address: int = 1) -> list:
    return [post_code(client, code, staff=staff, address=f"198.51.100.{first_address + n}")
            for n, code in enumerate(wrong_codes(client.application, username, clock, count))]


def locked_events(app, username: str) -> list[AuditEvent]:
    return events(app, action="sign_in.locked", result="refused", actor_id=account_of(app, username).id)


@pytest.mark.parametrize("staff", PEOPLE)
def test_ten_wrong_codes_close_the_code_step_until_the_password_is_given_again(
        team_app, browser, username, staff, clock):
    assert password_step(browser, username, staff=staff).status_code == 302
    answers = guess(browser, username, staff, clock, 9)
    assert [a.status_code for a in answers] == [401] * 9
    copy = copy_of(browser)
    tenth = post_code(browser, wrong_codes(team_app, username, clock, 10)[-1], staff=staff, address="198.51.100.10")
    assert sent_back_to_sign_in(tenth, staff)
    assert nl(team_app, TOO_MANY) in browser.get(base_of(staff) + "/sign-in").text
    assert len(locked_events(team_app, username)) == 1
    account = account_of(team_app, username)
    assert len(events(team_app, action="sign_in.totp", result="refused", actor_id=account.id)) == 10
    # Not even the right code opens the closed step, in this browser or in a copy of its cookie.
    code_step_is_dead(browser, username, staff, totp_at(team_app, username, clock))
    code_step_is_dead(copy, username, staff, totp_at(team_app, username, clock))
    # The password again opens a new code step, and the right code signs in.
    assert password_step(browser, username, staff=staff).status_code == 302
    assert code_step(browser, totp_at(team_app, username, clock), staff=staff).status_code == 302
    assert is_signed_in(browser, staff)


def test_thirty_wrong_codes_close_the_code_step_for_a_day(team_app, browser, parent, clock):
    for round_ in range(3):
        assert password_step(browser, parent, staff=False).status_code == 302
        answers = guess(browser, parent, False, clock, 10, first_address=1 + 10 * round_)
        assert [a.status_code for a in answers] == [401] * 9 + [302]
    assert nl(team_app, TOO_MANY_TODAY) in browser.get("/sign-in").text
    # The right password opens no code step today: no code of any kind can be tried.
    again = password_step(browser, parent, staff=False)
    assert sent_back_to_sign_in(again, False)
    assert nl(team_app, TOO_MANY_TODAY) in browser.get("/sign-in").text
    code_step_is_dead(browser, parent, False, totp_at(team_app, parent, clock))
    assert len(locked_events(team_app, parent)) == 4
    # A day after the first of those wrong codes, the count starts afresh.
    with Session(engine(team_app)) as db:
        db.exec(update(Account).where(Account.username == parent)
                .values(code_failures_since=portal_clock.now() - dt.timedelta(days=1, seconds=1)))
        db.commit()
    assert password_step(browser, parent, staff=False).status_code == 302
    assert code_step(browser, totp_at(team_app, parent, clock), staff=False).status_code == 302
    assert account_of(team_app, parent).code_failures == 0


def test_a_right_code_does_not_count_toward_the_day(team_app, browser, parent, clock):
    assert password_step(browser, parent, staff=False).status_code == 302
    assert [a.status_code for a in guess(browser, parent, False, clock, 3)] == [401] * 3
    assert code_step(browser, totp_at(team_app, parent, clock), staff=False).status_code == 302
    assert account_of(team_app, parent).code_failures == 3


def test_attempts_count_before_the_code_is_checked(team_app, browser, clock):
    """Guesses sent all at once cannot slip past a limit: at the limit even the right code is refused
    (here the counts are set as if many guesses had raced in)."""
    assert password_step(browser, "anouk", staff=True).status_code == 302
    with Session(engine(team_app)) as db:
        db.exec(update(SignInFlow).where(SignInFlow.consumed_at.is_(None)).values(code_attempts=10))
        db.commit()
    assert sent_back_to_sign_in(post_code(browser, totp_at(team_app, "anouk", clock), staff=True), True)
    assert nl(team_app, TOO_MANY) in browser.get("/backoffice/sign-in").text
    assert password_step(browser, "anouk", staff=True).status_code == 302
    with Session(engine(team_app)) as db:
        db.exec(update(Account).where(Account.username == "anouk").values(code_failures=30,
                                                                          code_failures_since=portal_clock.now()))
        db.commit()
    assert sent_back_to_sign_in(post_code(browser, totp_at(team_app, "anouk", clock), staff=True), True)
    assert nl(team_app, TOO_MANY_TODAY) in browser.get("/backoffice/sign-in").text
    assert not is_signed_in(browser, True)
    assert account_of(team_app, "anouk").totp_last_step == 0  # the right code was never even checked
