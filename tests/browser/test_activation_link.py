"""The letter's link in a real browser: the fragment fills in the activation form, then leaves the address bar.

Made here (support/factories.py on the live server): a household with one Dutch-reading parent, not activated yet."""
from browser_kit import new_family_page
from playwright.sync_api import expect
from sqlmodel import select

from portal.accounts import secrets as auth_secrets
from portal.models import Account
from portal.web.secret import code_key
from support import factories


def test_the_letters_link_fills_in_the_form_and_leaves_no_code_behind(browser, live_server):
    username = factories.household(live_server.app, ["nl"]).usernames[0]
    with live_server.session() as db:
        account = db.exec(select(Account).where(Account.username == username)).one()
        code = auth_secrets.issue_code(db, account, "activation", code_key())
    context, page = new_family_page(browser, live_server)
    sent = []
    page.on("request", lambda request: sent.append(request.url))
    page.goto(live_server.url(f"/activate#username={username}&code={code}"))
    expect(page.locator("#username")).to_have_value(username)
    expect(page.locator("#code")).to_have_value(code)
    assert page.url == live_server.url("/activate"), "the code stays in the address bar and the history"
    assert not [url for url in sent if code in url]
    page.locator("#activate-form button").click()
    page.wait_for_url(live_server.url("/activate/password"))
    context.close()
