"""Plan versions, one service: the duo's draft (started from the last version, saved against a revision),
publishing an immutable version with its summary of what changed."""
from dataclasses import dataclass

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select

from portal import clock
from portal.models import (
    Acknowledgement,
    Answer,
    Parent,
    PlanItem,
    PlanQuestion,
    PlanSection,
    PlanVersion,
    SafetyAgreement,
    SafetyPlan,
    UnsafeKind,
    UnsafeSituation,
    VersionStatus,
)
from portal.rules import facts_first
from portal.rules.audience import HOUSEHOLD
from portal.rules.plan_content import PlanContent, diff, summary
from portal.services import parent_versions
from portal.services.interpreting import open_jobs, reply_written
from portal.services.plans import current_version, draft_of, load_contents, plan_of, published_versions

MAX_SITUATIONS = 3
SUMMARY_LENGTH = 4000  # the length of PlanVersion.change_summary


class Conflict(Exception):
    """The draft was saved by someone else after this worker opened it."""

    def __init__(self, current: PlanVersion):
        super().__init__("draft changed")
        self.current = current


def open_draft(db: Session, family_id: int, worker_id: int) -> PlanVersion:
    """The household's draft; a new one copies the last published version. One draft per plan (a unique index):
    when another first save made the plan or its draft at the same moment, this one goes on with that draft, whose
    revision it was not based on (the save then meets a conflict)."""
    draft = draft_of(db, family_id)
    if draft is not None:
        return draft
    try:
        plan = plan_of(db, family_id) or SafetyPlan(family_id=family_id)
        db.add(plan)
        db.flush()
        # The note for the family is the next version's own: it starts empty, its audience chosen by nobody yet.
        draft = PlanVersion(plan_id=plan.id, status=VersionStatus.draft, updated_by=worker_id, note_audience="")
        db.add(draft)
        db.flush()
        published = current_version(db, family_id)
        if published is not None:
            _write_content(db, draft, load_contents(db, [published.id])[published.id])
        db.commit()
    except IntegrityError:
        db.rollback()
        draft = draft_of(db, family_id)
        if draft is None:
            raise
    return draft


def _write_content(db: Session, version: PlanVersion, content: PlanContent) -> None:
    for situation in content.situations[:MAX_SITUATIONS]:
        row = UnsafeSituation(version_id=version.id, key=situation.key, rank=situation.rank,
                              kind=UnsafeKind(situation.kind), description=situation.description,
                              risk_factors="\n".join(situation.risk_factors), audience=situation.audience)
        db.add(row)
        db.flush()
        for position, agreement in enumerate(situation.agreements):
            db.add(SafetyAgreement(situation_id=row.id, key=agreement.key, position=position, who=agreement.who,
                                   what=agreement.what, when=agreement.when,
                                   if_it_goes_wrong=agreement.if_it_goes_wrong, audience=agreement.audience))
    for position, item in enumerate(content.items):
        db.add(PlanItem(version_id=version.id, key=item.key, section=PlanSection(item.section),
                        position=position, text=item.text, who=item.who, audience=item.audience))


def save(db: Session, draft: PlanVersion, base_revision: int, content: PlanContent, worker_id: int,
         note: str = "", note_audience: str = "") -> int:
    """Replace the draft's content and its note for the family (an audience "" is chosen by nobody yet) when
    nobody saved since `base_revision`; returns the new revision."""
    claimed = db.exec(update(PlanVersion).where(
        PlanVersion.id == draft.id, PlanVersion.status == VersionStatus.draft,
        PlanVersion.revision == base_revision).values(
        revision=base_revision + 1, updated_at=clock.now(), updated_by=worker_id, note_for_family=note,
        note_audience=note_audience))
    if claimed.rowcount != 1:
        db.rollback()
        raise Conflict(db.get(PlanVersion, draft.id, populate_existing=True))
    situation_ids = select(UnsafeSituation.id).where(UnsafeSituation.version_id == draft.id)
    db.exec(delete(SafetyAgreement).where(col(SafetyAgreement.situation_id).in_(situation_ids)))
    db.exec(delete(UnsafeSituation).where(UnsafeSituation.version_id == draft.id))
    db.exec(delete(PlanItem).where(PlanItem.version_id == draft.id))
    _write_content(db, draft, content)
    db.commit()
    return base_revision + 1


def _shortened(text: str, length: int) -> str:
    """The text cut to fit its column (long plan texts make a long summary), marked when cut."""
    return text if len(text) <= length else text[:length - 1] + "…"


@dataclass(frozen=True)
class Published:
    version: PlanVersion
    languages: tuple[str, ...]
    told: tuple[int, ...] = ()  # the parents this version is news to


def publish(db: Session, draft: PlanVersion, base_revision: int, family_id: int, worker_id: int,
            note: str, note_audience: str = HOUSEHOLD, announce: bool = False) -> Published:
    """Turn the draft into the next immutable version, in one transaction, and open translation work; with
    `announce` the parents' messages (notifications.tell_parents) join that transaction."""
    previous = current_version(db, family_id)
    claimed = db.exec(update(PlanVersion).where(
        PlanVersion.id == draft.id, PlanVersion.status == VersionStatus.draft,
        PlanVersion.revision == base_revision).values(status=VersionStatus.published))
    if claimed.rowcount != 1:
        db.rollback()
        raise Conflict(db.get(PlanVersion, draft.id, populate_existing=True))
    known = parent_versions.last_known(db, family_id)
    contents = load_contents(db, sorted({draft.id, *([previous.id] if previous else []),
                                         *(version_id for _number, version_id in known.values())}))
    before = contents[previous.id] if previous else PlanContent()
    number = (db.exec(select(func.max(PlanVersion.number)).where(PlanVersion.plan_id == draft.plan_id)).one() or 0) + 1
    db.exec(update(PlanVersion).where(PlanVersion.id == draft.id).values(
        number=number, published_at=clock.now(), published_by=worker_id, note_for_family=note,
        note_audience=note_audience,
        change_summary=_shortened(summary(diff(before, contents[draft.id])), SUMMARY_LENGTH),
        interpretations_marked=facts_first.count_in_plan(contents[draft.id])))  # for the duo, never the parents
    languages = tuple(sorted({language for language in db.exec(
        select(Parent.language).where(Parent.family_id == family_id)) if language != "nl"}))
    open_jobs(db, db.get(PlanVersion, draft.id, populate_existing=True), family_id, languages, clock.today())
    # Only the parents whose plan this version changes get it, with their own next number, and only they are told.
    told = parent_versions.give_new_version(db, family_id, draft.id, contents[draft.id], note, note_audience,
                                            known, contents)
    if announce and told:
        from portal.services import notifications

        notifications.tell_parents(db, family_id, f"version:{draft.id}", only=set(told))
    db.commit()
    return Published(db.get(PlanVersion, draft.id, populate_existing=True), languages, tuple(told))


# --- parents' answers and questions, and the duo's replies ------------------------------------------

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
                   .join(Parent, Parent.id == Acknowledgement.parent_id)
                   .join(PlanVersion, PlanVersion.id == Acknowledgement.version_id)
                   .join(SafetyPlan, SafetyPlan.id == PlanVersion.plan_id)
                   .where(SafetyPlan.family_id == family_id, Parent.family_id == family_id)
                   .order_by(col(PlanVersion.number).desc(), Parent.name)).all()
    parents = db.exec(select(Parent).where(Parent.family_id == family_id)).all()
    questions = db.exec(select(PlanQuestion, Parent, PlanVersion.number)
                        .join(Parent, Parent.id == PlanQuestion.parent_id)
                        .join(PlanVersion, PlanVersion.id == PlanQuestion.version_id)
                        .where(Parent.family_id == family_id)
                        .order_by(PlanQuestion.handled_at.is_not(None), col(PlanQuestion.asked_at).desc())
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
    question = db.exec(select(PlanQuestion).join(Parent, Parent.id == PlanQuestion.parent_id)
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
