"""Who may see and do what, as plain Python without Flask: `can`, each parent's audience, the households listed."""
import datetime as dt

from sqlalchemy import Integer, false, func, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import BindParameter
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import Session, col, or_, select

from portal import clock
from portal.models import (
    Acknowledgement,
    Appointment,
    AppointmentAnswer,
    BreakGlass,
    ChildWords,
    CircleAnswer,
    DuoAssignment,
    Family,
    FamilyMember,
    Interpreter,
    InterpreterTeam,
    NetworkMember,
    Parent,
    ParentTextRendering,
    ParentVersion,
    PartnerOrganisation,
    PlanQuestion,
    Role,
    Signal,
    Team,
    TranslationJob,
    Worker,
)
from portal.rules import audience
from portal.rules.actions import TEAM_ACTIONS, TEAM_WORK, Action, Relation, allows
from portal.rules.plan_content import PlanContent

READ_ALONG_BEFORE = dt.timedelta(hours=1)
READ_ALONG_AFTER = dt.timedelta(hours=3)
STAFF = (Role.worker, Role.teamlead, Role.interpreter)
DUO = (Role.worker, Role.teamlead)
# What each action of an interpreter is about: their work is one object given to them, never the household.
INTERPRETER_WORK: dict[Action, type[TranslationJob | ParentTextRendering | Appointment]] = {
    Action.translation_work: TranslationJob, Action.rendering_work: ParentTextRendering,
    Action.plan_read_along: Appointment}


def on_duty(worker_id: int, today: dt.date) -> tuple:
    """The worker's duo assignments that run today, as SQL conditions: begun, and not ended before today."""
    return (DuoAssignment.worker_id == worker_id, DuoAssignment.start <= today,
            or_(col(DuoAssignment.end).is_(None), col(DuoAssignment.end) >= today))


def in_current_duo(db: Session, worker_id: int, family_id: int, today: dt.date | None = None) -> bool:
    return db.exec(select(DuoAssignment.id).where(
        DuoAssignment.family_id == family_id, *on_duty(worker_id, today or clock.today()))).first() is not None


def visible_families(user, today: dt.date):
    """The households whose work a staff member's lists show (the work list, the team overview), as a subquery of
    family ids, so that each list stays one query: a team lead's whole team, a worker's current duos, closed cases
    too (each list says what of a closed case still waits); nobody else's, also not an interpreter's."""
    worker = getattr(user, "worker", None)
    if worker is None or user.role not in DUO:
        return select(Family.id).where(false())
    if user.role is Role.teamlead:
        return select(Family.id).where(Family.team_id == worker.team_id)
    return select(DuoAssignment.family_id).where(*on_duty(worker.id, today))


def has_broken_glass(db: Session, worker_id: int, family_id: int) -> bool:
    return db.exec(select(BreakGlass.id).where(
        BreakGlass.worker_id == worker_id, BreakGlass.family_id == family_id,
        BreakGlass.until > clock.now())).first() is not None


# --- the audience rule: what each parent may read ------------------------------------------------

def parent_reads(parent, stored_audience: str) -> bool:
    """May this parent read an item, appointment or note with this audience (portal/rules/audience.py)?"""
    return audience.shows(stored_audience, parent.id)


def shown_to(column, parent_id: int | BindParameter):
    """The same rule as SQL, for lists that are cut in the database (the next appointment, the last five):
    the whole household, or the parent's id among the named ones ("parents:3,7" read as ",3,7,"). A statement built
    once takes a `bindparam` for the parent, bound to `named_among(parent.id)` when it runs."""
    named = literal(",") + func.substr(column, len(audience.NAMED) + 1) + literal(",")
    needle = parent_id if isinstance(parent_id, BindParameter) else named_among(parent_id)
    # Where the id stands, not LIKE: SQLite prepares a statement with `LIKE ?` again whenever the pattern changes.
    return or_(column == audience.HOUSEHOLD, _position(named, needle) > 0)


def named_among(parent_id: int) -> str:
    """What shown_to looks for in ",3,7,": the parent's id between commas."""
    return f",{int(parent_id)},"


class _position(FunctionElement):  # noqa: N801 - used as a function
    """Where `needle` stands in `text` (from 1; 0: not in it): instr() in SQLite, strpos() in PostgreSQL."""

    type = Integer()
    inherit_cache = True


@compiles(_position)
def _position_sqlite(element, compiler, **kw) -> str:
    return f"instr({compiler.process(element.clauses, **kw)})"


@compiles(_position, "postgresql")
def _position_postgresql(element, compiler, **kw) -> str:
    return f"strpos({compiler.process(element.clauses, **kw)})"


def plan_for(parent, content: PlanContent) -> PlanContent:
    """The plan as this parent may read it: items for others are not sent at all."""
    return content.visible(lambda stored: parent_reads(parent, stored))


def plan_for_all(parent_ids, content: PlanContent) -> PlanContent:
    """What every one of these parents may read: what an interpreter reads along with them."""
    return content.visible(lambda stored: audience.shows_all(stored, parent_ids))


def plan_for_language(db: Session, family_id: int, language: str, content: PlanContent) -> PlanContent:
    """What an interpreter translates into a language: only items a parent who reads that language may read."""
    parents = db.exec(select(Parent).where(Parent.family_id == family_id, Parent.language == language)).all()
    return content.visible(lambda stored: any(parent_reads(parent, stored) for parent in parents))


def readers(db: Session, family_id: int, stored_audience: str) -> list:
    """The parents of a household who may read something with this audience: who is told about it."""
    parents = db.exec(select(Parent).where(Parent.family_id == family_id)).all()
    return [parent for parent in parents if parent_reads(parent, stored_audience)]


# Looks at the whole plan, whichever version or draft: every parent of the household sees them, as they see looks
# at the household's file (object "family:<id>").
WHOLE_PLAN_LOOKS = ("plan.view",)


def events_for_parent(db: Session, parent, events: list) -> list:
    """The audit events a parent may see on "who looked": looks at the household as a whole, and work on what is
    theirs (their account, their answers and questions, appointments they may know of, the versions of the plan
    they were given). Never what a worker or interpreter did with
    what another parent alone may read, not the duo's drafts (they may hold anything), and no refusals."""
    theirs = {f"account:{parent.account_id}", f"parent:{parent.id}", f"family:{parent.family_id}"}
    theirs |= {f"appointment:{number}" for number in db.exec(select(Appointment.id).where(
        Appointment.family_id == parent.family_id, shown_to(Appointment.audience, parent.id)))}
    theirs |= {f"{kind}:{number}" for number in db.exec(select(Acknowledgement.id).where(
        Acknowledgement.parent_id == parent.id)) for kind in ("answer", "acknowledgement")}
    # The duo's reply to a question is recorded on the question ("plan.reply"), and to an answer to an appointment
    # on that answer ("appointment.reply"), as is an interpreter's rendering of either: the asker's, nobody else's.
    theirs |= {f"question:{number}" for number in db.exec(select(PlanQuestion.id).where(
        PlanQuestion.parent_id == parent.id))}
    theirs |= {f"appointment-answer:{number}" for number in db.exec(select(AppointmentAnswer.id).where(
        AppointmentAnswer.parent_id == parent.id))}
    theirs |= {f"version:{number}" for number in db.exec(
        select(ParentVersion.version_id).where(ParentVersion.parent_id == parent.id))}
    # Not the translation jobs ("job:<id>"): one job holds a version and the replies to every parent who reads its
    # language, so opening it may be work for the other parent alone. The plan page names who translated what
    # this parent reads.

    def shown(event) -> bool:
        if event.result == "refused" or event.action == "plan.save":
            return False
        if event.action in WHOLE_PLAN_LOOKS:
            return event.family_id == parent.family_id
        return event.object in theirs  # "item:<key>": who may read an item is the duo's business

    return [event for event in events if shown(event)]


def events_for_member(db: Session, member, events: list) -> list:
    """The audit events a member of the family's circle may see on "who looked": work on their own record and
    their answers only; never a look at the household, its plan or its parents, and no refusals."""
    theirs = {f"account:{member.account_id}", f"circle-member:{member.id}"}
    theirs |= {f"circle-answer:{number}" for number in db.exec(select(CircleAnswer.id).where(
        CircleAnswer.member_id == member.id))}
    return [event for event in events if event.result != "refused" and event.object in theirs]


def events_for_child(db: Session, child, events: list) -> list:
    """The audit events a child may see on "who looked": work on their own record (their plan) and their words;
    never a look at the household, its plan or its parents, and no refusals."""
    theirs = {f"account:{child.account_id}", f"child:{child.id}"}
    theirs |= {f"child-words:{number}" for number in db.exec(select(ChildWords.id).where(
        ChildWords.member_id == child.id))}
    return [event for event in events if event.result != "refused" and event.object in theirs]


def family_of(obj) -> int | None:
    """The id of the household an object belongs to, or None: what an audit event of a look at it names."""
    return obj.id if isinstance(obj, Family) else getattr(obj, "family_id", None)


def _household(db: Session, obj) -> Family | None:
    """The household an object belongs to, or None."""
    family_id = family_of(obj)
    if family_id is None:
        return None
    return obj if isinstance(obj, Family) else db.get(Family, family_id)


def _teams_of(db: Session, obj) -> set[int]:
    """The teams a team, a worker (or team lead) or an interpreter belongs to."""
    if isinstance(obj, Team):
        assert obj.id is not None  # a stored team
        return {obj.id}
    if isinstance(obj, Worker):
        return {obj.team_id}
    if isinstance(obj, Interpreter):
        return set(db.exec(select(InterpreterTeam.team_id).where(InterpreterTeam.interpreter_id == obj.id)))
    return set()


def can(user, action: Action, obj, db: Session) -> bool:
    """May this user do `action` on `obj` (None: nothing to act on)? Every view asks here and nowhere else.

    Deny by default: an action that is not an `Action` member (a plain string too) is refused, and otherwise only
    what the user's relations to the object's household allow (`portal/rules/actions.py: ALLOWED`) is allowed."""
    if not isinstance(action, Action) or not getattr(user, "is_authenticated", False):
        return False
    if user.role is Role.parent:
        return _parent_may(db, user.parent, action, obj)
    if user.role is Role.network:
        return _member_may(db, user.member, action, obj)
    if user.role is Role.child:
        return _child_may(db, user.child, action, obj)
    if user.role is Role.interpreter:
        return _interpreter_may(db, user.interpreter, action, obj)
    if user.role is Role.partner:
        return _partner_may(user.partner, action, obj)
    if user.role in DUO:
        return _staff_may(db, user.worker, user.role is Role.teamlead, action, obj)
    return False


def _partner_may(partner, action: Action, obj) -> bool:
    """A partner sends signals for their own active organisation and reads back only the signals they sent:
    never a household, a file or another's signal."""
    if partner is None:
        return False
    if action is Action.signal_send:
        return isinstance(obj, PartnerOrganisation) and obj.id == partner.organisation_id and obj.active
    if action is Action.signal_read:
        return isinstance(obj, Signal) and obj.sent_by == partner.account_id
    return False


def _parent_may(db: Session, parent, action: Action, obj) -> bool:
    """Their own household's pages, and an appointment only where its audience names them."""
    family = _household(db, obj) if parent is not None else None
    if family is None or family.id != parent.family_id:
        return False
    if not allows(action, {Relation.parent}, family.closed_at is not None):
        return False
    if action is Action.appointment_read:
        return isinstance(obj, Appointment) and parent_reads(parent, obj.audience)
    return isinstance(obj, Family)


def _member_may(db: Session, member, action: Action, obj) -> bool:
    """A member of the family's circle: only their own record (the agreements they carry), while the case is open.
    Never the household, its plan, appointments or parents: those are the family's."""
    if member is None or not isinstance(obj, NetworkMember) or obj.id != member.id:
        return False
    family = _household(db, obj)
    return family is not None and allows(action, {Relation.network}, family.closed_at is not None)


def _child_may(db: Session, child, action: Action, obj) -> bool:
    """A child of 12 or over: only their own record (their plan, their words), while the case is open. Never the
    household's plan, appointments, parents or circle."""
    if child is None or not isinstance(obj, FamilyMember) or obj.id != child.id:
        return False
    family = _household(db, obj)
    return family is not None and allows(action, {Relation.child}, family.closed_at is not None)


def _interpreter_may(db: Session, interpreter, action: Action, obj) -> bool:
    """Only the job, rendering or appointment given to them, of a household of one of their teams whose case is
    open."""
    work = INTERPRETER_WORK.get(action)
    if interpreter is None or work is None or not isinstance(obj, work):
        return False
    if obj.interpreter_id != interpreter.id:
        return False
    if isinstance(obj, ParentTextRendering) and not interpreter.speaks(obj.language):
        return False  # one parent's text, to the interpreter it was given to, of that language
    if isinstance(obj, Appointment):
        now = clock.now()
        if not obj.starts_at - READ_ALONG_BEFORE <= now <= obj.starts_at + READ_ALONG_AFTER:
            return False
    family = _household(db, obj)
    if family is None or family.team_id not in _teams_of(db, interpreter):
        return False  # work given before the interpreter left the household's team
    return allows(action, {Relation.interpreter}, family.closed_at is not None)


def _staff_may(db: Session, worker, team_lead: bool, action: Action, obj) -> bool:
    """A team lead's own team; on a household: what the current duo, the team lead of its team, a worker of its
    team outside the duo and broken glass allow."""
    if worker is None:
        return False
    if action in TEAM_ACTIONS:
        return team_lead and worker.team_id in _teams_of(db, obj)
    if action in TEAM_WORK:
        return worker.team_id in _teams_of(db, obj)
    family = _household(db, obj)
    if family is None:
        return False
    assert family.id is not None  # _household found it by its id
    relations = set()
    in_duo = in_current_duo(db, worker.id, family.id)
    if in_duo:
        relations.add(Relation.duo)
    own_team = family.team_id == worker.team_id
    if own_team and team_lead:
        relations.add(Relation.team_lead)
    elif own_team and not in_duo:
        relations.add(Relation.team)  # may break the glass: only within one's own team, only outside one's duo
    if has_broken_glass(db, worker.id, family.id):
        relations.add(Relation.broken_glass)
    return allows(action, relations, family.closed_at is not None)
