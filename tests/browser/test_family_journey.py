"""A parent's journey at phone size: sign in, contact person, the plan, answers on two versions;
and the other parent of the household never receives what is restricted to the first.

Made here (support/factories.py on the live server): Fatima and Youssef (kept apart, Arabic) and their children, with
Bram de Wit as contact person and Anouk Visser as duo partner. Their plan: version 1 (Youssef's agreement for the
household), which Fatima agreed to; version 2, which adds Fatima's safe address, for her alone; a draft Anouk saved
(Youssef also calls Karim). Two appointments: one for the household, one for Fatima alone at a safe place."""
import re
from dataclasses import dataclass
from functools import partial

import pytest
from browser_kit import new_family_page, plan_answered, plan_edited
from playwright.sync_api import expect
from sqlmodel import select

from portal.models import Account, Acknowledgement, Answer, Appointment, Parent, PlanQuestion, Worker
from portal.rules.audience import only_for
from portal.services.plans import draft_of, load_contents, published_versions
from portal.services.publishing import publish
from support import factories

# Fatima's safe address (a plan agreement) and her appointment at a safe place are hers alone.
SAFE_ADDRESS = "Fatima heeft een veilig adres"
SAFE_APPOINTMENT = "Gesprek met Fatima alleen"
SAFE_PLACE = "Kastanjehof"
ANGRY = "Youssef merkt dat hij boos wordt en gaat een stuk lopen."  # his agreement, for the household
# In the draft the duo left (published below as version 3).
NEW_IN_VERSION_3 = "Hij belt ook zijn broer Karim."
QUESTION = "Wat doe ik als Karim niet opneemt?"


@dataclass(frozen=True)
class Household:
    family_id: int
    fatima: str  # usernames
    youssef: str


@pytest.fixture(scope="module")
def el_idrissi(live_server) -> Household:
    app = live_server.app
    made = factories.fatima_and_youssef(app, children=True, password=True)
    family_id, (fatima_id, _youssef_id) = made.family_id, made.parent_ids
    youssef_angry = ("Youssef", ANGRY, "Als hij boos wordt.", "Hij belt Bram de Wit.", "household")
    safe_address = ("Fatima", f"{SAFE_ADDRESS} bij een vriendin.", "Als het thuis niet veilig is.",
                    "Het adres staat niet in dit plan: Bram weet het.", only_for([fatima_id]))
    plan_edited(app, family_id, [youssef_angry])
    plan_answered(app, made.usernames[0], "agree")
    plan_edited(app, family_id, [youssef_angry, safe_address])
    with_karim = (*youssef_angry[:1], f"{ANGRY} {NEW_IN_VERSION_3}", *youssef_angry[2:])
    plan_edited(app, family_id, [with_karim, safe_address], action="save", by="anouk")
    factories.appointment(app, family_id, days=4, purpose="Samen het plan lezen.")
    factories.appointment(app, family_id, days=5, audience=only_for([fatima_id]), safe_place=True,
                          purpose=f"{SAFE_APPOINTMENT} over haar veilige adres.", place=SAFE_PLACE)
    return Household(family_id, *made.usernames)


def _version_line(t, number: int) -> str:
    """The start of "Version 3 of <date>" in the page's language."""
    return t("Version %(number)s of %(date)s", number=number, date="\0").split("\0")[0].strip()


def _safe_appointment_key(server) -> str:
    """The key that names Fatima's safe-place appointment in her addresses (a parent's URL has no ids)."""
    with server.session() as db:
        return db.exec(select(Appointment.key).where(Appointment.purpose.startswith(SAFE_APPOINTMENT))).one()


def _answers_of(server, username: str) -> dict[int, tuple]:
    """version id -> (answer, the text of the newest question) of this parent's acknowledgements."""
    with server.session() as db:
        rows = db.exec(select(Acknowledgement).join(Parent, Parent.id == Acknowledgement.parent_id)
                       .join(Account, Account.id == Parent.account_id).where(Account.username == username)).all()
        asked = {q.version_id: q.text for q in db.exec(select(PlanQuestion).order_by(PlanQuestion.id).where(
            PlanQuestion.parent_id.in_([row.parent_id for row in rows] or [-1])))}
        return {row.version_id: (row.answer, asked.get(row.version_id, "")) for row in rows}


def _version_ids(server, family_id: int) -> dict[int, int]:
    """number -> id of the household's published versions."""
    with server.session() as db:
        return {v.number: v.id for v in published_versions(db, family_id)}


def _publish_draft_as_bram(server, family_id: int) -> int:
    """Bram publishes the duo's draft (it adds Karim to an agreement); the new version's number."""
    with server.session() as db:
        bram = db.exec(select(Worker).join(Account, Account.id == Worker.account_id)
                       .where(Account.username == "bram")).one()
        draft = draft_of(db, family_id)
        assert NEW_IN_VERSION_3 in str(load_contents(db, [draft.id])[draft.id])
        published = publish(db, draft, draft.revision, family_id, bram.id, "Er is iets nieuw over boosheid.")
        db.commit()
        return published.version.number


def test_fatima_answers_two_versions_and_youssef_never_sees_her_items(browser, live_server, el_idrissi):
    server = live_server
    t = partial(server.translate, "ar")  # Fatima and Youssef read Arabic

    # --- Fatima signs in with password and code in the real forms --------------------------
    fatima_context, page = new_family_page(browser, server, el_idrissi.fatima)
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    contact = page.locator("section[aria-labelledby=contact]")
    expect(contact.locator("#contact")).to_have_text(t("Your contact person"))
    expect(contact).to_contain_text("Bram de Wit")
    expect(contact.locator("a.tel").first).to_have_attribute("href", "tel:0612345602")
    expect(contact).to_contain_text("Anouk Visser")  # who to call when Bram is not there
    expect(page.locator("main .notice a[href='/plan']")).to_have_text(
        t("There is a new version of your plan. Please read it."))

    # --- she opens the plan (version 2, which she has not read) and agrees ---------------
    page.locator("nav.tabs a[href='/plan']").click()
    expect(page).to_have_url(server.url("/plan"))
    expect(page.locator("nav.tabs a[href='/plan']")).to_have_attribute("aria-current", "page")
    expect(page.locator("main")).to_contain_text(_version_line(t, 2))
    expect(page.locator("#changed")).to_have_text(t("What changed since the version you read before"))
    expect(page.get_by_text(SAFE_ADDRESS).first).to_be_visible()  # her own restricted item
    page.locator("input[name=answer][value=agree]").check()
    page.locator("#answer-form button").click()
    expect(page).to_have_url(server.url("/plan#answer"))
    expect(page.locator("#answer p.answer")).to_have_text(t("You said: I have read it and I agree."))
    # Home no longer asks her to read the plan.
    page.locator("nav.tabs a[href='/']").click()
    expect(page.locator("section[aria-labelledby=call-now]")).to_be_visible()
    expect(page.locator("main .notice a[href='/plan']")).to_have_count(0)

    # --- the duo publishes a new version; Fatima asks a question about that one -----------
    assert _publish_draft_as_bram(server, el_idrissi.family_id) == 3
    page.goto("/plan")
    expect(page.locator("main")).to_contain_text(_version_line(t, 3))
    expect(page.locator("section[aria-labelledby=changed] ins")).to_contain_text(NEW_IN_VERSION_3)
    expect(page.locator("#answer p.answer")).to_have_count(0)  # no answer on version 3 yet
    page.locator("input[name=answer][value=question]").check()
    page.locator("#answer-form button").click()  # a question without a question is refused
    expect(page.locator("#comment-error")).to_have_text(t("Write your question or what you do not agree with."))
    expect(page.locator("#comment")).to_have_attribute("aria-invalid", "true")
    page.locator("#comment").fill(QUESTION)
    page.locator("#answer-form button").click()
    expect(page).to_have_url(server.url("/plan#answer"))
    expect(page.locator("#answer p.answer")).to_have_text(t("You asked a question:"))
    expect(page.locator("#answer blockquote")).to_have_text(QUESTION)
    answers, versions = _answers_of(server, el_idrissi.fatima), _version_ids(server, el_idrissi.family_id)
    assert answers[versions[2]][0] is Answer.agree, answers
    assert answers[versions[3]] == (Answer.question, QUESTION), answers
    # Her appointments include the one at a safe place.
    page.locator("nav.tabs a[href='/appointments']").click()
    expect(page.locator("main")).to_contain_text(SAFE_APPOINTMENT)
    expect(page.locator("main")).to_contain_text(t("A safe place. We will give you the address by phone."))
    fatima_context.close()

    # --- Youssef: nothing restricted to Fatima in any page the portal sends him ------------
    safe_key = _safe_appointment_key(server)
    forbidden = (SAFE_ADDRESS, "Het adres staat niet in dit plan", SAFE_APPOINTMENT, SAFE_PLACE, safe_key,
                 t("A safe place. We will give you the address by phone."))
    youssef_context, page = new_family_page(browser, server, el_idrissi.youssef)
    visited = {}
    page.goto("/appointments")
    links = sorted(set(page.locator("main a[href^='/appointments/']").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))")))
    answer_pages = [link for link in links if re.fullmatch(r"/appointments/appointment-[0-9a-f]{32}", link)]
    calendars = [link for link in links if link.endswith(".ics")]
    assert answer_pages and calendars, links
    statuses = {}
    for path in ["/", "/plan", "/appointments", "/who-looked", "/about-leave-quickly", *answer_pages]:
        statuses[path] = page.goto(path).status
        visited[path] = page.content()
    for path in calendars:  # downloads: fetched with the same cookies
        response = page.request.get(path)
        statuses[path], visited[path] = response.status, response.text()
    leaks = {path: [word for word in forbidden if word in html] for path, html in visited.items()}
    assert not any(leaks.values()), f"Youssef received what is Fatima's alone: {leaks}"
    assert set(statuses.values()) == {200}, statuses
    # ... while he does see the rest of the same plan, including what version 3 changed.
    assert NEW_IN_VERSION_3 in visited["/plan"] and ANGRY in visited["/plan"]
    assert "Bram de Wit" in visited["/"]
    # Asking for her appointment directly is "not found", and shows nothing of it.
    for path in (f"/appointments/{safe_key}", f"/appointments/{safe_key}.ics"):
        response = page.request.get(path)
        assert response.status == 404, (path, response.status)
        assert not [word for word in forbidden[:4] if word in response.text()], path
    youssef_context.close()
