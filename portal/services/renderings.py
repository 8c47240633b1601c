"""A parent's own words in Dutch for the duo: the duo asks, an interpreter of the parent's language renders them."""
import datetime as dt
from dataclasses import dataclass
from typing import cast

from sqlmodel import Session, col, select

from portal import clock
from portal.models import AppointmentAnswer, Family, Parent, ParentTextRendering, PlanQuestion
from portal.rules.protected_text import Problem, wrong_tokens
from portal.services import stored_id
from portal.services.interpreting import assign_interpreter
from portal.services.names import protected_names

# What a parent writes that the duo may have rendered: a question about the plan, a reason to move an appointment.
KINDS: dict[str, tuple[type[PlanQuestion] | type[AppointmentAnswer], str]] = {
    "question": (PlanQuestion, "text"), "answer": (AppointmentAnswer, "reason")}
# The audit object of each kind: a question's events reach the asking parent's "who looked" (policy.py).
OBJECTS = {"question": "question", "answer": "appointment-answer"}


@dataclass(frozen=True)
class Original:
    """A parent's text as the duo reads it, with whose it is and in which language it is written."""

    kind: str
    text_id: int
    parent: Parent
    text: str


def original(db: Session, family_id: int, kind: str, text_id: int) -> Original | None:
    """The parent's text, when it is of this household, not empty, and written by a parent who does not read Dutch."""
    model, field = KINDS[kind]
    # Session.get of "either class" is typed as their common base (SQLModel): the row is one of the two.
    row = cast(PlanQuestion | AppointmentAnswer | None, db.get(model, text_id))
    parent = db.get(Parent, row.parent_id) if row is not None else None
    if parent is None or parent.family_id != family_id or parent.language == "nl" or not getattr(row, field).strip():
        return None
    return Original(kind, text_id, parent, getattr(row, field))


def ask(db: Session, found: Original, worker_id: int) -> ParentTextRendering:
    """Queue the text for an interpreter of the parent's language; asking again for the same text changes nothing,
    a changed text (a new move reason) is asked anew."""
    row = db.exec(select(ParentTextRendering).where(ParentTextRendering.kind == found.kind,
                                                    ParentTextRendering.text_id == found.text_id)).first()
    if row is not None and row.source_text == found.text:
        return row
    row = row or ParentTextRendering(kind=found.kind, text_id=found.text_id, family_id=found.parent.family_id,
                                     parent_id=stored_id(found.parent.id), language=found.parent.language,
                                     source_text="", asked_by=worker_id)
    row.source_text, row.text, row.rendered_at = found.text, "", None
    row.asked_by, row.asked_at = worker_id, clock.now()
    row.interpreter_id = assign_interpreter(db, found.parent.family_id, found.parent.language)
    db.add(row)
    db.flush()
    return row


def names_of(db: Session, rendering: ParentTextRendering, today: dt.date) -> list[str]:
    """The names that must stay as written: the household's, its duo's and the people the text names."""
    return protected_names(db, rendering.family_id, today, [rendering.source_text])


def render(db: Session, rendering: ParentTextRendering, text: str, interpreter_id: int,
           names: list[str]) -> list[Problem]:
    """Store the Dutch rendering, unless it changes, drops or adds a name or number of the original."""
    wrong = wrong_tokens(rendering.source_text, text, names)
    if not wrong:
        rendering.text, rendering.rendered_at, rendering.interpreter_id = text, clock.now(), interpreter_id
        db.add(rendering)
    return wrong


def of_family(db: Session, family_id: int) -> dict[tuple[str, int], ParentTextRendering]:
    """The household's renderings by (kind, text id): the duo's pages show each beside its original."""
    rows = db.exec(select(ParentTextRendering).where(ParentTextRendering.family_id == family_id)).all()
    return {(row.kind, row.text_id): row for row in rows}


def waiting_for(db: Session, interpreter_id: int) -> list[ParentTextRendering]:
    """An interpreter's parents' texts still to render, oldest first; none of a closed case."""
    return list(db.exec(select(ParentTextRendering).join(Family, col(Family.id) == ParentTextRendering.family_id).where(
        ParentTextRendering.interpreter_id == interpreter_id, col(ParentTextRendering.rendered_at).is_(None),
        col(ParentTextRendering.closed_at).is_(None), col(Family.closed_at).is_(None))
        .order_by(col(ParentTextRendering.asked_at))))
