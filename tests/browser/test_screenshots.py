"""Full-page screenshots of the family home and plan at phone size (360x740), for people to look
at: Dutch, Arabic, Ukrainian and Tigrinya, in /work/main/screenshots/ (git-ignored).

Not a visual comparison: the test only checks that each page rendered in the right language.

Made here (support/factories.py on the live server): two households of Bram's duo with a published plan, each with
one activated parent: Sanne reads Dutch; Fatima reads Arabic, and tolk-ar translated her plan.
"""
import pytest
from browser_kit import SCREENSHOTS, choose_language, household_with_plan, new_family_page, plan_translated, text_of

# language -> the parent whose pages are shown; Sanne (Dutch) switches language on the page.
READER = {"nl": "sanne", "uk": "sanne", "ti": "sanne", "ar": "fatima"}
DIRECTION = {"nl": "ltr", "uk": "ltr", "ti": "ltr", "ar": "rtl"}


@pytest.fixture(scope="module")
def readers(live_server) -> dict[str, str]:
    app = live_server.app
    sanne = household_with_plan(app, ["nl"], names=("Sanne de Boer",))
    fatima = household_with_plan(app, ["ar"], names=("Fatima El Idrissi",))
    plan_translated(app, fatima.family_id)
    return {"sanne": sanne.usernames[0], "fatima": fatima.usernames[0]}


@pytest.fixture(scope="module")
def signed_in(browser, live_server, readers):
    pages = {}

    def page_of(reader: str):
        if reader not in pages:
            pages[reader] = new_family_page(browser, live_server, readers[reader])
        return pages[reader][1]

    yield page_of
    for context, _page in pages.values():
        context.close()


def _shoot(page, name: str):
    page.evaluate("document.fonts.ready.then(() => true)")
    path = SCREENSHOTS / name
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 5_000, path
    return path


@pytest.mark.parametrize("language", ["nl", "ar", "uk", "ti"])
def test_screenshots_of_home_and_plan(signed_in, live_server, language):
    SCREENSHOTS.mkdir(exist_ok=True)
    page = signed_in(READER[language])
    page.goto("/")
    choose_language(page, language)
    headings = {"/": live_server.translate(language, "Who do I call now?"),
                "/plan": live_server.translate(language, "Your plan")}
    for path, name in (("/", "home"), ("/plan", "plan")):
        heading = headings[path]
        if page.url != live_server.url(path):
            page.goto(path)
        assert page.title() == live_server.app.config["APP_NAME"]
        assert page.locator("html").get_attribute("lang") == language
        assert page.locator("html").get_attribute("dir") == DIRECTION[language]
        assert text_of(page, "main h1") == heading
        print(_shoot(page, f"family-{name}-{language}.png"))
