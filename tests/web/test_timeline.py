"""The case timeline and the factual file: a household's history made through the back office's and the parents'
pages comes back in time order with who and where each entry came from, narrowed by kind, member and period, a page
at a time in the same number of queries; only the duo and the team lead see it, and every look is audited."""
import datetime as dt
import re

import pytest
from flask_babel import force_locale
from sqlalchemy import event, insert
from sqlmodel import select

from portal import clock
from portal.models import (
    Account,
    Appointment,
    AppointmentAnswer,
    AuditEvent,
    Parent,
    PlanQuestion,
    PlanVersion,
    Role,
    SafetyPlan,
    Worker,
)
from portal.web.i18n import format_moment
from support import factories
from support.pages import database, form_values, say, soup, text_of
from support.sign_in import csrf_token, signed_in_client

QUESTION = "Mag Lotte in de herfstvakantie bij oma logeren?"
REPLY = "Ja, als oma haar op zondag om 18:00 terugbrengt."
MOVE = "Ik moet dan werken, kan het op vrijdag?"
APPOINTMENT_REPLY = "Vrijdag kan niet, ik bel u voor een andere dag."
CLOSING = "Het plan werkt al een half jaar zonder incidenten."

# Keyset pages compare timestamps and dates in SQL: SQLite compares stored text, PostgreSQL timestamptz.
pytestmark = pytest.mark.both_databases


def post_form(client, page: str, data: dict, action: str | None = None):
    """Open a page and send a form of it (to `action`, or back to the page) with the page's CSRF token."""
    return client.post(action or page, data=dict(data, csrf_token=csrf_token(client.get(page).text)))


def worker_ids(app) -> dict[str, int]:
    with database(app) as db:
        rows = db.exec(select(Worker, Account).join(Account, Account.id == Worker.account_id))
        return {account.username: worker.id for worker, account in rows}


def give_accounts(app, family: int) -> dict[str, int]:
    """Parent accounts for the household's parents (letters and activation have their own tests): name -> parent id."""
    with database(app) as db:
        parents = db.exec(select(Parent).where(Parent.family_id == family).order_by(Parent.id)).all()
        for parent in parents:
            account = Account(username=f"ouder-tijdlijn-{parent.id}", role=Role.parent, display_name=parent.name,
                              language=parent.language, totp_enrolled=True)
            db.add(account)
            db.flush()
            parent.account_id = account.id
            db.add(parent)
        db.commit()
        return {parent.name: parent.id for parent in parents}


def entries(response) -> list[str]:
    """The entries of a timeline page, each as one line of text."""
    return [" ".join(item.get_text(" ", strip=True).split()) for item in soup(response).select("ol.timeline li.entry")]


def position(lines: list[str], *words: str) -> int:
    """Where the first entry holding all these words is (it must be there)."""
    found = [number for number, line in enumerate(lines) if all(word in line for word in words)]
    assert found, (words, lines)
    return found[0]


def last_event_id(app) -> int:
    with database(app) as db:
        return db.exec(select(AuditEvent.id).order_by(AuditEvent.id.desc())).first() or 0


def events_since(app, since: int) -> list[tuple]:
    with database(app) as db:
        return [(e.action, e.result, e.family_id, e.actor_name) for e in db.exec(
            select(AuditEvent).where(AuditEvent.id > since).order_by(AuditEvent.id))]


@pytest.fixture
def history(team_app):
    """A household's life through the pages people use: the team lead's intake, a published plan, a parent's
    question and the duo's reply, an appointment, a parent's request to move it and the reply, and the closing."""
    lead, bram = signed_in_client(team_app, "teamlead"), signed_in_client(team_app, "bram")
    ids = worker_ids(team_app)
    started = post_form(lead, "/backoffice/households/new", {
        "name": "Gezin Tijdlijn", "parent-count": "2", "parent-0-name": "Ingrid Tijdlijn", "parent-0-language": "nl",
        "parent-0-phone": "06 11112222", "parent-1-name": "Kerem Tijdlijn", "parent-1-language": "tr",
        "parent-1-phone": "", "child-count": "1", "child-0-name": "Lotte Tijdlijn", "child-0-birth_year": "2016",
        "other-count": "0", "contact": str(ids["bram"]), "partner": str(ids["anouk"])})
    assert started.status_code == 302, text_of(started)[:1000]
    family = int(started.headers["Location"].rstrip("/").split("/")[-1])
    parents = give_accounts(team_app, family)
    base = f"/backoffice/families/{family}"
    members = bram.get(f"{base}/members")  # the duo adds Kerem's phone number
    changed = bram.post(f"{base}/members",
                        data=form_values(members, "members-form") | {"parent-1-phone": "06 33334444"})
    assert changed.status_code == 302, text_of(changed)[:1000]

    published = post_form(bram, f"{base}/plan", {
        "revision": "1", "action": "publish", "s1-kind": "acute", "s1-description": "Ruzie als papa gedronken heeft.",
        "s1-audience": "household", "s1-a-count": "1", "s1-a-0-who": "Ingrid",
        "s1-a-0-what": "Ingrid belt de buurvrouw.",
        "s1-a-0-when": "Als de ruzie begint.", "s1-a-0-wrong": "Ingrid belt 112.", "s1-a-0-audience": "household",
        "help-count": "0", "note": "", "note-audience": "household"})
    assert published.status_code == 302, text_of(published)[:1000]

    ingrid = signed_in_client(team_app, f"ouder-tijdlijn-{parents['Ingrid Tijdlijn']}")
    asked = post_form(ingrid, "/plan", {"answer": "question", "comment": QUESTION})
    assert asked.status_code == 302, text_of(asked)[:1000]
    with database(team_app) as db:
        question = db.exec(select(PlanQuestion).where(PlanQuestion.parent_id == parents["Ingrid Tijdlijn"])).one()
    replied = post_form(bram, f"{base}/answers", {"reply": REPLY}, f"{base}/questions/{question.id}")
    assert replied.status_code == 302

    day = (clock.today() + dt.timedelta(days=3)).isoformat()
    made = post_form(bram, f"{base}/appointments", {
        "date": day, "time": "10:00", "duration": "60", "place": "Kantoor", "with_whom": "Bram de Wit",
        "purpose": "Het plan samen doorlopen.", "audience": f"parents:{parents['Ingrid Tijdlijn']}"})
    assert made.status_code == 302, text_of(made)[:1000]
    with database(team_app) as db:
        appointment = db.exec(select(Appointment).where(Appointment.family_id == family)).one()
    moved = post_form(ingrid, f"/appointments/{appointment.key}", {"response": "move_requested", "reason": MOVE})
    assert moved.status_code == 302, text_of(moved)[:1000]
    with database(team_app) as db:
        answer = db.exec(select(AppointmentAnswer).where(AppointmentAnswer.appointment_id == appointment.id)).one()
    page = bram.get(f"{base}/appointments/{appointment.id}")  # the duo moves it a day later and replies
    answered = bram.post(f"{base}/appointments/{appointment.id}", data=form_values(page, "appointment-form") | {
        "date": (clock.today() + dt.timedelta(days=4)).isoformat(), f"reply-{answer.id}": APPOINTMENT_REPLY})
    assert answered.status_code == 302, text_of(answered)[:1000]

    closed = post_form(lead, f"{base}/case", {"reason": CLOSING, "closed_on": clock.today().isoformat()})
    assert closed.status_code == 302, text_of(closed)[:1000]
    return {"family": family, "parents": parents, "lead": lead, "bram": bram, "ingrid": ingrid,
            "appointment": appointment.id, "question": question.id, "asked_about": appointment.starts_at}


def test_the_history_appears_in_time_order_with_who_and_source(team_app, history):
    family, lead = history["family"], history["lead"]
    file = lead.get(f"/backoffice/families/{family}")
    assert soup(file).select_one(f'a[href="/backoffice/families/{family}/timeline"]') is not None
    page = lead.get(f"/backoffice/families/{family}/timeline")
    assert page.status_code == 200
    lines = entries(page)

    def said(message, **values):
        return say(team_app, "nl", message, **values)

    ingrid = history["parents"]["Ingrid Tijdlijn"]
    order = [
        position(lines, said("Intake: the household's file was opened"), "Marieke Smit",
                 said("Household file %(id)s", id=family)),
        position(lines, said("Version %(number)s of the plan published", number=1), "Bram de Wit",
                 said("Plan version %(number)s", number=1), "Nieuw: onveilige situatie"),
        position(lines, said("%(name)s read version %(number)s", name="Ingrid Tijdlijn", number=1)),
        position(lines, said("%(name)s asked a question about version %(number)s", name="Ingrid Tijdlijn", number=1),
                 QUESTION, said("Question %(id)s", id=history["question"])),
        position(lines, said("Reply to %(parent)s about version %(number)s", parent="Ingrid Tijdlijn", number=1),
                 REPLY, "Bram de Wit"),
        position(lines, said("%(name)s asked to move the appointment", name="Ingrid Tijdlijn"), MOVE),
        position(lines, said("Reply to %(parent)s about the appointment", parent="Ingrid Tijdlijn"), APPOINTMENT_REPLY),
        position(lines, said("%(name)s became the contact person", name="Bram de Wit"),
                 said("Duo assignment %(id)s", id="").strip()),
        position(lines, said("Case closed"), CLOSING, "Marieke Smit"),
        position(lines, said("Appointment"), "Het plan samen doorlopen.",
                 said("Only for %(names)s", names="Ingrid Tijdlijn"),
                 said("Appointment %(id)s", id=history["appointment"])),
    ]
    assert order == sorted(order), lines
    # A translation into Turkish was opened for Kerem's language when the version was published.
    assert position(lines, said("Translation of version %(number)s into %(language)s opened", number=1,
                                language="Turks")) < order[2]
    # The duo's text is marked Dutch; the parent's own words keep their own direction.
    quotes = soup(page).select("ol.timeline blockquote")
    assert any(q.get("dir") == "auto" and q.get_text(strip=True) == QUESTION for q in quotes)
    assert any(q.select_one('span[lang="nl"][dir="ltr"]') and q.get_text(strip=True) == REPLY for q in quotes)
    assert f"parent-{ingrid}" in {o["value"] for o in soup(page).select("select#member option")}


def test_filters_by_kind_member_and_period(team_app, history):
    family, bram = history["family"], history["bram"]
    url = f"/backoffice/families/{family}/timeline"

    answers = entries(bram.get(url, query_string={"kind": "answers"}))
    assert answers and all(say(team_app, "nl", "Parents' answers and replies") in line for line in answers)
    assert any(QUESTION in line for line in answers) and not any(CLOSING in line for line in answers)

    kerem = history["parents"]["Kerem Tijdlijn"]
    ingrid = history["parents"]["Ingrid Tijdlijn"]
    only_kerem = entries(bram.get(url, query_string={"member": f"parent-{kerem}"}))
    assert only_kerem and not any(QUESTION in line or MOVE in line for line in only_kerem)  # Ingrid's words
    assert all("Kerem Tijdlijn" in line for line in only_kerem)
    only_ingrid = entries(bram.get(url, query_string={"member": f"parent-{ingrid}"}))
    assert {QUESTION, REPLY, MOVE, APPOINTMENT_REPLY} <= {w for w in (QUESTION, REPLY, MOVE, APPOINTMENT_REPLY)
                                                          if any(w in line for line in only_ingrid)}
    assert not any(CLOSING in line for line in only_ingrid)

    # Someone of another household, or a wrong period: said, and the page shows everything instead.
    other = factories.household(team_app, ["nl"])
    refused = bram.get(url, query_string={"member": f"parent-{other.parent_ids[0]}"})
    assert refused.status_code == 400
    assert say(team_app, "nl", "This person is not a member of this household.") in text_of(refused)
    assert any(QUESTION in line for line in entries(refused))
    wrong = bram.get(url, query_string={"from": "2026-02-30", "to": "2026-01-01"})
    assert wrong.status_code == 400 and soup(wrong).select_one("#period-error") is not None

    # A period before the intake holds nothing; one of today holds the day's entries.
    before = (clock.today() - dt.timedelta(days=40)).isoformat()
    assert entries(bram.get(url, query_string={"from": before, "to": before})) == []
    # Days around today (the page counts Amsterdam days, the server writes its own date: near midnight they differ).
    around = {"from": (clock.today() - dt.timedelta(days=1)).isoformat(),
              "to": (clock.today() + dt.timedelta(days=1)).isoformat()}
    lines = entries(bram.get(url, query_string=around))
    assert any(CLOSING in line for line in lines) and not any("Het plan samen doorlopen." in line for line in lines)


def test_pages_follow_each_other_without_gaps_or_repeats(team_app, history):
    family, bram = history["family"], history["bram"]
    url = f"/backoffice/families/{family}/timeline"
    for order in ("oldest", "newest"):
        whole = entries(bram.get(url, query_string={"order": order}))
        assert len(whole) >= 12
        paged, query = [], {"order": order, "size": "3"}
        for _turn in range(len(whole)):
            page = bram.get(url, query_string=query)
            paged += entries(page)
            more = soup(page).select_one("a#next-page")
            if more is None:
                break
            query = dict(re.findall(r"([a-z]+)=([^&]*)", more["href"].split("?", 1)[1]))
        assert paged == whole, order
    newest = entries(bram.get(url, query_string={"order": "newest"}))
    assert newest == list(reversed(entries(bram.get(url))))


def test_the_factual_file_lists_the_agreements_in_force_and_what_happened(any_hour, team_app, history):
    family, lead = history["family"], history["lead"]
    around = {"from": (clock.today() - dt.timedelta(days=1)).isoformat(),
              "to": (clock.today() + dt.timedelta(days=1)).isoformat()}
    page = lead.get(f"/backoffice/families/{family}/factual-file", query_string=around)
    assert page.status_code == 200
    agreements = soup(page).select_one("#agreements").get_text(" ", strip=True)
    assert "Ingrid belt de buurvrouw." in agreements and "Ingrid belt 112." in agreements
    assert say(team_app, "nl", "Plan version %(number)s", number=1) in agreements
    happened = soup(page).select_one("#happened").get_text(" ", strip=True)
    assert QUESTION in happened and REPLY in happened and CLOSING in happened
    assert soup(page).select_one("form#period-form.no-print") is not None  # the period form is not printed
    earlier = (clock.today() - dt.timedelta(days=30)).isoformat()
    empty = lead.get(f"/backoffice/families/{family}/factual-file", query_string={"from": earlier, "to": earlier})
    assert say(team_app, "nl", "No version of the plan was published before the end of this period.") in text_of(empty)
    assert say(team_app, "nl", "Nothing was recorded in this period.") in text_of(empty)


def moment_in(app, moment: dt.datetime) -> str:
    """An appointment's day and time as the Dutch back office writes them."""
    with app.test_request_context(), force_locale("nl"):
        return format_moment(moment)


def test_the_factual_file_tells_each_answer_as_it_was_who_did_it_and_the_future_apart(any_hour, team_app, history):
    family, lead = history["family"], history["lead"]
    with database(team_app) as db:
        moved_to = db.get(Appointment, history["appointment"]).starts_at
    asked_about = history["asked_about"]
    assert moved_to - asked_about == dt.timedelta(days=1)
    period = {"from": (clock.today() - dt.timedelta(days=1)).isoformat(),
              "to": (clock.today() + dt.timedelta(days=10)).isoformat()}
    page = lead.get(f"/backoffice/families/{family}/factual-file", query_string=period)
    assert page.status_code == 200

    def said(message, **values):
        return say(team_app, "nl", message, **values)

    def lines(section: str) -> list[str]:
        return [" ".join(item.get_text(" ", strip=True).split())
                for item in soup(page).select(f"#{section} ol.timeline li.entry")]

    happened, future = lines("happened"), lines("future")
    # The request to move names the appointment as it was when Ingrid asked; the reply, as it was when answered.
    request = happened[position(happened, said("%(name)s asked to move the appointment", name="Ingrid Tijdlijn"))]
    assert said("About the appointment of %(moment)s", moment=moment_in(team_app, asked_about)) in request
    assert moment_in(team_app, moved_to) not in request
    reply = happened[position(happened, said("Reply to %(parent)s about the appointment", parent="Ingrid Tijdlijn"))]
    assert said("About the appointment of %(moment)s", moment=moment_in(team_app, moved_to)) in reply
    # The team lead made the duo at the intake: the entries name her, not the workers assigned.
    lead_did = f'{said("Who")}: Marieke Smit ({said("team lead")})'
    for made in (said("%(name)s became the contact person", name="Bram de Wit"),
                 said("%(name)s joined the duo as partner", name="Anouk Visser")):
        assert lead_did in happened[position(happened, made)], made
    # Only the past is what happened: the planned appointment stands under the agreed future, planned by Bram.
    assert not any("Het plan samen doorlopen." in line for line in happened)
    planned = future[position(future, said("Appointment"), "Het plan samen doorlopen.")]
    assert f'{said("Who")}: Bram de Wit ({said("worker")})' in planned
    assert soup(page).select_one("#future h2").get_text(strip=True) == said("Agreed for the future")
    # A period that ended before today has no future.
    earlier = lead.get(f"/backoffice/families/{family}/factual-file",
                       query_string={"from": period["from"], "to": period["from"]})
    assert soup(earlier).select_one("#future") is None


def test_only_the_duo_and_the_team_lead_see_it_and_every_look_is_audited(team_app, history):
    family = history["family"]
    urls = [f"/backoffice/families/{family}/timeline", f"/backoffice/families/{family}/factual-file"]
    since = last_event_id(team_app)
    for url in urls:
        assert history["bram"].get(url).status_code == 200
    assert [(action, result, fid) for action, result, fid, _name in events_since(team_app, since)] == [
        ("timeline.view", "ok", family), ("factual_file.view", "ok", family)]
    since = last_event_id(team_app)
    assert history["bram"].head(urls[0]).status_code == 200
    assert events_since(team_app, since) == []  # HEAD shows nothing and records nothing

    other = factories.other_team(team_app)
    outsiders = {name: signed_in_client(team_app, name) for name in ("chantal", "tolk-tr", other.lead)}
    outsiders["parent"] = history["ingrid"]
    for name, client in outsiders.items():
        for url in urls:
            since = last_event_id(team_app)
            response = client.get(url)
            assert response.status_code == 404, (name, url)
            assert QUESTION not in text_of(response)
            assert [result for _action, result, _fid, _name in events_since(team_app, since)] == ["refused"], name


def test_a_parent_sees_who_looked_at_the_history(team_app):
    made = factories.household(team_app, ["nl"])
    bram = signed_in_client(team_app, "bram")
    assert bram.get(f"/backoffice/families/{made.family_id}/timeline").status_code == 200
    parent = signed_in_client(team_app, made.usernames[0])
    page = text_of(parent.get("/who-looked"))
    assert say(team_app, "nl", "looked at the history of your file") in page and "Bram de Wit" in page


def _queries(app, client, url: str) -> int:
    seen = []

    def count(*_args):
        seen.append(1)

    engine = app.extensions["engine"]
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def test_a_page_costs_the_same_queries_however_long_the_history(team_app, history):
    family, bram = history["family"], history["bram"]
    urls = [f"/backoffice/families/{family}/timeline", f"/backoffice/families/{family}/timeline?order=newest&size=5",
            f"/backoffice/families/{family}/factual-file"]
    for url in urls:
        bram.get(url)  # warm: the first look at a page loads what every later one has cached
    before = [_queries(team_app, bram, url) for url in urls]
    ingrid = history["parents"]["Ingrid Tijdlijn"]
    with database(team_app) as db:
        version = db.exec(select(PlanVersion.id).join(SafetyPlan, SafetyPlan.id == PlanVersion.plan_id)
                          .where(SafetyPlan.family_id == family)).first()
    now = clock.now()
    with team_app.extensions["engine"].begin() as connection:
        connection.execute(insert(PlanQuestion), [
            {"parent_id": ingrid, "version_id": version, "kind": "question", "text": f"Vraag {n}",
             "asked_at": now - dt.timedelta(hours=n), "reply": f"Antwoord {n}", "replied_at": now} for n in range(300)])
        connection.execute(insert(Appointment), [
            {"family_id": family, "key": f"appointment-tijdlijn-{n}", "starts_at": now - dt.timedelta(days=n),
             "duration_minutes": 60, "safe_place": False, "place": "", "with_whom": "Bram de Wit",
             "purpose": f"Gesprek {n}", "status": "planned", "audience": "household", "created_at": now}
            for n in range(300)])
    after = [_queries(team_app, bram, url) for url in urls]
    assert after == before
