"""The plan on a 360 px phone in all eight languages: label and answer stack, so no text column is a
narrow strip of one or two words, and list bullets stay inside their card in right-to-left pages.

Made here (support/factories.py on the live server): two households, each with one activated parent who read the
first published version of the plan before the duo published a second one (Oma's agreement changed), so each plan
page has a "what changed" list. Fatima reads Arabic and tolk-ar translated both versions; Sanne reads Dutch."""
import pytest
from browser_kit import (
    SCREENSHOTS,
    choose_language,
    household_with_plan,
    new_family_page,
    plan_read,
    plan_translated,
)

from portal.web.i18n import LANGUAGES
from support import factories

MIN_COLUMN = 150  # CSS px: below this a column holds one or two words per line
# Fatima's plan has a "what changed" list and an Arabic translation; Sanne's plan is Dutch only, so in
# Arabic her lists are Dutch (left to right) inside a right-to-left page.
READERS = ["fatima", "sanne"]
LANGUAGE = {"fatima": "ar", "sanne": "nl"}

# Every visible text column of the plan: the label and answer cells of an agreement, and list items.
COLUMNS_JS = r"""
() => [...document.querySelectorAll("main dt, main dd, main li")]
  .filter((el) => el.getClientRects().length > 0)
  .map((el) => ({what: el.tagName.toLowerCase() + ": " + el.innerText.trim().slice(0, 50),
                 width: el.getBoundingClientRect().width}))
"""

# Where each bullet of a list item is drawn, next to the inside of its card (within the card's padding).
# A ::marker has no box of its own in the DOM: an outside marker sits just before the item's start edge
# (left in a left-to-right item, right in a right-to-left one) and takes about 1em, the width Chromium
# gives a disc with its gap, so that strip is the marker's box. A Dutch item (dir="ltr") in a
# right-to-left list draws its bullet on the left, in the card's padding or over its edge.
MARKERS_JS = r"""
() => [...document.querySelectorAll("main .card li")]
  .filter((li) => li.getClientRects().length > 0 && getComputedStyle(li).display === "list-item"
                  && getComputedStyle(li).listStyleType !== "none")
  .map((li) => {
    const style = getComputedStyle(li), box = li.getBoundingClientRect();
    const card = li.closest(".card"), edge = card.getBoundingClientRect(), cardStyle = getComputedStyle(card);
    const em = parseFloat(style.fontSize), inside = style.listStylePosition === "inside";
    const rtl = style.direction === "rtl";
    const start = rtl ? box.right : box.left;
    const marker = inside ? {left: box.left, right: box.right}
                          : (rtl ? {left: start, right: start + em} : {left: start - em, right: start});
    return {what: li.innerText.trim().slice(0, 50), dir: style.direction, marker,
            card: {left: edge.left + parseFloat(cardStyle.borderLeftWidth) + parseFloat(cardStyle.paddingLeft),
                   right: edge.right - parseFloat(cardStyle.borderRightWidth) - parseFloat(cardStyle.paddingRight)}};
  })
"""


def _reader_of_two_versions(app, language: str) -> str:
    made = household_with_plan(app, [language])
    if language == "ar":
        plan_translated(app, made.family_id)
    plan_read(app, made.usernames[0])
    factories.published_plan(app, made.family_id, what="De kinderen slapen bij oma of bij de buurvrouw.")
    if language == "ar":
        plan_translated(app, made.family_id)
    return made.usernames[0]


@pytest.fixture(scope="module")
def pages(browser, live_server):
    usernames = {reader: _reader_of_two_versions(live_server.app, LANGUAGE[reader]) for reader in READERS}
    opened = {reader: new_family_page(browser, live_server, usernames[reader]) for reader in READERS}
    yield {reader: page for reader, (_context, page) in opened.items()}
    for context, _page in opened.values():
        context.close()


def _plan_in(page, locale: str):
    page.goto("/plan")
    choose_language(page, locale)
    page.wait_for_url("**/plan")
    assert page.viewport_size == {"width": 360, "height": 740}


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("locale", list(LANGUAGES))
def test_no_text_column_of_the_plan_is_narrower_than_150_px(pages, reader, locale):
    page = pages[reader]
    _plan_in(page, locale)
    columns = page.evaluate(COLUMNS_JS)
    assert any(column["what"].startswith("dd") for column in columns)  # the agreements are on the page
    narrow = [f"{column['what']!r} is {column['width']:.0f} px" for column in columns if column["width"] < MIN_COLUMN]
    assert narrow == [], (locale, reader, narrow)
    if reader == "fatima" and locale in ("nl", "ar", "uk"):
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"phone-plan-{locale}.png"), full_page=True)


@pytest.mark.parametrize("reader", READERS)
def test_bullets_stay_inside_their_card_in_arabic(pages, reader):
    page = pages[reader]
    _plan_in(page, "ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    markers = page.evaluate(MARKERS_JS)
    assert markers  # the plan's lists are on the page
    outside = [f"{m['what']!r} ({m['dir']}): bullet at {m['marker']['left']:.0f}-{m['marker']['right']:.0f}, "
               f"card {m['card']['left']:.0f}-{m['card']['right']:.0f}"
               for m in markers if m["marker"]["left"] < m["card"]["left"] - 0.5
               or m["marker"]["right"] > m["card"]["right"] + 0.5]
    assert outside == [], outside
