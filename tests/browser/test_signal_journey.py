"""Partners' signals in Chromium (issue 25): the wijkagent sends a signal on a 360x740 phone and reads that it was
received, with the contact person to call back; it reaches Bram's work list and the El Idrissi timeline at 1280x800
within a minute, with a message to Bram queued in the outbox; a signal about a family nobody knows waits on the team
lead's intake list, and the team lead starts a household from it, whose file then lists the signal. An empty "what"
is refused and keeps the names typed; axe-core finds nothing on the partner's pages, in Dutch, Arabic (right to
left) and English, and they never scroll sideways on the phone and keep their touch targets at 44x44 px.

The texts are asked of the catalogue (`server.translate`): they are being translated while this test is kept.

Made here: the police district of the demo team and its wijkagent, Sander Bakker, straight into the database as the
demo makes its partners (portal/demo/loader.py: the demo's password, an authenticator secret of his own); Fatima and
Youssef (support/factories.py), whose household Bram names "Gezin El Idrissi" and whose year of birth he writes on
the members page, and in whose professional network he lists the police, in the browser. Everything else happens in
the browser. The portal's clock runs from a working hour of the duo (`at_work`): the receipt names the contact person.

Screenshots for people to look at (not committed) go to /tmp/look-signals/."""
import datetime as dt
import re
import time
from functools import partial
from pathlib import Path

import pyotp
import pytest
from browser_kit import (
    FAMILY_VIEWPORT,
    axe_violations,
    choose_language,
    describe_targets,
    describe_violations,
    new_family_page,
    small_targets,
)
from browser_kit import sign_in as staff_sign_in
from playwright.sync_api import expect
from sqlmodel import select

from portal import clock
from portal.demo import DEMO_PASSWORD
from portal.models import (
    Account,
    Family,
    OutboxMessage,
    Partner,
    PartnerKind,
    PartnerOrganisation,
    Role,
    Signal,
    Worker,
)
from support import factories

STAFF_VIEWPORT = {"width": 1280, "height": 800}
SHOTS = Path("/tmp/look-signals")
LANGUAGES = ("nl", "ar", "en")

POLICE = "Politie Amsterdam-Zuid"
WIJKAGENT = "Sander Bakker"
FAMILY = "Gezin El Idrissi"
SEEN = "Yusuf Elidrissi"  # how the wijkagent spells Youssef El Idrissi
BORN = "1986"
WHAT = ("Buren belden om 22.40 uur: geschreeuw in de woning. Ter plaatse trof ik meneer in de hal. Mevrouw zat met "
        "de twee kinderen in de slaapkamer. Geen letsel gezien.")
OBSERVED_BY = "wijkagent S. Bakker, ter plaatse"
CALL_BACK = "06-24681357"  # the form refuses the police's 0900-8844 (see the report)
CHILD, CHILD_BORN = "Lotte Vermeulen", "2015"
CHILD_WHAT = "Lotte (groep 6) stond om 16.30 uur nog alleen bij het hek. Zij zei: 'Mama komt niet.'"
MOTHER = "Mirjam Vermeulen"  # whom the team lead learns of when she calls the wijkagent back


@pytest.fixture(scope="module")
def wijkagent(live_server) -> str:
    """The username of Sander Bakker, wijkagent of the police district of the demo team, as the demo makes him."""
    with live_server.session() as db:
        password_hash = db.exec(select(Account.password_hash).where(Account.username == "anouk")).one()
        lead = db.exec(select(Account.id).where(Account.username == "teamlead")).one()
        team_id = db.exec(select(Worker.team_id).where(Worker.name == "Bram de Wit")).one()
        police = PartnerOrganisation(team_id=team_id, kind=PartnerKind.police, name=POLICE, created_by=lead)
        account = Account(username="partner-proef-wijkagent", role=Role.partner, display_name=WIJKAGENT,
                          language="nl", password_hash=password_hash, totp_secret=pyotp.random_base32(),
                          totp_enrolled=True, second_factor="totp")
        db.add_all([police, account])
        db.flush()
        db.add(Partner(account_id=account.id, organisation_id=police.id, name=WIJKAGENT, function="wijkagent"))
        db.commit()
        return account.username


@pytest.fixture
def el_idrissi(live_server, at_work) -> factories.Household:
    """Fatima and Youssef, Bram's household; made once the clock runs from the duo's working hour (`at_work`), so
    that their duo (from yesterday on) is theirs at that moment."""
    return factories.fatima_and_youssef(live_server.app)


def new_staff_page(browser, server, username: str):
    """A fresh context at 1280x800, signed in as `username` (browser_kit's office page is 1280x900)."""
    context = browser.new_context(viewport=STAFF_VIEWPORT, locale="nl-NL", base_url=server.base)
    context.set_default_timeout(10_000)
    page = context.new_page()
    staff_sign_in(page, server, username)
    return context, page


def new_partner_phone(browser, server, username: str):
    """A 360x740 phone on which the partner signs in where staff do (password, then the authenticator code) and
    lands on the signal form. (browser_kit's sign_in sends a partner to the parents' sign-in.)"""
    context, page = new_family_page(browser, server)
    page.goto("/backoffice/sign-in")
    page.locator("#username").fill(username)
    page.locator("#password").fill(DEMO_PASSWORD)
    page.locator("#sign-in button").click()
    page.wait_for_url(server.url("/backoffice/sign-in/code"))
    page.locator("#code").fill(server.code(username))
    page.locator("#code-form button:not([name])").click()
    page.wait_for_url(server.url("/partner/"))
    return context, page


def shot(page, name: str) -> None:
    """The whole page from its top (a full-page shot taken while scrolled paints the sticky header mid-page)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.evaluate("document.fonts.ready.then(() => true)")
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def scroll_width(page) -> int:
    return page.evaluate("document.scrollingElement.scrollWidth")


def no_violations(page, state: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"axe-core on {state}:\n{describe_violations(violations)}"


def a_while_ago() -> dt.datetime:
    """Half an hour ago on the portal's clock, in Amsterdam: when the partner saw it."""
    return clock.local_now() - dt.timedelta(minutes=30)


def fill_signal(page, name: str, born: str, what: str, urgency: str) -> None:
    """The signal form as the partner fills it in: one person, what was seen, the day and time, by whom, how urgent,
    the number to call back on."""
    seen_at = a_while_ago()
    page.locator("#person-0-name").fill(name)
    page.locator("#person-0-born").fill(born)
    page.locator("#what").fill(what)
    page.locator("#day").fill(seen_at.date().isoformat())
    page.locator("#time").fill(seen_at.strftime("%H:%M"))
    page.locator("#observed_by").fill(OBSERVED_BY)
    page.locator(f"#signal-form input[name=urgency][value={urgency}]").check()
    page.locator("#call_back").fill(CALL_BACK)


def send(page, server) -> int:
    """Press "Send the signal"; the receipt's signal id."""
    with page.expect_response(lambda r: r.request.method == "POST" and r.url == server.url("/partner/")) as answer:
        page.locator("#signal-form p.actions button").click()
    assert answer.value.status == 302, page.locator("main .error").all_inner_texts()
    page.wait_for_url(re.compile(re.escape(server.url("/partner/signals/")) + r"\d+$"))
    return int(page.url.rsplit("/", 1)[1])


def test_the_wijkagents_signal_reaches_bram_and_an_unknown_family_starts_a_household(browser, live_server, wijkagent,
                                                                                    el_idrissi, at_work):
    server = live_server
    nl = partial(server.translate, "nl")
    family_url = f"/backoffice/families/{el_idrissi.family_id}"
    with server.session() as db:
        bram = db.exec(select(Worker).where(Worker.name == "Bram de Wit")).one()

    # 1. Bram names the household, writes Youssef's year of birth, and lists the police in its professional network.
    bram_context, office = new_staff_page(browser, server, "bram")
    office.goto(f"{family_url}/members")
    office.locator("#name").fill(FAMILY)
    youssef_row = office.locator("#members-form fieldset.member", has=office.locator(
        "input[value='Youssef El Idrissi']"))
    youssef_row.get_by_label(nl("Year of birth")).fill(BORN)
    office.locator("#members-form p.actions button").click()
    office.wait_for_url(server.url(f"{family_url}#parents"))
    office.locator("#signals select#organisation").select_option(label=POLICE)
    office.locator("#signals form button:not([name])").click()
    office.wait_for_url(server.url(f"{family_url}#signals"))
    expect(office.locator("#signals ul").nth(1)).to_contain_text(POLICE)

    # 2. The wijkagent on his phone: the signal form, under axe-core, without sideways scroll.
    phone_context, phone = new_partner_phone(browser, server, wijkagent)
    expect(phone.locator("main h1")).to_have_text(nl("Send a signal"))
    expect(phone.locator("main")).to_contain_text(POLICE)
    assert scroll_width(phone) <= FAMILY_VIEWPORT["width"], "the signal form scrolls sideways on a 360 px phone"
    no_violations(phone, "/partner/")

    # 3. Once without what he saw: refused, and the name and year he typed are still there.
    fill_signal(phone, SEEN, BORN, "", "urgent")
    with phone.expect_response(lambda r: r.request.method == "POST" and r.url == server.url("/partner/")) as refused:
        phone.locator("#signal-form p.actions button").click()
    assert refused.value.status == 400
    expect(phone.locator("#what-error")).to_have_text(nl("Write what you saw or heard."))
    expect(phone.locator("#what")).to_have_attribute("aria-invalid", "true")
    expect(phone.locator("#person-0-name")).to_have_value(SEEN)
    expect(phone.locator("#person-0-born")).to_have_value(BORN)
    expect(phone.locator("#observed_by")).to_have_value(OBSERVED_BY)
    expect(phone.locator("#call_back")).to_have_value(CALL_BACK)
    expect(phone.locator("#signal-form input[name=urgency][value=urgent]")).to_be_checked()
    with server.session() as db:
        assert not db.exec(select(Signal.id)).all(), "a refused signal was stored"
    assert scroll_width(phone) <= FAMILY_VIEWPORT["width"]
    no_violations(phone, "/partner/, what was seen missing")

    # 4. With what he saw: "Received", and, the police being in the household's network, Bram's name and number.
    phone.locator("#what").fill(WHAT)
    sent = time.monotonic()
    signal_id = send(phone, server)
    expect(phone.locator("main h1")).to_have_text(nl("Received"))
    received = nl("Your signal was received on %(moment)s.", moment="\0").split("\0")[0].strip()
    expect(phone.locator("main .notice[role=status]")).to_contain_text(received)
    contact = phone.locator("main p", has_text=nl("To talk about it, call the family's contact person:"))
    expect(contact.locator("strong")).to_have_text("Bram de Wit")
    expect(contact.locator("a.tel")).to_have_text(bram.phone)
    expect(phone.locator("main .notice.warning")).to_have_count(0)  # urgent, but in the duo's working hours
    expect(phone.locator("main dl.facts")).to_contain_text(f"{SEEN} ({BORN})")
    expect(phone.locator("main dl.facts")).to_contain_text(WHAT)
    shown = phone.locator("body").inner_text()
    assert FAMILY not in shown and "Fatima" not in shown, "the partner reads something of the file"
    assert scroll_width(phone) <= FAMILY_VIEWPORT["width"]
    no_violations(phone, "the receipt")

    # 5. Bram: on his work list and on the household's timeline within a minute, and a message to his work phone.
    office.goto("/backoffice/")
    on_list = office.locator("#signals li", has=office.locator(f"a[href='/backoffice/signals/{signal_id}']"))
    expect(on_list).to_contain_text(FAMILY)
    expect(on_list).to_contain_text(POLICE)
    expect(on_list.locator(".badge")).to_have_text(nl("urgent"))
    office.goto(f"{family_url}/timeline")
    entry = office.locator("#timeline li.entry", has_text=nl("Urgent signal from %(name)s", name=POLICE))
    expect(entry).to_have_count(1)
    expect(entry.locator("blockquote")).to_contain_text(WHAT)
    assert time.monotonic() - sent < 60, "the signal took more than a minute to reach Bram"
    with server.session() as db:
        signal = db.get(Signal, signal_id)
        assert signal.family_id == el_idrissi.family_id and not signal.out_of_hours
        messages = db.exec(select(OutboxMessage).where(OutboxMessage.dedupe_key == f"signal:{signal_id}")).all()
        assert [(m.account_id, m.channel, m.to) for m in messages] == [(bram.account_id, "sms", bram.phone)], messages
        assert messages[0].created_at - signal.sent_at < dt.timedelta(minutes=1)
    office.goto(f"/backoffice/signals/{signal_id}")
    expect(office.locator("main h1")).to_have_text(nl("Signal from %(name)s", name=POLICE))
    expect(office.locator("main .meta").first).to_contain_text(FAMILY)
    expect(office.locator("main dl.facts")).to_contain_text(f"{WIJKAGENT}, wijkagent")
    expect(office.locator("main blockquote")).to_have_text(WHAT)
    expect(office.locator("#done-form")).to_be_visible()  # a task until Bram marks what was done
    shot(office, "signal-page-1280")
    bram_context.close()

    # 6. A signal about a family nobody knows: received, no contact person to call.
    phone.goto("/partner/")
    fill_signal(phone, CHILD, CHILD_BORN, CHILD_WHAT, "soon")
    child_signal = send(phone, server)
    expect(phone.locator("main h1")).to_have_text(nl("Received"))
    expect(phone.locator("main")).to_contain_text(nl("We call you back on %(number)s when we need to know more.",
                                                     number=CALL_BACK))
    expect(phone.locator("main p", has_text=nl("To talk about it, call the family's contact person:"))) \
        .to_have_count(0)
    no_violations(phone, "the receipt of a signal on the intake list")
    phone_context.close()

    # 7. The team lead's intake list; a household started from the signal, with the duo; its file lists the signal.
    lead_context, lead = new_staff_page(browser, server, "teamlead")
    lead.goto("/backoffice/signals")
    card = lead.locator(f"#signal-{child_signal}")
    expect(card.locator("h2")).to_contain_text(f"{CHILD}, {CHILD_BORN}")
    expect(card).to_contain_text(nl("No household comes close."))
    expect(lead.locator(f"#signal-{signal_id}")).to_have_count(0)  # the clear match never waited here
    shot(lead, "intake-1280")
    card.get_by_role("link", name=nl("Start a household from it")).click()
    lead.wait_for_url(server.url(f"/backoffice/households/new?signal={child_signal}"))
    expect(lead.locator("#name")).to_have_value("Gezin Vermeulen")
    expect(lead.locator("#child-0-name")).to_have_value(CHILD)
    expect(lead.locator("#child-0-birth_year")).to_have_value(CHILD_BORN)
    lead.locator("#contact").select_option(str(bram.id))
    lead.locator("#partner").select_option(lead.locator("#partner option", has_text="Anouk Visser").get_attribute(
        "value"))
    # A household needs a parent or carer; the signal named only the child: asked for one, nothing lost.
    with lead.expect_response(lambda r: r.request.method == "POST") as asked:
        lead.locator("#household-form p.actions button").click()
    assert asked.value.status == 400
    expect(lead.locator("#parent-0-name-error")).to_have_text(nl("A household has at least one parent or carer."))
    expect(lead.locator("#child-0-name")).to_have_value(CHILD)
    expect(lead.locator("#contact")).to_have_value(str(bram.id))
    lead.locator("#parent-0-name").fill(MOTHER)
    lead.locator("#household-form p.actions button").click()
    lead.wait_for_url(re.compile(re.escape(server.url("/backoffice/families/")) + r"\d+$"))
    with server.session() as db:
        family = db.exec(select(Family).where(Family.name == "Gezin Vermeulen")).one()
        assert db.get(Signal, child_signal).family_id == family.id
    assert lead.url == server.url(f"/backoffice/families/{family.id}")
    listed = lead.locator("#signals li", has=lead.locator(f"a[href='/backoffice/signals/{child_signal}']"))
    expect(listed).to_contain_text(POLICE)
    expect(listed).to_contain_text(nl("waiting"))
    lead.goto("/backoffice/signals")
    expect(lead.locator(f"#signal-{child_signal}")).to_have_count(0)
    lead_context.close()


def test_the_partners_pages_in_dutch_arabic_and_english(browser, live_server, wijkagent, at_work):
    """The signal form and a receipt at 360x740 in each language, and the team lead's intake list and the signal's
    page at 1280x800: no sideways scroll, no axe-core violation, touch targets of 44x44 px on the phone, the right
    direction; screenshots to look at."""
    server = live_server
    context, phone = new_partner_phone(browser, server, wijkagent)
    fill_signal(phone, "Noah de Jong", "12-03-2012", "Noah kwam drie dagen niet naar school. Niemand belde af.",
                "normal")
    signal_id = send(phone, server)
    for language in LANGUAGES:
        for path, name in (("/partner/", "partner"), (f"/partner/signals/{signal_id}", "receipt")):
            phone.goto(path)
            choose_language(phone, language)
            expect(phone.locator("html")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
            expect(phone.locator("main h1")).to_have_text(server.translate(
                language, "Send a signal" if name == "partner" else "Received"))
            assert scroll_width(phone) <= FAMILY_VIEWPORT["width"], f"{path} scrolls sideways in {language}"
            if name == "receipt":  # what he wrote reads left to right on a right-to-left page too: its full stop last
                written = phone.locator("main dl.facts dd", has_text="Noah kwam drie dagen")
                assert written.evaluate("dd => getComputedStyle(dd).direction") == "ltr", language
            no_violations(phone, f"{path} in {language}")
            small, _targets = small_targets(phone)
            assert not small, f"touch targets under 44x44 px on {path} in {language}:\n{describe_targets(small)}"
            shot(phone, f"{name}-360-{language}")
    context.close()

    lead_context, lead = new_staff_page(browser, server, "teamlead")
    lead.goto("/backoffice/signals")
    expect(lead.locator(f"#signal-{signal_id}")).to_contain_text("Noah de Jong, 2012")
    assert scroll_width(lead) <= STAFF_VIEWPORT["width"]
    shot(lead, "intake-list-1280")
    lead.locator(f"#signal-{signal_id} h2 a").click()
    lead.wait_for_url(server.url(f"/backoffice/signals/{signal_id}"))
    expect(lead.locator("main blockquote")).to_contain_text("Noah kwam drie dagen niet naar school.")
    assert scroll_width(lead) <= STAFF_VIEWPORT["width"]
    shot(lead, "intake-signal-1280")
    lead_context.close()
