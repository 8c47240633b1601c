"""Leave quickly: the button and Shift pressed three times end the session and open a neutral
site; Back and reload never bring the family's page back.

Made here (support/factories.py on the live server): two households of one Dutch-reading parent each, with a
published plan (the situation "Er is ruzie in huis." and Oma's agreement): Sanne's duo is Anouk Visser and Dirk
Hoekstra, Olena's is Bram de Wit and Dirk Hoekstra."""
from dataclasses import dataclass

import pytest
from browser_kit import household_with_plan, new_family_page, phone_of
from playwright.sync_api import expect

SITUATION = "Er is ruzie in huis."  # factories.published_plan's situation
SETTLE_MS = 400  # how long a navigation that should not happen gets to start


@dataclass(frozen=True)
class Reader:
    username: str
    agreement: str  # what her plan's agreement says
    markers: tuple[str, ...]  # what is on her pages (her duo, her plan, her phone): none of it may show after leaving


def _reader(app, what: str, contact: str, partner: str, by: str) -> Reader:
    username = household_with_plan(app, ["nl"], what=what, contact=contact, partner=partner, by=by).usernames[0]
    return Reader(username, what, (contact, partner, SITUATION, what, phone_of(app, username)))


@pytest.fixture(scope="module")
def sanne(live_server) -> Reader:
    return _reader(live_server.app, "Sanne slaapt bij haar zus als Thomas geld neemt.", "Anouk Visser",
                   "Dirk Hoekstra", by="anouk")


@pytest.fixture(scope="module")
def olena(live_server) -> Reader:
    return _reader(live_server.app, "De vader van Maksym haalt hem niet van school.", "Bram de Wit",
                   "Dirk Hoekstra", by="bram")


def _shows_nothing_of_the_family(page, markers, neutral_url, sign_in_url) -> None:
    html = page.content()
    shown = [marker for marker in markers if marker in html]
    assert not shown, f"{page.url} shows family data after leaving: {shown}"
    assert page.url in (neutral_url, sign_in_url), page.url
    if page.url == sign_in_url:
        expect(page.locator("#sign-in")).to_be_visible()
    else:
        expect(page.locator("#neutral")).to_be_visible()


def test_leave_quickly_button_ends_the_session_and_back_shows_nothing(browser, live_server, neutral_site, sanne):
    server = live_server
    context, page = new_family_page(browser, server, sanne.username)
    page.goto("/plan")
    expect(page.locator("main")).to_contain_text(sanne.agreement)
    signed_in_cookies = context.cookies()
    assert any(cookie["name"] == "portal" for cookie in signed_in_cookies)

    page.locator("#quick-exit").click()
    page.wait_for_url(neutral_site.url)
    expect(page.locator("#neutral")).to_have_text("Het weer vandaag")
    assert not [c for c in context.cookies() if c["name"] == "portal"], context.cookies()

    # Back, as far as the history goes: the neutral site or the sign-in page, never the family's.
    sign_in_url = server.url("/sign-in")
    steps_back = 0
    while page.go_back(wait_until="load") is not None:  # None: nothing left to go back to
        steps_back += 1
        _shows_nothing_of_the_family(page, sanne.markers, neutral_site.url, sign_in_url)
        assert steps_back < 10
    assert steps_back >= 3, steps_back  # home, the code step and the sign-in page were in the history
    # Opening or reloading a portal address shows the sign-in page.
    page.goto("/plan")
    assert page.url == sign_in_url
    page.reload()
    _shows_nothing_of_the_family(page, sanne.markers, neutral_site.url, sign_in_url)
    context.close()

    # The session ended on the server too: the old cookie is worth nothing.
    replay = browser.new_context(base_url=server.base)
    replay.add_cookies([c for c in signed_in_cookies if c["name"] == "portal"])
    page = replay.new_page()
    page.goto("/plan")
    assert page.url == sign_in_url
    assert not [m for m in sanne.markers if m in page.content()]
    replay.close()


def test_shift_three_times_leaves_but_not_with_other_keys_or_too_slowly(browser, live_server, neutral_site, olena):
    server = live_server
    context, page = new_family_page(browser, server, olena.username)
    page.clock.install()  # Date.now() under the test's control; it still runs on by itself
    page.goto("/plan")
    expect(page.locator("main")).to_contain_text(olena.agreement)
    comment = page.locator("#comment")
    comment.click()

    def still_here(why: str) -> None:
        page.wait_for_timeout(SETTLE_MS)
        assert page.url == server.url("/plan"), f"left the portal after {why}"

    for _ in range(3):  # typing capitals: Shift together with another key does not count
        page.keyboard.press("Shift+A")
    still_here("Shift+A three times")
    expect(comment).to_have_value("AAA")

    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.keyboard.press("b")  # another key in between starts the count again
    page.keyboard.press("Shift")
    still_here("Shift, Shift, b, Shift")

    page.keyboard.press("c")
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.clock.fast_forward(5_100)  # the third press comes too late
    page.keyboard.press("Shift")
    still_here("three presses spread over more than 5 s")

    page.keyboard.press("d")
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    still_here("Shift twice")
    page.keyboard.press("Shift")
    page.wait_for_url(neutral_site.url)
    expect(page.locator("#neutral")).to_be_visible()

    page.go_back(wait_until="load")
    _shows_nothing_of_the_family(page, olena.markers, neutral_site.url, server.url("/sign-in"))
    page.goto("/plan")
    assert page.url == server.url("/sign-in")
    context.close()
