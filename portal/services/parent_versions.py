"""Each parent's own versions of the plan: a published version is news to a parent only when what that parent may
read changed, and each parent numbers their versions 1, 2, 3 without gaps. Work for one parent alone leaves the
other parent no number, notice, history entry or message (the non-interference rule)."""
from dataclasses import dataclass

from sqlalchemy import and_, bindparam, func
from sqlmodel import Session, col, select

from portal.models import Parent, ParentVersion, PlanVersion
from portal.policy import parent_reads, plan_for
from portal.rules.plan_content import PlanContent
from portal.services import stored_id


@dataclass(frozen=True)
class Known:
    """A published version as one parent knows it: the version and that parent's number for it."""

    version: PlanVersion
    number: int


def latest(db: Session, parent) -> Known | None:
    """The newest version this parent was given (what their plan page shows), with their number for it."""
    row = db.exec(_NEWEST, params={"parent_id": parent.id}).first()
    return Known(*row) if row is not None else None


def page(db: Session, parent, offset: int, limit: int) -> list[Known]:
    """This parent's versions, newest first, from `offset` on (a history page)."""
    rows = db.exec(_GIVEN.offset(offset).limit(limit), params={"parent_id": parent.id}).all()
    return [Known(*row) for row in rows]


# Built once (every family page asks for the newest): the parent is bound when it runs (issue 23).
_GIVEN = select(PlanVersion, ParentVersion.number) \
    .join(ParentVersion, col(ParentVersion.version_id) == PlanVersion.id) \
    .where(ParentVersion.parent_id == bindparam("parent_id")).order_by(col(ParentVersion.number).desc())
_NEWEST = _GIVEN.limit(1)


def is_news(parent, before: PlanContent | None, after: PlanContent, note: str, note_audience: str) -> bool:
    """Does a version change what this parent may read? A note for them counts as news; items they may not read,
    and a note for someone else, do not."""
    seen_after = plan_for(parent, after).as_read()
    seen_before = plan_for(parent, before).as_read() if before is not None else PlanContent()
    return seen_after != seen_before or (bool(note) and parent_reads(parent, note_audience))


def newest_given(*where):
    """Per parent (of those `where` selects), the newest version they were given: a subquery of
    (parent_id, number, version_id)."""
    newest = (select(ParentVersion.parent_id, func.max(ParentVersion.number).label("number"))
              .join(Parent, Parent.id == ParentVersion.parent_id).where(*where)
              .group_by(ParentVersion.parent_id).subquery())
    return (select(ParentVersion.parent_id, ParentVersion.number, ParentVersion.version_id).join(
        newest, and_(ParentVersion.parent_id == newest.c.parent_id, ParentVersion.number == newest.c.number))
        .subquery())


def last_known(db: Session, family_id: int) -> dict[int, tuple[int, int]]:
    """Per parent of the household: their last number and the version it is (none for a parent given none yet)."""
    given = newest_given(Parent.family_id == family_id)
    return {parent_id: (number, version_id) for parent_id, number, version_id in db.exec(
        select(given.c.parent_id, given.c.number, given.c.version_id))}


def give_new_version(db: Session, family_id: int, version_id: int, content: PlanContent, note: str,
                     note_audience: str, last: dict[int, tuple[int, int]], contents: dict[int, PlanContent]
                     ) -> list[int]:
    """Give the new version to each parent it is news to (in the caller's transaction) and return their ids.
    `last` is last_known before this version; `contents` holds the content of each version in it."""
    told = []
    for parent in db.exec(select(Parent).where(col(Parent.family_id) == family_id).order_by(col(Parent.id))):
        assert parent.id is not None  # read from the table
        number, before = last.get(parent.id, (0, None))
        if is_news(parent, contents[before] if before else None, content, note, note_audience):
            db.add(ParentVersion(parent_id=parent.id, version_id=version_id, number=number + 1))
            told.append(parent.id)
    return told


def catch_up(db: Session, parent, version: PlanVersion | None, content: PlanContent | None) -> None:
    """A parent added to a household with a published plan is given its current version, when it holds anything
    for them (the caller's transaction)."""
    if version is None or content is None or latest(db, parent) is not None:
        return
    if is_news(parent, None, content, version.note_for_family, version.note_audience):
        db.add(ParentVersion(parent_id=parent.id, version_id=stored_id(version.id), number=1))
