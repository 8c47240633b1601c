"""Appointments: the duo plans one for the parents it is for, each parent answers (I will come / please move it)."""
import datetime as dt
import uuid

from sqlmodel import Session, and_, col, or_, select

from portal import clock
from portal.clock import AMSTERDAM
from portal.models import Absence, Appointment, AppointmentAnswer, AppointmentResponse, AppointmentStatus, Parent
from portal.services import stored_id


def plan(db: Session, family_id: int, by: int | None, **values) -> Appointment:
    """A new appointment of the household (the fields as the duo's form gives them), planned by that account; the
    caller commits."""
    item = Appointment(family_id=family_id, key=f"appointment-{uuid.uuid4().hex}", planned_by=by, **values)
    db.add(item)
    db.flush()  # a new appointment gets the id its event names
    return item


def respond(db: Session, appointment: Appointment, parent_id: int, response: AppointmentResponse,
            reason: str = "") -> AppointmentAnswer:
    """One parent's own answer to an appointment; a new answer awaits a new reply. The caller commits."""
    assert appointment.id is not None  # a stored appointment
    answer = db.exec(select(AppointmentAnswer).where(AppointmentAnswer.appointment_id == appointment.id,
                                                     AppointmentAnswer.parent_id == parent_id)).first()
    answer = answer or AppointmentAnswer(appointment_id=appointment.id, parent_id=parent_id, response=response)
    answer.response, answer.reason, answer.answered_at = response, reason, clock.now()
    answer.answered_about = appointment.starts_at  # the appointment as it is now: it may be moved later
    answer.reply, answer.replied_by, answer.replied_at, answer.replied_about = "", None, None, None
    db.add(answer)
    db.flush()
    return answer


def moved_since(answer: AppointmentAnswer, item: Appointment) -> bool:
    """The parent answered about another day or time: the duo moved the appointment after the answer (an answer from
    before the time was kept is taken as about the appointment as it is)."""
    return answer.answered_about is not None and answer.answered_about != item.starts_at


def waiting_moves(db: Session, family_ids: list[int], now: dt.datetime, limit: int) -> list[tuple]:
    """Parents' requests to move a coming appointment that the duo has neither answered nor moved yet, oldest first:
    (answer, appointment, parent). The rule of moved_since, in SQL."""
    not_moved = or_(col(AppointmentAnswer.answered_about).is_(None),
                    AppointmentAnswer.answered_about == Appointment.starts_at)
    return list(db.exec(select(AppointmentAnswer, Appointment, Parent)
                        .join(Appointment, col(Appointment.id) == AppointmentAnswer.appointment_id)
                        .join(Parent, col(Parent.id) == AppointmentAnswer.parent_id)
                        .where(col(Appointment.family_id).in_(family_ids), Appointment.starts_at >= now,
                               Appointment.status == AppointmentStatus.planned,
                               and_(AppointmentAnswer.response == AppointmentResponse.move_requested,
                                    col(AppointmentAnswer.replied_at).is_(None), not_moved))
                        .order_by(col(AppointmentAnswer.answered_at)).limit(limit)).all())


def on_days_away(db: Session, items: list[Appointment]) -> dict[int, Absence]:
    """The planned appointments among these that fall on a day away of the duo's worker they are with, each with
    that absence (for the duo and the team lead only: nothing of it reaches a family page). One query."""
    named = {stored_id(item.id): (item.with_worker_id, item.starts_at.astimezone(AMSTERDAM).date()) for item in items
             if item.with_worker_id is not None and item.status is AppointmentStatus.planned}
    if not named:
        return {}
    days = [day for _worker, day in named.values()]
    absences = db.exec(select(Absence).where(col(Absence.worker_id).in_({worker for worker, _day in named.values()}),
                                             Absence.last_day >= min(days), Absence.first_day <= max(days))).all()
    found = {}
    for item_id, (worker_id, day) in named.items():
        away = next((a for a in absences if a.worker_id == worker_id and a.first_day <= day <= a.last_day), None)
        if away is not None:
            found[item_id] = away
    return found
