"""The people's names a translation of a household's plan keeps exactly: the household's, its duo's, the plan's."""
import datetime as dt
from collections.abc import Iterable

from sqlmodel import Session, select

from portal.models import FamilyMember, Parent
from portal.rules.protected_text import name_words, persons_named
from portal.services.duo import current_duo


def household_names(db: Session, family_id: int, today: dt.date) -> frozenset[str]:
    """The name words of every parent and other member of the household and of its duo today."""
    duo = current_duo(db, family_id, today)
    names = [*db.exec(select(Parent.name).where(Parent.family_id == family_id)),
             *db.exec(select(FamilyMember.name).where(FamilyMember.family_id == family_id)),
             *(worker.name for worker in (duo.contact, duo.partner) if worker is not None)]
    return name_words(names)


def protected_names(db: Session, family_id: int, today: dt.date, plan_texts: Iterable[str]) -> list[str]:
    """The household's and duo's name words, and those of the people the plan's texts (who fields included)
    name by title or relation (oom Hasan, mevrouw Haddou)."""
    return sorted(household_names(db, family_id, today) | persons_named(plan_texts))
