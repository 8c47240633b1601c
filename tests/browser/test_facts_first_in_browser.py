"""Facts first while typing, in Chromium on a desk screen and a phone: a guess and a judgement are marked
under the field without saving, beside the plain-language help, and the marks fit the screen.

Made here (support/factories.py on the live server): a household of Bram's duo (Anouk Visser the partner) with a
published plan of one situation, the one whose description Anouk types into."""
import pytest
from browser_kit import household_with_plan, sign_in
from playwright.sync_api import expect

FIELD = "s1-description"  # the description of the plan's situation
TYPED = 'Vader was agressief en moeder lijkt moe. Oma zegt: "Ik denk dat het beter gaat."'


@pytest.fixture(scope="module")
def family_id(live_server) -> int:
    return household_with_plan(live_server.app, ["nl"]).family_id


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}, {"width": 360, "height": 740}],
                         ids=["1280x800", "360x740"])
def test_a_guess_and_a_judgement_are_marked_while_typing(browser, live_server, family_id, viewport):
    context = browser.new_context(viewport=viewport, locale="nl-NL", base_url=live_server.base)
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, live_server, "anouk")
    page.goto(f"/backoffice/families/{family_id}/plan")
    field, help_box = page.locator(f"#{FIELD}"), page.locator(f"#{FIELD}-help")
    with page.expect_response(lambda r: r.url.endswith("/plain-language")) as checked:
        field.fill(TYPED)
        field.press("End")  # a keyup: htmx waits 700 ms for more typing, then asks the server
    assert checked.value.status == 200
    expect(help_box.locator(".facts-first .finding.judgement mark")).to_have_text("agressief")
    expect(help_box.locator(".facts-first .finding.hedge mark")).to_have_text("lijkt")
    expect(help_box.locator(".facts-first .finding")).to_have_count(2)  # the quote is left alone
    expect(help_box.locator(".plain-ok")).to_be_visible()  # the plain-language help is still there
    hint = live_server.translate("nl", "A judgement, not a fact. Write what was seen or said, when, and by whom.")
    expect(help_box.locator(".facts-first .finding.judgement")).to_contain_text(hint)
    right = help_box.locator(".facts-first").evaluate("(list) => list.getBoundingClientRect().right")
    assert right <= viewport["width"], "the marks fit the screen"
    context.close()
