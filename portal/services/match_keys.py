"""The matching keys of a household's people (table matchkey): written whenever its members are saved, so that a
partner's signal finds its candidate households by index (services/signals.py)."""
from sqlalchemy import delete
from sqlmodel import Session, col, select

from portal.models import FamilyMember, MatchKey, Parent
from portal.rules.matching import Person, tail


def key_row(family_id: int, person: str, name: str, birth_year: int | None = None, postcode: str = "",
            house_number: str = "") -> MatchKey:
    """One person's row (also used by the bulk generator of the matching benchmark)."""
    read = Person.of(name, birth_year, postcode, house_number)
    return MatchKey(family_id=family_id, person=person, name=read.name, surname_key=read.surname_key,
                    given_key=read.given_key, birth_year=read.birth_year, postcode=read.postcode,
                    house_number=read.house_number)


def key_rows(family_id: int, person: str, name: str, birth_year: int | None = None, postcode: str = "",
             house_number: str = "") -> list[MatchKey]:
    """A person's rows: as named, and with only the last word of the surname when it has more ("Idrissi" for
    "El Idrissi"), so that a signal that drops a particle still finds the household by index."""
    names = [name] + ([tail(name)] if tail(name) else [])
    return [key_row(family_id, person, one, birth_year, postcode, house_number) for one in names]


def refresh(db: Session, family_id: int) -> None:
    """Write the household's keys anew from its parents and other members (flushed, not committed)."""
    db.exec(delete(MatchKey).where(col(MatchKey.family_id) == family_id))
    for parent in db.exec(select(Parent).where(Parent.family_id == family_id)):
        db.add_all(key_rows(family_id, f"parent:{parent.id}", parent.name, parent.birth_year, parent.postcode,
                            parent.house_number))
    for member in db.exec(select(FamilyMember).where(FamilyMember.family_id == family_id)):
        db.add_all(key_rows(family_id, f"member:{member.id}", member.name, member.birth_year))
    db.flush()
