"""The case timeline and the factual file in Chromium at 1280x800 and at phone size (360x740): the entries are
shown, nothing is wider than the screen, and the printed factual file has no menu. Full-page screenshots go to
/work/main/screenshots/ (git-ignored) for people to look at."""
import pytest
from browser_kit import SCREENSHOTS, sign_in

VIEWPORTS = {"wide": {"width": 1280, "height": 800}, "phone": {"width": 360, "height": 740}}
EL_IDRISSI = "Gezin El Idrissi"  # the demo household of Bram's duo, with versions, questions and appointments


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
def test_the_timeline_fits_the_screen(pages, live_server, size):
    page = pages[size]
    family = live_server.family_id(EL_IDRISSI)
    page.goto(f"/backoffice/families/{family}/timeline?order=newest")
    assert page.locator("h1").inner_text() == live_server.translate("nl", "Timeline of %(family)s", family=EL_IDRISSI)
    assert page.locator("ol.timeline li.entry").count() >= 10
    assert _wider_than_the_screen(page) == []
    _shoot(page, f"office-timeline-{size}.png")
    page.select_option("#kind", "answers")
    page.locator("#timeline-filters button").click()
    page.wait_for_url("**kind=answers**")
    kind = live_server.translate("nl", "Parents' answers and replies")
    assert all(kind in text for text in page.locator("ol.timeline li.entry").all_inner_texts())


@pytest.mark.parametrize("size", VIEWPORTS)
def test_the_factual_file_fits_and_prints_without_the_menu(pages, live_server, size):
    page = pages[size]
    family = live_server.family_id(EL_IDRISSI)
    page.goto(f"/backoffice/families/{family}/factual-file")
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
