"""The case timeline and the factual file in Chromium at 1280x800 and at phone size (360x740): the entries are
shown, nothing is wider than the screen, and the printed factual file has no menu. Full-page screenshots go to
/work/main/screenshots/ (git-ignored) for people to look at.

Made here (support/factories.py on the live server): a household of Bram's duo (Fatima and Youssef, kept apart, and
their children) with what its timeline holds: two published versions of the plan, both parents' answers, Youssef's
question and Bram's reply, and two appointments, one of them cancelled."""
import pytest
from browser_kit import (
    SCREENSHOTS,
    appointment_cancelled,
    plan_answered,
    question_replied,
    sign_in,
)

from support import factories

VIEWPORTS = {"wide": {"width": 1280, "height": 800}, "phone": {"width": 360, "height": 740}}
QUESTION = "Wat moet ik doen als de buurvrouw niet thuis is?"


@pytest.fixture(scope="module")
def el_idrissi(live_server) -> factories.Household:
    app = live_server.app
    made = factories.fatima_and_youssef(app, children=True, password=True)
    fatima, youssef = made.usernames
    factories.published_plan(app, made.family_id)
    plan_answered(app, fatima, "agree")
    plan_answered(app, youssef, "question", QUESTION)
    question_replied(app, made.family_id, QUESTION, "Dan belt u mij. We maken samen een nieuwe afspraak.")
    factories.published_plan(app, made.family_id, what="De kinderen slapen bij oma of bij de buurvrouw.")
    plan_answered(app, youssef, "agree")
    factories.appointment(app, made.family_id, days=3, purpose="Samen het plan lezen.")
    cancelled, _key = factories.appointment(app, made.family_id, days=6, purpose="Kennismaken met de school.")
    appointment_cancelled(app, made.family_id, cancelled)
    return made


@pytest.fixture(scope="module")
def pages(browser, live_server):
    made = {}
    for name, viewport in VIEWPORTS.items():
        context = browser.new_context(viewport=viewport, locale="nl-NL", base_url=live_server.base)
        context.set_default_timeout(10_000)
        page = context.new_page()
        sign_in(page, live_server, "bram")
        made[name] = page
    yield made
    for page in made.values():
        page.context.close()


def _wider_than_the_screen(page) -> list[str]:
    return page.evaluate("""() => [...document.querySelectorAll("main *")]
        .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
        .map((el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + " " + (el.className || ""))""")


def _shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.evaluate("document.fonts.ready.then(() => true)")
    path = SCREENSHOTS / name
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 5_000, path
    print(path)
    first_screen = path.with_name(path.stem + "-first-screen.png")  # what one sees without scrolling
    page.screenshot(path=str(first_screen))
    print(first_screen)


@pytest.mark.parametrize("size", VIEWPORTS)
def test_the_timeline_fits_the_screen(pages, live_server, el_idrissi, size):
    page = pages[size]
    page.goto(f"/backoffice/families/{el_idrissi.family_id}/timeline?order=newest")
    assert page.locator("h1").inner_text() == live_server.translate("nl", "Timeline of %(family)s",
                                                                    family=el_idrissi.name)
    assert page.locator("ol.timeline li.entry").count() >= 10
    assert _wider_than_the_screen(page) == []
    _shoot(page, f"office-timeline-{size}.png")
    page.select_option("#kind", "answers")
    page.locator("#timeline-filters button").click()
    page.wait_for_url("**kind=answers**")
    kind = live_server.translate("nl", "Parents' answers and replies")
    assert all(kind in text for text in page.locator("ol.timeline li.entry").all_inner_texts())


@pytest.mark.parametrize("size", VIEWPORTS)
def test_the_factual_file_fits_and_prints_without_the_menu(pages, el_idrissi, size):
    page = pages[size]
    page.goto(f"/backoffice/families/{el_idrissi.family_id}/factual-file")
    assert page.locator("#agreements .agreement").count() >= 1
    assert _wider_than_the_screen(page) == []
    _shoot(page, f"office-factual-file-{size}.png")
    page.emulate_media(media="print")
    try:
        assert not page.locator("nav.tabs").is_visible() and not page.locator("#period-form").is_visible()
        assert page.locator("#happened").is_visible()
        _shoot(page, f"office-factual-file-{size}-print.png")
    finally:
        page.emulate_media(media="screen")
