"""The people's names a translation of a household's plan keeps exactly: the household's, its duo's, the plan's."""
import datetime as dt
from collections.abc import Iterable

from sqlmodel import Session, select

from portal.models import FamilyMember, Parent
from portal.rules.protected_text import name_words, persons_named
from portal.services.duo import current_duo


def protected_names(db: Session, family_id: int, today: dt.date, plan_texts: Iterable[str]) -> list[str]:
    """The name words of every parent and other member of the household, of its duo today, and of the people
    the plan's texts (who fields included) name by title or relation (oom Hasan, mevrouw Haddou)."""
    duo = current_duo(db, family_id, today)
    names = [*db.exec(select(Parent.name).where(Parent.family_id == family_id)),
             *db.exec(select(FamilyMember.name).where(FamilyMember.family_id == family_id)),
             *(worker.name for worker in (duo.contact, duo.partner) if worker is not None)]
    return sorted(name_words(names) | persons_named(plan_texts))
