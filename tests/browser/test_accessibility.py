"""Every family page at phone size (360x740), in Dutch and in Arabic (right to left): no axe-core
violations of WCAG 2.0/2.1/2.2 A and AA, and every touch target at least 44x44 CSS pixels.

Made here (support/factories.py on the live server): per language a household with one activated parent who reads
it, a published plan and an appointment for the household."""
import pytest
from browser_kit import (
    axe_violations,
    describe_targets,
    describe_violations,
    household_with_plan,
    new_family_page,
    small_targets,
)

from portal.demo import DEMO_PASSWORD
from support import factories

# language -> browser locale for the signed-out pages
LOCALES = {"nl": "nl-NL", "ar": "ar"}
DIRECTION = {"nl": "ltr", "ar": "rtl"}
CODE = "the sign-in code page"  # after the password step
SIGNED_OUT = {"/sign-in", "/activate", CODE}
APPOINTMENT = "an appointment's answer page"
PAGES = ["/", "/plan", "/plan/history", "/appointments", APPOINTMENT, "/who-looked", "/password",
         "/about-leave-quickly", *sorted(SIGNED_OUT)]


@pytest.fixture(scope="module")
def readers(live_server) -> dict[str, str]:
    """language -> the username of a parent who reads it, with a published plan and an appointment."""
    made = {}
    for language in LOCALES:
        home = household_with_plan(live_server.app, [language])
        factories.appointment(live_server.app, home.family_id)
        made[language] = home.usernames[0]
    return made


@pytest.fixture(scope="module")
def open_page(browser, live_server, readers):
    """open_page(language, path): the page in that language, signed in unless it is a sign-in page."""
    pages = {}

    def open_(language: str, path: str):
        signed_in = path not in SIGNED_OUT
        if (language, signed_in) not in pages:
            username, locale = readers[language], LOCALES[language]
            pages[language, signed_in] = new_family_page(browser, live_server, username if signed_in else None,
                                                         locale=locale)
        page = pages[language, signed_in][1]
        if path == APPOINTMENT:
            page.goto("/appointments")
            path = page.locator("main a.button[href^='/appointments/']").first.get_attribute("href")
        if path == CODE:
            page.goto("/sign-in")
            page.locator("#username").fill(readers[language])
            page.locator("#password").fill(DEMO_PASSWORD)
            page.locator("#sign-in button").click()
            page.wait_for_url(live_server.url("/sign-in/code"))
            path = "/sign-in/code"
        response = page.goto(path)
        assert response.status == 200, (path, response.status)
        assert page.locator("html").get_attribute("lang") == language
        assert page.locator("html").get_attribute("dir") == DIRECTION[language]
        if signed_in:
            assert page.locator("#quick-exit").is_visible() and page.locator("nav.tabs").is_visible()
        else:
            assert page.locator("main form").is_visible()
        return page

    yield open_
    for context, _page in pages.values():
        context.close()


@pytest.mark.parametrize("language", sorted(LOCALES))
@pytest.mark.parametrize("path", PAGES)
def test_no_axe_violations(open_page, language, path):
    page = open_page(language, path)
    violations = axe_violations(page)
    assert not violations, f"axe found {len(violations)} violation(s) on {page.url} ({language}):\n" \
                           f"{describe_violations(violations)}"


@pytest.mark.parametrize("language", sorted(LOCALES))
@pytest.mark.parametrize("path", PAGES)
def test_touch_targets_are_44_css_pixels(open_page, language, path):
    page = open_page(language, path)
    small, targets = small_targets(page)
    kinds = {target["kind"] for target in targets}
    assert {"quick exit", "button"} <= kinds and kinds & {"form control", "nav link"}, kinds  # found them
    assert not small, f"Touch targets smaller than 44x44 CSS px on {page.url} ({language}):\n" \
                      f"{describe_targets(small)}"
