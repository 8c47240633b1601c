"""Each of the eight languages chosen on each public page, in Chromium: the very next page speaks it, with its
direction, and is the same page (Chromium found: Arabic chosen, still English; Polish chosen, now Arabic).

Made here (support/factories.py on the live server): Sanne, an activated Dutch-reading parent; Kasia, a
Polish-reading parent with a letter still to use; Olena, an activated Ukrainian-reading parent whose case the
team lead closes in the test."""
import pytest
from browser_kit import new_family_page
from playwright.sync_api import expect
from sqlmodel import select

from portal import clock
from portal.accounts import secrets as auth_secrets
from portal.demo import DEMO_PASSWORD
from portal.models import Account
from portal.web.i18n import LANGUAGES, text_direction
from portal.web.secret import code_key
from support import factories
from support.sign_in import csrf_token, sign_in

PASSPHRASE = "paarse fiets op het dak"
WORKER_PASSWORD = "Zonnebloem-kanaal-2026-fiets"


def each_language_speaks_at_once(page, typed: str | None = None) -> list[str]:
    """Press the eight language buttons in turn, starting with one the page does not speak; after each, the page
    that comes is the same address, in that language and its direction, and shows what was typed (`typed`)."""
    shown, address = page.locator("html").get_attribute("lang"), page.url
    order = list(LANGUAGES)
    start = (order.index(shown) + 1) % len(order) if shown in order else 0
    wrong = []
    for code in order[start:] + order[:start]:
        with page.expect_navigation():
            page.locator(f"footer button[name=set_language][value={code}]").click()
        root = page.locator("html")
        seen = (root.get_attribute("lang"), root.get_attribute("dir"), page.url)
        if seen != (code, text_direction(code), address):
            wrong.append(f"{address}: chose {code}, got {seen}")
        if typed is not None and page.locator("#username").input_value() != typed:
            wrong.append(f"{address}: {code} lost the typed username")
    return wrong


def password_step(page, server, username: str, base: str = "") -> None:
    page.goto(server.url(base + "/sign-in"))
    page.locator("#username").fill(username)
    page.locator("#password").fill(DEMO_PASSWORD if base == "" or username != "evi" else WORKER_PASSWORD)
    page.locator("#sign-in button").click()


@pytest.fixture(scope="module")
def parents(live_server) -> dict[str, factories.Household]:
    app = live_server.app
    return {"sanne": factories.household(app, ["nl"], names=("Sanne de Boer",), password=True),
            "kasia": factories.household(app, ["pl"], names=("Kasia Nowak",)),
            "olena": factories.household(app, ["uk"], names=("Olena Kovalenko",), password=True)}


def test_every_language_on_every_public_page_speaks_on_the_very_next_page(browser, live_server, parents):
    server, wrong = live_server, []
    sanne, kasia = parents["sanne"].usernames[0], parents["kasia"].usernames[0]
    context, page = new_family_page(browser, server)

    for path in ("/sign-in", "/backoffice/sign-in", "/activate"):
        page.goto(server.url(path))
        page.locator("#username").fill(sanne)
        wrong += each_language_speaks_at_once(page, typed=sanne)
    page.goto(server.url("/about-leave-quickly"))
    wrong += each_language_speaks_at_once(page)

    # The code steps, for a parent and for staff.
    for username, base in ((sanne, ""), ("anouk", "/backoffice")):
        password_step(page, server, username, base)
        page.wait_for_url(server.url(base + "/sign-in/code"))
        wrong += each_language_speaks_at_once(page)

    # A new worker's first sign-in: linking the authenticator app.
    made = server.app.test_cli_runner().invoke(
        args=["create-user", "--role", "worker", "--username", "evi", "--name", "Evi Jansen",
              "--team", "Team Zuidoost", "--organisation", "Veilig Thuis"], input=f"{WORKER_PASSWORD}\n" * 2)
    assert made.exit_code == 0, made.output
    password_step(page, server, "evi", "/backoffice")
    page.wait_for_url(server.url("/backoffice/enrol"))
    wrong += each_language_speaks_at_once(page)

    # Activation with a letter's code: the password page, then the second factor.
    with server.session() as db:
        account = db.exec(select(Account).where(Account.username == kasia)).one()
        code = auth_secrets.issue_code(db, account, "activation", code_key())
    page.goto(server.url("/activate"))
    page.locator("#username").fill(kasia)
    page.locator("#code").fill(code)
    page.locator("#activate-form button").click()
    page.wait_for_url(server.url("/activate/password"))
    wrong += each_language_speaks_at_once(page)
    page.locator("#password").fill(PASSPHRASE)
    page.locator("#password_again").fill(PASSPHRASE)
    page.locator("#password-form button:not([name])").click()
    page.wait_for_url(server.url("/activate/second-factor"))
    wrong += each_language_speaks_at_once(page)
    context.close()

    # A parent whose case the team lead closed: the closed page.
    lead = server.app.test_client()
    sign_in(lead, "teamlead")
    family = parents["olena"].family_id
    case = f"/backoffice/families/{family}/case"
    closed = lead.post(case, data={"csrf_token": csrf_token(lead.get(case).text), "reason": "Het gezin is verhuisd.",
                                   "closed_on": clock.today().isoformat()})
    assert closed.status_code == 302, closed.text
    context, page = new_family_page(browser, server, parents["olena"].usernames[0])
    expect(page.locator("main")).to_contain_text(server.translate("uk", "Your file is closed"))
    wrong += each_language_speaks_at_once(page)
    context.close()

    assert not wrong, "\n".join(wrong)
