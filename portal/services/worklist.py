"""Work lists: what waits for a worker or a team lead (per household of their duos or team) and for an
interpreter, each in a fixed number of queries, whatever the number of households. Nothing of a closed case waits:
its questions, drafts, appointments and jobs are on no list (the household itself stays among "my families")."""
import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, select

from portal import clock
from portal.models import (
    Appointment,
    AppointmentAnswer,
    AppointmentStatus,
    ChildWords,
    CircleAnswer,
    DuoAssignment,
    Family,
    FamilyMember,
    NetworkMember,
    Parent,
    PartnerOrganisation,
    PlanQuestion,
    PlanVersion,
    Role,
    SafetyPlan,
    Signal,
    TranslationJob,
    VersionStatus,
)
from portal.policy import on_duty, visible_families
from portal.rules.audience import HOUSEHOLD, parents_of
from portal.services import appointments, children, circle, signals, stored_id

OPEN_QUESTIONS_SHOWN = 50  # oldest first: the one waiting longest is on top
MOVE_REQUESTS_SHOWN = 50  # oldest first, as the questions
UPCOMING_SHOWN = 10
INTERPRETER_LOOKS_BACK = dt.timedelta(hours=3)  # an appointment that began is still read along
JOBS_SHOWN = 100  # an interpreter's translation jobs, the one waiting longest first


@dataclass(frozen=True)
class WorkList:
    assignments: list[tuple[DuoAssignment | None, Family]]  # the assignment is None for a team lead
    open_questions: list[tuple[PlanQuestion, Parent]]
    move_requests: list[tuple[AppointmentAnswer, Appointment, Parent]]  # waiting for the duo to move or answer
    drafts: list[tuple[PlanVersion, SafetyPlan]]
    upcoming: list[Appointment]
    waiting: list[TranslationJob]
    circle_tasks: list[tuple[CircleAnswer, NetworkMember]]  # "I cannot do this" of the family's circle
    child_words: list[tuple[ChildWords, FamilyMember]]  # what children of 12 or over wrote, not read yet
    signals: list[tuple[Signal, PartnerOrganisation, Family]]  # partners' signals nobody marked done yet

    @property
    def names(self) -> dict[int, str]:
        return {stored_id(family.id): family.name for _assignment, family in self.assignments}

    @property
    def seen(self) -> set[tuple[int, str]]:
        """What the list shows of parents' words and appointments, each a read (audited) of whose it is: a
        parent's question is that parent's, an appointment is whoever may know of it."""
        return ({(parent.family_id, f"parent:{parent.id}") for _q, parent in self.open_questions}
                | {(parent.family_id, f"parent:{parent.id}") for _a, _item, parent in self.move_requests}
                | appointments_seen(self.upcoming)
                | {(member.family_id, f"circle-member:{member.id}") for _answer, member in self.circle_tasks}
                | {(child.family_id, f"child:{child.id}") for _words, child in self.child_words})


def appointments_seen(appointments) -> set[tuple[int, str]]:
    """The audited objects of appointments a list shows: the household for one everybody knows of, else each
    parent it is for (an appointment for one parent is no news to the other)."""
    return {(item.family_id, f"family:{item.family_id}") if item.audience == HOUSEHOLD
            else (item.family_id, f"parent:{parent_id}")
            for item in appointments for parent_id in (parents_of(item.audience) or {0})}


def for_worker(db: Session, user, now: dt.datetime) -> WorkList:
    """The work of the households the policy lists for this worker or team lead (`visible_families`)."""
    today = clock.day_of(now)
    households = col(Family.id).in_(visible_families(user, today))
    assignments: list[tuple[DuoAssignment | None, Family]]
    if user.role is Role.teamlead:
        assignments = [(None, family) for family in db.exec(select(Family).where(households).order_by(Family.name))]
    else:  # a worker's list says their part in each duo: the assignments of theirs that run today
        assignments = list(db.exec(select(DuoAssignment, Family).join(Family, col(Family.id) == DuoAssignment.family_id)
                                   .where(households, *on_duty(user.worker.id, today))
                                   .order_by(Family.name)).all())
    family_ids = [stored_id(family.id) for _a, family in assignments if family.closed_at is None] or [-1]
    open_questions = db.exec(select(PlanQuestion, Parent).join(Parent, col(Parent.id) == PlanQuestion.parent_id)
                             .where(col(Parent.family_id).in_(family_ids), col(PlanQuestion.handled_at).is_(None))
                             .order_by(col(PlanQuestion.asked_at)).limit(OPEN_QUESTIONS_SHOWN)).all()
    drafts = db.exec(select(PlanVersion, SafetyPlan).join(SafetyPlan, col(SafetyPlan.id) == PlanVersion.plan_id)
                     .where(col(SafetyPlan.family_id).in_(family_ids),
                            PlanVersion.status == VersionStatus.draft)).all()
    upcoming = db.exec(select(Appointment).where(col(Appointment.family_id).in_(family_ids),
                                                 Appointment.starts_at >= now,
                                                 Appointment.status == AppointmentStatus.planned)
                       .order_by(col(Appointment.starts_at)).limit(UPCOMING_SHOWN)).all()
    waiting = db.exec(select(TranslationJob).where(col(TranslationJob.family_id).in_(family_ids),
                                                   col(TranslationJob.completed_at).is_(None),
                                                   col(TranslationJob.closed_at).is_(None))).all()
    move_requests = appointments.waiting_moves(db, family_ids, now, MOVE_REQUESTS_SHOWN)
    return WorkList(assignments, list(open_questions), move_requests, list(drafts), list(upcoming), list(waiting),
                    circle.tasks(db, family_ids), children.unread(db, family_ids), signals.open_for(db, family_ids))


@dataclass(frozen=True)
class JobToDo:
    """A translation job on an interpreter's list: the household as the back office names it (the one thing of it
    beyond their assignment), the version and how long the job has waited."""

    job: TranslationJob
    household: str
    version: int | None  # None: the household's appointments
    days_waiting: int


def for_interpreter(db: Session, interpreter_id: int, now: dt.datetime) -> tuple[list[JobToDo], list[Appointment]]:
    """An interpreter's open translation jobs, the one waiting longest first, and their appointments still to come
    (or just begun), of households whose case is open."""
    jobs = db.exec(select(TranslationJob, Family.name, PlanVersion.number)
                   .join(Family, col(Family.id) == TranslationJob.family_id)
                   .outerjoin(PlanVersion, col(PlanVersion.id) == TranslationJob.version_id)
                   .where(col(TranslationJob.interpreter_id) == interpreter_id,
                          col(TranslationJob.completed_at).is_(None), col(TranslationJob.closed_at).is_(None),
                          col(Family.closed_at).is_(None))
                   .order_by(col(TranslationJob.opened_at), col(TranslationJob.id)).limit(JOBS_SHOWN)).all()
    assigned = db.exec(select(Appointment).join(Family, col(Family.id) == Appointment.family_id)
                       .where(Appointment.interpreter_id == interpreter_id,
                              Appointment.starts_at >= now - INTERPRETER_LOOKS_BACK,
                              Appointment.status == AppointmentStatus.planned, col(Family.closed_at).is_(None))
                       .order_by(col(Appointment.starts_at))).all()
    return ([JobToDo(job, household, number, (clock.day_of(now) - clock.day_of(job.opened_at)).days)
             for job, household, number in jobs], list(assigned))
