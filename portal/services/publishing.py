"""Saving and publishing the household's plan: the draft (one per plan, saved against a revision), the next immutable
version with its summary, its translation work and the parents' messages, all in the caller's one transaction.

Nothing here commits: the request (or command) that calls it commits once at its end, so a form that fails changes
nothing. A conflict raises before anything of the save is written; the caller rolls back."""
from dataclasses import dataclass

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select

from portal import clock
from portal.models import (
    Parent,
    PlanItem,
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
from portal.services import circle, notifications, parent_versions, stored_id
from portal.services.interpreting import circle_changed, open_jobs
from portal.services.plans import content_of, current_version, draft_of, load_contents, plan_of

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
        with db.begin_nested():  # a savepoint: losing the race undoes only this, not the caller's transaction
            plan = plan_of(db, family_id) or SafetyPlan(family_id=family_id)
            db.add(plan)
            db.flush()
            # The note for the family is the next version's own: it starts empty, its audience chosen by nobody yet.
            draft = PlanVersion(plan_id=stored_id(plan.id), status=VersionStatus.draft, updated_by=worker_id,
                                note_audience="")
            db.add(draft)
            db.flush()
            published = current_version(db, family_id)
            if published is not None:
                _write_content(db, draft, content_of(db, published))
    except IntegrityError:
        draft = draft_of(db, family_id)
        if draft is None:
            raise
    return draft


def _write_content(db: Session, version: PlanVersion, content: PlanContent) -> None:
    assert version.id is not None  # a stored draft
    for situation in content.situations[:MAX_SITUATIONS]:
        row = UnsafeSituation(version_id=version.id, key=situation.key, rank=situation.rank,
                              kind=UnsafeKind(situation.kind), description=situation.description,
                              risk_factors="\n".join(situation.risk_factors), audience=situation.audience)
        db.add(row)
        db.flush()
        for position, agreement in enumerate(situation.agreements):
            db.add(SafetyAgreement(situation_id=stored_id(row.id), key=agreement.key, position=position,
                                   who=agreement.who, what=agreement.what, when=agreement.when,
                                   if_it_goes_wrong=agreement.if_it_goes_wrong, audience=agreement.audience))
    for position, item in enumerate(content.items):
        db.add(PlanItem(version_id=version.id, key=item.key, section=PlanSection(item.section),
                        position=position, text=item.text, who=item.who, audience=item.audience))


def save(db: Session, draft: PlanVersion, base_revision: int, content: PlanContent, worker_id: int,
         note: str = "", note_audience: str = "") -> int:
    """Replace the draft's content and its note for the family (an audience "" is chosen by nobody yet) when
    nobody saved since `base_revision`; returns the new revision."""
    claimed = db.exec(update(PlanVersion).where(
        col(PlanVersion.id) == draft.id, col(PlanVersion.status) == VersionStatus.draft,
        col(PlanVersion.revision) == base_revision).values(
        revision=base_revision + 1, updated_at=clock.now(), updated_by=worker_id, note_for_family=note,
        note_audience=note_audience))
    if claimed.rowcount != 1:
        raise Conflict(_reread(db, draft))
    situation_ids = select(UnsafeSituation.id).where(UnsafeSituation.version_id == draft.id)
    db.exec(delete(SafetyAgreement).where(col(SafetyAgreement.situation_id).in_(situation_ids)))
    db.exec(delete(UnsafeSituation).where(col(UnsafeSituation.version_id) == draft.id))
    db.exec(delete(PlanItem).where(col(PlanItem.version_id) == draft.id))
    _write_content(db, draft, content)
    return base_revision + 1


def _reread(db: Session, version: PlanVersion) -> PlanVersion:
    """The version as the database holds it now, changed by another save or by this publish. It is there: versions
    are deleted only with their household (retention)."""
    found = db.get(PlanVersion, version.id, populate_existing=True)
    assert found is not None
    return found


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
    """Turn the draft into the next immutable version and open translation work; with `announce` the parents'
    messages (notifications.tell_parents) join the caller's transaction."""
    assert draft.id is not None  # a stored draft
    previous = current_version(db, family_id)
    claimed = db.exec(update(PlanVersion).where(
        col(PlanVersion.id) == draft.id, col(PlanVersion.status) == VersionStatus.draft,
        col(PlanVersion.revision) == base_revision).values(status=VersionStatus.published))
    if claimed.rowcount != 1:
        raise Conflict(_reread(db, draft))
    known = parent_versions.last_known(db, family_id)
    contents = load_contents(db, sorted({draft.id, *([stored_id(previous.id)] if previous else []),
                                         *(version_id for _number, version_id in known.values())}))
    before = contents[stored_id(previous.id)] if previous else PlanContent()
    number = (db.exec(select(func.max(PlanVersion.number)).where(PlanVersion.plan_id == draft.plan_id)).one() or 0) + 1
    db.exec(update(PlanVersion).where(col(PlanVersion.id) == draft.id).values(
        number=number, published_at=clock.now(), published_by=worker_id, note_for_family=note,
        note_audience=note_audience,
        change_summary=_shortened(summary(diff(before, contents[draft.id])), SUMMARY_LENGTH),
        interpretations_marked=facts_first.count_in_plan(contents[draft.id])))  # for the duo, never the parents
    languages = tuple(sorted({language for language in db.exec(
        select(Parent.language).where(Parent.family_id == family_id)) if language != "nl"}))
    open_jobs(db, _reread(db, draft), family_id, languages, clock.today())
    circle_changed(db, family_id, clock.today())  # the agreements the family's circle carries out, in their languages
    # Only the parents whose plan this version changes get it, with their own next number, and only they are told.
    told = parent_versions.give_new_version(db, family_id, draft.id, contents[draft.id], note, note_audience,
                                            known, contents)
    if announce and told:
        notifications.tell_parents(db, family_id, f"version:{draft.id}", only=set(told))
    if announce:  # a member of the family's circle hears of it only when an agreement they carry changed
        circle.tell_members(db, family_id, draft.id, before, contents[draft.id])
    db.flush()
    return Published(_reread(db, draft), languages, tuple(told))


