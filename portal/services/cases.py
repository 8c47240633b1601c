"""Case life of a household: intake, members, the duo over time, closing and reopening within retention.

Each function changes the session and flushes; the caller records the audit event and commits, so a
change and its event are written in one transaction.
"""
import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, and_, col, or_, select

from portal import clock
from portal.accounts import flows
from portal.models import (
    Account,
    Appointment,
    BreakGlass,
    CaseClosure,
    DuoAssignment,
    DuoRole,
    Family,
    FamilyMember,
    NetworkMember,
    Parent,
    ParentTextRendering,
    Role,
    TranslationJob,
    Worker,
)
from portal.rules.audience import HOUSEHOLD
from portal.rules.plan_content import PlanContent
from portal.services import children, circle, match_keys, parent_versions, stored_id
from portal.services.duo import current_duo
from portal.services.plans import content_of, current_version, draft_of, published_versions
from portal.services.staff import unique_username

CHILD = "kind"  # the relation of a child, as the demo and the duos write it


class CaseError(ValueError):
    """A change the state of the case does not allow (closing a closed case, reopening too late)."""


class AlreadyInDuo(CaseError):
    """The worker has this role in the household's duo already on that day: a second row would say it twice."""

    def __init__(self, assignment: DuoAssignment):
        super().__init__("the worker has this role in the duo already")
        self.assignment = assignment


@dataclass(frozen=True)
class Household:
    name: str
    interpreter_needed: bool = False
    parents_kept_apart: bool = False


@dataclass(frozen=True)
class Member:
    """A parent, child or other member as typed; `id` names the row when the member exists already."""

    kind: str  # parent | child | other
    name: str
    id: int | None = None
    language: str = "nl"
    phone: str = ""
    email: str = ""
    notify_by: str = "sms"  # sms | email: how a parent hears there is news
    birth_year: int | None = None
    relation: str = ""
    postcode: str = ""  # a parent's address, for matching partners' signals (staff-only)
    house_number: str = ""


def retention_period(years: int) -> dt.timedelta:
    return dt.timedelta(days=round(365.25 * years))


def retention_ends(family: Family, years: int) -> dt.datetime | None:
    """When a closed household is removed (portal retention); None while the case is open."""
    return family.closed_at + retention_period(years) if family.closed_at else None


def duo_candidates(db: Session, team_id: int) -> list[Worker]:
    """The workers a team lead may put in a duo: the team's workers whose account is switched on."""
    return list(db.exec(select(Worker).join(Account, col(Account.id) == Worker.account_id)
                        .where(Worker.team_id == team_id, Account.active, Account.role == Role.worker)
                        .order_by(Worker.name)))


def assign_duo(db: Session, family: Family, worker_id: int, role: DuoRole, start: dt.date,
               by: int | None) -> DuoAssignment:
    """Put a worker of the team in the duo from `start`; whoever had that role hands over the day before, and so does
    the worker's own other role (one worker is one person of the duo: the partner who becomes the contact person is
    the partner no longer). A worker who has this role on that day already is refused: one row says it."""
    assert family.id is not None  # a stored household
    if worker_id not in {worker.id for worker in duo_candidates(db, family.team_id)}:
        raise CaseError("the worker is not an active worker of the household's team")
    same = db.exec(select(DuoAssignment).where(
        DuoAssignment.family_id == family.id, DuoAssignment.worker_id == worker_id, DuoAssignment.role == role,
        DuoAssignment.start <= start, or_(col(DuoAssignment.end).is_(None), col(DuoAssignment.end) >= start))).first()
    if same is not None:
        raise AlreadyInDuo(same)
    for current in db.exec(select(DuoAssignment).where(
            col(DuoAssignment.family_id) == family.id, col(DuoAssignment.end).is_(None),
            or_(DuoAssignment.role == role, DuoAssignment.worker_id == worker_id))):
        current.end, current.ended_by = start - dt.timedelta(days=1), by
        db.add(current)
    db.flush()  # the ended rows first: the database keeps one open row per worker and household
    assignment = DuoAssignment(family_id=family.id, worker_id=worker_id, role=role, start=start, assigned_by=by)
    db.add(assignment)
    db.flush()
    return assignment


def end_assignment(db: Session, family: Family, assignment_id: int, end: dt.date | None,
                   by: int | None) -> DuoAssignment:
    """A worker leaves the duo after `end`, the last day they are in it (`by`: the account that ended it)."""
    assignment = db.get(DuoAssignment, assignment_id)
    if assignment is None or assignment.family_id != family.id or end is None or end < assignment.start:
        raise CaseError("no assignment of this household that can end on that day")
    assignment.end, assignment.ended_by = end, by
    db.add(assignment)
    db.flush()
    return assignment


def start_household(db: Session, team_id: int, household: Household, members: list[Member],
                    contact_id: int, partner_id: int, today: dt.date, by: int | None) -> Family:
    """Intake: the household, its members and its duo (contact person and partner) from today, assigned `by` the
    account that made it."""
    family = Family(team_id=team_id, name=household.name, interpreter_needed=household.interpreter_needed,
                    parents_kept_apart=household.parents_kept_apart)
    db.add(family)
    db.flush()
    save_members(db, family, members)
    assign_duo(db, family, contact_id, DuoRole.contact, today, by)
    assign_duo(db, family, partner_id, DuoRole.partner, today, by)
    return family


def save_household(db: Session, family: Family, household: Household) -> bool:
    """Change the household's name and settings; True when anything changed."""
    values = {"name": household.name, "interpreter_needed": household.interpreter_needed,
              "parents_kept_apart": household.parents_kept_apart}
    changed = any(getattr(family, name) != value for name, value in values.items())
    for name, value in values.items():
        setattr(family, name, value)
    db.add(family)
    db.flush()
    return changed


def save_members(db: Session, family: Family, members: list[Member]) -> list[str]:
    """Add new members and change existing ones of this household; the objects ("parent:3", "member:7")
    that were added or changed. A member of another household, or of another kind, is left alone."""
    assert family.id is not None  # a stored household
    parents = {p.id: p for p in db.exec(select(Parent).where(Parent.family_id == family.id))}
    others = {m.id: m for m in db.exec(select(FamilyMember).where(FamilyMember.family_id == family.id))}
    touched = []
    for member in members:
        row = _row(member, family.id, parents, others)
        if row is None:
            continue
        values, new = _values(member), row.id is None
        if not new and all(getattr(row, name) == value for name, value in values.items()):
            continue
        for name, value in values.items():
            setattr(row, name, value)
        db.add(row)
        db.flush()
        if new and isinstance(row, Parent):
            _give_current_plan(db, row)
        touched.append(f"{'parent' if isinstance(row, Parent) else 'member'}:{row.id}")
    if touched:
        match_keys.refresh(db, family.id)
    return touched


def _give_current_plan(db: Session, parent: Parent) -> None:
    """A parent added later reads the plan as it is now, as their first version (when it holds anything for them)."""
    version = current_version(db, parent.family_id)
    content = content_of(db, version) if version else None
    parent_versions.catch_up(db, parent, version, content)


def _row(member: Member, family_id: int, parents: dict, others: dict) -> Parent | FamilyMember | None:
    """The row a typed member changes: a new one, or this household's existing one of the same kind."""
    if member.kind == "parent":
        return parents.get(member.id) if member.id else Parent(family_id=family_id, name=member.name)
    child = member.kind == "child"
    if not member.id:
        return FamilyMember(family_id=family_id, name=member.name, is_child=child, relation=CHILD if child else "")
    row = others.get(member.id)
    return row if row is not None and row.is_child == child else None


def _values(member: Member) -> dict:
    """The fields the forms show of each kind; a child's relation stays as the duo wrote it."""
    if member.kind == "parent":
        return {"name": member.name, "language": member.language, "phone": member.phone or None,
                "email": member.email or None, "notify_by": member.notify_by, "birth_year": member.birth_year,
                "postcode": member.postcode, "house_number": member.house_number}
    if member.kind == "child":
        return {"name": member.name, "birth_year": member.birth_year}
    return {"name": member.name, "relation": member.relation}


# Who gets a letter: the role of the account it makes and how its username starts.
LETTER_ACCOUNTS = {Parent: (Role.parent, "ouder-"), NetworkMember: (Role.network, "netwerk-"),
                   FamilyMember: (Role.child, "kind-")}


def new_letter(db: Session, person: Parent | NetworkMember | FamilyMember) -> Account:
    """The account of a parent, a member of the family's circle or a child of 12 or over (created when needed)
    made ready for a new activation letter: no password, no second factor, every session and every sign-in begun
    with an older letter ended."""
    account = db.get(Account, person.account_id) if person.account_id else None
    if account is None:
        role, prefix = LETTER_ACCOUNTS[type(person)]
        account = Account(username=unique_username(db, prefix, person.name, "gezin"), role=role,
                          display_name=person.name, language=person.language)
        db.add(account)
        db.flush()
        person.account_id = account.id
        db.add(person)
    account.password_hash, account.totp_secret, account.totp_enrolled = None, None, False
    account.second_factor, account.sms_phone, account.active = "totp", None, True
    account.session_generation += 1
    db.add(account)
    flows.end_all(db, stored_id(account.id))
    db.flush()
    return account


def closures(db: Session, family_id: int) -> list[CaseClosure]:
    """Every closing of the case, newest first."""
    return list(db.exec(select(CaseClosure).where(CaseClosure.family_id == family_id)
                        .order_by(col(CaseClosure.closed_on).desc(), col(CaseClosure.id).desc())))


def close_case(db: Session, family: Family, closed_on: dt.date, reason: str, by: int) -> CaseClosure:
    """Close the case on a day: the parents' access ends and the retention period starts that day. The work still
    open for the household closes with it: its translation jobs and the renderings of its parents' words are no
    longer worked on (not done either: they are closed, never completed), so no work list offers them."""
    assert family.id is not None  # a stored household
    if family.closed_at is not None:
        raise CaseError("the case is closed already")
    family.closed_at = dt.datetime.combine(closed_on, dt.time(), tzinfo=dt.UTC)
    closure = CaseClosure(family_id=family.id, closed_on=closed_on, reason=reason, closed_by=by)
    stopped = _work(db, family.id, closed=False)
    for work in stopped:
        work.closed_at = clock.now()
    db.add_all([family, closure, *stopped])
    db.flush()
    return closure


def _work(db: Session, family_id: int, closed: bool) -> list[TranslationJob | ParentTextRendering]:
    """The household's translation jobs and renderings that are still open (closed=False), or that the closing of
    its case closed (closed=True: of jobs, the current version's and the appointments'; a newer version closed those
    before it)."""
    current = current_version(db, family_id) if closed else None
    reopened = or_(col(TranslationJob.version_id).is_(None),
                   TranslationJob.version_id == (current.id if current else -1))
    jobs = db.exec(select(TranslationJob).where(
        TranslationJob.family_id == family_id,
        and_(col(TranslationJob.closed_at).is_not(None), reopened)
        if closed else and_(col(TranslationJob.completed_at).is_(None), col(TranslationJob.closed_at).is_(None)))).all()
    renderings = db.exec(select(ParentTextRendering).where(
        ParentTextRendering.family_id == family_id,
        col(ParentTextRendering.closed_at).is_not(None) if closed
        else and_(col(ParentTextRendering.rendered_at).is_(None), col(ParentTextRendering.closed_at).is_(None)))).all()
    return [*jobs, *renderings]


def reopen_case(db: Session, family: Family, reason: str, by: int, now: dt.datetime, years: int) -> CaseClosure:
    """Reopen a closed case while it is kept (within the retention period); the parents' access returns, and with
    it the work the closing stopped: the same translation jobs and renderings wait again for the same interpreters
    (the parents read their plan again, in their language). Work done before the closing stays done."""
    assert family.id is not None  # a stored household
    ends = retention_ends(family, years)
    if ends is None or now >= ends:
        raise CaseError("the case is not closed, or its retention period is over")
    closure = closures(db, family.id)[0]
    closure.reopened_at, closure.reopen_reason, closure.reopened_by = now, reason, by
    family.closed_at = None
    resumed = _work(db, family.id, closed=True)
    for work in resumed:
        work.closed_at = None
    db.add_all([family, closure, *resumed])
    db.flush()
    return closure


@dataclass(frozen=True)
class FamilyFile:
    """Everything the family file shows of a household, read in a fixed number of queries."""

    duo: object  # services.duo.Duo: the contact person and partner today
    history: list[tuple[DuoAssignment, Worker]]
    members: list[FamilyMember]
    parents: list[Parent]
    accounts: dict[int, Account]
    versions: list
    glass: list[tuple[BreakGlass, Worker]]
    workers: list[Worker]
    restricted: list[tuple[tuple[str, str], str]]  # ((kind, text), audience) of items not for everyone
    appointments: list[Appointment]  # coming appointments not for everyone
    circle: list[NetworkMember]  # the family's circle
    carried: dict[int, set[str]]  # the agreement keys each member of the circle carries
    circle_tasks: list  # (CircleAnswer, NetworkMember): "I cannot do this" answers not yet handled
    older_children: set[int]  # the members who are children of 12 or over: they may have their own page


def family_file(db: Session, family: Family, now: dt.datetime) -> FamilyFile:
    assert family.id is not None  # a stored household
    history = db.exec(select(DuoAssignment, Worker).join(Worker, col(Worker.id) == DuoAssignment.worker_id)
                      .where(DuoAssignment.family_id == family.id)
                      .order_by(col(DuoAssignment.start).desc())).all()
    members = db.exec(select(FamilyMember).where(FamilyMember.family_id == family.id)).all()
    parents = db.exec(select(Parent).where(Parent.family_id == family.id)).all()
    accounts = {stored_id(a.id): a for a in db.exec(select(Account).where(
        col(Account.id).in_([p.account_id for p in parents if p.account_id] or [-1])))}
    versions = published_versions(db, family.id)
    glass = db.exec(select(BreakGlass, Worker).join(Worker, col(Worker.id) == BreakGlass.worker_id)
                    .where(BreakGlass.family_id == family.id).order_by(col(BreakGlass.at).desc()).limit(20)).all()
    shown = draft_of(db, family.id) or (versions[0] if versions else None)
    content = content_of(db, shown) if shown else PlanContent()
    entries = content.entries()
    # Who sees what: every item and coming appointment that is not for the whole household.
    restricted = [(entries[key], stored) for key, stored in content.audiences().items() if stored != HOUSEHOLD]
    coming = db.exec(select(Appointment).where(Appointment.family_id == family.id, Appointment.starts_at >= now,
                                               Appointment.audience != HOUSEHOLD)).all()
    network = circle.members(db, family.id)
    accounts.update({stored_id(a.id): a for a in db.exec(select(Account).where(
        col(Account.id).in_([m.account_id for m in network if m.account_id] or [-1])))})
    return FamilyFile(current_duo(db, family.id, clock.day_of(now)), list(history), list(members), list(parents),
                      accounts, versions, list(glass), duo_candidates(db, family.team_id), restricted, list(coming),
                      network, circle.named_keys(db, [stored_id(m.id) for m in network]),
                      circle.tasks(db, [family.id]),
                      {stored_id(m.id) for m in members if children.may_have_account(m, clock.day_of(now))})


def members_of(db: Session, family: Family) -> tuple[list[Parent], list[FamilyMember]]:
    """The household's parents and other members, in the order they were added."""
    parents = db.exec(select(Parent).where(col(Parent.family_id) == family.id).order_by(col(Parent.id))).all()
    others = db.exec(select(FamilyMember).where(col(FamilyMember.family_id) == family.id)
                     .order_by(col(FamilyMember.id))).all()
    return list(parents), list(others)
