"""Parents' answers to the versions of their plan (read, agree, a question) and the duo's replies; saving and
publishing a version is portal/services/publishing.py."""
from dataclasses import dataclass

from sqlmodel import Session, col, select

from portal import clock
from portal.models import Acknowledgement, Answer, Parent, PlanQuestion, PlanVersion, SafetyPlan
from portal.services.interpreting import reply_written
from portal.services.plans import published_versions

QUESTIONS_SHOWN = 100  # the newest questions of a household, open ones first: the page stays small


@dataclass(frozen=True)
class Answers:
    """What the duo sees of a household's answers: per version who read and answered, and every question."""

    rows: list  # (Acknowledgement, Parent, PlanVersion)
    parents: list[Parent]
    versions: list[PlanVersion]
    questions: list  # (PlanQuestion, Parent, version number), open ones first


def answers_of(db: Session, family_id: int) -> Answers:
    rows = db.exec(select(Acknowledgement, Parent, PlanVersion)
                   .join(Parent, col(Parent.id) == Acknowledgement.parent_id)
                   .join(PlanVersion, col(PlanVersion.id) == Acknowledgement.version_id)
                   .join(SafetyPlan, col(SafetyPlan.id) == PlanVersion.plan_id)
                   .where(SafetyPlan.family_id == family_id, Parent.family_id == family_id)
                   .order_by(col(PlanVersion.number).desc(), Parent.name)).all()
    parents = db.exec(select(Parent).where(Parent.family_id == family_id)).all()
    questions = db.exec(select(PlanQuestion, Parent, PlanVersion.number)
                        .join(Parent, col(Parent.id) == PlanQuestion.parent_id)
                        .join(PlanVersion, col(PlanVersion.id) == PlanQuestion.version_id)
                        .where(Parent.family_id == family_id)
                        .order_by(col(PlanQuestion.handled_at).is_not(None), col(PlanQuestion.asked_at).desc())
                        .limit(QUESTIONS_SHOWN)).all()
    return Answers(list(rows), list(parents), published_versions(db, family_id), list(questions))


def read_receipt(db: Session, parent_id: int, version_id: int) -> Acknowledgement:
    """A parent opened a version they had not read before (the caller commits)."""
    receipt = Acknowledgement(parent_id=parent_id, version_id=version_id)
    db.add(receipt)
    return receipt


def answer(db: Session, parent_id: int, version_id: int, choice: Answer,
           text: str = "") -> tuple[Acknowledgement, PlanQuestion | None]:
    """A parent's answer to a version (the caller commits); a question or disagreement is kept with its text,
    for the duo's reply."""
    row = db.exec(select(Acknowledgement).where(Acknowledgement.parent_id == parent_id,
                                                Acknowledgement.version_id == version_id)).first()
    row = row or Acknowledgement(parent_id=parent_id, version_id=version_id)
    row.answer, row.answered_at = choice, clock.now()
    db.add(row)
    question = None
    if choice is not Answer.agree:
        question = PlanQuestion(parent_id=parent_id, version_id=version_id, kind=choice, text=text)
        db.add(question)
    db.flush()
    return row, question


def reply_to_question(db: Session, family_id: int, question_id: int, text: str, handled: bool,
                      worker_id: int) -> PlanQuestion | None:
    """The duo's reply to one parent's question (the caller commits); None when it is not this household's."""
    question = db.exec(select(PlanQuestion).join(Parent, col(Parent.id) == PlanQuestion.parent_id)
                       .where(PlanQuestion.id == question_id, Parent.family_id == family_id)).first()
    if question is None:
        return None
    if text:
        question.reply, question.replied_by, question.replied_at = text, worker_id, clock.now()
    if handled or text:
        question.handled_at = clock.now()
    db.add(question)
    if text:
        reply_written(db, question, clock.today())
    return question
