"""What a parent's pages show besides the plan, always within that parent's audience and never more than a
page holds: the next appointment, answered questions, their own answers and questions."""
import datetime as dt

from sqlmodel import Session, col, or_, select

from portal.models import (
    Acknowledgement,
    Appointment,
    AppointmentAnswer,
    AppointmentStatus,
    ParentVersion,
    PlanQuestion,
    PlanVersion,
)
from portal.policy import shown_to

UPCOMING_SHOWN = 10
PAST_SHOWN = 5
QUESTIONS_SHOWN = 20  # this parent's own questions and the duo's replies, newest first


def next_appointment(db: Session, parent, now: dt.datetime) -> Appointment | None:
    return db.exec(select(Appointment).where(
        Appointment.family_id == parent.family_id, Appointment.status == AppointmentStatus.planned,
        Appointment.starts_at >= now, shown_to(Appointment.audience, parent.id))
        .order_by(col(Appointment.starts_at)).limit(1)).first()


def _reply_unseen():
    """A reply this parent has not seen yet: none since it was written (a newer reply is news again)."""
    return or_(col(PlanQuestion.reply_seen_at).is_(None), PlanQuestion.reply_seen_at < PlanQuestion.replied_at)


def answered_unseen(db: Session, parent) -> bool:
    """The duo answered one of this parent's questions and the parent has not seen it: said on this parent's home
    only, until the plan page has shown it."""
    return db.exec(select(PlanQuestion.id).where(PlanQuestion.parent_id == parent.id,
                                                 col(PlanQuestion.replied_at).is_not(None), _reply_unseen())
                   ).first() is not None


def replies_seen(db: Session, parent, now: dt.datetime) -> None:
    """The plan page showed this parent the duo's replies to their questions (the caller commits, in a GET: the
    record of reading). Only the questions the page shows; an older one keeps its notice."""
    shown = select(PlanQuestion.id).where(PlanQuestion.parent_id == parent.id) \
        .order_by(col(PlanQuestion.asked_at).desc()).limit(QUESTIONS_SHOWN)
    for question in db.exec(select(PlanQuestion).where(col(PlanQuestion.id).in_(shown.scalar_subquery()),
                                                       col(PlanQuestion.replied_at).is_not(None), _reply_unseen())):
        question.reply_seen_at = now
        db.add(question)


def has_read(db: Session, parent, version: PlanVersion) -> bool:
    return db.exec(select(Acknowledgement.id).where(
        Acknowledgement.parent_id == parent.id, Acknowledgement.version_id == version.id)).first() is not None


def appointments(db: Session, parent, now: dt.datetime) -> tuple[list, list, dict[int, AppointmentAnswer]]:
    """Coming and earlier appointments this parent may know of (a page stays small, however long the history),
    and this parent's own answer to each."""
    mine = select(Appointment).where(Appointment.family_id == parent.family_id,
                                     shown_to(Appointment.audience, parent.id))
    upcoming = db.exec(mine.where(col(Appointment.starts_at) >= now).order_by(col(Appointment.starts_at))
                       .limit(UPCOMING_SHOWN)).all()
    past = db.exec(mine.where(Appointment.starts_at < now).order_by(col(Appointment.starts_at).desc())
                   .limit(PAST_SHOWN)).all()
    answers = {answer.appointment_id: answer for answer in db.exec(select(AppointmentAnswer).where(
        AppointmentAnswer.parent_id == parent.id,
        col(AppointmentAnswer.appointment_id).in_([item.id for item in (*upcoming, *past)] or [-1])))}
    return list(upcoming), list(past), answers


def questions(db: Session, parent) -> list[tuple[PlanQuestion, int]]:
    """This parent's questions with this parent's number of the version they were about, newest first."""
    return list(db.exec(select(PlanQuestion, ParentVersion.number)
                        .join(ParentVersion, (col(ParentVersion.version_id) == PlanQuestion.version_id)
                              & (ParentVersion.parent_id == PlanQuestion.parent_id))
                        .where(PlanQuestion.parent_id == parent.id)
                        .order_by(col(PlanQuestion.asked_at).desc()).limit(QUESTIONS_SHOWN)).all())
