"""Who may read an item: the whole household, or only named parents; and a member of the family's circle, by side.
Pure data, no database."""
from collections.abc import Iterable

HOUSEHOLD = "household"  # stored value: every parent of the household, also one added later
NAMED = "parents:"  # then the ids of the parents it is only for, e.g. "parents:3,7"


def parents_of(stored: str) -> frozenset[int]:
    """The parents an item is only for; empty for the whole household (or anything unreadable: see shows)."""
    if not stored.startswith(NAMED):
        return frozenset()
    return frozenset(int(part) for part in stored.removeprefix(NAMED).split(",") if part.isdecimal())


def only_for(parent_ids: Iterable[int]) -> str:
    """The stored audience of an item for these parents only."""
    chosen = sorted(set(parent_ids))
    if not chosen:
        raise ValueError("an item only for parents needs at least one parent")
    return NAMED + ",".join(str(number) for number in chosen)


def shows(stored: str, parent_id: int) -> bool:
    """May this parent read an item with this audience? When in doubt, no: only the exact household
    value opens an item to everyone; anything else needs the parent's id in it."""
    return stored == HOUSEHOLD or parent_id in parents_of(stored)


def shows_all(stored: str, parent_ids: Iterable[int]) -> bool:
    """May every one of these parents read it (e.g. everyone at an appointment where it is read along)?"""
    return all(shows(stored, parent_id) for parent_id in parent_ids)


def side_reads(side: str, stored: str) -> bool:
    """May a member of the family's circle on this side read an item with this audience? On the household's side:
    only what is for the whole household; on one parent's side: what that parent may read. Anything else (a side
    naming two parents, or none that can be read): nothing, so a member never reads what is kept from a parent."""
    if side == HOUSEHOLD:
        return stored == HOUSEHOLD
    sides = parents_of(side)
    return len(sides) == 1 and shows(stored, next(iter(sides)))
