"""What a parent's pages show besides the plan, always within that parent's audience and never more than a
page holds: the next appointment, answered questions, their own answers and questions."""
import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from flask import current_app
from markupsafe import Markup
from sqlalchemy import bindparam
from sqlmodel import Session, col, or_, select

from portal.models import (
    Acknowledgement,
    Appointment,
    AppointmentAnswer,
    AppointmentStatus,
    ParentVersion,
    PlanQuestion,
    PlanVersion,
)
from portal.policy import named_among, plan_for, shown_to
from portal.rules.plan_content import PlanContent
from portal.services.plans import load_contents

UPCOMING_SHOWN = 10
PAST_SHOWN = 5
QUESTIONS_SHOWN = 20  # this parent's own questions and the duo's replies, newest first
VERSIONS_KEPT = 512  # published versions' contents kept per app, and as many parents' views of them


class Kept:
    """At most `size` values, the least recently used one leaves first; safe for a server's threads. A value is
    made outside the lock: two threads may make the same one at once, and both get a right value."""

    def __init__(self, size: int):
        self._size, self._items, self._lock = size, OrderedDict[Hashable, object](), threading.Lock()

    def get(self, key: Hashable, make: Callable[[], object]):
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = make()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._items)


def _kept(name: str) -> Kept:
    """The app's own (an app is one database): the ids of another database's versions mean other versions."""
    return current_app.extensions.setdefault(f"family_pages.{name}", Kept(VERSIONS_KEPT))


def published_key(version_id: int, published_at: dt.datetime | None) -> tuple:
    """What names a published version's content for good: its id and the moment it was published. A version is
    changed as a draft and never after publishing; an id that SQLite gives again after a household's data was
    deleted (retention) comes with another moment."""
    assert published_at is not None, "only a published version's content is kept"
    return version_id, published_at


def published_content(db: Session, key: tuple) -> PlanContent:
    """The whole content of a published version (`published_key`), loaded once per app."""
    return _kept("contents").get(key, lambda: load_contents(db, [key[0]])[key[0]])


def plan_body(key: tuple, render: Callable[[], str]) -> Markup:
    """The plan's own text as a parent reads it (family/plan_body.html), rendered once per `key`. The key holds all
    the body is made of, so it is never stale: the version (`published_key`), the parent (the audience rule), the
    page's language, the version this parent read before (what changed) and the translation as it stands
    (`translation_state`: the household's translation memory for those texts, what waits, who translated)."""
    return _kept("bodies").get(key, lambda: Markup(render()))


def translation_state(translation) -> Hashable:
    """Everything of a Translation (services/interpreting) that a page shows: it changes with each sentence an
    interpreter translates for this household, each name the household gains, each sentence that starts waiting."""
    if translation is None:
        return None
    return (translation.language, tuple(sorted(translation.known.items())), translation.pending,
            translation.translators, translation.completed_at, translation.names)


def parent_view(db: Session, parent, key: tuple) -> PlanContent:
    """The published version as this parent may read it (the audience rule needs only the parent's id)."""
    return _kept("views").get((key, parent.id), lambda: plan_for(parent, published_content(db, key)))


def next_appointment(db: Session, parent, now: dt.datetime) -> Appointment | None:
    return db.exec(_NEXT_APPOINTMENT, params=_mine(parent) | {"now": now}).first()


def _mine(parent) -> dict:
    """The parameters of the statements below for this parent."""
    return {"family_id": parent.family_id, "parent_id": parent.id, "needle": named_among(parent.id)}


def _reply_unseen():
    """A reply this parent has not seen yet: none since it was written (a newer reply is news again)."""
    return or_(col(PlanQuestion.reply_seen_at).is_(None), PlanQuestion.reply_seen_at < PlanQuestion.replied_at)


def answered_unseen(db: Session, parent) -> bool:
    """The duo answered one of this parent's questions and the parent has not seen it: said on this parent's home
    only, until the plan page has shown it."""
    return db.exec(_ANSWERED_UNSEEN, params={"parent_id": parent.id}).first() is not None


def replies_seen(db: Session, parent, now: dt.datetime) -> None:
    """The plan page showed this parent the duo's replies to their questions (the caller commits, in a GET: the
    record of reading). Only the questions the page shows; an older one keeps its notice."""
    for question in db.exec(_REPLIES_SHOWN_UNSEEN, params={"parent_id": parent.id}):
        question.reply_seen_at = now
        db.add(question)


def acknowledgements(db: Session, parent) -> list[tuple[Acknowledgement, dt.datetime | None]]:
    """Every acknowledgement of this parent, with the moment its version was published."""
    return list(db.exec(_ACKNOWLEDGEMENTS, params={"parent_id": parent.id}).all())


def has_read(db: Session, parent, version: PlanVersion) -> bool:
    return db.exec(_HAS_READ, params={"parent_id": parent.id, "version_id": version.id}).first() is not None


def appointments(db: Session, parent, now: dt.datetime) -> tuple[list, list, dict[int, AppointmentAnswer]]:
    """Coming and earlier appointments this parent may know of (a page stays small, however long the history),
    and this parent's own answer to each."""
    mine = _mine(parent) | {"now": now}
    upcoming = db.exec(_UPCOMING, params=mine).all()
    past = db.exec(_PAST, params=mine).all()
    answers = {answer.appointment_id: answer for answer in db.exec(_ANSWERS, params={
        "parent_id": parent.id, "ids": [item.id for item in (*upcoming, *past)] or [-1]})}
    return list(upcoming), list(past), answers


def questions(db: Session, parent) -> list[tuple[PlanQuestion, int]]:
    """This parent's questions with this parent's number of the version they were about, newest first."""
    return list(db.exec(_QUESTIONS, params={"parent_id": parent.id}).all())


# The statements of every family page, built once with their parameters bound when they run (issue 23: building a
# select and its cache key cost more than running it).
_MINE = select(Appointment).where(Appointment.family_id == bindparam("family_id"),
                                  shown_to(Appointment.audience, bindparam("needle")))
_NEXT_APPOINTMENT = _MINE.where(Appointment.status == AppointmentStatus.planned,
                                col(Appointment.starts_at) >= bindparam("now")) \
    .order_by(col(Appointment.starts_at)).limit(1)
_UPCOMING = _MINE.where(col(Appointment.starts_at) >= bindparam("now")).order_by(col(Appointment.starts_at)) \
    .limit(UPCOMING_SHOWN)
_PAST = _MINE.where(col(Appointment.starts_at) < bindparam("now")).order_by(col(Appointment.starts_at).desc()) \
    .limit(PAST_SHOWN)
_ANSWERS = select(AppointmentAnswer).where(AppointmentAnswer.parent_id == bindparam("parent_id"),
                                           col(AppointmentAnswer.appointment_id).in_(bindparam("ids", expanding=True)))
_SHOWN_QUESTIONS = select(PlanQuestion.id).where(PlanQuestion.parent_id == bindparam("parent_id")) \
    .order_by(col(PlanQuestion.asked_at).desc()).limit(QUESTIONS_SHOWN)
_REPLIES_SHOWN_UNSEEN = select(PlanQuestion).where(col(PlanQuestion.id).in_(_SHOWN_QUESTIONS.scalar_subquery()),
                                                   col(PlanQuestion.replied_at).is_not(None), _reply_unseen())
_ANSWERED_UNSEEN = select(PlanQuestion.id).where(PlanQuestion.parent_id == bindparam("parent_id"),
                                                 col(PlanQuestion.replied_at).is_not(None), _reply_unseen())
_HAS_READ = select(Acknowledgement.id).where(Acknowledgement.parent_id == bindparam("parent_id"),
                                             Acknowledgement.version_id == bindparam("version_id"))
_ACKNOWLEDGEMENTS = select(Acknowledgement, PlanVersion.published_at) \
    .join(PlanVersion, col(PlanVersion.id) == Acknowledgement.version_id) \
    .where(Acknowledgement.parent_id == bindparam("parent_id"))
_QUESTIONS = select(PlanQuestion, ParentVersion.number) \
    .join(ParentVersion, (col(ParentVersion.version_id) == PlanQuestion.version_id)
          & (ParentVersion.parent_id == PlanQuestion.parent_id)) \
    .where(PlanQuestion.parent_id == bindparam("parent_id")) \
    .order_by(col(PlanQuestion.asked_at).desc()).limit(QUESTIONS_SHOWN)
