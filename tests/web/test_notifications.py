"""Notifications to parents say only that there is news, in their language, and never twice."""
import datetime as dt
import json
from pathlib import Path

from sqlmodel import Session, select

from portal import clock, db
from portal.models import Appointment, AppointmentStatus, OutboxMessage, Parent
from portal.rules import audience
from portal.services import notifications
from support import factories


def outbox(app) -> list[dict]:
    path = Path(app.instance_path) / "outbox.log"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_reminders_are_discreet_in_the_parents_language_and_sent_once(team_app):
    # A household of a Dutch- and an Arabic-speaking parent with phones, and an appointment for them both.
    household = factories.household(team_app, ["nl", "ar"])
    factories.appointment(team_app, household.family_id)
    runner = team_app.test_cli_runner()
    assert runner.invoke(args=["worker", "--once"]).exit_code == 0  # the news of the new appointment goes out first
    announced = outbox(team_app)
    with team_app.app_context(), Session(db.engine()) as session:
        soon = session.exec(select(Appointment).where(Appointment.starts_at > clock.now(),
                                                      Appointment.status == AppointmentStatus.planned)
                            .order_by(Appointment.starts_at)).first()
        soon.starts_at = clock.now() + dt.timedelta(hours=3)
        session.add(soon)
        session.commit()
        parents = session.exec(select(Parent).where(Parent.family_id == soon.family_id,
                                                    Parent.phone.is_not(None))).all()
        expected = [p for p in parents if audience.shows(soon.audience, p.id)]
        place, purpose = soon.place, soon.purpose
    first = runner.invoke(args=["send-reminders"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(args=["send-reminders"])
    assert "Queued 0 reminders" in second.output
    assert outbox(team_app) == announced  # queued only: the worker sends
    worked = runner.invoke(args=["worker", "--once"])
    assert worked.exit_code == 0, worked.output
    again = runner.invoke(args=["worker", "--once"])
    assert "Sent 0 messages" in again.output
    sent = outbox(team_app)[len(announced):]
    assert sorted(m["to"] for m in sent) == sorted(p.phone for p in expected)
    for message in sent:
        assert place not in message["body"] and purpose not in message["body"]
        assert "Mijn Portaal" in message["body"]


def test_a_restricted_appointment_is_never_announced_to_the_other_parent(team_app):
    # A household whose parents are kept apart, an appointment for them both and one at a safe place for one of them.
    household = factories.household(team_app, ["ar", "ar"], kept_apart=True)
    factories.appointment(team_app, household.family_id, days=1)
    factories.appointment(team_app, household.family_id, audience=audience.only_for(household.parent_ids[:1]),
                          safe_place=True)
    with team_app.app_context(), Session(db.engine()) as session:
        safe = session.exec(select(Appointment).where(Appointment.safe_place)).first()
        safe.starts_at = clock.now() + dt.timedelta(hours=2)
        session.add(safe)
        session.commit()
        others = session.exec(select(Parent).where(Parent.family_id == safe.family_id)).all()
        hidden_phones = {p.phone for p in others if not audience.shows(safe.audience, p.id)}
        assert hidden_phones
        notifications.queue_reminders(session, clock.now())
        session.commit()
        # Only this appointment's reminders: the household-wide appointment is within a day too.
        queued = {m.to for m in session.exec(select(OutboxMessage).where(
            OutboxMessage.dedupe_key.startswith(f"reminder:{safe.id}:")))}
    assert queued, "the parent the safe place is for gets a reminder"
    assert not queued & hidden_phones


def test_news_text_is_in_the_parents_language(team_app):
    from portal.models import Account

    household = factories.household(team_app, ["nl", "ar", "tr"])  # parents who read Dutch, Arabic and Turkish
    with team_app.test_request_context(), Session(db.engine()) as session:
        texts = {a.language: notifications.news_text(a) for a in session.exec(select(Account).where(
            Account.username.in_(household.usernames)))}
    assert texts["nl"] == "Er is nieuws in uw portaal: Mijn Portaal"  # formal "u", as the portal speaks
    assert len(set(texts.values())) == 3
