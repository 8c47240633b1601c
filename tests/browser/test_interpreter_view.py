"""The interpreter's side-by-side view: Dutch and the translation get equal room, stacked on a phone.

Made here (support/factories.py on the live server): a household whose parent reads Arabic, with a published plan:
its translation is work for the team's Arabic interpreter, tolk-ar."""
import pytest
from browser_kit import household_with_plan, new_office_page


@pytest.fixture(scope="module", autouse=True)
def arabic_plan(live_server) -> None:
    household_with_plan(live_server.app, ["ar"])


def _boxes(page):
    """Boxes of the first segment's Dutch text and its translation field."""
    source = page.locator("table.side-by-side td[lang=nl]").first.bounding_box()
    field = page.locator("table.side-by-side textarea").first.bounding_box()
    return source, field


def test_the_translation_field_gets_as_much_room_as_the_dutch_text(browser, live_server):
    context, page = new_office_page(browser, live_server, "tolk-ar")
    page.locator("a[href*='/backoffice/translations/']").first.click()
    table = page.locator("table.side-by-side").bounding_box()
    source, field = _boxes(page)
    assert field["width"] >= 0.4 * table["width"], (field, table)  # side by side, half each
    assert field["x"] >= source["x"] + source["width"] - 1 and abs(field["y"] - source["y"]) < 20

    page.set_viewport_size({"width": 360, "height": 740})  # a phone: the field goes under the Dutch text
    source, field = _boxes(page)
    assert field["width"] >= 0.8 * 360, field
    assert field["y"] >= source["y"] + source["height"] - 1
    context.close()


def test_the_counter_under_an_arabic_field_reads_in_the_interface_language(browser, live_server):
    """The field is right to left; its counter ("0 of 4,000 characters") is the Dutch interface's, left to right."""
    context, page = new_office_page(browser, live_server, "tolk-ar")
    page.locator("a[href*='/backoffice/translations/']").first.click()
    counter = page.locator("table.side-by-side textarea + p.counter").first
    assert counter.evaluate("c => [c.lang, getComputedStyle(c).direction]") == ["nl", "ltr"]
    assert counter.inner_text().startswith("0 ")
    context.close()
