"""One identifier of each kind from the El Idrissi household (the duo of Bram and Anouk), for the tests that walk
every route of the portal."""
import datetime as dt

from sqlmodel import select

from portal import clock
from portal.models import (
    Absence,
    Account,
    Appointment,
    AppointmentAnswer,
    AppointmentResponse,
    DuoAssignment,
    DuoRole,
    Family,
    Interpreter,
    Parent,
    ParentTextRendering,
    PlanQuestion,
    PlanVersion,
    SafetyPlan,
    TranslationJob,
    Worker,
)
from support.pages import database

EL_IDRISSI = "Gezin El Idrissi"


def open_job(app, family: Family, interpreter: str) -> int:
    """An Arabic translation job of the household's newest version, given to this interpreter."""
    with database(app) as db:
        version = db.exec(select(PlanVersion).join(SafetyPlan, SafetyPlan.id == PlanVersion.plan_id)
                          .where(SafetyPlan.family_id == family.id, PlanVersion.number.is_not(None))
                          .order_by(PlanVersion.number.desc())).first()
        interpreter_id = db.exec(select(Interpreter.id).join(Account, Account.id == Interpreter.account_id)
                                 .where(Account.username == interpreter)).one()
        job = db.exec(select(TranslationJob).where(TranslationJob.version_id == version.id,
                                                   TranslationJob.language == "ar")).first()
        job = job or TranslationJob(family_id=family.id, version_id=version.id, language="ar")
        job.interpreter_id = interpreter_id
        db.add(job)
        db.commit()
        return job.id


def household_ids(app) -> dict[str, int | str]:
    """One identifier of each kind from the El Idrissi household (the duo of Bram and Anouk)."""
    with database(app) as db:
        family = db.exec(select(Family).where(Family.name == EL_IDRISSI)).one()
        parent = db.exec(select(Parent).where(Parent.family_id == family.id)).first()
        appointment = db.exec(select(Appointment).where(Appointment.family_id == family.id)).first()
        question = db.exec(select(PlanQuestion).join(Parent, Parent.id == PlanQuestion.parent_id)
                           .where(Parent.family_id == family.id)).first()
        anouk = db.exec(select(Account.id).where(Account.username == "anouk")).one()
        partner = db.exec(select(DuoAssignment.id).where(DuoAssignment.family_id == family.id,
                                                         DuoAssignment.role == DuoRole.partner)).first()
    return {"family_id": family.id, "parent_id": parent.id, "appointment_id": appointment.id,
            "appointment_key": appointment.key, "question_id": question.id, "account_id": anouk,
            "job_id": open_job(app, family, "tolk-ar"), **open_rendering(app, question, appointment, "tolk-ar"),
            "absence_id": absence_of(app), "assignment_id": partner}


def absence_of(app) -> int:
    """The demo's absence (a worker of the demo team away)."""
    with database(app) as db:
        return db.exec(select(Absence.id)).first()


def open_rendering(app, question: PlanQuestion, appointment: Appointment, interpreter: str) -> dict[str, int]:
    """A parent's answer to the appointment (asking to move it), and their question to render in Dutch, given to
    this interpreter."""
    with database(app) as db:
        answer = db.exec(select(AppointmentAnswer).where(AppointmentAnswer.appointment_id == appointment.id)).first()
        answer = answer or AppointmentAnswer(appointment_id=appointment.id, parent_id=question.parent_id,
                                             response=AppointmentResponse.move_requested, reason="بعد الظهر")
        interpreter_id = db.exec(select(Interpreter.id).join(Account, Account.id == Interpreter.account_id)
                                 .where(Account.username == interpreter)).one()
        rendering = db.exec(select(ParentTextRendering).where(ParentTextRendering.kind == "question",
                                                              ParentTextRendering.text_id == question.id)).first()
        parent = db.get(Parent, question.parent_id)
        rendering = rendering or ParentTextRendering(
            kind="question", text_id=question.id, family_id=parent.family_id, parent_id=parent.id, language="ar",
            source_text=question.text, asked_by=db.exec(select(Worker.id)).first())
        rendering.interpreter_id = interpreter_id
        db.add_all([answer, rendering])
        db.commit()
        return {"answer_id": answer.id, "rendering_id": rendering.id}


def in_read_along_window(app) -> int:
    """A new appointment of the El Idrissi household in half an hour, with Samira (tolk-ar) interpreting: the
    read-along page opens only around an appointment."""
    with database(app) as db:
        family = db.exec(select(Family).where(Family.name == EL_IDRISSI)).one()
        samira = db.exec(select(Interpreter).join(Account, Account.id == Interpreter.account_id)
                         .where(Account.username == "tolk-ar")).one()
        soon = Appointment(family_id=family.id, key=f"read-along-{family.id}",
                           starts_at=clock.now() + dt.timedelta(minutes=30), with_whom="Bram de Wit",
                           purpose="Het plan samen lezen", interpreter_language="ar", interpreter_id=samira.id)
        db.add(soon)
        db.commit()
        return soon.id


def parent_account(app, username: str) -> Parent:
    """The parent whose account has this username."""
    with database(app) as db:
        return db.exec(select(Parent).join(Account, Account.id == Parent.account_id)
                       .where(Account.username == username)).one()
