"""A child of 12 or over in a real browser (issue 24): Bram decides with Sara (14) at 1280x800 that she gets her own
page (refused until it is decided together, what he typed kept), prints her letter and writes her plan with her (the
advice at a child's level under a long sentence); she activates on a 360x740 phone and lands on /me (whom to call, the
children's helpline, 112, her plan, nothing of the household's plan, Leave quickly, no sideways scroll, no axe-core
violation, in Turkish and in Dutch); she writes her words (empty first: asked to write something) and shares them with
Fatima alone; Fatima's home shows them, Youssef's does not; Bram's work list names Sara until he marks them read.

Made here (support/factories.py on the live server): Fatima and Youssef (kept apart, Arabic) in Bram de Wit's duo,
with a published plan of one situation for the household; Amira (10) and Sara (14, reads Turkish) as members of the
household, with a year of birth and no account. Sara's account, plan and words are made in the browser.

The texts are asked of the catalogue (`server.translate`) or found by ids: they are being translated while this test is
kept. Screenshots for people to look at (not committed) go to /tmp/shots/child-*.png."""
import re
from functools import partial
from pathlib import Path

import pyotp
import pytest
from browser_kit import (
    FAMILY_VIEWPORT,
    axe_violations,
    choose_language,
    describe_violations,
    new_family_page,
    sign_in,
    text_of,
)
from playwright.sync_api import expect
from sqlmodel import select

from portal import clock
from portal.models import FamilyMember
from portal.rules import plain_language
from portal.rules.plan_content import Agreement, Item, PlanContent, Situation
from support import factories
from support.pages import database

STAFF_VIEWPORT = {"width": 1280, "height": 800}  # the brief's office size (browser_kit's new_office_page is 1280x900)
SHOTS = Path("/tmp/shots")

SARA = "Sara El Idrissi"  # 14, reads Turkish
AMIRA = "Amira El Idrissi"  # 10: no page of her own
PASSPHRASE = "blauwe vlieger boven het strand"
WHY_NOT_TOLD = "Vader mag niet weten dat Sara een eigen pagina heeft."

# Sixteen words: plain enough for an adult (at most 20), too long for a child (at most 12).
CALL = "Als het thuis niet veilig is dan bel ik meteen mijn oma of mijn tante op."
GO = "Ik ga naar de buren op nummer 12."
CODE_WORD = "pannenkoek"
WORDS = "Als papa boos is ga ik naar mijn kamer."

SITUATION = "Er is ruzie in huis."
SLEEP = "De kinderen slapen bij oma als er ruzie is."
SLEEP_WHEN = "Altijd."
SLEEP_WRONG = "Bel Bram de Wit."
HELP = "Hulp bij schulden via het buurtteam."
# The household's plan, the parents and the other child: none of it on Sara's page before she writes.
NOT_HERS = (SITUATION, SLEEP, SLEEP_WRONG, HELP, "Schuldhulp", "Fatima", "Youssef", "Amira")


@pytest.fixture(scope="module")
def household(live_server):
    app = live_server.app
    made = factories.fatima_and_youssef(app, password=True)
    factories.published_content(app, made.family_id, PlanContent(
        situations=(Situation("s-1", 1, "acute", SITUATION, (), (
            Agreement("a-oma", "Oma", SLEEP, SLEEP_WHEN, SLEEP_WRONG),)),),
        items=(Item("h-1", "help", HELP, "Schuldhulp"),)))
    year = clock.today().year
    with database(app) as db:
        db.add_all([FamilyMember(family_id=made.family_id, name=AMIRA, relation="kind", is_child=True,
                                 birth_year=year - 10),
                     FamilyMember(family_id=made.family_id, name=SARA, relation="kind", is_child=True,
                                  birth_year=year - 14, language="tr")])
        db.commit()
    return made


def member_id(server, name: str) -> int:
    with database(server.app) as db:
        return db.exec(select(FamilyMember.id).where(FamilyMember.name == name)).one()


def new_staff_page(browser, server, username: str):
    """A fresh context at 1280x800, signed in as `username` (browser_kit's office page is 1280x900)."""
    context = browser.new_context(viewport=STAFF_VIEWPORT, locale="nl-NL", base_url=server.base)
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, server, username)
    return context, page


def shot(page, name: str) -> None:
    """The whole page from its top (a full-page shot taken while scrolled paints the sticky header mid-page)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SHOTS / f"child-{name}.png"), full_page=True)


def scroll_width(page) -> int:
    return page.evaluate("document.scrollingElement.scrollWidth")


def no_violations(page, state: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"axe-core on {state}:\n{describe_violations(violations)}"


def test_sara_gets_her_own_page_writes_to_the_duo_and_shares_with_fatima_alone(browser, live_server, household):
    server = live_server
    nl = partial(server.translate, "nl")  # Bram reads Dutch
    family_url = f"/backoffice/families/{household.family_id}"
    sara_id, amira_id = member_id(server, SARA), member_id(server, AMIRA)
    child_path = f"{family_url}/children/{sara_id}"
    fatima_id, youssef_id = household.parent_ids

    # 1. Bram: the family file links Sara's own page (not Amira's, who is 10).
    office_context, bram = new_staff_page(browser, server, "bram")
    bram.goto(family_url)
    own_pages = bram.locator("#parents a[href*='/children/']")
    expect(own_pages).to_have_count(1)
    expect(own_pages).to_have_attribute("href", child_path)
    expect(own_pages).to_have_text(nl("Own page and plan"))
    expect(bram.locator("#parents li", has_text=SARA).locator("a[href*='/children/']")).to_have_count(1)
    expect(bram.locator("#parents li", has_text=AMIRA).locator("a[href*='/children/']")).to_have_count(0)
    assert bram.request.get(server.url(f"{family_url}/children/{amira_id}")).status == 404
    own_pages.click()
    bram.wait_for_url(server.url(child_path))
    expect(bram.locator("main h1")).to_contain_text(SARA)

    # Not decided together with her: refused, nothing made, what Bram typed kept.
    decision = bram.locator("#decision-form")
    decision.locator("input[name=parents][value=not_told]").check()
    decision.locator("#why_not_told").fill(WHY_NOT_TOLD)
    with bram.expect_response(lambda r: r.request.method == "POST") as refused:
        decision.locator("button").click()
    assert refused.value.status == 400
    decision = bram.locator("#decision-form")
    expect(decision.locator("#together-error")).to_have_text(
        nl("An account is only for a child who wants it: decide it together first."))
    expect(decision.locator("#why_not_told")).to_have_value(WHY_NOT_TOLD)
    expect(decision.locator("input[name=parents][value=not_told]")).to_be_checked()
    expect(decision.locator("input[name=together]")).not_to_be_checked()
    with database(server.app) as db:
        assert db.get(FamilyMember, sara_id).account_id is None
    assert scroll_width(bram) <= STAFF_VIEWPORT["width"]
    no_violations(bram, "the child's page, the decision refused")

    # Decided together, the parents know: the letter, in Sara's language.
    decision.locator("input[name=together]").check()
    decision.locator("input[name=parents][value=know]").check()
    decision.locator("button").click()
    bram.wait_for_url(server.url(f"{child_path}/letter"))
    letter = bram.locator("article.letter")
    expect(letter).to_have_attribute("lang", "tr")
    expect(letter).to_contain_text(SARA)
    expect(letter).to_contain_text(server.translate(
        "tr", "With this letter you can open your own page. There you see your own plan and whom to call, "
        "and you can write to us."))
    username = letter.locator("ol li").nth(1).locator("strong").inner_text().strip()
    code = letter.locator("ol li").nth(2).locator("strong").inner_text().strip()
    assert username.startswith("kind-") and code, (username, code)

    # Her plan, written with her: a sixteen-word sentence gets the advice at a child's level (advice, not refusal).
    bram.goto(child_path)
    expect(bram.locator("#account")).to_contain_text(nl("The parents know."))
    expect(bram.locator("#decision-form")).to_have_count(0)
    plan_form = bram.locator("#child-plan-form")
    plan_form.locator("#call").fill(CALL)
    plan_form.locator("#go").fill(GO)
    plan_form.locator("#code_word").fill(CODE_WORD)
    plan_form.locator("button").click()
    bram.wait_for_url(server.url(f"{child_path}#plan"))
    expect(bram.locator("main .notice[role=status]")).to_have_text(
        nl("Saved. %(name)s sees this plan on their own page.", name=SARA))
    plan_form = bram.locator("#child-plan-form")
    expect(plan_form.locator("#call")).to_have_value(CALL)
    advice = plain_language.check(CALL, level=plain_language.CHILD).long_sentences
    assert advice and not plain_language.check(CALL).long_sentences  # too long for her, not for an adult
    hints = plan_form.locator("p.hint")
    expect(hints).to_contain_text([finding.hint for finding in advice])
    # The advice stands under the field it is about: the first hint follows the call field's box.
    expect(plan_form.locator("div.field:has(#call) + p.hint").first).to_have_text(advice[0].hint)
    assert not plain_language.check(GO, level=plain_language.CHILD).long_sentences
    assert scroll_width(bram) <= STAFF_VIEWPORT["width"]
    no_violations(bram, "the child's page, the plan saved")
    shot(bram, "duo-1280")

    # 2. Sara's phone: the letter's username and code, a password, the authenticator app; then /me.
    phone_context, phone = new_family_page(browser, server, locale="tr-TR")
    phone.goto("/activate")
    phone.locator("#username").fill(username)
    phone.locator("#code").fill(code)
    phone.locator("#activate-form button").click()
    phone.wait_for_url(server.url("/activate/password"))
    phone.locator("#password").fill(PASSPHRASE)
    phone.locator("#password_again").fill(PASSPHRASE)
    phone.locator("#password-form button:not([name])").click()
    phone.wait_for_url(server.url("/activate/second-factor"))
    key = phone.locator("code.key").inner_text()
    phone.locator("#code").fill(pyotp.TOTP(key.replace(" ", "")).now())
    phone.locator("button[name=method][value=totp]").click()
    phone.wait_for_url(server.url("/me"))

    expect(phone.locator("html")).to_have_attribute("lang", "tr")  # her account's language
    for language in ("tr", "nl"):
        choose_language(phone, language)
        expect(phone.locator("html")).to_have_attribute("lang", language)
        say = partial(server.translate, language)
        main = phone.locator("main")
        expect(main.locator("#call-now")).to_have_text(say("Who do I call now?"))
        call_now = main.locator(".call-now")
        expect(call_now).to_contain_text(say("Children's helpline, free:"))
        expect(call_now).to_contain_text(server.app.config["CHILD_HELPLINE_PHONE"])
        assert server.app.config["CHILD_HELPLINE_PHONE"] == "0800-0432"
        expect(call_now).to_contain_text("112")
        expect(main.locator("#my-plan")).to_have_text(say("My plan: when it is not safe at home"))
        plan = main.locator("section[aria-labelledby=my-plan] dl")
        for text in (CALL, GO, CODE_WORD):
            expect(plan).to_contain_text(text)
        expect(main.locator("#words-title")).to_have_text(say("My words"))
        expect(main.locator("#my-words article")).to_have_count(0)
        shown = text_of(phone, "body")
        assert not [text for text in NOT_HERS if text in shown], [text for text in NOT_HERS if text in shown]
        expect(phone.locator("#quick-exit")).to_be_visible()
        expect(phone.locator("#quick-exit")).to_be_in_viewport()
        assert scroll_width(phone) <= FAMILY_VIEWPORT["width"], f"/me scrolls sideways on a 360 px phone ({language})"
        no_violations(phone, f"/me in {language}, nothing written yet")
        shot(phone, f"me-360-{language}")
    choose_language(phone, "tr")
    tr = partial(server.translate, "tr")

    # 3. Her words: empty first (asked to write something), then her text; then shared with Fatima alone.
    words_form = phone.locator("#words-form")
    with phone.expect_response(lambda r: r.request.method == "POST") as empty:
        words_form.locator("button").click()
    assert empty.value.status == 400
    words_form = phone.locator("#words-form")
    expect(words_form.locator("#text-error")).to_have_text(tr("Write what you want us to know."))
    expect(words_form.locator("#text")).to_have_attribute("aria-invalid", "true")
    no_violations(phone, "/me, the words empty")
    words_form.locator("#text").fill(WORDS)
    words_form.locator("button").click()
    phone.wait_for_url(server.url("/me#my-words"))
    written = phone.locator("#my-words article")
    expect(written).to_have_count(1)
    expect(written.locator("p.typed")).to_have_text(WORDS)
    boxes = written.locator("input[type=checkbox]")
    expect(boxes).to_have_count(2)
    expect(written.locator("input[name=parent-0]")).to_have_attribute("value", str(fatima_id))
    expect(written.locator("input[name=parent-1]")).to_have_attribute("value", str(youssef_id))
    labels = written.locator("label.choice")
    expect(labels).to_have_text(["Fatima", "Youssef"])  # first names only
    expect(boxes.nth(0)).not_to_be_checked()  # shared only by her choice
    expect(boxes.nth(1)).not_to_be_checked()
    written.locator("input[name=parent-0]").check()
    written.locator("button").click()
    phone.wait_for_url(re.compile(re.escape(server.url("/me#words-")) + r"\d+$"))
    written = phone.locator("#my-words article")
    expect(written.locator("p.notice")).to_have_text(tr("You shared this with: %(names)s", names="Fatima"))  # whom
    expect(written.locator("label.choice")).to_have_text(["Youssef"])  # still hers to share with him, or not
    assert scroll_width(phone) <= FAMILY_VIEWPORT["width"]
    no_violations(phone, "/me, words shared")
    phone_context.close()

    # 4. Fatima's home shows what Sara shared with her; Youssef's does not.
    fatima_context, fatima = new_family_page(browser, server, household.usernames[0])
    card = fatima.locator("main section", has=fatima.locator("p.typed", has_text=WORDS))
    expect(card).to_have_count(1)
    expect(card.locator("h2")).to_have_text(server.translate("ar", "%(name)s wants you to know", name="Sara"))
    fatima_context.close()
    youssef_context, youssef = new_family_page(browser, server, household.usernames[1])
    expect(youssef.locator("main")).to_be_visible()
    assert WORDS not in text_of(youssef, "body")
    expect(youssef.locator("main p.typed", has_text=WORDS)).to_have_count(0)
    youssef_context.close()

    # 5. Bram's work list names Sara (not her words) until he marks them read on her page.
    bram.goto("/backoffice/")
    listed = bram.locator("#child-words")
    expect(listed).to_contain_text(SARA)
    expect(listed).not_to_contain_text(WORDS)
    expect(listed.locator(f"a[href='{child_path}#words']")).to_have_count(1)
    listed.locator(f"a[href='{child_path}#words']").click()
    bram.wait_for_url(server.url(f"{child_path}#words"))
    words = bram.locator("#words")
    expect(words).to_contain_text(WORDS)
    expect(words).to_contain_text(nl("shared with the parents"))
    words.locator("form button").click()
    bram.wait_for_url(server.url(f"{child_path}#words"))
    expect(bram.locator("#words form button")).to_have_count(0)
    bram.goto("/backoffice/")
    expect(bram.locator("#child-words")).not_to_contain_text(SARA)
    expect(bram.locator("#child-words li")).to_have_text([nl("Nothing waiting.")])
    office_context.close()
