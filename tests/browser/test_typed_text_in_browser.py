"""Typed text in a real browser: the plan editor's autosave says "not saved" and shows the conflict when the
duo partner saved first (or the connection fails), and text areas count towards their limit without cutting."""
from babel.numbers import format_decimal
from browser_kit import new_family_page, new_office_page
from playwright.sync_api import expect

FAMILY = "Gezin El Idrissi"
FIELD = "s2-description"
ANOUK_TEXT = "Anouk: Amira en Adam wachten na school soms een half uur alleen bij het hek."
BRAM_TEXT = "Bram: de kinderen staan na school alleen te wachten, de juf heeft het gezien."


def _editor(server) -> str:
    return f"/backoffice/families/{server.family_id(FAMILY)}/plan"


def _autosave(page, editor: str, field: str, text: str):
    """Type into a field and leave it, as a worker does: the autosave goes out two seconds later."""
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith(editor),
                              timeout=15_000) as answer:
        page.locator(f"#{field}").fill(text)
        page.locator(f"#{field}").blur()
    return answer.value


def test_an_autosave_after_the_partner_saved_says_not_saved_and_shows_both_texts(browser, live_server):
    server = live_server
    editor = _editor(server)
    t = lambda message, **values: server.translate("nl", message, **values)  # noqa: E731
    anouk_context, anouk = new_office_page(browser, server, "anouk")
    bram_context, bram = new_office_page(browser, server, "bram")
    anouk.goto(editor)
    bram.goto(editor)  # both opened the same revision
    revision = int(bram.locator("#revision").input_value())

    assert _autosave(anouk, editor, FIELD, ANOUK_TEXT).status == 200
    expect(anouk.locator("#draft-status")).to_have_text(t("Draft, saved version %(revision)s",
                                                          revision=revision + 1))

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
    expect(bram.locator("#draft-status")).to_have_text(t("Draft, saved version %(revision)s", revision=revision + 2))
    anouk_context.close()
    bram_context.close()


def test_an_autosave_that_cannot_save_or_does_not_arrive_says_not_saved_and_keeps_the_text(browser, live_server):
    server = live_server
    editor = _editor(server)
    not_saved = server.translate("nl", "Not saved — your text is still here. Press Save draft to try again.")
    context, page = new_office_page(browser, server, "bram")
    page.goto(editor)
    new_agreement = f"s1-a{page.locator('input[name=s1-count]').input_value()}-who"
    assert _autosave(page, editor, new_agreement, "Youssef").status == 400  # who, but not yet what
    problem = server.translate("nl", "An agreement needs at least who and what.")
    expect(page.locator("#draft-status")).to_contain_text(server.translate("nl", "Not saved: %(problems)s",
                                                                           problems=problem))
    expect(page.locator("#draft-status")).to_have_class("not-saved")
    expect(page.locator(f"#{new_agreement}")).to_have_value("Youssef")
    page.locator(f"#{new_agreement}").fill("")
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


def test_the_counter_shows_the_limit_before_it_is_reached_and_nothing_is_cut(browser, live_server):
    server = live_server
    context, page = new_family_page(browser, server, "ouder-sanne")
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
