"""The audience field of the duo's forms: who may read an item, chosen when the item is written."""
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlmodel import Session, col, select

from portal.models import Family, Parent
from portal.rules import audience


@dataclass(frozen=True)
class Household:
    """The parents an item can be for, and whether the duo must choose for every new item."""

    parents: tuple[tuple[int, str], ...]  # (id, name)
    kept_apart: bool

    def label(self, stored: str) -> str:
        """The marker on lists and in the editor: "Everyone in the household" or "Only for Fatima"."""
        if stored == audience.HOUSEHOLD:
            return _("Everyone in the household")
        names = dict(self.parents)
        chosen = [names[number] for number in sorted(audience.parents_of(stored)) if number in names]
        return _("Only for %(names)s", names=", ".join(chosen)) if chosen else _("Nobody")

    def choices(self, current: str) -> list[tuple[str, str]]:
        """(value, label) for the select: each parent alone, everyone, and the current value if it is
        another combination (kept as it is unless the duo changes it)."""
        alone = [audience.only_for([number]) for number, _name in self.parents]
        options = [(stored, self.label(stored)) for stored in alone]
        options.append((audience.HOUSEHOLD, self.label(audience.HOUSEHOLD)))
        if current and current not in dict(options) and self.parse(current)[1] is None:
            options.insert(0, (current, self.label(current)))
        return options

    def default(self) -> str:
        """What a new item starts with: nothing chosen where the parents are kept apart (the duo must say)."""
        return "" if self.kept_apart else audience.HOUSEHOLD

    def parse(self, value: str, safe_place: bool = False) -> tuple[str, str | None]:
        """The stored audience of a posted value, or an error in the worker's language."""
        known = {number for number, _name in self.parents}
        if value == audience.HOUSEHOLD and not safe_place:
            return value, None
        chosen = audience.parents_of(value)
        if chosen and chosen <= known and value == audience.only_for(chosen):
            if safe_place and len(chosen) != 1:
                return value, _("A safe place is for one parent only: choose who.")
            return value, None
        if safe_place and not value and len(known) == 1:
            return audience.only_for(known), None  # the one parent of the household
        if safe_place:
            return value, _("A safe place is never for everyone: choose the parent it is for.")
        if not value and not self.kept_apart:
            return audience.HOUSEHOLD, None
        return value, _("Choose who may read this: in this household the parents are kept apart.")


def household_of(db: Session, family: Family) -> Household:
    parents: list[tuple[int, str]] = []
    for number, name in db.exec(select(Parent.id, Parent.name).where(Parent.family_id == family.id)
                                .order_by(col(Parent.id))).all():
        assert number is not None  # a primary key read from the table
        parents.append((number, name))
    return Household(tuple(parents), family.parents_kept_apart)
