"""A household's duo now: who is the contact person, who the partner, and when they work."""
import datetime as dt
from dataclasses import dataclass

from sqlalchemy import bindparam
from sqlmodel import Session, col, or_, select

from portal.clock import AMSTERDAM
from portal.models import Absence, DuoAssignment, DuoRole, Worker, WorkingHours
from portal.rules.call_now import Availability, CallAdvice, WorkingSlot, who_to_call_now
from portal.services import stored_id


@dataclass(frozen=True)
class Duo:
    contact: Worker | None
    partner: Worker | None
    contact_since: dt.date | None
    previous_contact: Worker | None  # the contact before the current one, if there was one


def _assignments(db: Session, family_ids, today: dt.date) -> list[tuple[DuoAssignment, Worker]]:
    """Every assignment begun by today of these households (a list of ids or a subquery), oldest first."""
    return list(db.exec(select(DuoAssignment, Worker).join(Worker, col(Worker.id) == DuoAssignment.worker_id)
                        .where(col(DuoAssignment.family_id).in_(family_ids), DuoAssignment.start <= today)
                        .order_by(col(DuoAssignment.start), col(DuoAssignment.id))).all())


# One household's assignments (every family page asks): the statement of _assignments, built once (issue 23).
_ONE_HOUSEHOLD = select(DuoAssignment, Worker).join(Worker, col(Worker.id) == DuoAssignment.worker_id) \
    .where(DuoAssignment.family_id == bindparam("family_id"), DuoAssignment.start <= bindparam("today")) \
    .order_by(col(DuoAssignment.start), col(DuoAssignment.id))


def current_duo(db: Session, family_id: int, today: dt.date) -> Duo:
    return _duo(list(db.exec(_ONE_HOUSEHOLD, params={"family_id": family_id, "today": today}).all()), today)


def current_duos(db: Session, family_ids, today: dt.date) -> dict[int, Duo]:
    """The duo now of each of these households, in one query (the team overview): the rule of current_duo."""
    rows: dict[int, list] = {}
    for assignment, worker in _assignments(db, family_ids, today):
        rows.setdefault(assignment.family_id, []).append((assignment, worker))
    return {family_id: _duo(found, today) for family_id, found in rows.items()}


def _duo(rows: list[tuple[DuoAssignment, Worker]], today: dt.date) -> Duo:
    current = [(a, w) for a, w in rows if a.end is None or a.end >= today]
    contact = next(((a, w) for a, w in reversed(current) if a.role is DuoRole.contact), None)
    partner = next((w for a, w in reversed(current) if a.role is DuoRole.partner), None)
    earlier = [w for a, w in rows if a.role is DuoRole.contact and a.end is not None and a.end < today]
    return Duo(contact[1] if contact else None, partner, contact[0].start if contact else None,
               earlier[-1] if earlier and contact and earlier[-1].id != contact[1].id else None)


_HOURS = select(WorkingHours).where(col(WorkingHours.worker_id).in_(bindparam("ids", expanding=True)))
_ABSENCES = select(Absence).where(col(Absence.worker_id).in_(bindparam("ids", expanding=True)),
                                  or_(Absence.last_day >= bindparam("today")))


def availability(db: Session, workers: list[Worker | None], today: dt.date) -> dict[int, Availability]:
    """Working hours and coming absences of these workers, in two queries."""
    ids = [w.id for w in workers if w is not None] or [-1]
    hours = db.exec(_HOURS, params={"ids": ids}).all()
    absences = db.exec(_ABSENCES, params={"ids": ids, "today": today}).all()
    return {
        stored_id(w.id): Availability(
            name=w.name, phone=w.phone, organisation=w.organisation,
            slots=tuple(WorkingSlot(h.weekday, h.start, h.end) for h in hours if h.worker_id == w.id),
            absences=tuple((a.first_day, a.last_day) for a in absences if a.worker_id == w.id))
        for w in workers if w is not None}


def call_now(db: Session, duo: Duo, now: dt.datetime, out_of_hours_name: str,
             out_of_hours_phone: str) -> tuple[CallAdvice, Availability | None]:
    """Whom the household calls now (rules/call_now: the contact person, else the partner, else the out-of-hours
    line), for the family's home, the letter and the closed page alike; and the contact person's hours."""
    local = now.astimezone(AMSTERDAM)
    hours = availability(db, [duo.contact, duo.partner], local.date())
    contact = hours.get(stored_id(duo.contact.id)) if duo.contact else None
    advice = who_to_call_now(contact, hours.get(stored_id(duo.partner.id)) if duo.partner else None, local,
                             out_of_hours_name, out_of_hours_phone)
    return advice, contact
