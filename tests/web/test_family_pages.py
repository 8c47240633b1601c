"""The family pages as signed-in parents see them: who to call, the plan and answering it,
appointments and calendar files, leaving quickly, the language, and pages that stay cheap."""
import datetime as dt
import re
import uuid
from dataclasses import replace

import icalendar
import pytest
from babel.dates import format_date
from flask_babel import force_locale, gettext
from sqlalchemy import event, func, insert
from sqlmodel import select

from portal import clock
from portal.models import (
    Account,
    Acknowledgement,
    Answer,
    Appointment,
    AppointmentAnswer,
    AppointmentResponse,
    AppointmentStatus,
    AuditEvent,
    DuoAssignment,
    DuoRole,
    Family,
    Parent,
    ParentVersion,
    PlanItem,
    PlanQuestion,
    PlanVersion,
    SafetyAgreement,
    SafetyPlan,
    UnsafeSituation,
    VersionStatus,
    Worker,
)
from portal.models.plans import new_key
from portal.rules.audience import only_for
from portal.rules.call_now import AMSTERDAM, Availability, WorkingSlot, who_to_call_now
from portal.rules.plan_content import Agreement, Item, PlanContent, Situation
from portal.services.duo import availability, current_duo
from support import factories
from support.pages import database, form_values, parent_named, say, soup, text_of
from support.sign_in import csrf_token, sign_in, signed_in_client

SAFE_PLACE = "Opvanglocatie Blijf Groep, Kastanjehof 7, Amsterdam (geheim adres)"


# --- helpers -----------------------------------------------------------------------------------

def el_idrissi_versions(fatima: int) -> tuple[PlanContent, PlanContent]:
    """Versions 1 and 2 of a plan for Fatima and Youssef. Version 2 changes the pick-up agreement (Fatima instead of
    Youssef), drops the parenting course, adds talks at school and, for Fatima alone, her safe address."""
    keys = {name: new_key() for name in ("fight", "walk-away", "school", "pick-up", "coach", "course", "talks",
                                         "safe-address")}
    walk_away = Agreement(keys["walk-away"], "Youssef",
                          "Youssef merkt dat hij boos wordt. Hij gaat dan naar buiten en loopt een half uur.",
                          "Elke keer als hij boos wordt.", "Fatima gaat met de kinderen naar een andere kamer.")
    pick_up = Agreement(keys["pick-up"], "Youssef", "Youssef haalt Amira en Adam op van school.",
                        "Maandag, dinsdag en donderdag om 15.15 uur.", "De school belt Fatima. Fatima belt Bram.")
    safe_address = Agreement(keys["safe-address"], "Fatima",
                             "Fatima heeft een veilig adres. Het adres staat niet in dit plan. Bram weet het adres.",
                             "Als Fatima zich thuis niet veilig voelt. Dag en nacht.",
                             "Fatima belt Bram. Bij gevaar belt zij 112.", audience=only_for([fatima]))
    fight = Situation(keys["fight"], 1, "acute", "Fatima en Youssef hebben vaak harde ruzie.",
                      ("Zorgen over geld",), (walk_away,))
    school = Situation(keys["school"], 2, "acute", "Amira en Adam staan soms lang alleen te wachten bij school.",
                       ("Geen vaste afspraak over ophalen",), (pick_up,))
    coach = Item(keys["coach"], "help", "Een budgetcoach helpt met de schulden en de brieven.", "Sociaal team")
    course = Item(keys["course"], "help", "Fatima en Youssef volgen een cursus over opvoeden.", "Ouder- en Kindteam")
    talks = Item(keys["talks"], "help", "Amira praat elke twee weken met een hulpverlener op school.",
                 "Basisschool De Regenboog")
    first = PlanContent((fight, school), (coach, course))
    second = PlanContent(
        (replace(fight, agreements=(walk_away, safe_address)),
         replace(school, agreements=(replace(pick_up, who="Fatima", what="Fatima haalt Amira en Adam op van school. "
                                                                         "Op woensdag haalt oma hen op."),))),
        (coach, talks))
    return first, second


def de_boer_plan() -> PlanContent:
    """Sanne's Top 3: two acute situations and a structural one, without difficult words."""
    return PlanContent((
        Situation(new_key(), 1, "acute", "Thomas neemt geld van de bankrekening van Sanne.", ("Thomas heeft schulden",),
                  (Agreement(new_key(), "Sanne", "Sanne geeft haar bankpas en pincode aan niemand.", "Altijd.",
                             "Sanne belt de bank en Anouk."),)),
        Situation(new_key(), 2, "acute", "Thomas schreeuwt tegen Sanne als hij geen geld krijgt.", (),
                  (Agreement(new_key(), "Thomas", "Thomas gaat weg als hij boos wordt.", "Elke keer.",
                             "Sanne belt 112."),)),
        Situation(new_key(), 3, "structural", "Sanne is vaak alleen. Zij vraagt niet snel om hulp.", ()),
    ))


def handed_over(app, family_id: int, to: str, days_ago: int) -> None:
    """The household's contact person hands over to the worker named `to`, `days_ago` days ago (the duo started
    months before)."""
    today = clock.today()
    with database(app) as db:
        worker = db.exec(select(Worker).where(Worker.name == to)).one()
        for assignment in db.exec(select(DuoAssignment).where(DuoAssignment.family_id == family_id)):
            assignment.start = today - dt.timedelta(days=150)
            if assignment.role is DuoRole.contact:
                assignment.end = today - dt.timedelta(days=days_ago + 1)
            db.add(assignment)
        db.add(DuoAssignment(family_id=family_id, worker_id=worker.id, role=DuoRole.contact,
                             start=today - dt.timedelta(days=days_ago)))
        db.commit()


@pytest.fixture
def sanne(team_app) -> factories.Household:
    """Sanne de Boer, alone in her household, who reads Dutch and signs in with password and app: Anouk Visser (Veilig
    Thuis) her contact person from the start, Dirk Hoekstra the partner; the plan of `de_boer_plan`, which she read and
    agreed to; an appointment a month ago and one in two days."""
    made = factories.household(team_app, ["nl"], contact="Anouk Visser", partner="Dirk Hoekstra",
                               names=("Sanne de Boer",), password=True)
    factories.published_content(team_app, made.family_id, de_boer_plan(), by="anouk")
    assert _answer(signed_in_client(team_app, made.usernames[0]), answer="agree", comment="").status_code == 302
    factories.appointment(team_app, made.family_id, days=-30, place="Bij u thuis", purpose="Eerste gesprek.",
                          by="anouk")
    factories.appointment(team_app, made.family_id, days=2, place="Bij u thuis",
                          purpose="Samen het plan lezen. Thomas is er ook bij.", by="anouk")
    return made


@pytest.fixture
def el_idrissi(team_app) -> factories.Household:
    """Fatima and Youssef El Idrissi with Amira and Adam, kept apart, who read Arabic and sign in with password and
    app, Bram and Anouk their duo. Both read version 1 of `el_idrissi_versions`; Youssef read version 2 too and agreed,
    Fatima did not open it yet. Appointments: two weeks ago and in four days with Samira (tolk-ar), one for Fatima
    alone at a safe place with Samira, and one at school without an interpreter."""
    made = factories.fatima_and_youssef(team_app, children=True, password=True)
    fatima, youssef = (signed_in_client(team_app, username) for username in made.usernames)
    first, second = el_idrissi_versions(made.parent_ids[0])
    factories.published_content(team_app, made.family_id, first)
    assert fatima.get("/plan").status_code == youssef.get("/plan").status_code == 200
    factories.published_content(team_app, made.family_id, second)
    assert _answer(youssef, answer="agree", comment="").status_code == 302
    factories.appointment(team_app, made.family_id, days=-14, place="Bij u thuis",
                          purpose="Gesprek over de nieuwe afspraak over ophalen van school.", interpreter="tolk-ar")
    factories.appointment(team_app, made.family_id, days=4, place="Kantoor Blijvend Veilig, Amsterdam Nieuw-West",
                          purpose="Samen versie 2 van het plan lezen.", interpreter="tolk-ar")
    factories.appointment(team_app, made.family_id, days=7, audience=only_for(made.parent_ids[:1]), safe_place=True,
                          place=SAFE_PLACE, purpose="Gesprek met Fatima alleen.", interpreter="tolk-ar")
    factories.appointment(team_app, made.family_id, days=10, place="Basisschool De Regenboog, Amsterdam Nieuw-West",
                          purpose="Gesprek op school over hoe het met Amira gaat.")
    return made


@pytest.fixture
def olena(team_app) -> str:
    """Olena Kovalenko, alone in her household, who reads Ukrainian and signs in with password and app: she read the
    published plan and did not answer yet."""
    username = factories.household(team_app, ["uk"], names=("Olena Kovalenko",), password=True).usernames[0]
    factories.published_plan(team_app, parent_named(team_app, "Olena Kovalenko").family_id)
    assert signed_in_client(team_app, username).get("/plan").status_code == 200
    return username


def appointments_of(app, family_id: int) -> list[Appointment]:
    with database(app) as db:
        return list(db.exec(select(Appointment).where(Appointment.family_id == family_id)
                            .order_by(Appointment.starts_at)))


def acknowledgement(app, parent_name: str, number: int) -> Acknowledgement | None:
    with database(app) as db:
        return db.exec(select(Acknowledgement).join(Parent, Parent.id == Acknowledgement.parent_id)
                       .join(PlanVersion, PlanVersion.id == Acknowledgement.version_id)
                       .where(Parent.name == parent_name, PlanVersion.number == number)).first()


def questions_of(app, parent_name: str) -> list[PlanQuestion]:
    with database(app) as db:
        return db.exec(select(PlanQuestion).join(Parent, Parent.id == PlanQuestion.parent_id)
                       .where(Parent.name == parent_name).order_by(PlanQuestion.id)).all()


def answers_to(app, item: Appointment) -> list[AppointmentAnswer]:
    with database(app) as db:
        return db.exec(select(AppointmentAnswer).where(AppointmentAnswer.appointment_id == item.id)
                       .order_by(AppointmentAnswer.parent_id)).all()


def notices(response) -> list[str]:
    return [" ".join(p.get_text(" ").split()) for p in soup(response).select("p.notice")]


# --- home: who to call ---------------------------------------------------------------------------

def test_home_shows_the_contact_person_and_who_to_call_now(team_app, sanne):
    client = team_app.test_client()
    sign_in(client, sanne.usernames[0])  # Anouk Visser (Veilig Thuis) is her contact person
    page = client.get("/")
    assert page.status_code == 200
    body = text_of(page)
    assert "Anouk Visser" in body and "Veilig Thuis" in body
    assert soup(page).select_one('a[href="tel:0612345601"]') is not None  # tap to call the contact person
    # Her working hours, one day per line, in the page's language.
    hours = [" ".join(li.get_text(" ").split()) for li in soup(page).select("ul.hours li")]
    assert hours == [f"{day} 09:00–17:00" for day in ("maandag", "dinsdag", "woensdag", "donderdag")]
    card = soup(page).select_one("section.call-now")
    assert card is not None
    assert card.select_one("#call-now").get_text(strip=True) == say(team_app, "nl", "Who do I call now?")
    assert card.select_one('a[href="tel:112"]').get_text(strip=True) == "112"
    # The advice on the card is the rule's advice for this moment.
    with database(team_app) as db:
        family = db.get(Family, sanne.family_id)
        now = clock.local_now()
        duo = current_duo(db, family.id, now.date())
        hours = availability(db, [duo.contact, duo.partner], now.date())
    advice = who_to_call_now(hours[duo.contact.id], hours[duo.partner.id], now, "Veilig Thuis", "0800-2000")
    card_text = card.get_text(" ")
    assert advice.phone in card_text
    assert advice.phone in ("0800-2000", "06-12345601", "06-12345604")
    if advice.kind == "out_of_hours":
        assert card.select_one('a[href="tel:08002000"]') is not None
    # The next appointment: its day and time as Dutch writes them.
    coming = next(a for a in appointments_of(team_app, sanne.family_id)
                  if a.starts_at >= clock.now() and a.status is AppointmentStatus.planned)
    local = coming.starts_at.astimezone(AMSTERDAM)
    expected = say(team_app, "nl", "%(day)s at %(time)s", day=format_date(local, "full", locale="nl"),
                   time=local.strftime("%H:%M"))
    assert " ".join(soup(page).select_one("#next + p.big").get_text(" ").split()) == expected
    assert " om " in expected


def test_who_to_call_follows_hours_absence_and_holidays():
    def worker(name, phone, weekdays, absences=()):
        return Availability(name, phone, "Org", tuple(WorkingSlot(d, dt.time(9), dt.time(17)) for d in weekdays),
                            absences)

    contact = worker("Chantal Pinas", "06-12345603", range(4), absences=((dt.date(2026, 3, 8), dt.date(2026, 3, 14)),))
    partner = worker("Anouk Visser", "06-12345601", range(4))
    tuesday_morning = dt.datetime(2026, 3, 10, 10, 0, tzinfo=AMSTERDAM)
    # Chantal is away this week: the partner is the one to call.
    advice = who_to_call_now(contact, partner, tuesday_morning, "Veilig Thuis", "0800-2000")
    assert (advice.kind, advice.phone) == ("partner", "06-12345601")
    assert advice.until == dt.datetime(2026, 3, 10, 17, 0, tzinfo=AMSTERDAM)
    present = worker("Chantal Pinas", "06-12345603", range(4))
    assert who_to_call_now(present, partner, tuesday_morning, "Veilig Thuis", "0800-2000").kind == "contact"
    for moment in (dt.datetime(2026, 3, 10, 17, 0, tzinfo=AMSTERDAM),   # end of the day: exclusive
                   dt.datetime(2026, 3, 14, 11, 0, tzinfo=AMSTERDAM),   # Saturday
                   dt.datetime(2026, 4, 27, 11, 0, tzinfo=AMSTERDAM)):  # King's Day, a Monday
        advice = who_to_call_now(present, partner, moment, "Veilig Thuis", "0800-2000")
        assert (advice.kind, advice.phone) == ("out_of_hours", "0800-2000"), moment


def test_a_new_contact_person_is_announced(team_app, sanne):
    nowak = factories.household(team_app, ["pl"], contact="Anouk Visser", partner="Chantal Pinas",
                                names=("Kasia Nowak",), password=True)  # Kasia reads Polish
    handed_over(team_app, nowak.family_id, to="Dirk Hoekstra", days_ago=20)  # from Anouk, three weeks ago
    kasia = team_app.test_client()
    sign_in(kasia, nowak.usernames[0])
    page = kasia.get("/")
    since = (clock.today() - dt.timedelta(days=20))
    with team_app.test_request_context(), force_locale("pl"):
        from flask_babel import format_date
        expected = gettext("Your contact person is now %(name)s, since %(date)s.", name="Dirk Hoekstra",
                           date=format_date(since, "d MMMM y"))
    assert expected in text_of(page)
    assert "Dirk Hoekstra" in text_of(page)
    client = team_app.test_client()
    sign_in(client, sanne.usernames[0])  # she has had the same contact person from the start
    prefix = say(team_app, "nl", "Your contact person is now %(name)s, since %(date)s.",
                 name="\0", date="\0").split("\0")[0]
    assert prefix not in text_of(client.get("/"))


def test_a_new_plan_version_to_read_is_announced_until_it_is_opened(team_app, el_idrissi):
    client = team_app.test_client()
    sign_in(client, el_idrissi.usernames[0])  # Fatima read version 1, not version 2
    notice = say(team_app, "ar", "There is a new version of your plan. Please read it.")
    home = client.get("/")
    link = soup(home).find("a", string=re.compile(re.escape(notice)))
    assert link is not None and link["href"] == "/plan"
    assert client.get("/plan").status_code == 200
    assert notice not in text_of(client.get("/"))
    youssef = team_app.test_client()
    sign_in(youssef, el_idrissi.usernames[1])  # Youssef read version 2 already
    assert notice not in text_of(youssef.get("/"))


# --- the plan ------------------------------------------------------------------------------------

def test_plan_shows_the_top_three_in_order_with_their_kind(team_app, sanne):
    client = team_app.test_client()
    sign_in(client, sanne.usernames[0])  # her plan: de_boer_plan
    page = client.get("/plan")
    situations = soup(page).select("article.situation")
    assert [s.select_one("h3").get_text(" ", strip=True) for s in situations] == [
        "1 Thomas neemt geld van de bankrekening van Sanne.",
        "2 Thomas schreeuwt tegen Sanne als hij geen geld krijgt.",
        "3 Sanne is vaak alleen. Zij vraagt niet snel om hulp.",
    ]
    acute = say(team_app, "nl", "Acute: unsafe now. This must stop first.")
    structural = say(team_app, "nl", "Structural: a cause behind the problems. This takes longer to solve.")
    assert [s.select_one("p.kind").get_text(strip=True) for s in situations] == [acute, acute, structural]
    assert "Sanne geeft haar bankpas en pincode aan niemand." in text_of(page)


def test_plan_shows_what_changed_since_the_version_read_before(team_app, el_idrissi):
    client = team_app.test_client()
    sign_in(client, el_idrissi.usernames[0])  # Fatima read version 1; version 2 is current
    page = client.get("/plan")
    changes = soup(page).select_one("ul.changes")
    assert changes is not None
    assert soup(page).select_one("#changed").get_text(strip=True) == say(
        team_app, "ar", "What changed since the version you read before")
    items = [li.get_text(" ", strip=True) for li in changes.select("li")]
    assert any("Fatima haalt Amira en Adam op van school" in i and "Youssef haalt Amira en Adam" in i
               for i in items), items  # the pick-up agreement changed: old and new text
    assert any("Amira praat elke twee weken met een hulpverlener op school" in i for i in items)  # new
    assert any("Fatima en Youssef volgen een cursus over opvoeden" in i for i in items)  # removed
    assert any("Fatima heeft een veilig adres" in i for i in items)  # new, and for her
    assert "Fatima heeft een veilig adres" in text_of(page)


def test_the_restricted_item_is_absent_for_youssef(team_app, el_idrissi):
    client = team_app.test_client()
    sign_in(client, el_idrissi.usernames[1])  # Youssef: version 2 has an agreement for Fatima alone
    page = client.get("/plan")
    body = text_of(page)
    assert "Youssef merkt dat hij boos wordt" in body
    assert "Fatima heeft een veilig adres" not in body
    assert "Bram weet het adres" not in body
    assert "Als Fatima zich thuis niet veilig voelt" not in body


def test_difficult_words_are_explained_where_the_plan_uses_them(team_app, sanne):
    demir = factories.household(team_app, ["tr"], names=("Mehmet Demir",), password=True)
    factories.published_plan(team_app, demir.family_id, what="De rechter heeft een ondertoezichtstelling voor Emre "
                                                            "uitgesproken. Bram komt elke twee weken langs.")
    client = team_app.test_client()
    sign_in(client, demir.usernames[0])
    page = client.get("/plan")
    explained = {d.summary.span.get_text(strip=True): (d.p.get_text(strip=True), d.find_parent(["article", "section"]))
                 for d in soup(page).select("details.word")}
    assert "ondertoezichtstelling" in explained
    explanation, block = explained["ondertoezichtstelling"]
    assert explanation.startswith("De rechter beslist dat uw gezin hulp moet krijgen.")
    for details in block.select("details"):
        details.decompose()
    assert "ondertoezichtstelling" in block.get_text().lower()  # explained right where the plan uses it
    other = team_app.test_client()
    sign_in(other, sanne.usernames[0])  # her plan has no jargon
    assert "ondertoezichtstelling" not in text_of(other.get("/plan"))


def _answer(client, **data):
    token = csrf_token(client.get("/plan").text)
    return client.post("/plan", data=dict(data, csrf_token=token))


def test_answering_the_plan(team_app, olena):
    client = team_app.test_client()
    sign_in(client, olena)  # read the plan, did not answer yet
    assert acknowledgement(team_app, "Olena Kovalenko", 1).answer is None
    # A question without text is refused; the chosen answer stays chosen.
    refused = _answer(client, answer="question", comment="   ")
    assert refused.status_code == 400
    assert say(team_app, "uk", "Write your question or what you do not agree with.") in text_of(refused)
    assert soup(refused).select_one('input[name="answer"][value="question"]').has_attr("checked")
    assert acknowledgement(team_app, "Olena Kovalenko", 1).answer is None
    # No choice made: refused, and the typed text is still in the box.
    refused = _answer(client, comment="Mag Maksym bij oma logeren?")
    assert say(team_app, "uk", "Choose one of the three answers.") in text_of(refused)
    assert soup(refused).select_one("textarea#comment").get_text() == "Mag Maksym bij oma logeren?"
    assert acknowledgement(team_app, "Olena Kovalenko", 1).answer is None
    # With text the question is saved and shown.
    saved = _answer(client, answer="question", comment="Mag Maksym bij oma logeren?")
    assert saved.status_code == 302 and saved.headers["Location"] == "/plan#answer"
    assert acknowledgement(team_app, "Olena Kovalenko", 1).answer is Answer.question
    assert [q.text for q in questions_of(team_app, "Olena Kovalenko")] == ["Mag Maksym bij oma logeren?"]
    page = client.get("/plan")
    assert say(team_app, "uk", "You asked a question:") in text_of(page)
    assert soup(page).select_one("#answer blockquote").get_text(strip=True) == "Mag Maksym bij oma logeren?"
    # A second question is a new one: the first is kept, with whatever reply it gets.
    assert _answer(client, answer="question", comment="En bij opa?").status_code == 302
    assert [q.text for q in questions_of(team_app, "Olena Kovalenko")] == ["Mag Maksym bij oma logeren?",
                                                                          "En bij opa?"]
    # "I agree" needs no text.
    assert _answer(client, answer="agree", comment="").status_code == 302
    assert acknowledgement(team_app, "Olena Kovalenko", 1).answer is Answer.agree
    assert say(team_app, "uk", "You said: I have read it and I agree.") in text_of(client.get("/plan"))


def test_each_parent_answers_for_themselves_and_sees_the_duos_reply(team_app, el_idrissi):
    fatima = team_app.test_client()
    sign_in(fatima, el_idrissi.usernames[0])
    question = "Wie brengt de kinderen naar oma op woensdag?"
    assert _answer(fatima, answer="question", comment=question).status_code == 302
    youssef = team_app.test_client()
    sign_in(youssef, el_idrissi.usernames[1])  # he read version 2 and agreed
    youssef_page = text_of(youssef.get("/plan"))
    assert question not in youssef_page
    assert say(team_app, "ar", "You said: I have read it and I agree.") in youssef_page  # his own answer
    assert acknowledgement(team_app, "Youssef El Idrissi", 2).answer is Answer.agree
    # The contact person answers the question; Fatima reads the reply on her plan page.
    (row,) = questions_of(team_app, "Fatima El Idrissi")
    bram = team_app.test_client()
    sign_in(bram, "bram")
    family = parent_named(team_app, "Fatima El Idrissi").family_id
    token = csrf_token(bram.get(f"/backoffice/families/{family}/answers").text)
    reply = "Oma brengt hen zelf. Ik bel u morgen."
    sent = bram.post(f"/backoffice/families/{family}/questions/{row.id}", data={"reply": reply, "csrf_token": token})
    assert sent.status_code == 302
    assert say(team_app, "ar", "Your duo answered your question.") in text_of(fatima.get("/"))
    page = fatima.get("/plan")
    assert say(team_app, "ar", "Answer from your duo:") in text_of(page)
    sentences = ("Oma brengt hen zelf.", "Ik bel u morgen.")  # each on its own, marked until translated
    assert all(sentence in text_of(page) for sentence in sentences)
    assert not any(sentence in text_of(youssef.get("/plan")) for sentence in sentences)
    assert say(team_app, "ar", "Your duo answered your question.") not in text_of(youssef.get("/"))


# --- appointments --------------------------------------------------------------------------------

def _when(app, item: Appointment, locale: str) -> str:
    local = item.starts_at.astimezone(AMSTERDAM)
    return say(app, locale, "%(day)s at %(time)s", day=format_date(local, "full", locale=locale),
               time=local.strftime("%H:%M"))


def test_appointments_are_listed_upcoming_and_past_with_date_and_time(team_app, sanne):
    client = team_app.test_client()
    sign_in(client, sanne.usernames[0])
    page = client.get("/appointments")
    body = text_of(page)
    items = appointments_of(team_app, sanne.family_id)
    past = [a for a in items if a.starts_at < clock.now()]
    upcoming = [a for a in items if a.starts_at >= clock.now()]
    assert past and upcoming
    coming_at = body.index(say(team_app, "nl", "Coming appointments"))
    earlier_at = body.index(say(team_app, "nl", "Earlier appointments"))
    for item in upcoming:
        assert coming_at < body.index(_when(team_app, item, "nl")) < earlier_at, item.purpose
        assert item.purpose in body
    for item in past:
        assert body.index(_when(team_app, item, "nl")) > earlier_at, item.purpose


def test_safe_place_and_interpreter_are_shown_in_the_parents_language(team_app, el_idrissi):
    client = team_app.test_client()
    sign_in(client, el_idrissi.usernames[0])
    body = text_of(client.get("/appointments"))
    assert say(team_app, "ar", "A safe place. We will give you the address by phone.") in body
    assert "Kastanjehof" not in body  # SAFE_PLACE
    assert say(team_app, "ar", "An interpreter for %(language)s will be there.", language="العربية") in body
    # What the duo typed is Dutch: marked so, it reads left to right inside the Arabic page.
    page = soup(client.get("/appointments"))
    shown = [a.purpose for a in appointments_of(team_app, el_idrissi.family_id) if a.purpose in body]
    # (a text that waits for its translation carries the mark "translation follows" inside: not the duo's text)
    marked = {"".join(span.find_all(string=True, recursive=False)).strip()
              for span in page.select('dd span[lang="nl"][dir="ltr"]')}
    assert len(shown) >= 3 and set(shown) <= marked


def _respond(client, appointment_key, **data):
    token = csrf_token(client.get(f"/appointments/{appointment_key}").text)
    return client.post(f"/appointments/{appointment_key}", data=dict(data, csrf_token=token))


def test_confirming_and_asking_to_move_an_appointment(team_app, sanne):
    client = team_app.test_client()
    sign_in(client, sanne.usernames[0])
    upcoming = [a for a in appointments_of(team_app, sanne.family_id) if a.starts_at >= clock.now()][0]
    confirmed = _respond(client, upcoming.key, response="confirmed")
    assert confirmed.status_code == 302 and confirmed.headers["Location"] == "/appointments"
    assert say(team_app, "nl", "You said you will come.") in text_of(client.get("/appointments"))
    # Asking to move needs a reason; the choice stays made.
    refused = _respond(client, upcoming.key, response="move_requested", reason="")
    assert refused.status_code == 400
    assert say(team_app, "nl", "Write why the appointment should move, and when you can.") in text_of(refused)
    assert soup(refused).select_one('input[value="move_requested"]').has_attr("checked")
    sanne = parent_named(team_app, "Sanne de Boer")
    assert [(a.parent_id, a.response) for a in answers_to(team_app, upcoming)] == [
        (sanne.id, AppointmentResponse.confirmed)]
    moved = _respond(client, upcoming.key, response="move_requested", reason="Dan ben ik bij de dokter.")
    assert moved.status_code == 302
    assert [(a.parent_id, a.response, a.reason) for a in answers_to(team_app, upcoming)] == [
        (sanne.id, AppointmentResponse.move_requested, "Dan ben ik bij de dokter.")]
    answers = [" ".join(p.get_text(" ").split()) for p in soup(client.get("/appointments")).select("p.answer")]
    assert say(team_app, "nl", "You asked to move it:") + " Dan ben ik bij de dokter." in answers


def test_an_unknown_choice_is_refused_in_the_parents_language_and_keeps_what_was_typed(team_app, olena, el_idrissi):
    """A value no radio button sends (an old page, a hand-made POST) is refused at the field like no choice at all:
    400, the parent's language, the typed text back exactly as typed, nothing saved. A language button in the form
    shows the page again as typed and saves nothing."""
    client = team_app.test_client()
    sign_in(client, olena)  # she read the plan and did not answer yet
    typed = "  Mag Maksym bij oma logeren? "
    refused = _answer(client, answer="maybe", comment=typed)
    assert refused.status_code == 400
    assert soup(refused).select_one("#answer-error").get_text() == say(team_app, "uk",
                                                                       "Choose one of the three answers.")
    assert soup(refused).select_one("textarea#comment").get_text() == typed
    assert not soup(refused).select('input[name="answer"][checked]')
    assert acknowledgement(team_app, "Olena Kovalenko", 1).answer is None
    assert questions_of(team_app, "Olena Kovalenko") == []
    fatima = team_app.test_client()
    sign_in(fatima, el_idrissi.usernames[0])
    key = soup(fatima.get("/appointments")).select_one("main a[href^='/appointments/appointment-']:not([href$='.ics'])"
                                                      )["href"].rsplit("/", 1)[1]
    item = next(a for a in appointments_of(team_app, el_idrissi.family_id) if a.key == key)
    before = answers_to(team_app, item)
    reason = "Dan werk ik. Dinsdag kan ik wel. "
    refused = _respond(fatima, key, response="later", reason=reason)
    assert refused.status_code == 400
    assert soup(refused).select_one("#response-error").get_text() == say(team_app, "ar",
                                                                         "Choose: I will come, or please move it.")
    assert soup(refused).select_one("textarea#reason").get_text() == reason
    switched = _respond(fatima, key, response="move_requested", reason=reason, set_language="pl")
    assert switched.status_code == 200 and '<html lang="pl" dir="ltr">' in switched.text
    assert soup(switched).select_one('input[value="move_requested"]').has_attr("checked")
    assert soup(switched).select_one("textarea#reason").get_text() == reason
    assert not soup(switched).select(".error")
    assert answers_to(team_app, item) == before


def test_calendar_file_has_a_neutral_title_and_nothing_else(team_app, sanne):
    client = team_app.test_client()
    sign_in(client, sanne.usernames[0])
    for item in appointments_of(team_app, sanne.family_id):
        response = client.get(f"/appointments/{item.key}.ics")
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith("text/calendar")
        assert response.headers["Content-Disposition"].startswith("attachment")
        raw = response.get_data(as_text=True)
        unfolded = raw.replace("\r\n ", "")
        calendar = icalendar.Calendar.from_ical(raw)
        events = list(calendar.walk("VEVENT"))
        assert len(events) == 1
        assert str(events[0]["SUMMARY"]) == "Afspraak"
        assert events[0].decoded("DTSTART") == item.starts_at
        for secret in (item.place, item.purpose, item.with_whom, "De Boer", "Sanne", "Thomas",
                       sanne.name):
            assert secret not in unfolded, secret
        assert "LOCATION" not in unfolded and "DESCRIPTION" not in unfolded


def test_a_parent_finds_appointments_by_their_key_never_by_their_number(team_app, el_idrissi):
    """Ids count up: /appointments/17 and later /19 would tell a parent that 18 exists, perhaps a safe-place
    appointment of the other parent. A parent's links and pages name an appointment only by its random key, and
    the old numeric address is no page at all."""
    items = appointments_of(team_app, el_idrissi.family_id)
    fatima_name, youssef_name = el_idrissi.usernames
    safe = next(item for item in items if item.safe_place)
    now = clock.now()
    for username, theirs in ((fatima_name, items), (youssef_name, [a for a in items if a.id != safe.id])):
        client = team_app.test_client()
        sign_in(client, username)
        listing = client.get("/appointments")
        links = {a["href"] for a in soup(listing).select("main a[href^='/appointments/']")}
        assert {link for link in links if link.endswith(".ics")} == {f"/appointments/{a.key}.ics" for a in theirs}
        assert {link for link in links if not link.endswith(".ics")} == {
            f"/appointments/{a.key}" for a in theirs
            if a.status == AppointmentStatus.planned and a.starts_at >= now}, username
        pages = {url: client.get(url) for url in ("/", "/plan", "/plan/history", "/who-looked", *sorted(links))}
        pages["/appointments"] = listing
        for url, page in pages.items():
            assert page.status_code == 200, (username, url)
            body = page.get_data(as_text=True)
            addresses = {tag.get(name) for tag in soup(page).find_all(True)
                         for name in ("href", "src", "action", "formaction") if tag.get(name)}
            for item in items:
                number = str(item.id)
                assert not [a for a in addresses if number in a.split("?")[0].split("#")[0].split("/")
                            or f"{number}.ics" in a.split("/")], (username, url, item.id)
                assert not re.search(rf"/appointments/{number}(?![0-9])", body), (username, url, item.id)
        # The old numeric address, of their own appointment or another's: not found, whatever the method.
        for item in items:
            for old in (f"/appointments/{item.id}", f"/appointments/{item.id}.ics"):
                assert client.get(old).status_code == 404, (username, old)
                assert client.post(old, data={"response": "confirmed"}).status_code == 404, (username, old)
    # A key that is not theirs, or no appointment's, is refused as before and recorded as a refused look.
    youssef = team_app.test_client()
    sign_in(youssef, el_idrissi.usernames[1])
    unknown = "appointment-" + "0" * 32
    with database(team_app) as db:
        since = db.exec(select(AuditEvent.id).order_by(AuditEvent.id.desc())).first() or 0
    for url in (f"/appointments/{safe.key}", f"/appointments/{safe.key}.ics", f"/appointments/{unknown}",
                f"/appointments/{safe.key.upper()}", f"/appointments/{safe.key}0"):
        assert youssef.get(url).status_code == 404, url
    with database(team_app) as db:
        refused = [(e.action, e.result, e.object, e.family_id) for e in db.exec(
            select(AuditEvent).where(AuditEvent.id > since).order_by(AuditEvent.id))]
    assert refused == [("appointment.read", "refused", f"appointment:{safe.id}", safe.family_id)] * 2 + [
        ("appointment.read", "refused", "appointment:0", None)]


# --- leaving quickly -----------------------------------------------------------------------------

def test_quick_exit_ends_the_session_everywhere(team_app):
    made = factories.fatima_and_youssef(team_app, password=True)
    factories.published_plan(team_app, made.family_id)
    client = team_app.test_client()
    sign_in(client, made.usernames[0])  # Fatima
    assert client.get("/plan").status_code == 200
    old_cookie = client.get_cookie("portal").value
    response = client.post("/quick-exit")
    assert response.status_code == 303
    assert response.headers["Location"] == team_app.config["NEUTRAL_SITE"]
    assert response.headers["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    for url in ("/", "/plan"):
        after = client.get(url)
        assert after.status_code == 302 and after.headers["Location"] == "/sign-in", url
    # A copy of the old cookie (kept by someone else, or restored from a backup) does not work either.
    thief = team_app.test_client()
    thief.set_cookie("portal", old_cookie)
    for url in ("/", "/plan", "/appointments"):
        stolen = thief.get(url)
        assert stolen.status_code == 302 and stolen.headers["Location"] == "/sign-in", url
        assert "Fatima" not in text_of(stolen)


def test_every_family_page_has_the_quick_exit_and_a_neutral_title(team_app, sanne):
    client = team_app.test_client()
    signed_out = ["/sign-in", "/activate", "/about-leave-quickly"]
    pages = {url: client.get(url) for url in signed_out}
    sign_in(client, sanne.usernames[0])
    item = appointments_of(team_app, sanne.family_id)[-1]
    for url in ("/", "/plan", "/appointments", f"/appointments/{item.key}", "/who-looked", "/about-leave-quickly"):
        pages[url] = client.get(url)
    app_name = team_app.config["APP_NAME"]
    for url, page in pages.items():
        assert page.status_code == 200, url
        exit_form = soup(page).select_one("#quick-exit-form")
        assert exit_form is not None and exit_form["method"] == "post" and exit_form["action"] == "/quick-exit", url
        assert exit_form.select_one("button#quick-exit") is not None, url
        assert soup(page).title.get_text() == app_name, url


# --- queries do not grow with the household's history --------------------------------------------

def _count_queries(app, client, url: str) -> int:
    engine = app.extensions["engine"]
    seen = []

    def count(*_args):
        seen.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200, url
    return len(seen)


def _grow_history(app, family_id: int, versions: int, appointments: int) -> None:
    """Many published versions (each with a full Top 3) and appointments, inserted in bulk."""
    engine = app.extensions["engine"]
    with database(app) as db:
        family = db.get(Family, family_id)
        plan = db.exec(select(SafetyPlan).where(SafetyPlan.family_id == family.id)).one()
        top = db.exec(select(PlanVersion.number).where(PlanVersion.plan_id == plan.id,
                                                       PlanVersion.number.is_not(None))
                      .order_by(PlanVersion.number.desc())).first()
    now = clock.now()
    with engine.begin() as connection:
        rows = [{"plan_id": plan.id, "number": top + n, "status": VersionStatus.published.name, "revision": 1,
                 "note_for_family": "", "change_summary": f"Versie {top + n}", "created_at": now,
                 "updated_at": now, "published_at": now - dt.timedelta(minutes=versions - n)}
                for n in range(1, versions + 1)]
        connection.execute(insert(PlanVersion), rows)
        ids = connection.execute(select(PlanVersion.id).where(PlanVersion.plan_id == plan.id,
                                                              PlanVersion.number > top)).scalars().all()
        connection.execute(insert(UnsafeSituation), [
            {"version_id": v, "key": uuid.uuid4().hex, "rank": rank, "kind": "acute" if rank < 3 else "structural",
             "description": f"Situatie {rank} van versie {v}.", "risk_factors": "Een\nTwee"}
            for v in ids for rank in (1, 2, 3)])
        readers = connection.execute(select(Parent.id, func.max(ParentVersion.number))
                                     .join(ParentVersion, ParentVersion.parent_id == Parent.id)
                                     .where(Parent.family_id == family.id).group_by(Parent.id)).all()
        connection.execute(insert(ParentVersion), [  # every parent reads every version: a full Top 3 for all
            {"parent_id": reader, "version_id": v, "number": last + n}
            for reader, last in readers for n, v in enumerate(sorted(ids), start=1)])
        situations = connection.execute(select(UnsafeSituation.id).where(
            UnsafeSituation.version_id.in_(ids))).scalars().all()
        connection.execute(insert(SafetyAgreement), [
            {"situation_id": s, "key": uuid.uuid4().hex, "position": 0, "who": "Fatima", "what": "Afspraak.",
             "when": "Altijd.", "if_it_goes_wrong": "Bel 112."} for s in situations])
        connection.execute(insert(PlanItem), [
            {"version_id": v, "key": uuid.uuid4().hex, "section": section, "position": 0, "text": "Hulp.", "who": ""}
            for v in ids for section in ("help", "future")])
        connection.execute(insert(Appointment), [
            {"family_id": family.id, "key": f"appointment-{uuid.uuid4().hex}",
             "starts_at": now + dt.timedelta(hours=n - appointments // 2), "duration_minutes": 60,
             "safe_place": False, "place": "Bij u thuis", "with_whom": "Bram de Wit", "purpose": f"Gesprek {n}.",
             "status": "planned", "audience": "household", "created_at": now}
            for n in range(appointments)])


def test_family_pages_use_the_same_number_of_queries_however_long_the_history(team_app, el_idrissi, monkeypatch):
    from portal.accounts import sessions

    monkeypatch.setattr(sessions, "TOUCH_INTERVAL", dt.timedelta(days=1))  # no 'last seen' write midway
    client = team_app.test_client()
    sign_in(client, el_idrissi.usernames[0])  # Fatima
    pages = ("/", "/plan", "/appointments")
    for url in pages:  # the first plan visit records the reading: warm up once
        client.get(url)
    before = {url: _count_queries(team_app, client, url) for url in pages}
    _grow_history(team_app, el_idrissi.family_id, versions=200, appointments=1000)
    for url in pages:
        client.get(url)
    page = client.get("/plan")
    assert "Situatie 1 van versie" in text_of(page)  # the newest of the 200 versions is shown
    # The history really is there, yet the page shows only the next ten and the last five.
    assert 10 <= text_of(client.get("/appointments")).count("Gesprek ") <= 15
    after = {url: _count_queries(team_app, client, url) for url in pages}
    assert after == before


# --- language ------------------------------------------------------------------------------------

def test_choosing_a_language_is_kept_for_the_parent(team_app, sanne):
    client = team_app.test_client()
    sign_in(client, sanne.usernames[0])  # she reads Dutch
    assert '<html lang="nl" dir="ltr">' in client.get("/").text
    token = csrf_token(client.get("/").text)
    chosen = client.post("/language", data={"set_language": "ar", "next": "/appointments", "csrf_token": token})
    assert chosen.status_code == 302 and chosen.headers["Location"] == "/appointments"
    assert '<html lang="ar" dir="rtl">' in client.get("/appointments").text
    with database(team_app) as db:
        assert db.exec(select(Account.language).where(Account.username == sanne.usernames[0])).one() == "ar"
    other_browser = team_app.test_client()
    sign_in(other_browser, sanne.usernames[0])  # stored on the account, not only in this browser
    assert '<html lang="ar" dir="rtl">' in other_browser.get("/").text


def test_switching_language_on_the_plan_keeps_the_typed_answer(team_app, sanne):
    client = team_app.test_client()
    sign_in(client, sanne.usernames[0])  # she agreed to her plan
    page = client.get("/plan")
    buttons = soup(page).select('button[name="set_language"]')
    assert buttons and all(b["form"] == "answer-form" for b in buttons)
    assert soup(page).select_one("form#answer-form") is not None
    typed = "Moet Thomas ook tekenen?"
    switched = client.post("/plan", data={"set_language": "tr", "answer": "question", "comment": typed,
                                          "csrf_token": csrf_token(page.text)})
    assert switched.status_code == 200
    assert '<html lang="tr" dir="ltr">' in switched.text
    assert soup(switched).select_one("textarea#comment").get_text() == typed
    assert soup(switched).select_one('input[name="answer"][value="question"]').has_attr("checked")
    assert acknowledgement(team_app, "Sanne de Boer", 1).answer is Answer.agree  # nothing was sent as an answer
    assert questions_of(team_app, "Sanne de Boer") == []


# --- who looked: only what concerns this parent -----------------------------------------------------

def who_looked_in_dutch(app, usernames) -> dict[str, str]:
    """Each parent's "who looked" page as read in Dutch."""
    seen = {}
    for username in usernames:
        client = app.test_client()
        sign_in(client, username)
        client.post("/language", data={"set_language": "nl", "csrf_token": csrf_token(client.get("/").text)})
        seen[username] = text_of(client.get("/who-looked"))
    return seen


def test_who_looked_never_tells_a_parent_about_the_other_parents_items(team_app):
    made = factories.fatima_and_youssef(team_app, password=True)  # kept apart
    factories.appointment(team_app, made.family_id, days=7, audience=only_for(made.parent_ids[:1]), safe_place=True,
                          place=SAFE_PLACE, purpose="Gesprek met Fatima alleen.", interpreter="tolk-ar")
    (safe,) = appointments_of(team_app, made.family_id)  # for Fatima alone
    fatima, youssef = made.usernames
    changed = say(team_app, "nl", "planned or changed an appointment")
    planned = who_looked_in_dutch(team_app, (fatima,))[fatima].count(changed)  # Bram planned it for her
    bram = team_app.test_client()
    sign_in(bram, "bram")
    assert bram.get(f"/backoffice/families/{safe.family_id}").status_code == 200
    url = f"/backoffice/families/{safe.family_id}/appointments/{safe.id}"
    local = safe.starts_at.astimezone(AMSTERDAM)
    moved = bram.post(url, data={"csrf_token": csrf_token(bram.get(url).text), "date": local.strftime("%Y-%m-%d"),
                                 "time": "16:00", "place": safe.place, "with_whom": safe.with_whom,
                                 "purpose": safe.purpose, "duration": "60", "safe_place": "1",
                                 "audience": safe.audience})
    assert moved.status_code == 302
    seen = who_looked_in_dutch(team_app, (fatima, youssef))
    assert seen[fatima].count(changed) == planned + 1
    assert changed not in seen[youssef]
    assert say(team_app, "nl", "opened your file") in seen[youssef]  # the file they share: he sees it


def test_who_looked_tells_only_the_parent_who_asked_to_move_an_appointment_that_the_duo_answered(team_app, el_idrissi):
    shared = next(a for a in appointments_of(team_app, el_idrissi.family_id)
                  if a.starts_at >= clock.now() and a.audience == "household")
    fatima = team_app.test_client()
    sign_in(fatima, el_idrissi.usernames[0])
    assert _respond(fatima, shared.key, response="move_requested", reason="Dan werk ik.").status_code == 302
    bram = team_app.test_client()
    sign_in(bram, "bram")
    url = f"/backoffice/families/{shared.family_id}/appointments/{shared.id}"
    form = form_values(bram.get(url), "appointment-form")
    (reply,) = [name for name in form if name.startswith("reply-")]  # Fatima's answer only
    assert bram.post(url, data=form | {reply: "Goed, we zoeken een nieuwe dag.", "action": "save"}).status_code == 302
    answered = say(team_app, "nl", "answered you about an appointment")
    fatima_name, youssef_name = el_idrissi.usernames
    seen = who_looked_in_dutch(team_app, el_idrissi.usernames)
    assert answered in seen[fatima_name] and "Bram" in seen[fatima_name]
    assert answered not in seen[youssef_name]
