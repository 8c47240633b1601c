"""Operations: consistent SQLite backups and restores, removing households past retention, and sign-ins that ended."""
import datetime as dt
import sqlite3
from pathlib import Path

from sqlalchemy import and_
from sqlmodel import Session, col, delete, func, select

from portal import clock
from portal.accounts.secrets import CODES_COUNTED_FOR
from portal.accounts.sessions import ABSOLUTE_LIMIT
from portal.models import (
    Account,
    Acknowledgement,
    Appointment,
    AppointmentAnswer,
    BreakGlass,
    CaseClosure,
    ChildAccountDecision,
    ChildPlan,
    ChildWords,
    CircleAnswer,
    DuoAssignment,
    Family,
    FamilyMember,
    MatchKey,
    NamedInAgreement,
    NetworkMember,
    OneTimeCode,
    OutboxMessage,
    Parent,
    ParentTextRendering,
    ParentVersion,
    PlanItem,
    PlanQuestion,
    PlanVersion,
    ProfessionalNetwork,
    RecoveryCode,
    SafetyAgreement,
    SafetyPlan,
    Signal,
    SignalAddition,
    SignalCandidate,
    SignInFlow,
    TranslationJob,
    TranslationSegment,
    UnsafeSituation,
    UserSession,
)
from portal.services import audit
from portal.services.cases import retention_period

# A session row outlives its 12-hour limit by a day: a phone woken the next morning is still told that its session
# ran out (accounts.sessions.lapsed_account) and offered what was typed. After that the row only says who was signed in
# when, which the audit log keeps.
SESSION_ROWS_KEPT = ABSOLUTE_LIMIT + dt.timedelta(days=1)


def sqlite_path(url: str) -> Path:
    if not url.startswith("sqlite:///"):
        raise ValueError("backup and restore work on the SQLite default; for PostgreSQL use pg_dump/pg_restore")
    return Path(url.removeprefix("sqlite:///"))


def backup(url: str, target: Path) -> None:
    """A consistent copy while the portal keeps running (SQLite's online backup)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(sqlite_path(url)) as source, sqlite3.connect(target) as copy:
        source.backup(copy)


def restore(url: str, source: Path) -> None:
    """Replace the database with a backup, after checking the backup is sound."""
    with sqlite3.connect(source) as copy:
        if copy.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise ValueError(f"{source} is damaged; nothing was restored")
        with sqlite3.connect(sqlite_path(url)) as live:
            copy.backup(live)


def expired_families(db: Session, years: int, now: dt.datetime | None = None) -> list[Family]:
    cutoff = (now or clock.now()) - retention_period(years)
    return list(db.exec(select(Family).where(col(Family.closed_at).is_not(None), col(Family.closed_at) < cutoff)))


def remove_family(db: Session, family: Family) -> None:
    """Delete everything of one household (the caller commits it in one transaction, with its event); the audit
    log keeps the household's events."""
    versions = select(PlanVersion.id).join(SafetyPlan).where(SafetyPlan.family_id == family.id)
    situations = select(UnsafeSituation.id).where(col(UnsafeSituation.version_id).in_(versions))
    parents = select(Parent.id).where(Parent.family_id == family.id)
    circle = select(NetworkMember.id).where(NetworkMember.family_id == family.id)
    children = select(FamilyMember.id).where(FamilyMember.family_id == family.id)
    # The accounts of its parents, of its circle and of its children of 12 and over.
    accounts = [a for holder in (Parent, NetworkMember, FamilyMember)
                for a in db.exec(select(holder.account_id).where(holder.family_id == family.id)) if a]
    for of_circle in (CircleAnswer, NamedInAgreement):
        db.exec(delete(of_circle).where(col(of_circle.member_id).in_(circle)))
    db.exec(delete(NetworkMember).where(col(NetworkMember.family_id) == family.id))
    for of_child in (ChildWords, ChildPlan, ChildAccountDecision):
        db.exec(delete(of_child).where(col(of_child.member_id).in_(children)))
    db.exec(delete(Acknowledgement).where(col(Acknowledgement.parent_id).in_(parents)))
    db.exec(delete(PlanQuestion).where(col(PlanQuestion.parent_id).in_(parents)))
    db.exec(delete(ParentVersion).where(col(ParentVersion.parent_id).in_(parents)))
    appointments = select(Appointment.id).where(Appointment.family_id == family.id)
    db.exec(delete(AppointmentAnswer).where(col(AppointmentAnswer.appointment_id).in_(appointments)))
    db.exec(delete(SafetyAgreement).where(col(SafetyAgreement.situation_id).in_(situations)))
    db.exec(delete(UnsafeSituation).where(col(UnsafeSituation.version_id).in_(versions)))
    db.exec(delete(PlanItem).where(col(PlanItem.version_id).in_(versions)))
    db.exec(delete(TranslationJob).where(col(TranslationJob.family_id) == family.id))
    plan_ids = select(SafetyPlan.id).where(SafetyPlan.family_id == family.id)
    db.exec(delete(PlanVersion).where(col(PlanVersion.plan_id).in_(plan_ids)))
    db.exec(delete(SafetyPlan).where(col(SafetyPlan.family_id) == family.id))
    # Partners' signals about it go with it (they name its people); a signal about someone else that only listed it
    # as a candidate keeps waiting, without it.
    signals = select(Signal.id).where(Signal.family_id == family.id)
    db.exec(delete(SignalAddition).where(col(SignalAddition.signal_id).in_(signals)))
    db.exec(delete(SignalCandidate).where(col(SignalCandidate.signal_id).in_(signals)))
    # The household's translations go too: they hold its names and numbers.
    for table in (SignalCandidate, Signal, MatchKey, ProfessionalNetwork, Appointment, DuoAssignment, BreakGlass,
                  FamilyMember, CaseClosure, TranslationSegment, ParentTextRendering):
        db.exec(delete(table).where(col(table.family_id) == family.id))
    db.exec(delete(Parent).where(col(Parent.family_id) == family.id))
    for account_table in (UserSession, RecoveryCode, OneTimeCode, OutboxMessage, SignInFlow):
        db.exec(delete(account_table).where(col(account_table.account_id).in_(accounts or [-1])))
    db.exec(delete(Account).where(col(Account.id).in_(accounts or [-1])))
    db.delete(family)


def run(db: Session, years: int, origin: str, now: dt.datetime | None = None) -> list[int]:
    """What `portal retention` and the worker's daily job do: remove the sign-ins that ended, then each household
    closed longer ago than the retention period, each with its audit event in its own transaction; the ids of the
    households removed."""
    remove_ended_sign_ins(db, now)
    db.commit()
    removed = []
    for family in expired_families(db, years, now):
        assert family.id is not None  # a stored household
        audit.append(db, action="family.retention", result="removed", object=f"family:{family.id}",
                     family_id=family.id, actor_name="retention", role="system", origin=origin)
        remove_family(db, family)
        db.commit()  # the removal and its event together
        removed.append(family.id)
    return removed


def ended_sign_ins(db: Session, now: dt.datetime | None = None) -> dict[str, int]:
    """How many session rows past SESSION_ROWS_KEPT, and sign-in steps (with any text kept in them) and one-time
    codes past their time, there are to remove."""
    now = now or clock.now()
    return {name: db.exec(select(func.count()).select_from(table).where(condition)).one()
            for name, table, condition in _ended(now)}


def remove_ended_sign_ins(db: Session, now: dt.datetime | None = None) -> None:
    """Delete them (the caller commits): nothing of a sign-in stays on the server longer than it serves."""
    for _name, table, condition in _ended(now or clock.now()):
        db.exec(delete(table).where(condition))


def _ended(now: dt.datetime):
    return (("sessions", UserSession, UserSession.created_at < now - SESSION_ROWS_KEPT),
            ("sign-in steps", SignInFlow, SignInFlow.expires_at < now),
            # A code still counts toward the limit of codes a phone gets after it expired (accounts.secrets).
            ("codes", OneTimeCode, and_(col(OneTimeCode.expires_at) < now,
                                        col(OneTimeCode.created_at) < now - CODES_COUNTED_FOR)))
