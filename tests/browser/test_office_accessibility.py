"""The back office at 1280x800, in Dutch and in Arabic (issue 21, point 11): axe-core finds no violation of WCAG
2.0/2.1/2.2 A and AA on the pages of each staff role - the duo's home, household, plan editor, appointments,
answers, timeline, factual file, a partner's signal and the out-of-hours list; the team lead's team overview, staff
admin, case, the pages that ask before a new letter or the end of a duo role, the letter, the intake list of signals
and the partner organisations; the interpreter's work list, translation, rendering and read-along view - nor on the
staff sign-in pages. The live portal is the team alone with the households
support/routes.py builds: Fatima and Youssef El Idrissi with one thing of each kind, and a Dutch-reading parent."""
import pytest
from browser_kit import axe_violations, choose_language, describe_violations, sign_in

from portal.demo import DEMO_PASSWORD
from support.routes import dutch_reader, household_ids, in_read_along_window, parent_account

STAFF_VIEWPORT = {"width": 1280, "height": 800}
LANGUAGES = ("nl", "ar")
DIRECTION = {"nl": "ltr", "ar": "rtl"}
# The parent whose letter the team lead prints, per language (a letter is in the parent's language): ids' usernames.
LETTER_FOR = {"nl": "dutch", "ar": "youssef"}
SIGNED_OUT = "signed out"
LETTER = "the letter"


def pages_of(reader: str, ids: dict) -> list[str]:
    household = f"/backoffice/families/{ids['family_id']}"
    return {
        SIGNED_OUT: ["/backoffice/sign-in", "/backoffice/sign-in/code"],
        "bram": ["/backoffice/", household, f"{household}/plan", f"{household}/plan/compare",
                 f"{household}/appointments", f"{household}/appointments/{ids['appointment_id']}",
                 f"{household}/answers", f"{household}/members", f"{household}/timeline",
                 f"{household}/factual-file", "/backoffice/break-glass", "/backoffice/password",
                 f"/backoffice/signals/{ids['signal_id']}", "/backoffice/signals/out-of-hours"],
        "teamlead": ["/backoffice/", "/backoffice/team", "/backoffice/staff", f"/backoffice/staff/{ids['account_id']}",
                     "/backoffice/staff/new", "/backoffice/households/new", f"{household}/case",
                     f"{household}/parents/{ids['parent_id']}/letter/new",
                     f"{household}/duo/{ids['assignment_id']}/end", LETTER, "/backoffice/signals",
                     "/backoffice/partners", f"/backoffice/partners/{ids['organisation_id']}"],
        "tolk-ar": ["/backoffice/", f"/backoffice/translations/{ids['job_id']}",
                    f"/backoffice/renderings/{ids['rendering_id']}", f"/backoffice/read-along/{ids['read_along']}"],
    }[reader]


@pytest.fixture(scope="module")
def ids(live_server) -> dict:
    found = household_ids(live_server.app)
    return found | {"read_along": in_read_along_window(live_server.app, found["family_id"]),
                    "dutch": dutch_reader(live_server.app)}


def open_letter(page, live_server, ids: dict, language: str) -> None:
    """The team lead's new letter for a parent who reads `language`: the letter form sent from the household page,
    as its button sends it."""
    parent = parent_account(live_server.app, ids[LETTER_FOR[language]])
    page.goto(f"/backoffice/families/{parent.family_id}")
    action = f"/backoffice/families/{parent.family_id}/parents/{parent.id}/letter"
    with page.expect_navigation():
        page.evaluate("""(action) => {
            const form = document.createElement("form");
            form.method = "post";
            form.action = action;
            form.append(document.querySelector("input[name=csrf_token]").cloneNode());
            document.body.append(form);
            form.submit();
        }""", action)
    assert page.locator("article.letter").is_visible()


def open_pages(browser, live_server, ids: dict, reader: str, language: str):
    """Each page of this reader in this language, opened in turn (a generator of their paths)."""
    context = browser.new_context(viewport=STAFF_VIEWPORT, locale="nl-NL", base_url=live_server.base)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        if reader == SIGNED_OUT:
            page.goto("/backoffice/sign-in")
            choose_language(page, language)
            yield page, "/backoffice/sign-in"
            page.locator("#username").fill("anouk")
            page.locator("#password").fill(DEMO_PASSWORD)
            page.locator("#sign-in button").click()
            page.wait_for_url(live_server.url("/backoffice/sign-in/code"))
            yield page, "/backoffice/sign-in/code"
            return
        sign_in(page, live_server, reader)
        choose_language(page, language)
        for path in pages_of(reader, ids):
            if path == LETTER:
                open_letter(page, live_server, ids, language)
            else:
                response = page.goto(path)
                assert response.status == 200, (path, response.status)
                assert page.locator("html").get_attribute("lang") == language, path
            yield page, path
    finally:
        context.close()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("reader", [SIGNED_OUT, "bram", "teamlead", "tolk-ar"])
def test_no_axe_violations_in_the_back_office(browser, live_server, ids, reader, language):
    found = []
    for page, path in open_pages(browser, live_server, ids, reader, language):
        assert page.locator("html").get_attribute("dir") == DIRECTION[language]
        violations = axe_violations(page)
        if violations:
            found.append(f"{path} ({reader}, {language}):\n{describe_violations(violations)}")
    assert not found, "\n".join(found)
