"""The duo edits one plan at the same time: the second save meets the first, keeps what was typed,
is merged and published; the parent then sees the new version and what changed. And the editor
gives plain-language help while typing, without saving.

Made here (support/factories.py on the live server): Fatima and Youssef (kept apart, Arabic), in Bram de Wit and
Anouk Visser's duo, with two published versions of their plan (one situation, one agreement: in version 2, what
Youssef does when he gets angry); Fatima read version 2."""
import re
from dataclasses import dataclass
from functools import partial

import pytest
from browser_kit import new_family_page, new_office_page, plan_read
from playwright.sync_api import expect
from sqlmodel import select

from portal.models import PlanVersion, VersionStatus
from portal.rules.sentences import sentences
from portal.services.plans import current_version, draft_of, load_contents
from support import factories

FIELD = "s1-a-0-what"  # agreement 1 of unsafe situation 1: what Youssef does when he gets angry
DESCRIPTION = "s1-description"  # the description of unsafe situation 1
ORIGINAL = "Youssef merkt dat hij boos wordt en gaat een stuk lopen."  # that agreement in version 2
ANOUK_TEXT = "Youssef gaat naar buiten als hij boos wordt. Hij belt zijn broer Karim."
BRAM_TEXT = "Youssef loopt een half uur als hij boos wordt. Daarna belt hij Bram."
MERGED = "Youssef gaat naar buiten en loopt een half uur als hij boos wordt. Hij belt Karim of Bram."
JARGON = "ondertoezichtstelling"
LONG_SENTENCE = ("Youssef en Fatima spreken af dat zij elke avond samen aan tafel zitten en dan met elkaar "
                 "praten over de dag en over wat er goed ging en wat niet.")


@dataclass(frozen=True)
class Household:
    family_id: int
    fatima: str  # her username

    @property
    def editor(self) -> str:
        return f"/backoffice/families/{self.family_id}/plan"


@pytest.fixture(scope="module")
def el_idrissi(live_server) -> Household:
    app = live_server.app
    made = factories.fatima_and_youssef(app, children=True, password=True)
    factories.published_plan(app, made.family_id)
    factories.published_plan(app, made.family_id, what=ORIGINAL)
    plan_read(app, made.usernames[0])
    return Household(made.family_id, made.usernames[0])


def _draft_text(server, family_id: int, field_text_contains: str) -> bool:
    with server.session() as db:
        draft = draft_of(db, family_id)
        return draft is not None and field_text_contains in str(load_contents(db, [draft.id])[draft.id])


def test_second_save_meets_the_first_merges_and_the_parent_sees_the_new_version(browser, live_server, el_idrissi):
    server = live_server
    editor = el_idrissi.editor
    in_draft = partial(_draft_text, server, el_idrissi.family_id)
    anouk_context, anouk = new_office_page(browser, server, "anouk")
    bram_context, bram = new_office_page(browser, server, "bram")
    anouk.goto(editor)
    bram.goto(editor)  # both opened the same draft revision
    original = anouk.locator(f"#{FIELD}").input_value()
    assert original == ORIGINAL
    expect(bram.locator(f"#{FIELD}")).to_have_value(original)

    anouk.locator(f"#{FIELD}").fill(ANOUK_TEXT)
    anouk.locator("button[name=action][value=save]").click()
    expect(anouk.locator(f"#{FIELD}")).to_have_value(ANOUK_TEXT)
    expect(anouk.locator("#conflict")).to_have_count(0)
    assert in_draft(ANOUK_TEXT)

    bram.locator(f"#{FIELD}").fill(BRAM_TEXT)
    with bram.expect_response(lambda r: r.request.method == "POST" and r.url.endswith(editor)) as saved:
        bram.locator("button[name=action][value=save]").click()
    assert saved.value.status == 409
    expect(bram.locator("#conflict")).to_be_visible()
    field = bram.locator(".field", has=bram.locator(f"#{FIELD}"))
    expect(field.locator(".conflict blockquote")).to_have_text(ANOUK_TEXT)  # what anouk saved
    expect(bram.locator(f"#{FIELD}")).to_have_value(BRAM_TEXT)  # what bram typed is still there
    expect(bram.locator(".conflict")).to_have_count(1)  # only the field that differs
    assert in_draft(ANOUK_TEXT) and not in_draft(BRAM_TEXT)  # nothing overwritten

    bram.locator(f"#{FIELD}").fill(MERGED)
    bram.locator("button[name=action][value=save]").click()
    expect(bram.locator("#conflict")).to_have_count(0)
    expect(bram.locator(f"#{FIELD}")).to_have_value(MERGED)
    assert in_draft(MERGED)

    bram.locator("button[name=action][value=publish]").click()
    bram.wait_for_url(re.compile(r"/plan/compare\?b=3$"))
    with server.session() as db:
        published = db.exec(select(PlanVersion).where(PlanVersion.number == 3)).one()
        assert published.status is VersionStatus.published and MERGED in str(load_contents(db, [published.id]))
    anouk_context.close()
    bram_context.close()

    # Fatima (Arabic) sees version 3 and what changed in it.
    fatima_context, page = new_family_page(browser, server, el_idrissi.fatima)
    t = partial(server.translate, "ar")
    expect(page.locator("main .notice a[href='/plan']")).to_be_visible()  # a new version to read
    page.goto("/plan")
    version_line = t("Version %(number)s of %(date)s", number=3, date="\0").split("\0")[0].strip()
    expect(page.locator("main")).to_contain_text(version_line)
    changed = page.locator("section[aria-labelledby=changed]")
    expect(changed.locator("#changed")).to_have_text(t("What changed since the version you read before"))
    for sentence in sentences(MERGED):  # each on its own, in Dutch and marked until it is translated
        expect(changed.locator("ins").filter(has_text=sentence)).to_have_count(1)
    fatima_context.close()


def test_plain_language_help_appears_while_typing_without_saving(browser, live_server, el_idrissi):
    server = live_server
    editor = el_idrissi.editor
    in_draft = partial(_draft_text, server, el_idrissi.family_id)
    context, page = new_office_page(browser, server, "anouk")
    page.goto(editor)
    revision = page.locator("input[name=revision]").input_value()
    field, help_box = page.locator(f"#{DESCRIPTION}"), page.locator(f"#{DESCRIPTION}-help")
    flags = help_box.locator(".finding.jargon, .finding.long_sentence")
    expect(help_box.locator(".plain-ok")).to_be_visible()  # "Er is ruzie in huis." is plain enough
    expect(flags).to_have_count(0)

    with page.expect_response(lambda r: r.url.endswith("/plain-language")) as checked:
        field.fill(f"Er is een {JARGON}. {LONG_SENTENCE}")
        field.press("End")  # a keyup: htmx waits 700 ms for more typing, then asks the server
    assert checked.value.status == 200
    expect(help_box.locator(".finding.jargon mark")).to_have_text(JARGON)
    expect(help_box.locator(".finding.long_sentence mark")).to_have_text(LONG_SENTENCE)
    expect(help_box.locator(".finding.long_sentence")).to_contain_text("30")  # the hint counts the words

    # Nothing was submitted: same page, same revision, the draft does not hold the text.
    assert page.url == server.url(editor)
    expect(page.locator("input[name=revision]")).to_have_value(revision)
    assert not in_draft(JARGON)

    expect(help_box.locator(".plain-ok")).to_have_count(0)

    # Plain text again: the flags go away.
    field.fill("Amira en Adam wachten bij school.")
    field.press("End")
    expect(help_box.locator(".plain-ok")).to_be_visible()
    expect(flags).to_have_count(0)
    context.close()


def test_the_draft_saves_itself_as_the_worker_writes(browser, live_server, el_idrissi):
    server = live_server
    editor = el_idrissi.editor
    context, page = new_office_page(browser, server, "anouk")
    page.goto(editor)
    revision = int(page.locator("#revision").input_value())
    text = "Fatima belt Bram elke maandag om 10:00 uur."
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith(editor)) as saved:
        page.locator("#help-0-text").fill(text)
        page.locator("#help-0-text").press("Tab")  # leaving the field is a change: two seconds later it is saved
    assert saved.value.status == 200
    expect(page.locator("#revision")).to_have_value(str(revision + 1))
    # The status names the draft as what it is, not by its revision: the plan is at the version last published.
    with server.session() as db:
        published = current_version(db, el_idrissi.family_id).number
    expect(page.locator("#draft-status")).to_contain_text(server.translate("nl", "Published: version %(number)s.",
                                                                           number=published))
    expect(page.locator("#draft-status")).not_to_have_class("not-saved")
    assert _draft_text(server, el_idrissi.family_id, text)
    page.locator("button[name=action][value=save]").click()  # a later save builds on the autosaved revision
    expect(page.locator("#conflict")).to_have_count(0)
    expect(page.locator("#revision")).to_have_value(str(revision + 2))
    context.close()
