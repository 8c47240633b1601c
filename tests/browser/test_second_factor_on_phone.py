"""The second factor set up on a 360 px phone, in Arabic: the authenticator app opens from a link on the phone that
holds it, and an SMS number counts only once the code sent to it is typed back. axe-core looks at each state.

Made here (support/factories.py on the live server): a household with one parent who reads Arabic, not activated yet."""
import json
import re
from pathlib import Path

import pyotp
import pytest
from browser_kit import axe_violations, choose_language, describe_violations, new_family_page
from playwright.sync_api import expect
from sqlmodel import select

from portal.accounts import secrets as auth_secrets
from portal.models import Account
from portal.web.secret import code_key
from support import factories

PASSPHRASE = "paarse fiets op het dak"


@pytest.fixture(scope="module")
def fatima(live_server) -> str:
    """The username of a parent who reads Arabic and has a letter to activate her account with."""
    return factories.household(live_server.app, ["ar"], names=("Fatima El Idrissi",)).usernames[0]


def sms_sent_to(server, phone: str) -> str:
    """The last code the outbox worker sent by SMS to `phone`."""
    sent = server.app.test_cli_runner().invoke(args=["worker", "--once"])
    assert sent.exit_code == 0, sent.output
    lines = (Path(server.app.instance_path) / "outbox.log").read_text(encoding="utf-8").splitlines()
    bodies = [message["body"] for message in map(json.loads, lines) if message["to"] == phone]
    return re.search(r"\b(\d{6})\b", bodies[-1]).group(1)


def second_factor_of(server, username: str) -> tuple[str, str | None]:
    with server.session() as db:
        account = db.exec(select(Account).where(Account.username == username)).one()
        return account.second_factor, account.sms_phone


def no_violations(page, state: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"{state}:\n{describe_violations(violations)}"


def test_a_parent_sets_up_the_second_factor_on_her_phone(browser, live_server, fatima):
    with live_server.session() as db:
        account = db.exec(select(Account).where(Account.username == fatima)).one()
        letter_code = auth_secrets.issue_code(db, account, "activation", code_key())
        secret = account.totp_secret
    before = second_factor_of(live_server, fatima)
    t = live_server.translate
    context, page = new_family_page(browser, live_server)
    page.goto(live_server.url("/activate"))
    choose_language(page, "ar")
    page.locator("#username").fill(fatima)
    page.locator("#code").fill(letter_code)
    page.locator("#activate-form button").click()
    page.wait_for_url(live_server.url("/activate/password"))
    page.locator("#password").fill(PASSPHRASE)
    page.locator("#password_again").fill(PASSPHRASE)
    page.locator("#password-form button:not([name])").click()
    page.wait_for_url(live_server.url("/activate/second-factor"))

    # The app on this phone: a link opens it with the key; the key to type comes in groups of four.
    link = page.get_by_role("link", name=t("ar", "Open in your authenticator app"))
    expect(link).to_be_visible()
    opened = pyotp.parse_uri(link.get_attribute("href"))
    assert opened.secret == secret and opened.name == fatima
    expect(page.locator("main")).to_contain_text(t("ar", "Is this a computer or another phone? "
                                                         "Scan the square code with the app."))
    groups = page.locator("code.key").inner_text().split(" ")
    assert "".join(groups) == secret and {len(group) for group in groups[:-1]} == {4}
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, "the page is wider than the phone"
    no_violations(page, "the second factor page")

    # SMS: a code to the number first; the number counts only once it is typed back.
    page.locator("#phone").fill("06 12345678")
    page.locator("button[name=method][value=sms]").click()
    expect(page.locator("#sms_code")).to_be_visible()
    expect(page.locator("#phone")).to_have_value("06 12345678")
    expect(page.locator("#factor-form bdi[dir=ltr]")).to_have_text("06 12345678")  # in order inside Arabic
    code = sms_sent_to(live_server, "06 12345678")
    assert second_factor_of(live_server, fatima) == before
    no_violations(page, "the code sent")

    page.locator("#sms_code").fill(f"{(int(code) + 1) % 1_000_000:06d}")
    page.locator("button[name=method][value=sms_confirm]").click()
    expect(page.locator("#sms_code-error")).to_have_text(t(
        "ar", "This code is not right or is older than 5 minutes. Type the last code we sent, or send a new one."))
    expect(page.locator("#phone")).to_have_value("06 12345678")
    assert second_factor_of(live_server, fatima) == before
    no_violations(page, "a wrong code")

    page.locator("#sms_code").fill(code)
    page.locator("button[name=method][value=sms_confirm]").click()
    page.wait_for_url(live_server.url("/"))
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert second_factor_of(live_server, fatima) == ("sms", "06 12345678")
    context.close()
