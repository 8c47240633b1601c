"""The people's names a translation of a household's plan keeps exactly: the household's, its duo's, the plan's."""
import datetime as dt
import functools
from collections.abc import Iterable

from sqlalchemy import bindparam, literal, null, or_, union_all
from sqlalchemy import select as core_select
from sqlmodel import Session, col

from portal.models import DuoAssignment, DuoRole, FamilyMember, Parent, Worker
from portal.rules.protected_text import name_words, persons_named

# Every name of one household in one query, built once (issue 23: a family page asks for them at every request):
# its parents and other members, and the workers of its assignments current today with their role and order, from
# which `_duo_names` keeps the duo as services/duo.current_duo finds it (the last contact and the last partner).
_DUO, _PERSON = "duo", "person"
_EVERY_NAME = union_all(
    core_select(literal(_DUO).label("kind"), col(Worker.name).label("name"), col(DuoAssignment.role).label("role"),
                col(DuoAssignment.start).label("start"), col(DuoAssignment.id).label("id"))
    .join(Worker, col(Worker.id) == DuoAssignment.worker_id)
    .where(col(DuoAssignment.family_id) == bindparam("family_id"), col(DuoAssignment.start) <= bindparam("today"),
           or_(col(DuoAssignment.end).is_(None), col(DuoAssignment.end) >= bindparam("today"))),
    core_select(literal(_PERSON), col(Parent.name), null(), null(), null())
    .where(col(Parent.family_id) == bindparam("family_id")),
    core_select(literal(_PERSON), col(FamilyMember.name), null(), null(), null())
    .where(col(FamilyMember.family_id) == bindparam("family_id"))).subquery("names")
_NAMES = core_select(_EVERY_NAME.c.kind, _EVERY_NAME.c.name, _EVERY_NAME.c.role, _EVERY_NAME.c.start,
                     _EVERY_NAME.c.id)


def household_names(db: Session, family_id: int, today: dt.date) -> frozenset[str]:
    """The name words of every parent and other member of the household and of its duo today."""
    db.flush()  # what this request changed and did not flush yet counts, as in the ORM's queries (autoflush)
    rows = db.connection().execute(_NAMES, {"family_id": family_id, "today": today}).all()
    return name_words([name for kind, name, *_rest in rows if kind == _PERSON] + _duo_names(
        [(role, start, number, name) for kind, name, role, start, number in rows if kind == _DUO]))


def _duo_names(current: list[tuple]) -> list[str]:
    """Of the assignments current today (role, start, id, worker's name), the names of the duo's contact person and
    partner: the last of each role by start and id, as services/duo._duo takes them."""
    found: dict[DuoRole, str] = {}
    for role, _start, _id, name in sorted(current, key=lambda row: (row[1], row[2])):
        found[DuoRole(role)] = name
    return [found[role] for role in (DuoRole.contact, DuoRole.partner) if role in found]


def protected_names(db: Session, family_id: int, today: dt.date, plan_texts: Iterable[str]) -> list[str]:
    """The household's and duo's name words, and those of the people the plan's texts (who fields included)
    name by title or relation (oom Hasan, mevrouw Haddou)."""
    return sorted(household_names(db, family_id, today).union(*(_persons_named_in(text) for text in plan_texts)))


@functools.lru_cache(maxsize=16384)
def _persons_named_in(text: str) -> frozenset[str]:
    """`persons_named` of one text, found once per process (a pure function of the text, which reads each text on
    its own: of several texts it finds the union); a plan page asks it for the same texts at every request."""
    return persons_named((text,))
