"""Typed text in a real browser: the plan editor's autosave says "not saved" and shows the conflict when the
duo partner saved first (or the connection fails), and text areas count towards their limit without cutting.

Made here (support/factories.py on the live server): a household of Bram de Wit and Anouk Visser's duo with one
activated Dutch-reading parent and a published plan (version 1) of one situation, whose description the duo edits."""
import re

import pytest
from babel.numbers import format_decimal
from browser_kit import household_with_plan, new_family_page, new_office_page
from playwright.sync_api import expect

FIELD = "s1-description"  # the description of the plan's one situation
PUBLISHED = 1  # the number of the household's published version
ANOUK_TEXT = "Anouk: Amira en Adam wachten na school soms een half uur alleen bij het hek."
BRAM_TEXT = "Bram: de kinderen staan na school alleen te wachten, de juf heeft het gezien."


@pytest.fixture(scope="module")
def household(live_server):
    return household_with_plan(live_server.app, ["nl"])


@pytest.fixture
def editor(household) -> str:
    return f"/backoffice/families/{household.family_id}/plan"


def _autosave(page, editor: str, field: str, text: str):
    """Type into a field and leave it, as a worker does: the autosave goes out two seconds later."""
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith(editor),
                              timeout=15_000) as answer:
        page.locator(f"#{field}").fill(text)
        page.locator(f"#{field}").blur()
    return answer.value


def test_an_autosave_after_the_partner_saved_says_not_saved_and_shows_both_texts(browser, live_server, editor):
    server = live_server
    t = lambda message, **values: server.translate("nl", message, **values)  # noqa: E731
    anouk_context, anouk = new_office_page(browser, server, "anouk")
    bram_context, bram = new_office_page(browser, server, "bram")
    anouk.goto(editor)
    bram.goto(editor)  # both opened the same revision
    revision = int(bram.locator("#revision").input_value())

    assert _autosave(anouk, editor, FIELD, ANOUK_TEXT).status == 200
    expect(anouk.locator("#draft-status")).to_contain_text(t("Published: version %(number)s.", number=PUBLISHED))
    expect(anouk.locator("#draft-status")).not_to_have_class("not-saved")

    assert _autosave(bram, editor, FIELD, BRAM_TEXT).status == 409
    status = bram.locator("#draft-status")
    expect(status).to_have_text(t("Not saved — your duo partner saved first. Your text is still here: "
                                  "see both texts below."))
    expect(status).to_have_class("not-saved")
    expect(bram.locator("#conflict")).to_be_visible()
    field = bram.locator(".field", has=bram.locator(f"#{FIELD}"))
    expect(field.locator(".conflict blockquote")).to_have_text(ANOUK_TEXT)  # what Anouk saved
    expect(bram.locator(f"#{FIELD}")).to_have_value(BRAM_TEXT)  # what Bram typed, still his
    expect(bram.locator("#revision")).to_have_value(str(revision + 1))
    expect(bram.locator(f"#{FIELD}-count")).to_have_count(1)  # the new fields count too, once
    # While both texts are shown, nothing saves by itself: Bram combines them and saves on purpose.
    expect(bram.locator("#plan-form[data-autosave]")).to_have_count(0)
    bram.locator(f"#{FIELD}").fill(BRAM_TEXT + " " + ANOUK_TEXT)
    bram.locator("button[name=action][value=save]").click()
    expect(bram.locator("#conflict")).to_have_count(0)
    expect(bram.locator("#draft-status")).to_contain_text(t("Published: version %(number)s.", number=PUBLISHED))
    expect(bram.locator("#revision")).to_have_value(str(revision + 2))
    anouk_context.close()
    bram_context.close()


def test_an_autosave_that_cannot_save_or_does_not_arrive_says_not_saved_and_keeps_the_text(browser, live_server,
                                                                                           editor):
    server = live_server
    not_saved = server.translate("nl", "Not saved — your text is still here. Press Save draft to try again.")
    context, page = new_office_page(browser, server, "bram")
    page.goto(editor)
    too_long = "x" * 2001  # longer than the field holds: refused whole, never cut
    assert _autosave(page, editor, FIELD, too_long).status == 400
    problem = server.translate("nl", "Your text is too long: %(length)s characters, and at most %(limit)s fit. "
                               "Make it %(over)s characters shorter.", length=format_decimal(2001, locale="nl"),
                               limit=format_decimal(2000, locale="nl"), over="1")
    expect(page.locator("#draft-status")).to_contain_text(server.translate("nl", "Not saved: %(problems)s",
                                                                           problems=problem))
    expect(page.locator("#draft-status")).to_have_class("not-saved")
    expect(page.locator(f"#{FIELD}")).to_have_value(too_long)
    page.route(f"**{editor}", lambda route: route.abort() if route.request.method == "POST" else route.continue_())
    with page.expect_event("requestfailed", timeout=15_000):
        page.locator(f"#{FIELD}").fill("Tekst zonder verbinding.")
        page.locator(f"#{FIELD}").blur()
    expect(page.locator("#draft-status")).to_have_text(not_saved)
    expect(page.locator(f"#{FIELD}")).to_have_value("Tekst zonder verbinding.")
    page.unroute(f"**{editor}")
    page.route(f"**{editor}", lambda route: route.fulfill(status=502, body="Bad gateway")
               if route.request.method == "POST" else route.continue_())
    assert _autosave(page, editor, FIELD, "Tekst terwijl de server hapert.").status == 502
    expect(page.locator("#draft-status")).to_have_text(not_saved)
    expect(page.locator(f"#{FIELD}")).to_have_value("Tekst terwijl de server hapert.")
    context.close()


def test_the_counter_shows_the_limit_before_it_is_reached_and_nothing_is_cut(browser, live_server, household):
    server = live_server
    context, page = new_family_page(browser, server, household.usernames[0])
    page.goto("/plan")
    count = lambda n: format_decimal(n, locale="nl")  # noqa: E731
    counter = page.locator("#comment-count")
    expect(counter).to_have_text(server.translate("nl", "%(count)s of %(limit)s characters",
                                                  count=count(0), limit=count(2000)))
    comment = page.locator("#comment")
    expect(comment).to_have_attribute("aria-describedby", "comment-count")
    comment.fill("a" * 1850)
    expect(counter).to_have_text(server.translate("nl", "%(count)s of %(limit)s characters",
                                                  count=count(1850), limit=count(2000)))
    text = "b" * 2100  # e.g. pasted: the browser does not cut it, the counter says how much is too much
    comment.fill(text)
    expect(comment).to_have_value(text)
    expect(counter).to_have_text(server.translate("nl", "%(count)s of %(limit)s characters: %(over)s too many",
                                                  count=count(2100), limit=count(2000), over=count(100)))
    expect(counter).to_have_class("counter over")
    page.locator("input[name=answer][value=question]").check()
    page.locator("#answer-form button").click()
    expect(page.locator("#comment-error")).to_be_visible()  # refused whole, with the text still there
    expect(page.locator("#comment")).to_have_value(text)
    context.close()


def _leave(page, expect_question: bool) -> None:
    """Follow the editor's link to the family file, as a worker leaving the page does; say "stay" when asked."""
    questions = []

    def stay(dialog):
        questions.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", stay)
    link = page.locator("#plan-editor .meta a").first
    if expect_question:
        link.click(no_wait_after=True)
        for _ in range(100):  # the question comes before any navigation
            if questions:
                break
            page.wait_for_timeout(50)
        expect(page.locator("#plan-form")).to_be_visible()
    else:
        with page.expect_navigation():
            link.click()
    page.remove_listener("dialog", stay)
    assert questions == (["beforeunload"] if expect_question else [])


def test_leaving_the_editor_with_unsaved_text_asks_first(browser, live_server, editor):
    server = live_server
    context, page = new_office_page(browser, server, "anouk")
    page.goto(editor)
    _leave(page, expect_question=False)  # nothing typed: nothing to ask
    page.goto(editor)
    field = page.locator(f"#{FIELD}")
    field.click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" De buurvrouw ziet het ook.")  # typed, not yet saved
    _leave(page, expect_question=True)
    expect(field).to_have_value(re.compile("De buurvrouw ziet het ook.$"))  # stayed: the text is still there
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith(editor),
                              timeout=15_000) as answer:
        field.blur()  # the autosave goes out and is saved
    assert answer.value.status == 200
    expect(page.locator("#draft-status")).not_to_have_class("not-saved")
    _leave(page, expect_question=False)
    page.goto(editor)
    page.locator(f"#{FIELD}").click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" En de juf.")
    with page.expect_navigation():
        page.locator("button[name=action][value=save]").click()  # Save draft: sending the form asks nothing
    _leave(page, expect_question=False)
    context.close()
