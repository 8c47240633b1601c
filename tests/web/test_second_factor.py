"""Setting up a second factor: a worker's or parent's app (otpauth link, square code) or an SMS number."""
import datetime as dt
import html
import re

import pyotp
import pytest
from sqlalchemy import update
from sqlmodel import Session, select

from portal import clock as portal_clock
from portal.models import (
    OneTimeCode,
    OutboxMessage,
)
from support.pages import say
from support.sign_in import csrf_token
from support.sign_in_steps import (
    NEW_PARENT,
    PASSPHRASE,
    RECOVERY_CODE,
    account_of,
    activate,
    choose_password,
    choose_sms,
    code_step,
    confirm_sms,
    engine,
    error_text,
    events,
    is_signed_in,
    last_sms_code,
    new_parent,
    nl,
    outbox_lines,
    password_step,
    qr_contents,
    send_sms_code,
    sign_out,
    stored_recovery_rows,
)

# Sign-in, sessions and stored state: every test here runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_databases


STAFF_PASSWORD = "Zonnebloem-kanaal-2026-fiets"


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


def activated(app, client, password: str = PASSPHRASE) -> None:
    code = new_parent(app)
    assert activate(client, NEW_PARENT, code).status_code == 302
    response = choose_password(client, password)
    assert response.status_code == 302 and response.headers["Location"].endswith("/activate/second-factor")


def test_the_second_factor_page_offers_an_app_or_sms(team_app, browser):
    activated(team_app, browser)
    page = browser.get("/activate/second-factor")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    secret = account_of(team_app, NEW_PARENT).totp_secret
    assert secret
    assert re.search(r'<div class="qr">\s*<svg[^>]*>.*</svg>', page.text, re.S)
    assert shown_key(page.text) == secret
    assert re.search(r'<input id="code" name="code"[^>]*autocomplete="one-time-code"', page.text)
    assert re.search(r'<input id="phone" name="phone" type="tel"', page.text)
    assert 'name="method" value="totp"' in page.text and 'name="method" value="sms"' in page.text


def test_a_parent_links_an_app(team_app, browser, clock):
    activated(team_app, browser)
    page = browser.get("/activate/second-factor")
    secret = account_of(team_app, NEW_PARENT).totp_secret
    right = pyotp.TOTP(secret).at(clock - 30)
    wrong = browser.post("/activate/second-factor", data={
        "method": "totp", "code": f"{(int(right) + 7) % 1_000_000:06d}", "csrf_token": csrf_token(page.text)})
    assert wrong.status_code == 400
    assert not is_signed_in(browser, False)
    now = clock
    done = browser.post("/activate/second-factor", data={"method": "totp", "code": right,
                                                             "csrf_token": csrf_token(wrong.text)})
    assert done.status_code == 302 and done.headers["Location"] == "/"
    assert is_signed_in(browser, False)
    account = account_of(team_app, NEW_PARENT)
    assert account.second_factor == "totp" and account.totp_enrolled
    sign_out(browser, False)
    # From now on: password, then a code from the app.
    assert password_step(browser, NEW_PARENT, PASSPHRASE, staff=False).status_code == 302
    assert code_step(browser, pyotp.TOTP(secret).at(now + 30), staff=False).status_code == 302
    assert is_signed_in(browser, False)


def test_a_parent_chooses_sms_and_signs_in_with_a_code_by_sms(team_app, browser):
    activated(team_app, browser)
    bad = send_sms_code(browser, "12")
    assert bad.status_code == 400
    assert error_text(bad.text, "phone") == nl(team_app, "Type a mobile number, e.g. 06 12345678.")
    assert outbox_lines(team_app) == []  # nothing is sent to a number that is none
    response = choose_sms(team_app, browser, "06 12345678")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert is_signed_in(browser, False)
    account = account_of(team_app, NEW_PARENT)
    assert (account.second_factor, account.sms_phone) == ("sms", "06 12345678")
    sign_out(browser, False)

    # Sign-in: the password step sends a code by SMS.
    assert password_step(browser, NEW_PARENT, PASSPHRASE, staff=False).status_code == 302
    code = last_sms_code(team_app, "06 12345678")
    page = browser.get("/sign-in/code")
    assert nl(team_app, "We sent a code by SMS. It works for 5 minutes.") in page.text
    assert re.search(r'<input id="code" name="code"[^>]*autocomplete="one-time-code"', page.text)
    with Session(engine(team_app)) as db:
        confirming, message = db.exec(select(OutboxMessage).where(OutboxMessage.account_id == account.id)
                                      .order_by(OutboxMessage.id)).all()
        assert message.channel == "sms" and message.to == "06 12345678" and message.sent_at is not None
    assert code_step(browser, code, staff=False).status_code == 302
    assert is_signed_in(browser, False)
    sign_out(browser, False)

    # The same code a second time: refused; the new SMS code works.
    assert password_step(browser, NEW_PARENT, PASSPHRASE, staff=False).status_code == 302
    second = last_sms_code(team_app, "06 12345678")
    assert code_step(browser, code, staff=False).status_code == 401
    assert not is_signed_in(browser, False)
    assert code_step(browser, second, staff=False).status_code == 302
    sign_out(browser, False)
    results = [e.result for e in events(team_app, action="sign_in.sms", actor_id=account.id)]
    assert results == ["ok", "refused", "ok"]


def test_an_sms_code_expires_after_five_minutes(team_app, browser):
    activated(team_app, browser)
    choose_sms(team_app, browser, "06 12345678")
    sign_out(browser, False)
    assert password_step(browser, NEW_PARENT, PASSPHRASE, staff=False).status_code == 302
    code = last_sms_code(team_app, "06 12345678")
    with Session(engine(team_app)) as db:
        row = db.exec(select(OneTimeCode).where(OneTimeCode.purpose == "sms", OneTimeCode.used_at.is_(None))).one()
        valid_for = row.expires_at - row.created_at
        assert dt.timedelta(minutes=4, seconds=50) < valid_for <= dt.timedelta(minutes=5, seconds=1)
        # Five minutes and a second have passed.
        db.exec(update(OneTimeCode).where(OneTimeCode.id == row.id).values(
            created_at=row.created_at - dt.timedelta(minutes=5, seconds=1),
            expires_at=row.expires_at - dt.timedelta(minutes=5, seconds=1)))
        db.commit()
    assert code_step(browser, code, staff=False).status_code == 401
    assert not is_signed_in(browser, False)


def test_a_new_sms_code_can_be_asked_for(team_app, browser):
    activated(team_app, browser)
    choose_sms(team_app, browser, "06 12345678")
    sign_out(browser, False)
    password_step(browser, NEW_PARENT, PASSPHRASE, staff=False)
    first = last_sms_code(team_app, "06 12345678")
    page = browser.get("/sign-in/code")
    assert browser.post("/sign-in/code", data={"resend": "1", "code": "",
                                                   "csrf_token": csrf_token(page.text)}).status_code == 200
    assert len(outbox_lines(team_app)) == 1 + 2  # the code that confirmed the number, then two sign-in codes
    second = last_sms_code(team_app, "06 12345678")
    if first != second:  # a new code replaces the earlier one
        assert code_step(browser, first, staff=False).status_code == 401
    assert code_step(browser, second, staff=False).status_code == 302


def test_a_stolen_password_cannot_flood_the_parents_phone_with_codes(team_app, browser):
    activated(team_app, browser)
    choose_sms(team_app, browser, "06 12345678")
    sign_out(browser, False)
    password_step(browser, NEW_PARENT, PASSPHRASE, staff=False)
    page = browser.get("/sign-in/code")
    answers = [browser.post("/sign-in/code", data={"resend": "1", "code": "", "csrf_token": csrf_token(page.text)})
               for _ in range(6)]
    assert [a.status_code for a in answers[:4]] == [200] * 4
    assert answers[-1].status_code == 429
    # The code that confirmed the number, then the code at the password step and four more, then no more.
    assert len(outbox_lines(team_app)) == 1 + 5
    assert code_step(browser, last_sms_code(team_app, "06 12345678"), staff=False).status_code == 302


def test_an_sms_parent_cannot_use_a_totp_code(team_app, browser, clock):
    activated(team_app, browser)
    choose_sms(team_app, browser, "06 12345678")
    sign_out(browser, False)
    secret = account_of(team_app, NEW_PARENT).totp_secret
    password_step(browser, NEW_PARENT, PASSPHRASE, staff=False)
    assert code_step(browser, pyotp.TOTP(secret).at(clock), staff=False).status_code == 401


PHONE_WORDS = "Is the app on this phone? Tap “Open in your authenticator app”."
COMPUTER_WORDS = "Is this a computer or another phone? Scan the square code with the app."
KEY_WORDS = "Or type this key into the app. The spaces do not matter."


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


def test_a_parent_links_the_app_on_the_phone_that_holds_it(team_app, browser, clock):
    activated(team_app, browser)
    page, made = qr_contents(browser, "/activate/second-factor")
    assert_the_app_opens_on_this_phone(team_app, page, made, NEW_PARENT)
    # The app shows its digits as "123 456": typed so, they count.
    right = pyotp.TOTP(account_of(team_app, NEW_PARENT).totp_secret).at(clock)
    done = browser.post("/activate/second-factor", data={"method": "totp", "code": f"{right[:3]} {right[3:]}",
                                                             "csrf_token": csrf_token(page.text)})
    assert done.status_code == 302 and done.headers["Location"] == "/"
    assert is_signed_in(browser, False)


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


def test_an_sms_number_counts_only_once_a_code_sent_to_it_is_typed_back(team_app, browser):
    activated(team_app, browser)
    before = second_factor_of(team_app)
    sent = send_sms_code(browser, "06 12345678")
    assert sent.status_code == 200
    # The number keeps its own direction inside the sentence (an Arabic one too).
    assert say(team_app, "nl", "We sent a code to %(phone)s. Type it here. It works for 5 minutes.",
               phone='<bdi dir="ltr">06 12345678</bdi>') in sent.text
    assert re.search(r'<input id="sms_code" name="sms_code"[^>]*autocomplete="one-time-code"', sent.text)
    assert phone_field(sent.text) == "06 12345678"
    # Sent through the outbox by its SMS sender, to that number; nothing of the account changed yet.
    code = last_sms_code(team_app, "06 12345678")
    assert second_factor_of(team_app) == before
    assert not is_signed_in(browser, False)

    wrong = confirm_sms(browser, "06 12345678", f"{(int(code) + 1) % 1_000_000:06d}")
    assert wrong.status_code == 400
    assert error_text(wrong.text, "sms_code") == nl(
        team_app, "This code is not right or is older than 5 minutes. Type the last code we sent, or send a new one.")
    assert phone_field(wrong.text) == "06 12345678"  # the number typed stays
    assert second_factor_of(team_app) == before
    assert not is_signed_in(browser, False)

    right = confirm_sms(browser, "06 12345678", code)
    assert right.status_code == 302 and right.headers["Location"] == "/"
    assert second_factor_of(team_app) == ("sms", "06 12345678", False)
    assert is_signed_in(browser, False)


def test_a_code_confirms_only_the_number_it_was_sent_to(team_app, browser):
    """A typo found after sending: the code of the wrong number does not make the right one count, nor the
    other way round; a code to the corrected number does."""
    activated(team_app, browser)
    send_sms_code(browser, "06 12345687")
    typo_code = last_sms_code(team_app, "06 12345687")
    assert confirm_sms(browser, "06 12345678", typo_code).status_code == 400
    assert second_factor_of(team_app)[1] is None
    assert choose_sms(team_app, browser, "0612345678").status_code == 302
    assert second_factor_of(team_app) == ("sms", "0612345678", False)


def test_an_expired_confirmation_code_is_refused_and_the_number_stays(team_app, browser):
    activated(team_app, browser)
    send_sms_code(browser, "06 12345678")
    code = last_sms_code(team_app, "06 12345678")
    with Session(engine(team_app)) as db:
        db.exec(update(OneTimeCode).where(OneTimeCode.used_at.is_(None))
                .values(expires_at=portal_clock.now() - dt.timedelta(seconds=1)))
        db.commit()
    late = confirm_sms(browser, "06 12345678", code)
    assert late.status_code == 400
    assert error_text(late.text, "sms_code") == nl(
        team_app, "This code is not right or is older than 5 minutes. Type the last code we sent, or send a new one.")
    assert phone_field(late.text) == "06 12345678"
    assert second_factor_of(team_app)[1] is None


def test_confirming_a_number_is_capped(team_app, browser):
    """At most a few codes an hour go to a number being confirmed, and a few wrong codes end the trying."""
    activated(team_app, browser)
    answers = [send_sms_code(browser, "06 12345678") for _ in range(6)]
    assert [a.status_code for a in answers] == [200] * 5 + [429]
    assert error_text(answers[-1].text, "sms_code") == nl(
        team_app, "We sent several codes already. Use the last one, or wait an hour for a new one.")
    assert phone_field(answers[-1].text) == "06 12345678"
    assert len(outbox_lines(team_app)) == 5
    code = last_sms_code(team_app, "06 12345678")
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    tries = [confirm_sms(browser, "06 12345678", wrong).status_code for _ in range(10)]
    assert tries == [400] * 10
    held = confirm_sms(browser, "06 12345678", code)  # even the right code, after ten wrong ones
    assert held.status_code == 429
    assert error_text(held.text, "sms_code") == nl(
        team_app, "Too many wrong codes. Use the app, or ask your contact person for a new letter.")
    assert second_factor_of(team_app)[1] is None
    assert not is_signed_in(browser, False)
