"""Appointments: the duo plans one for the parents it is for, each parent answers (I will come / please move it)."""
import uuid

from sqlmodel import Session, select

from portal.models import Appointment, AppointmentAnswer, AppointmentResponse
from portal.models.base import utcnow


def plan(db: Session, family_id: int, **values) -> Appointment:
    """A new appointment of the household (the fields as the duo's form gives them); the caller commits."""
    item = Appointment(family_id=family_id, key=f"appointment-{uuid.uuid4().hex}", **values)
    db.add(item)
    db.flush()  # a new appointment gets the id its event names
    return item


def respond(db: Session, appointment: Appointment, parent_id: int, response: AppointmentResponse,
            reason: str = "") -> AppointmentAnswer:
    """One parent's own answer to an appointment; a new answer awaits a new reply. The caller commits."""
    answer = db.exec(select(AppointmentAnswer).where(AppointmentAnswer.appointment_id == appointment.id,
                                                     AppointmentAnswer.parent_id == parent_id)).first()
    answer = answer or AppointmentAnswer(appointment_id=appointment.id, parent_id=parent_id, response=response)
    answer.response, answer.reason, answer.answered_at = response, reason, utcnow()
    answer.reply, answer.replied_by, answer.replied_at = "", None, None
    db.add(answer)
    db.flush()
    return answer
