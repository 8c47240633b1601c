"""A team lead records the days a worker is away, on the worker's staff page: those days feed the families'
"who do I call now" (the duo partner is named), the letter and the closed page alike, and warn the duo and the team
lead of an appointment with the worker on such a day; wrong days are refused with what was typed kept."""
import datetime as dt

import pytest
from sqlmodel import select

from portal import clock
from portal.models import Absence, Account, Appointment, AuditEvent, Worker
from portal.services.duo import availability
from support import factories
from support.pages import database, form_values, say, soup, text_of
from support.sign_in import csrf_token, signed_in_client


def bram(app) -> tuple[int, int]:
    """Bram's account and worker ids."""
    with database(app) as db:
        account = db.exec(select(Account).where(Account.username == "bram")).one()
        return account.id, db.exec(select(Worker.id).where(Worker.account_id == account.id)).one()


def worker_ids(app) -> dict[str, int]:
    with database(app) as db:
        return {worker.name: worker.id for worker in db.exec(select(Worker))}


def days_away(app, worker_id: int) -> list[tuple[dt.date, dt.date]]:
    with database(app) as db:
        return [(a.first_day, a.last_day) for a in db.exec(select(Absence).where(Absence.worker_id == worker_id)
                                                             .order_by(Absence.first_day))]


def record(lead, account_id: int, first: str, last: str):
    page = f"/backoffice/staff/{account_id}"
    return lead.post(f"{page}/absences", data={"csrf_token": csrf_token(lead.get(page).text),
                                               "first_day": first, "last_day": last})


def test_days_away_are_recorded_shown_and_reach_who_to_call(team_app):
    account_id, worker_id = bram(team_app)
    before = days_away(team_app, worker_id)
    lead = signed_in_client(team_app, "teamlead")
    today = clock.today()
    first, last = today, today + dt.timedelta(days=2)
    recorded = record(lead, account_id, first.isoformat(), last.isoformat())
    assert recorded.status_code == 302 and recorded.headers["Location"].endswith(f"/staff/{account_id}#away")
    assert days_away(team_app, worker_id) == sorted([*before, (first, last)])
    page = soup(lead.get(f"/backoffice/staff/{account_id}"))
    listed = page.select_one("section[aria-labelledby=away] ul.absences").get_text(" ", strip=True)
    assert str(last.day) in listed and str(last.year) in listed
    # What "who do I call now" reads: Bram is away today, so his households are told to call his duo partner.
    with database(team_app) as db:
        worker = db.get(Worker, worker_id)
        assert (first, last) in availability(db, [worker], today)[worker_id].absences
        event = db.exec(select(AuditEvent).where(AuditEvent.action == "staff.absence")).one()
        assert event.object == f"account:{account_id}" and event.role == "teamlead"

    # Back early: the team lead removes the absence.
    with database(team_app) as db:
        absence_id = db.exec(select(Absence.id).where(Absence.worker_id == worker_id, Absence.first_day == first)).one()
    remove = page.select_one(f'form[action$="/absences/{absence_id}/remove"]')
    removed = lead.post(remove["action"], data={"csrf_token": remove.select_one("input[name=csrf_token]")["value"]})
    assert removed.status_code == 302
    assert days_away(team_app, worker_id) == before


def test_wrong_days_are_refused_with_what_was_typed_kept(team_app):
    account_id, worker_id = bram(team_app)
    before = days_away(team_app, worker_id)
    lead = signed_in_client(team_app, "teamlead")
    today = clock.today()
    cases = {
        (today.isoformat(), (today - dt.timedelta(days=1)).isoformat()): "The last day comes before the first day.",
        ("", today.isoformat()): "Choose the first day away.",
        (today.isoformat(), "31-12-2026"): "Choose the last day away.",
        ((today - dt.timedelta(days=9)).isoformat(), (today - dt.timedelta(days=2)).isoformat()):
            "These days are over already.",
        (today.isoformat(), (today + dt.timedelta(days=400)).isoformat()): "Record at most a year at a time.",
        ("99999-01-01", "0001-01-01"): "Choose the first day away.",
    }
    for (first, last), message in cases.items():
        refused = record(lead, account_id, first, last)
        assert refused.status_code == 400, (first, last)
        assert say(team_app, "nl", message) in text_of(refused), (first, last)
        typed = soup(refused).select_one("#absence-form")
        assert typed.select_one("input[name=first_day]")["value"] == first
        assert typed.select_one("input[name=last_day]")["value"] == last
        # The staff form above it still shows the account as it is.
        assert soup(refused).select_one("#staff-form input[name=name]")["value"] == "Bram de Wit"
    assert days_away(team_app, worker_id) == before


def test_only_the_team_lead_of_the_workers_own_team(team_app):
    account_id, worker_id = bram(team_app)
    before = days_away(team_app, worker_id)
    factories.other_team(team_app)
    day = clock.today().isoformat()
    for username in ("lead-zuidoost", "anouk", "bram"):
        client = signed_in_client(team_app, username)
        response = client.post(f"/backoffice/staff/{account_id}/absences",
                               data={"csrf_token": csrf_token(client.get("/backoffice/").text), "first_day": day,
                                     "last_day": day})
        assert response.status_code in (403, 404), username
    assert days_away(team_app, worker_id) == before
    with database(team_app) as db:
        assert not db.exec(select(AuditEvent).where(AuditEvent.action == "staff.absence",
                                                    AuditEvent.result == "ok")).first()


def plan_appointment(client, family: int, day: dt.date, **fields):
    """The duo's appointment form as a browser sends it, with these fields changed."""
    page = f"/backoffice/families/{family}/appointments"
    shown = client.get(page)
    return client.post(page, data=form_values(shown, "appointment-form") | {
        "date": day.isoformat(), "time": "08:00", "place": "Kantoor", "purpose": "Het plan samen doorlopen.",
        "audience": "household"} | fields)


def kovalenko(app) -> factories.Household:
    """A household of one parent, Olena, who reads Ukrainian, with Bram de Wit as contact person and Dirk Hoekstra
    as his duo partner."""
    return factories.household(app, ["uk"], names=("Olena Kovalenko",), partner="Dirk Hoekstra")


def warnings(response) -> list[str]:
    return [" ".join(found.get_text(" ", strip=True).split()) for found in soup(response).select(".away")]


@pytest.mark.both_databases  # the days away are compared with the appointment's day in SQL
def test_an_appointment_on_a_day_away_of_its_worker_warns_the_duo_and_the_team_lead(team_app):
    account_id, worker_id = bram(team_app)
    lead, duo = signed_in_client(team_app, "teamlead"), signed_in_client(team_app, "bram")
    day = clock.today() + dt.timedelta(days=1)
    assert record(lead, account_id, day.isoformat(), day.isoformat()).status_code == 302
    household = kovalenko(team_app)  # Bram is its contact person, Dirk his partner
    family = household.family_id
    base = f"/backoffice/families/{family}/appointments"

    # "With whom" offers the duo's two workers, and someone else to type.
    choices = {option["value"]: option.get_text(strip=True)
               for option in soup(duo.get(base)).select("select[name=with_worker] option")}
    dirk = worker_ids(team_app)["Dirk Hoekstra"]
    assert choices == {str(worker_id): f'Bram de Wit ({say(team_app, "nl", "contact person")})',
                       str(dirk): f'Dirk Hoekstra ({say(team_app, "nl", "duo partner")})',
                       "other": say(team_app, "nl", "Someone else: write the name below")}

    saved = plan_appointment(duo, family, day, with_worker=str(worker_id))
    assert saved.status_code == 302, text_of(saved)[:1000]
    with database(team_app) as db:
        item = db.exec(select(Appointment).where(Appointment.family_id == family)
                       .order_by(Appointment.id.desc())).first()
        assert (item.with_worker_id, item.with_whom) == (worker_id, "Bram de Wit")
    # After saving, the form says it at once; the list and the home pages of the duo and the team lead say it too.
    assert saved.headers["Location"].endswith(f"{base}/{item.id}")
    warned = say(team_app, "nl", "%(name)s is away on this day. Choose another day or another worker.",
                 name="Bram de Wit")
    assert warnings(duo.get(saved.headers["Location"])) == [warned]
    assert warned in warnings(duo.get(base))
    for client in (duo, lead):
        assert warned in warnings(client.get("/backoffice/")), client

    # Dirk, or someone else typed by name, on that day: no warning.
    other = plan_appointment(duo, family, day, with_worker="other", with_whom="De wijkagent")
    assert other.headers["Location"].endswith(base)
    partner = plan_appointment(duo, family, day, with_worker=str(dirk))
    assert partner.headers["Location"].endswith(base)
    assert warnings(duo.get(base)) == [warned]

    # Staff only: Olena's pages say with whom, as before, and nothing of a day away.
    olena = signed_in_client(team_app, household.usernames[0])
    for page in ("/", "/appointments"):
        shown = olena.get(page)
        assert soup(shown).select(".away") == []
        for language in ("nl", "uk"):
            assert say(team_app, language, "%(name)s is away on this day. Choose another day or another worker.",
                       name="Bram de Wit") not in text_of(shown)


def test_with_whom_someone_else_needs_a_name_and_a_worker_must_be_of_the_duo(team_app):
    duo = signed_in_client(team_app, "bram")
    family = kovalenko(team_app).family_id
    day = clock.today() + dt.timedelta(days=2)
    nameless = plan_appointment(duo, family, day, with_worker="other", with_whom="")
    assert nameless.status_code == 400
    form = soup(nameless).select_one("#appointment-form")
    assert say(team_app, "nl", "Choose a worker of the duo, or someone else and write their name.") in text_of(
        nameless)
    assert form.select_one("input[name=purpose]")["value"] == "Het plan samen doorlopen."
    assert form.select_one("select[name=with_worker] option[selected]")["value"] == "other"
    stranger = plan_appointment(duo, family, day, with_worker=str(worker_ids(team_app)["Chantal Pinas"]))
    assert stranger.status_code == 400  # a worker of the team, not of this duo
    with database(team_app) as db:
        assert not db.exec(select(Appointment).where(Appointment.family_id == family,
                                                     Appointment.purpose == "Het plan samen doorlopen.")).first()


def call_now_name(response) -> str:
    return " ".join(soup(response).select_one(".call-now p.big").get_text().split())


def test_the_letter_and_the_closed_page_name_whom_to_call_as_who_do_i_call_now_does(team_app):
    account_id, _worker_id = bram(team_app)
    lead = signed_in_client(team_app, "teamlead")
    today = clock.today()
    assert record(lead, account_id, today.isoformat(), today.isoformat()).status_code == 302
    made = factories.household(team_app, ["nl", "nl"])  # Bram is the contact person, Anouk his partner
    parent = signed_in_client(team_app, made.usernames[0])
    advice = call_now_name(parent.get("/"))
    assert "Bram de Wit" not in advice  # away today
    name = advice.split(":")[0].strip()

    page = f"/backoffice/families/{made.family_id}"
    letter = lead.post(f"{page}/parents/{made.parent_ids[1]}/letter",
                       data={"csrf_token": csrf_token(lead.get(page).text)}, follow_redirects=True)
    assert letter.status_code == 200
    assert say(team_app, "nl", "Questions? Call %(name)s:", name=name) in text_of(letter)
    assert "Bram de Wit" not in text_of(letter)

    closed = lead.post(f"{page}/case", data={"csrf_token": csrf_token(lead.get(f"{page}/case").text),
                                            "reason": "Het gaat goed, we sluiten af.", "closed_on": today.isoformat()})
    assert closed.status_code == 302
    shown = parent.get("/")
    assert say(team_app, "nl", "Your file is closed") in text_of(shown)
    assert call_now_name(shown).startswith(say(team_app, "nl", "Questions? Call %(name)s:", name=name))
