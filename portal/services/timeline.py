"""The case timeline: every event of a household read from the tables that hold it, one page at a time in a fixed
number of queries whatever the history's length, and the factual file of a period (the agreements in force and
what happened, each with its date and source)."""
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, and_, false, or_, true
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from portal.clock import AMSTERDAM, day_of
from portal.models import (
    Account,
    Acknowledgement,
    Answer,
    Appointment,
    AppointmentAnswer,
    AppointmentStatus,
    AuditEvent,
    BreakGlass,
    CaseClosure,
    ChildWords,
    CircleAnswer,
    DuoAssignment,
    Family,
    FamilyMember,
    Interpreter,
    NetworkMember,
    Parent,
    ParentTextRendering,
    PartnerOrganisation,
    PlanQuestion,
    PlanVersion,
    SafetyPlan,
    Signal,
    TranslationJob,
    VersionStatus,
    Worker,
)
from portal.policy import shown_to
from portal.rules import audience
from portal.rules.plan_content import PlanContent
from portal.services import stored_id
from portal.services.cases import members_of
from portal.services.plans import content_of

# The kinds a page can be narrowed to, in the order the filter offers them.
KINDS = ("case", "members", "duo", "plan", "answers", "appointments", "translations", "emergency", "signals")
PAGE_SIZE = 100
LONGEST_PAGE = 200
FACTUAL_FILE_ENTRIES = 1000  # a longer period is refused in part, and the file says so
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
TICK = dt.timedelta(microseconds=1)
# Audit events that record a change no table of its own keeps with a date, by the kind they belong to.
AUDITED = {"members": ("family.members", "family.household", "account.letter", "account.deactivate", "circle.add",
                       "circle.name", "child.decision", "child.plan", "child.share", "child.read"),
           "plan": ("plan.audience",), "appointments": ("appointment.audience",)}


@dataclass(frozen=True)
class Filters:
    kind: str = ""  # one of KINDS; "" for every kind
    member: str = ""  # "parent-3" or "member-7" (validated against the household); "" for everyone
    start: dt.date | None = None  # the first day of the period (Amsterdam)
    end: dt.date | None = None  # its last day
    newest_first: bool = False


@dataclass(frozen=True)
class Cursor:
    """Where a page ended: entries are ordered by (time, source, record), so the next page starts after it."""

    at: dt.datetime
    rank: int
    id: int

    @classmethod
    def of(cls, micros: int, rank: int, ident: int) -> "Cursor":
        return cls(EPOCH + dt.timedelta(microseconds=micros), rank, ident)

    @property
    def token(self) -> str:
        return f"{(self.at - EPOCH) // dt.timedelta(microseconds=1)}-{self.rank}-{self.id}"


@dataclass(frozen=True)
class Entry:
    at: dt.datetime  # aware; an event known by its day only stands at the end of that (UTC) day
    kind: str  # one of KINDS
    event: str  # what happened, e.g. "plan.published" (the page words it)
    source: str  # the table it was read from, e.g. "version"
    source_id: int  # the record's id there
    rank: int  # the source's place in SOURCES: the order of events at the same moment
    day_only: bool = False
    who: str = ""  # the person who did it, or with whom (appointments)
    role: str = ""  # their role (worker, teamlead, parent, interpreter); "" when typed text names them
    values: dict = field(default_factory=dict)  # for the words of the event: name, number, parent, language
    text: str = ""  # what was typed: a reason, a question, a reply, a summary of changes
    by_parent: bool = False  # the text is a parent's (any language), else the duo's (Dutch)
    dutch: str = ""  # an interpreter's Dutch rendering of the parent's text, when made for this very text
    dutch_by: str = ""  # that interpreter's name
    members: tuple[str, ...] = ()  # the names of the members it concerns, when not the whole household
    moment: dt.datetime | None = None  # the appointment an answer or reply is about, as it was then
    with_whom: str = ""  # an appointment's "with whom", as the duo typed it
    audience: str | None = None  # an appointment's audience

    @property
    def day(self) -> dt.date:
        """The day of an event known by its day only (an Amsterdam day, as the portal's clock writes them)."""
        return self.at.astimezone(AMSTERDAM).date()

    @property
    def cursor(self) -> Cursor:
        return Cursor(self.at, self.rank, self.source_id)

    def sort_key(self) -> tuple:
        return self.at, self.rank, self.source_id


@dataclass(frozen=True)
class People:
    """A household with its parents and other members: the names entries show and the members one can filter on."""

    family: Family
    parents: dict[int, Parent]
    others: dict[int, FamilyMember]
    circle: dict[int, NetworkMember] = field(default_factory=dict)

    def members(self) -> list[tuple[str, str]]:
        """(key, name) of every parent and other member, for the member filter."""
        return [(f"parent-{number}", parent.name) for number, parent in self.parents.items()] + [
            (f"member-{number}", member.name) for number, member in self.others.items()]

    def knows(self, key: str) -> bool:
        return key in dict(self.members())

    def parent_name(self, number: int | None) -> str:
        parent = self.parents.get(number) if number is not None else None
        return parent.name if parent else ""

    def named(self, stored_audience: str) -> tuple[str, ...]:
        """The parents an audience names; () for the whole household."""
        return tuple(self.parent_name(number) for number in sorted(audience.parents_of(stored_audience)))

    def objects(self, key: str) -> set[str]:
        """The audit objects that are about one member: their record, and a parent's account."""
        kind, _sep, number = key.partition("-")
        if kind == "member":  # a child of 12 or over: their own page's events too
            return {f"member:{number}", f"child:{number}"}
        parent = self.parents.get(int(number))
        return {f"parent:{number}"} | ({f"account:{parent.account_id}"} if parent and parent.account_id else set())

    def name_of_object(self, stored: str) -> str:
        kind, _sep, number = stored.partition(":")
        if not number.isdecimal():
            return ""
        if kind == "parent":
            return self.parent_name(int(number))
        if kind in ("member", "child"):
            member = self.others.get(int(number))
            return member.name if member else ""
        if kind == "circle-member":
            person = self.circle.get(int(number))
            return person.name if person else ""
        if kind == "account":  # a parent's, a child's or a circle member's
            holders: list[Parent | FamilyMember | NetworkMember] = [*self.parents.values(), *self.others.values(),
                                                                    *self.circle.values()]
            return next((holder.name for holder in holders if holder.account_id == int(number)), "")
        return ""


def people_of(db: Session, family: Family) -> People:
    parents, others = members_of(db, family)
    circle = db.exec(select(NetworkMember).where(NetworkMember.family_id == family.id)).all()
    return People(family, {stored_id(p.id): p for p in parents}, {stored_id(m.id): m for m in others},
                  {stored_id(m.id): m for m in circle})


# --- the sources: one query each, whatever the history's length ------------------------------------

@dataclass(frozen=True)
class Source:
    kind: str
    at: object  # the column that dates the event
    ident: object  # the record's id column
    query: Callable[[int], object]  # the select of a household's rows (family id), unordered
    entry: Callable[[object, People, int], Entry]  # a row as an entry (row, people, rank)
    member: Callable[[People, str], object] | None = None  # the rows about one member; None: none are
    day_only: bool = False


def _parent_member(column) -> Callable[[People, str], object]:
    """Rows that belong to one parent (a child or other member has none)."""
    def about(_people: People, key: str):
        kind, _sep, number = key.partition("-")
        return column == int(number) if kind == "parent" else false()
    return about


def _audit_member(people: People, key: str):
    return col(AuditEvent.object).in_(sorted(people.objects(key)))


def _appointment_member(_people: People, key: str):
    kind, _sep, number = key.partition("-")
    return shown_to(Appointment.audience, int(number)) if kind == "parent" else false()


Replier, ReplierAccount = aliased(Worker), aliased(Account)
Opener, Reopener, Doer = aliased(Account), aliased(Account), aliased(Account)


def _staff(worker, account):
    """The columns of a worker's name and account role, for a query that joins them (empty when nobody is named)."""
    return worker.name, account.role


Rendering, Renderer = aliased(ParentTextRendering), aliased(Interpreter)


def _with_rendering(query, kind: str, record, text):
    """A parent's texts with their Dutch rendering and its interpreter, when one was made of the text as it is now
    (a changed text is asked anew: an older rendering would not say what the parent wrote)."""
    return (query.add_columns(Rendering.text, Renderer.name)
            .outerjoin(Rendering, and_(col(Rendering.kind) == kind, col(Rendering.text_id) == record.id,
                                       col(Rendering.source_text) == text, col(Rendering.rendered_at).is_not(None)))
            .outerjoin(Renderer, Renderer.id == Rendering.interpreter_id))


def _intake():
    def query(family_id):
        return (select(Family, AuditEvent.actor_name, AuditEvent.role)
                .outerjoin(AuditEvent, and_(AuditEvent.family_id == Family.id, AuditEvent.action == "family.create"))
                .where(Family.id == family_id))

    def entry(row, people, rank):
        family, name, role = row
        return Entry(family.created_at, "case", "case.intake", "household", family.id, rank, who=name or "",
                     role=role or "")
    return Source("case", Family.created_at, Family.id, query, entry)


def _audited(kind: str):
    def query(family_id):
        return select(AuditEvent).where(AuditEvent.family_id == family_id, col(AuditEvent.action).in_(AUDITED[kind]),
                                        AuditEvent.result == "ok")

    def entry(event, people, rank):
        name = people.name_of_object(event.object)
        return Entry(event.at, kind, event.action, "audit", event.id, rank, who=event.actor_name, role=event.role,
                     values={"name": name or "-"}, members=(name,) if name else ())
    return Source(kind, AuditEvent.at, AuditEvent.id, query, entry, _audit_member if kind == "members" else None)


def _duo(ending: bool):
    at = DuoAssignment.end if ending else DuoAssignment.start

    def query(family_id):
        # Who did it: the account that assigned (or ended) it, not the worker it is about.
        return (select(DuoAssignment, Worker.name, Doer.display_name, Doer.role)
                .join(Worker, Worker.id == DuoAssignment.worker_id)
                .outerjoin(Doer, Doer.id == (DuoAssignment.ended_by if ending else DuoAssignment.assigned_by))
                .where(DuoAssignment.family_id == family_id))

    def entry(row, people, rank):
        assignment, name, by, role = row
        day = assignment.end if ending else assignment.start
        return Entry(_end_of(day), "duo", f"duo.{assignment.role.value}{'_end' if ending else ''}", "duo",
                     assignment.id, rank, day_only=True, who=by or "", role=role.value if role else "",
                     values={"name": name})
    return Source("duo", at, DuoAssignment.id, query, entry, day_only=True)


def _published():
    def query(family_id):
        return (select(PlanVersion, *_staff(Worker, Account)).join(SafetyPlan, SafetyPlan.id == PlanVersion.plan_id)
                .outerjoin(Worker, Worker.id == PlanVersion.published_by)
                .outerjoin(Account, Account.id == Worker.account_id)
                .where(SafetyPlan.family_id == family_id, PlanVersion.status == VersionStatus.published))

    def entry(row, people, rank):
        version, name, role = row
        return Entry(version.published_at, "plan", "plan.published", "version", version.id, rank, who=name or "",
                     role=role.value if role else "", values={"number": version.number}, text=version.change_summary)
    return Source("plan", PlanVersion.published_at, PlanVersion.id, query, entry)


def _acknowledged(answered: bool):
    def query(family_id):
        found = (select(Acknowledgement, PlanVersion.number).join(Parent, Parent.id == Acknowledgement.parent_id)
                 .join(PlanVersion, PlanVersion.id == Acknowledgement.version_id).where(Parent.family_id == family_id))
        return found.where(Acknowledgement.answer == Answer.agree) if answered else found

    def entry(row, people, rank):
        acknowledgement, number = row
        name = people.parent_name(acknowledgement.parent_id)
        return Entry(acknowledgement.answered_at if answered else acknowledgement.read_at, "answers",
                     "answers.agree" if answered else "answers.read", "acknowledgement", acknowledgement.id, rank,
                     who=name, role="parent", values={"name": name, "number": number}, members=(name,))
    at = Acknowledgement.answered_at if answered else Acknowledgement.read_at
    return Source("answers", at, Acknowledgement.id, query, entry, _parent_member(Acknowledgement.parent_id))


def _questions(replies: bool):
    def query(family_id):
        found = (select(PlanQuestion, PlanVersion.number, *_staff(Replier, ReplierAccount))
                 .join(Parent, Parent.id == PlanQuestion.parent_id)
                 .join(PlanVersion, PlanVersion.id == PlanQuestion.version_id)
                 .outerjoin(Replier, Replier.id == PlanQuestion.replied_by)
                 .outerjoin(ReplierAccount, ReplierAccount.id == Replier.account_id)
                 .where(Parent.family_id == family_id))
        return found if replies else _with_rendering(found, "question", PlanQuestion, PlanQuestion.text)

    def entry(row, people, rank):
        question, number, name, role, *rendering = row
        parent = people.parent_name(question.parent_id)
        values = {"name": parent, "parent": parent, "number": number}
        if replies:
            return Entry(question.replied_at, "answers", "answers.reply", "question", question.id, rank,
                         who=name or "", role=role.value if role else "", values=values, text=question.reply,
                         members=(parent,))
        return Entry(question.asked_at, "answers", f"answers.{question.kind.value}", "question", question.id, rank,
                     who=parent, role="parent", values=values, text=question.text, by_parent=True, members=(parent,),
                     dutch=rendering[0] or "", dutch_by=rendering[1] or "")
    at = PlanQuestion.replied_at if replies else PlanQuestion.asked_at
    return Source("answers", at, PlanQuestion.id, query, entry, _parent_member(PlanQuestion.parent_id))


def _appointments():
    def query(family_id):
        return (select(Appointment, Doer.display_name, Doer.role).outerjoin(Doer, Doer.id == Appointment.planned_by)
                .where(Appointment.family_id == family_id))

    def entry(row, people, rank):
        item, by, role = row
        cancelled = item.status is AppointmentStatus.cancelled
        return Entry(item.starts_at, "appointments", "appointments.cancelled" if cancelled else "appointments.planned",
                     "appointment", item.id, rank, who=by or "", role=role.value if role else "", text=item.purpose,
                     members=people.named(item.audience), audience=item.audience, with_whom=item.with_whom)
    return Source("appointments", Appointment.starts_at, Appointment.id, query, entry, _appointment_member)


def _appointment_answers(replies: bool):
    def query(family_id):
        found = (select(AppointmentAnswer, *_staff(Replier, ReplierAccount))
                 .join(Appointment, Appointment.id == AppointmentAnswer.appointment_id)
                 .outerjoin(Replier, Replier.id == AppointmentAnswer.replied_by)
                 .outerjoin(ReplierAccount, ReplierAccount.id == Replier.account_id)
                 .where(Appointment.family_id == family_id))
        return found if replies else _with_rendering(found, "answer", AppointmentAnswer, AppointmentAnswer.reason)

    def entry(row, people, rank):
        answer, name, role, *rendering = row
        parent = people.parent_name(answer.parent_id)
        if replies:
            return Entry(answer.replied_at, "appointments", "appointments.reply", "appointment_answer", answer.id,
                         rank, who=name or "", role=role.value if role else "", values={"parent": parent},
                         text=answer.reply, members=(parent,), moment=answer.replied_about)
        return Entry(answer.answered_at, "appointments", f"appointments.{answer.response.value}", "appointment_answer",
                     answer.id, rank, who=parent, role="parent", values={"name": parent}, text=answer.reason,
                     by_parent=True, members=(parent,), moment=answer.answered_about, dutch=rendering[0] or "",
                     dutch_by=rendering[1] or "")
    at = AppointmentAnswer.replied_at if replies else AppointmentAnswer.answered_at
    return Source("appointments", at, AppointmentAnswer.id, query, entry, _parent_member(AppointmentAnswer.parent_id))


def _translations(completed: bool):
    def query(family_id):
        return (select(TranslationJob, PlanVersion.number, Interpreter.name)
                .outerjoin(PlanVersion, PlanVersion.id == TranslationJob.version_id)
                .outerjoin(Interpreter, Interpreter.id == TranslationJob.interpreter_id)
                .where(TranslationJob.family_id == family_id))

    def entry(row, people, rank):
        job, number, name = row
        event = ("completed" if completed else "opened") if number else (
            "appointments_completed" if completed else "appointments_opened")
        return Entry(job.completed_at if completed else job.opened_at, "translations",
                     f"translations.{event}", "translation", job.id, rank,
                     who=name or "", role="interpreter" if name else "",
                     values={"number": number, "language": job.language})
    at = TranslationJob.completed_at if completed else TranslationJob.opened_at
    return Source("translations", at, TranslationJob.id, query, entry)


def _break_glass():
    def query(family_id):
        return (select(BreakGlass, *_staff(Worker, Account)).join(Worker, Worker.id == BreakGlass.worker_id)
                .outerjoin(Account, Account.id == Worker.account_id).where(BreakGlass.family_id == family_id))

    def entry(row, people, rank):
        glass, name, role = row
        return Entry(glass.at, "emergency", "emergency.opened", "break_glass", glass.id, rank, who=name,
                     role=role.value if role else "", values={"name": name}, text=glass.reason)
    return Source("emergency", BreakGlass.at, BreakGlass.id, query, entry)


def _closures(reopened: bool):
    account = Reopener if reopened else Opener

    def query(family_id):
        return (select(CaseClosure, account.display_name, account.role)
                .outerjoin(account, account.id == (CaseClosure.reopened_by if reopened else CaseClosure.closed_by))
                .where(CaseClosure.family_id == family_id))

    def entry(row, people, rank):
        closure, name, role = row
        role = role.value if role else ""
        if reopened:
            return Entry(closure.reopened_at, "case", "case.reopened", "closure", closure.id, rank, who=name or "",
                         role=role, text=closure.reopen_reason)
        return Entry(_end_of(closure.closed_on), "case", "case.closed", "closure", closure.id, rank, day_only=True,
                     who=name or "", role=role, text=closure.reason)
    at = CaseClosure.reopened_at if reopened else CaseClosure.closed_on
    return Source("case", at, CaseClosure.id, query, entry, day_only=not reopened)


def _circle_answers(handled: bool):
    """A member of the family's circle answered an agreement they carry; and the duo handled a "cannot"."""
    def query(family_id):
        found = (select(CircleAnswer, NetworkMember.name, *_staff(Replier, ReplierAccount))
                 .join(NetworkMember, NetworkMember.id == CircleAnswer.member_id)
                 .outerjoin(ReplierAccount, ReplierAccount.id == CircleAnswer.handled_by)
                 .outerjoin(Replier, Replier.account_id == ReplierAccount.id)
                 .where(NetworkMember.family_id == family_id))
        return found.where(col(CircleAnswer.handled_at).is_not(None)) if handled else found

    def entry(row, people, rank):
        answer, member, name, role = row
        if handled:
            return Entry(answer.handled_at, "answers", "answers.circle_handled", "circle_answer", answer.id, rank,
                         who=name or "", role=role.value if role else "", values={"name": member})
        return Entry(answer.answered_at, "answers", f"answers.circle_{answer.answer.value}", "circle_answer",
                     answer.id, rank, who=member, role="network", values={"name": member}, text=answer.reason,
                     by_parent=True)
    at = CircleAnswer.handled_at if handled else CircleAnswer.answered_at
    return Source("answers", at, CircleAnswer.id, query, entry)


def _child_words():
    """A child of 12 or over wrote to the duo (their words are on the timeline for the duo, never for a parent)."""
    def query(family_id):
        return (select(ChildWords, FamilyMember.name).join(FamilyMember, FamilyMember.id == ChildWords.member_id)
                .where(FamilyMember.family_id == family_id))

    def entry(row, people, rank):
        words, name = row
        return Entry(words.written_at, "answers", "answers.child_words", "child_words", words.id, rank, who=name,
                     role="child", values={"name": name}, text=words.text, by_parent=True, members=(name,))
    return Source("answers", ChildWords.written_at, ChildWords.id, query, entry, _child_member)


def _signals(done: bool):
    """A partner's signal landed on the household (at once, or linked by the team lead); and what was done."""
    def query(family_id):
        found = (select(Signal, PartnerOrganisation.name, *_staff(Replier, ReplierAccount))
                 .join(PartnerOrganisation, PartnerOrganisation.id == Signal.organisation_id)
                 .outerjoin(ReplierAccount, ReplierAccount.id == Signal.done_by)
                 .outerjoin(Replier, Replier.account_id == ReplierAccount.id)
                 .where(Signal.family_id == family_id))
        return found.where(col(Signal.done_at).is_not(None)) if done else found

    def entry(row, people, rank):
        signal, source, name, role = row
        if done:
            return Entry(signal.done_at, "signals", "signals.done", "signal", signal.id, rank, who=name or "",
                         role=role.value if role else "", values={"name": source}, text=signal.done_note)
        return Entry(signal.sent_at, "signals", f"signals.{signal.urgency.value}", "signal", signal.id, rank,
                     who=source, values={"name": source}, text=signal.what)
    return Source("signals", Signal.done_at if done else Signal.sent_at, Signal.id, query, entry)


def _child_member(_people: People, key: str):
    kind, _sep, number = key.partition("-")
    return FamilyMember.id == int(number) if kind == "member" else false()


# The order of the list is the order of events at the same moment (a case closes after that day's events).
SOURCES = (_intake(), _duo(False), _audited("members"), _published(), _audited("plan"), _translations(False),
           _translations(True), _acknowledged(False), _acknowledged(True), _questions(False), _questions(True),
           _appointments(), _audited("appointments"), _appointment_answers(False), _appointment_answers(True),
           _circle_answers(False), _circle_answers(True), _child_words(), _signals(False), _signals(True),
           _break_glass(), _duo(True), _closures(False), _closures(True))


# --- a page ------------------------------------------------------------------------------------------

def _midnight(day: dt.date) -> dt.datetime:
    """The start of a day in Amsterdam."""
    return dt.datetime.combine(day, dt.time(), tzinfo=AMSTERDAM)


def _end_of(day: dt.date) -> dt.datetime:
    """Where an event known by its day only stands: after everything else of that day (a duo that starts on the
    day of the intake comes after it; a case closes after that day's events). Its days are Amsterdam days, as the
    portal's clock writes them (clock.today)."""
    return _midnight(day + dt.timedelta(days=1)) - TICK


def _in_period(source: Source, filters: Filters) -> list:
    at = col(source.at)
    found: list[ColumnElement[bool]] = [at.is_not(None)]
    if filters.start:
        found.append(at >= filters.start if source.day_only else at >= _midnight(filters.start))
    if filters.end:
        found.append(at <= filters.end if source.day_only else at < _midnight(filters.end + dt.timedelta(days=1)))
    return found


def _beyond(source: Source, rank: int, cursor: Cursor, backwards: bool):
    """The rows after the cursor in the page's order: (time, source, record) compared as one key."""
    at, ident = col(source.at), col(source.ident)
    if source.day_only:  # the end of the row's day (the midnight after it, less a tick) against the cursor
        local = (cursor.at + TICK).astimezone(AMSTERDAM)
        day, midnight = local.date() - dt.timedelta(days=1), local.time() == dt.time()
        later, earlier = at > day, (at < day if midnight else at <= day)
        same = at == day if midnight else false()
    else:
        later, earlier, same = at > cursor.at, at < cursor.at, at == cursor.at
    if rank == cursor.rank:
        tie = ident < cursor.id if backwards else ident > cursor.id
    else:
        tie = true() if (rank < cursor.rank) == backwards else false()
    return or_(earlier if backwards else later, and_(same, tie))


@dataclass(frozen=True)
class Page:
    entries: list[Entry]
    next: Cursor | None  # where the next page starts; None on the last page


def page(db: Session, people: People, filters: Filters, cursor: Cursor | None = None,
         size: int = PAGE_SIZE) -> Page:
    """One page of the household's timeline: each source's first `size + 1` rows beyond the cursor in the
    page's order (one query per source), merged; so the cost does not grow with the history."""
    size = max(1, min(size, FACTUAL_FILE_ENTRIES))
    found = []
    for rank, source in enumerate(SOURCES):
        if filters.kind and source.kind != filters.kind:
            continue
        query = source.query(people.family.id).where(*_in_period(source, filters))
        if filters.member:
            if source.member is None:
                continue
            query = query.where(source.member(people, filters.member))
        if cursor is not None:
            query = query.where(_beyond(source, rank, cursor, filters.newest_first))
        order = (col(source.at).desc(), col(source.ident).desc()) if filters.newest_first else (source.at, source.ident)
        found += [source.entry(row, people, rank) for row in db.exec(query.order_by(*order).limit(size + 1))]
    found.sort(key=Entry.sort_key, reverse=filters.newest_first)
    shown = found[:size]
    return Page(shown, shown[-1].cursor if len(found) > size else None)


# --- the factual file of a period ----------------------------------------------------------------------

@dataclass(frozen=True)
class FactualFile:
    start: dt.date
    end: dt.date
    at_start: PlanVersion | None  # the version in force when the period began
    at_end: PlanVersion | None  # the version in force on its last day, whose agreements are listed
    content: PlanContent
    entries: list[Entry]  # what happened: the period up to the moment the file was made, oldest first
    future: list[Entry] | None  # what is agreed from that moment on (appointments, a duo from a coming day);
    # None when the period ended before the day the file was made
    complete: bool  # False: more than FACTUAL_FILE_ENTRIES entries; only the first are listed


def _in_force(db: Session, family_id: int, before: dt.datetime) -> PlanVersion | None:
    return db.exec(select(PlanVersion).join(SafetyPlan, col(SafetyPlan.id) == PlanVersion.plan_id)
                   .where(SafetyPlan.family_id == family_id, PlanVersion.status == VersionStatus.published,
                          col(PlanVersion.published_at) < before)
                   .order_by(col(PlanVersion.published_at).desc(), col(PlanVersion.id).desc()).limit(1)).first()


def _happened(entry: Entry, now: dt.datetime) -> bool:
    """Whether an entry lies in the past: an event known by its day only, from that (Amsterdam) day on."""
    return entry.day <= day_of(now) if entry.day_only else entry.at <= now


def factual_file(db: Session, people: People, start: dt.date, end: dt.date, now: dt.datetime) -> FactualFile:
    """The agreements in force during a period (the version of its last day, naming the one of its first), every
    event of the period up to `now` with its date and source, and, when the period reaches today, what is agreed
    from now on (a court must not read a planned appointment as one that took place)."""
    family_id = stored_id(people.family.id)
    today = day_of(now)
    at_start = _in_force(db, family_id, _midnight(start))
    at_end = _in_force(db, family_id, _midnight(end + dt.timedelta(days=1)))
    content = content_of(db, at_end) if at_end else PlanContent()
    happened = page(db, people, Filters(start=start, end=min(end, today)), size=FACTUAL_FILE_ENTRIES)
    ahead = page(db, people, Filters(start=today), size=FACTUAL_FILE_ENTRIES) if end >= today else None
    return FactualFile(start, end, at_start, at_end, content,
                       [entry for entry in happened.entries if _happened(entry, now)],
                       [entry for entry in ahead.entries if not _happened(entry, now)] if ahead else None,
                       happened.next is None and (ahead is None or ahead.next is None))
