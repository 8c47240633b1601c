"""A case whose parents are kept apart, in Chromium: intake, letters, activation, plan, appointments, a reply.

Made here: everything, through the pages, on the team database (the demo team and its staff, no households): the
team lead's intake of the Haddad household is the test's first step."""
import datetime as dt
import re
from functools import partial

import pyotp
from browser_kit import SCREENSHOTS, choose_language, new_family_page, new_office_page
from playwright.sync_api import expect
from sqlmodel import select

from portal import clock
from portal.models import Account, Appointment, OutboxMessage, Parent, PlanQuestion
from portal.rules.audience import HOUSEHOLD, only_for
from portal.rules.sentences import sentences
from portal.services import notifications

FAMILY = "Gezin Haddad"
OFFICE = {"width": 1280, "height": 800}
PASSWORD = {"Layla Haddad": "blauwe fiets op het dak", "Karim Haddad": "rode deur aan de gracht"}
SITUATION = "Karim en Layla hebben ruzie. Op 3 november sloeg Karim twee keer tegen de deur, zegt Layla."
SHARED = "Karim en Layla praten niet met elkaar over de kinderen. Zij bellen Bram."
SAFE_ADDRESS = "Layla woont op een veilig adres. Zij zegt het adres tegen niemand."
SAFE_PLACE = "Opvanghuis Lindelaan 12"  # the address of the safe place: no parent ever sees it
SAFE_PURPOSE = "Gesprek met Layla alleen"
SAFE_WITH = "Bram de Wit en een medewerker van de opvang"
FAMILY_PURPOSE = "Gesprek met het hele gezin"
FAMILY_WITH = "Bram de Wit en Anouk Visser"
QUESTION = "هل يعرف كريم عنواني الجديد؟"  # "Does Karim know my new address?", typed in Arabic
REPLY = "Nee. Alleen Bram en Anouk weten het adres."
NEW_WHEN = "Elke dag, ook in het weekend."


def _shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")  # a field scrolled into view would cut the sticky header into the shot
    page.evaluate("document.fonts.ready.then(() => true)")
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def _option(page, select: str, text: str) -> str:
    """The value of the option whose label holds `text` (labels carry the organisation or the name)."""
    return page.locator(f"{select} option", has_text=text).get_attribute("value")


def _start_household(page) -> int:
    """The team lead's intake: two parents kept apart, a child, Bram as contact and Anouk as partner."""
    page.goto("/backoffice/households/new")
    page.locator("#name").fill(FAMILY)
    page.locator("#parents_kept_apart").check()
    page.locator("#parent-0-name").fill("Layla Haddad")
    page.locator("#parent-0-language").select_option("ar")
    page.locator("#parent-0-phone").fill("06 11112222")
    page.locator("button[name=add][value=parent]").click()  # a second row; what was typed stays
    expect(page.locator("#parent-0-name")).to_have_value("Layla Haddad")
    expect(page.locator("#parents_kept_apart")).to_be_checked()
    page.locator("#parent-1-name").fill("Karim Haddad")
    page.locator("#parent-1-language").select_option("ar")
    page.locator("#parent-1-phone").fill("06 33334444")
    page.locator("#child-0-name").fill("Nour Haddad")
    page.locator("#child-0-birth_year").fill("2017")
    page.locator("#contact").select_option(_option(page, "#contact", "Bram de Wit"))
    page.locator("#partner").select_option(_option(page, "#partner", "Anouk Visser"))
    page.locator("#household-form p.actions button").click()
    page.wait_for_url(re.compile(r"/backoffice/families/\d+$"))
    expect(page.locator("#kept-apart")).to_be_visible()
    return int(page.url.rsplit("/", 1)[1])


def _letter(page, family_id: int, parent_id: int, t) -> tuple[str, str]:
    """Print a parent's letter from the family file; the username and activation code it gives."""
    page.goto(f"/backoffice/families/{family_id}")
    page.locator(f"a[href$='/parents/{parent_id}/letter/new']").click()  # a page that says what a letter does
    page.locator("#letter-form button").click()
    letter = page.locator("article.letter")
    expect(letter).to_contain_text(t("Questions? Call %(name)s:", name="Bram de Wit"))
    expect(letter.locator("bdi")).to_have_text("06-12345602")
    username, code = (letter.locator("ol li strong").nth(i).inner_text() for i in (0, 1))
    assert username.startswith("ouder-") and code
    return username, code


def _activate(browser, server, name: str, username: str, code: str):
    """A parent's own phone: the letter's username and code, a password, then an authenticator app."""
    context, page = new_family_page(browser, server, locale="ar")
    page.goto("/activate")
    page.locator("#username").fill(username)
    page.locator("#code").fill(code)
    page.locator("#activate-form button").click()
    page.wait_for_url(server.url("/activate/password"))
    page.locator("#password").fill(PASSWORD[name])
    page.locator("#password_again").fill(PASSWORD[name])
    page.locator("#password-form button").click()
    page.wait_for_url(server.url("/activate/second-factor"))
    secret = page.locator("#factor-form code.key").inner_text().replace(" ", "")  # shown in groups of four
    page.locator("#code").fill(pyotp.TOTP(secret).now())
    page.locator("button[name=method][value=totp]").click()
    page.wait_for_url(server.url("/"))
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("section[aria-labelledby=contact]")).to_contain_text("Bram de Wit")
    return context, page


def _fill_agreement(page, prefix: str, who: str, what: str, when: str, wrong: str, audience: str) -> None:
    for field, text in (("who", who), ("what", what), ("when", when), ("wrong", wrong)):
        page.locator(f"#{prefix}-{field}").fill(text)
    expect(page.locator(f"#{prefix}-audience")).to_have_value("")  # kept apart: no choice made for the duo
    page.locator(f"#{prefix}-audience").select_option(audience)


def _write_plan(page, family_id: int, layla: int) -> None:
    """Bram writes the plan: the situation and one agreement for everyone, Layla's safe address for her only."""
    page.goto(f"/backoffice/families/{family_id}/plan")
    expect(page.locator("#s1-audience")).to_have_value("")
    page.locator("#s1-description").fill(SITUATION)
    page.locator("#s1-risks").fill("Ruzie over geld\nKarim drinkt")
    page.locator("#s1-audience").select_option(HOUSEHOLD)
    _fill_agreement(page, "s1-a-0", "Karim en Layla", SHARED, "Elke week.", "Zij bellen Veilig Thuis: 0800-2000.",
                    HOUSEHOLD)
    page.locator("button[name=action][value=save]").click()
    expect(page.locator("#s1-a-1-who")).to_be_visible()  # saved: a new empty agreement below the first
    _fill_agreement(page, "s1-a-1", "Layla", SAFE_ADDRESS, "Altijd.", "Layla belt 112.", only_for([layla]))
    page.locator("button[name=action][value=save]").click()
    expect(page.locator("#s1-a-1-audience")).to_have_value(only_for([layla]))
    expect(page.locator("legend .only-for")).to_have_count(1)  # the marker on Layla's agreement
    _shoot(page, "case-plan-editor-nl.png")
    page.locator("button[name=action][value=publish]").click()
    page.wait_for_url(re.compile(r"/plan/compare\?b=1$"))


def _plan_appointment(page, family_id: int, when: dt.datetime, place: str, with_whom: str, purpose: str,
                      audience: str, safe: bool = False, shot: str | None = None) -> None:
    page.goto(f"/backoffice/families/{family_id}/appointments")
    expect(page.locator("#audience")).to_have_value("")  # kept apart: the duo chooses
    page.locator("#date").fill(when.strftime("%Y-%m-%d"))
    page.locator("#time").fill(when.strftime("%H:%M"))
    page.locator("#place").fill(place)
    if safe:
        page.locator("input[name=safe_place]").check()
    page.locator("#with_worker").select_option("other")  # typed, as for someone outside the duo
    page.locator("#with_whom").fill(with_whom)
    page.locator("#purpose").fill(purpose)
    page.locator("#audience").select_option(audience)
    if shot:
        _shoot(page, shot)
    page.locator("#appointment-form button[value=save]").click()
    page.wait_for_url(re.compile(rf"/families/{family_id}/appointments$"))


def _status(page, path: str) -> int:
    """The status of a GET with this parent's cookies (a download such as .ics cannot be opened as a page)."""
    return page.request.get(path).status


def _news_for(server, account_ids: dict[str, int], prefix: str) -> set[str]:
    """The names of the parents with a message in the outbox whose dedupe key starts with `prefix`."""
    with server.session() as db:
        rows = db.exec(select(OutboxMessage.account_id).where(OutboxMessage.dedupe_key.startswith(prefix))).all()
    return {name for name, number in account_ids.items() if number in rows}


def test_a_case_with_parents_kept_apart_from_intake_to_a_reply(browser, live_server, at_work):
    server = live_server
    t = partial(server.translate, "ar")

    # 1. Intake by the team lead.
    lead_context, lead = new_office_page(browser, server, "teamlead")
    lead.set_viewport_size(OFFICE)
    family_id = _start_household(lead)
    with server.session() as db:
        parents = {p.name: p.id for p in db.exec(select(Parent).where(Parent.family_id == family_id))}
    layla = parents["Layla Haddad"]

    # 2. A letter for each parent, in Arabic, naming the contact person and his number.
    letters = {name: _letter(lead, family_id, number, t) for name, number in parents.items()}
    _shoot(lead, "case-letter-ar.png")
    lead_context.close()
    with server.session() as db:
        accounts = {name: db.exec(select(Account.id).where(Account.username == username)).one()
                    for name, (username, _code) in letters.items()}

    # 3. Each parent activates on their own phone.
    layla_context, layla_page = _activate(browser, server, "Layla Haddad", *letters["Layla Haddad"])
    karim_context, karim_page = _activate(browser, server, "Karim Haddad", *letters["Karim Haddad"])

    # 4. Bram writes and publishes the plan, and plans a safe place for Layla and a meeting for everyone.
    bram_context, bram = new_office_page(browser, server, "bram")
    bram.set_viewport_size(OFFICE)
    _write_plan(bram, family_id, layla)
    now = clock.local_now().replace(second=0, microsecond=0)
    _plan_appointment(bram, family_id, now + dt.timedelta(days=2), SAFE_PLACE, SAFE_WITH, SAFE_PURPOSE,
                      only_for([layla]), safe=True, shot="case-appointment-form-nl.png")
    _plan_appointment(bram, family_id, now + dt.timedelta(days=3), "Osdorpplein 100", FAMILY_WITH, FAMILY_PURPOSE,
                      HOUSEHOLD)
    expect(bram.locator("td .only-for")).to_have_count(1)
    with server.session() as db:
        # its number for the back office and the outbox, its key for the parents' addresses
        safe, safe_key = db.exec(select(Appointment.id, Appointment.key).where(
            Appointment.family_id == family_id, Appointment.purpose == SAFE_PURPOSE)).one()
    assert _news_for(server, accounts, f"appointment:{safe}:") == {"Layla Haddad"}

    # 5. Layla sees what is hers, never the safe place's address.
    page = layla_page
    page.goto("/")
    expect(page.locator("section[aria-labelledby=next]")).to_contain_text(SAFE_WITH)
    page.goto("/plan")
    for sentence in sentences(SHARED) + sentences(SAFE_ADDRESS):  # each on its own, marked until translated
        expect(page.locator("main")).to_contain_text(sentence)
    # Dutch risk factors in an Arabic page: the list and its items run one way, so the bullets sit inside the card.
    assert page.locator(".situation ul li").first.evaluate(
        "li => getComputedStyle(li).direction === getComputedStyle(li.parentElement).direction")
    _shoot(page, "case-plan-layla-ar.png")
    page.goto("/appointments")
    expect(page.locator("main")).to_contain_text(SAFE_PURPOSE)
    expect(page.locator("main")).to_contain_text(t("A safe place. We will give you the address by phone."))
    expect(page.locator("main")).to_contain_text(FAMILY_PURPOSE)
    _shoot(page, "case-appointments-layla-ar.png")
    page.goto(f"/appointments/{safe_key}")
    expect(page.locator("main")).to_contain_text(SAFE_WITH)
    ics = page.request.get(f"/appointments/{safe_key}.ics")
    assert ics.status == 200
    assert "Lindelaan" not in ics.text() and "Layla" not in ics.text()
    page.goto("/who-looked")
    assert page.locator("main td", has_text=t("planned or changed an appointment")).count() == 2
    for path in ("/", "/plan", "/appointments", f"/appointments/{safe_key}", "/who-looked"):
        page.goto(path)
        assert "Lindelaan" not in page.content(), path

    # Karim sees neither her agreement nor her appointment, on any page.
    page = karim_page
    hers = (SAFE_ADDRESS, SAFE_PURPOSE, SAFE_WITH, "Lindelaan", "veilig adres")
    for path in ("/", "/plan", "/appointments", "/who-looked", "/plan?print-name=1"):
        page.goto(path)
        html = page.content()
        assert not [text for text in hers if text in html], path
    page.goto("/")
    expect(page.locator("section[aria-labelledby=next]")).to_contain_text(FAMILY_WITH)
    page.goto("/plan?print-name=1")
    for sentence in sentences(SHARED):
        expect(page.locator("main")).to_contain_text(sentence)
    expect(page.locator("main .print-only")).to_have_text(FAMILY)
    page.emulate_media(media="print")
    _shoot(page, "case-plan-print-karim-ar.png")
    page.emulate_media(media="screen")
    assert page.goto(f"/appointments/{safe_key}").status == 404
    assert _status(page, f"/appointments/{safe_key}.ics") == 404
    page.goto("/who-looked")
    assert page.locator("main td", has_text=t("planned or changed an appointment")).count() == 1

    # Reminders: the safe appointment moves to within 24 hours; only Layla is reminded.
    soon = now + dt.timedelta(hours=3)
    bram.goto(f"/backoffice/families/{family_id}/appointments/{safe}")
    expect(bram.locator("#audience")).to_have_value(only_for([layla]))
    bram.locator("#date").fill(soon.strftime("%Y-%m-%d"))
    bram.locator("#time").fill(soon.strftime("%H:%M"))
    bram.locator("#appointment-form button[value=save]").click()
    bram.wait_for_url(re.compile(rf"/families/{family_id}/appointments$"))
    with server.session() as db:
        notifications.queue_reminders(db, clock.now())
        db.commit()
        reminder = db.exec(select(OutboxMessage).where(OutboxMessage.dedupe_key == f"reminder:{safe}:{layla}")).one()
        assert reminder.body == t("There is news in your portal: %(app)s", app=server.app.config["APP_NAME"])
        assert reminder.sent_at is None  # queued; a pass of the outbox worker sends it
        assert notifications.drain(db).sent >= 1
        db.refresh(reminder)
        assert reminder.sent_at is not None and reminder.attempts == 1
    assert _news_for(server, accounts, "reminder:") == {"Layla Haddad"}

    # 6. Layla asks a question; the duo publishes a newer version, then replies to her alone.
    page = layla_page
    page.goto("/plan")
    page.locator("input[name=answer][value=question]").check()
    page.locator("#comment").fill(QUESTION)
    page.locator("#answer-form button").click()
    page.wait_for_url(server.url("/plan#answer"))
    expect(page.locator("#answer blockquote")).to_have_text(QUESTION)

    bram.goto(f"/backoffice/families/{family_id}/plan")
    bram.locator("#s1-a-0-when").fill(NEW_WHEN)
    bram.locator("button[name=action][value=publish]").click()
    bram.wait_for_url(re.compile(r"/plan/compare\?b=2$"))
    bram.goto(f"/backoffice/families/{family_id}/answers")
    asked = bram.locator("#questions .question", has_text="Layla Haddad")
    expect(asked.locator("blockquote")).to_have_text(QUESTION)
    asked.locator("textarea[name=reply]").fill(REPLY)
    asked.locator("form:has(textarea[name=reply]) button:not([name])").click()
    bram.wait_for_url(re.compile(r"/answers#questions$"))
    expect(bram.locator("#questions")).to_contain_text(REPLY)
    bram_context.close()
    with server.session() as db:
        question = db.exec(select(PlanQuestion).where(PlanQuestion.parent_id == layla)).one()
    assert _news_for(server, accounts, f"question:{question.id}:") == {"Layla Haddad"}

    page.goto("/")
    expect(page.locator("main .notice a[href='/plan#questions']")).to_have_text(t("Your duo answered your question."))
    _shoot(page, "case-home-layla-ar.png")
    page.goto("/plan")
    expect(page.locator("main")).to_contain_text(NEW_WHEN)  # version 2
    for sentence in sentences(REPLY):  # each on its own, marked until it is translated
        expect(page.locator("#answer")).to_contain_text(sentence)
    page.goto("/who-looked")
    expect(page.locator("main td", has_text=t("answered your question"))).to_have_count(1)

    page = karim_page
    for path in ("/", "/plan", "/who-looked"):
        page.goto(path)
        html = page.content()
        assert sentences(REPLY)[-1] not in html and QUESTION not in html, path
    assert page.locator("main td", has_text=t("answered your question")).count() == 0  # on "who looked"
    page.goto("/")
    expect(page.locator("main .notice a[href='/plan#questions']")).to_have_count(0)

    # Karim reads his appointments in Turkish, chosen with the language switch.
    page.goto("/appointments")
    choose_language(page, "tr")
    expect(page.locator("main")).to_contain_text(FAMILY_PURPOSE)
    _shoot(page, "case-appointments-karim-tr.png")
    layla_context.close()
    karim_context.close()
