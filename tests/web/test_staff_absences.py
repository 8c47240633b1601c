"""A team lead records the days a worker is away, on the worker's staff page: those days feed the families'
"who do I call now" (the duo partner is named); wrong days are refused with what was typed kept."""
import datetime as dt

from sqlmodel import select

from portal.models import Absence, Account, AuditEvent, Worker
from portal.services.duo import availability
from support import factories
from support.pages import database, say, soup, text_of
from support.sign_in import csrf_token, signed_in_client


def bram(app) -> tuple[int, int]:
    """Bram's account and worker ids."""
    with database(app) as db:
        account = db.exec(select(Account).where(Account.username == "bram")).one()
        return account.id, db.exec(select(Worker.id).where(Worker.account_id == account.id)).one()


def days_away(app, worker_id: int) -> list[tuple[dt.date, dt.date]]:
    with database(app) as db:
        return [(a.first_day, a.last_day) for a in db.exec(select(Absence).where(Absence.worker_id == worker_id)
                                                             .order_by(Absence.first_day))]


def record(lead, account_id: int, first: str, last: str):
    page = f"/backoffice/staff/{account_id}"
    return lead.post(f"{page}/absences", data={"csrf_token": csrf_token(lead.get(page).text),
                                               "first_day": first, "last_day": last})


def test_days_away_are_recorded_shown_and_reach_who_to_call(demo_app):
    account_id, worker_id = bram(demo_app)
    before = days_away(demo_app, worker_id)
    lead = signed_in_client(demo_app, "teamlead")
    today = dt.date.today()
    first, last = today, today + dt.timedelta(days=2)
    recorded = record(lead, account_id, first.isoformat(), last.isoformat())
    assert recorded.status_code == 302 and recorded.headers["Location"].endswith(f"/staff/{account_id}#away")
    assert days_away(demo_app, worker_id) == sorted([*before, (first, last)])
    page = soup(lead.get(f"/backoffice/staff/{account_id}"))
    listed = page.select_one("section[aria-labelledby=away] ul.absences").get_text(" ", strip=True)
    assert str(last.day) in listed and str(last.year) in listed
    # What "who do I call now" reads: Bram is away today, so his households are told to call his duo partner.
    with database(demo_app) as db:
        worker = db.get(Worker, worker_id)
        assert (first, last) in availability(db, [worker], today)[worker_id].absences
        event = db.exec(select(AuditEvent).where(AuditEvent.action == "staff.absence")).one()
        assert event.object == f"account:{account_id}" and event.role == "teamlead"

    # Back early: the team lead removes the absence.
    with database(demo_app) as db:
        absence_id = db.exec(select(Absence.id).where(Absence.worker_id == worker_id, Absence.first_day == first)).one()
    remove = page.select_one(f'form[action$="/absences/{absence_id}/remove"]')
    removed = lead.post(remove["action"], data={"csrf_token": remove.select_one("input[name=csrf_token]")["value"]})
    assert removed.status_code == 302
    assert days_away(demo_app, worker_id) == before


def test_wrong_days_are_refused_with_what_was_typed_kept(demo_app):
    account_id, worker_id = bram(demo_app)
    before = days_away(demo_app, worker_id)
    lead = signed_in_client(demo_app, "teamlead")
    today = dt.date.today()
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
        assert say(demo_app, "nl", message) in text_of(refused), (first, last)
        typed = soup(refused).select_one("#absence-form")
        assert typed.select_one("input[name=first_day]")["value"] == first
        assert typed.select_one("input[name=last_day]")["value"] == last
        # The staff form above it still shows the account as it is.
        assert soup(refused).select_one("#staff-form input[name=name]")["value"] == "Bram de Wit"
    assert days_away(demo_app, worker_id) == before


def test_only_the_team_lead_of_the_workers_own_team(demo_app):
    account_id, worker_id = bram(demo_app)
    before = days_away(demo_app, worker_id)
    factories.other_team(demo_app)
    day = dt.date.today().isoformat()
    for username in ("lead-zuidoost", "anouk", "bram"):
        client = signed_in_client(demo_app, username)
        response = client.post(f"/backoffice/staff/{account_id}/absences",
                               data={"csrf_token": csrf_token(client.get("/backoffice/").text), "first_day": day,
                                     "last_day": day})
        assert response.status_code in (403, 404), username
    assert days_away(demo_app, worker_id) == before
    with database(demo_app) as db:
        assert not db.exec(select(AuditEvent).where(AuditEvent.action == "staff.absence",
                                                    AuditEvent.result == "ok")).first()
