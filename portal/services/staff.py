"""Staff accounts of a team: workers, team leads and interpreters, their first sign-in, switching them off.

A new account gets a start password for its letter and no authenticator: the staff sign-in then asks to link
one (portal/auth/views.py: enrol), as for an account made with `portal create-user`. Each function changes the
session and flushes; the caller records the audit event and commits.
"""
import datetime as dt
import re
import secrets
import unicodedata
from dataclasses import dataclass

from sqlmodel import Session, col, delete, select

from portal.accounts import flows
from portal.accounts.secrets import hash_password
from portal.models import Absence, Account, Interpreter, InterpreterTeam, RecoveryCode, Role, Worker, WorkingHours
from portal.services import interpreting, stored_id

STAFF_ROLES = (Role.worker, Role.teamlead, Role.interpreter)
START_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read from paper and typed
START_GROUPS = 4


class StaffError(ValueError):
    """A change a team lead may not make (e.g. switching off their own account)."""


@dataclass(frozen=True)
class StaffDetails:
    name: str
    organisation: str = ""
    phone: str = ""
    hours: tuple[tuple[int, dt.time, dt.time], ...] = ()  # (weekday, start, end); 0 = Monday
    languages: tuple[str, ...] = ()  # interpreters


@dataclass(frozen=True)
class StaffMember:
    account: Account
    worker: Worker | None
    interpreter: Interpreter | None

    @property
    def profile(self) -> Worker | Interpreter:
        profile = self.worker or self.interpreter
        assert profile is not None  # a staff account has a worker's or an interpreter's profile
        return profile


def unique_username(db: Session, prefix: str, name: str, fallback: str) -> str:
    """A free username from the first name, e.g. "evi", "evi2", "ouder-karim": letters without accents, or
    the fallback for a name in another script."""
    first = unicodedata.normalize("NFKD", (name.split() or [""])[0]).encode("ascii", "ignore").decode().lower()
    base = prefix + (re.sub(r"[^a-z0-9]", "", first) or fallback)
    username, number = base, 1
    while db.exec(select(Account.id).where(Account.username == username)).first():
        number += 1
        username = f"{base}{number}"
    return username


def team_staff(db: Session, team_id: int) -> list[StaffMember]:
    """Workers and team leads of the team, and the interpreters who work for it, by name."""
    workers = db.exec(select(Account, Worker).join(Worker, col(Worker.account_id) == Account.id)
                      .where(Worker.team_id == team_id)).all()
    interpreters = db.exec(select(Account, Interpreter).join(Interpreter, col(Interpreter.account_id) == Account.id)
                           .join(InterpreterTeam, col(InterpreterTeam.interpreter_id) == Interpreter.id)
                           .where(InterpreterTeam.team_id == team_id)).all()
    found = [StaffMember(a, w, None) for a, w in workers] + [StaffMember(a, None, i) for a, i in interpreters]
    return sorted(found, key=lambda member: member.profile.name.lower())


def member(db: Session, account_id: int) -> StaffMember | None:
    """A staff account with its worker or interpreter profile; None for parents and unknown ids."""
    account = db.get(Account, account_id)
    if account is None or account.role not in STAFF_ROLES:
        return None
    worker = db.exec(select(Worker).where(Worker.account_id == account.id)).first()
    interpreter = db.exec(select(Interpreter).where(Interpreter.account_id == account.id)).first()
    return StaffMember(account, worker, interpreter) if worker or interpreter else None


def working_hours(db: Session, worker_id: int) -> list[WorkingHours]:
    return list(db.exec(select(WorkingHours).where(WorkingHours.worker_id == worker_id)
                        .order_by(col(WorkingHours.weekday))))


def _start_password() -> str:
    return "-".join("".join(secrets.choice(START_ALPHABET) for _ in range(4)) for _ in range(START_GROUPS))


def create(db: Session, team_id: int, role: Role, details: StaffDetails) -> tuple[StaffMember, str]:
    """A new staff account in the team, and the start password for its first-sign-in letter."""
    new = add(db, team_id, role, details)
    return new, new_start(db, new.account)


def add(db: Session, team_id: int, role: Role, details: StaffDetails, username: str | None = None) -> StaffMember:
    """A new staff account in the team with its worker or interpreter profile, not yet able to sign in (no
    password); the username is made from the first name unless given (the demo's accounts have fixed ones)."""
    if role not in STAFF_ROLES:
        raise StaffError("only workers, team leads and interpreters are staff")
    prefix = "tolk-" if role is Role.interpreter else ""
    account = Account(username=username or unique_username(db, prefix, details.name, "medewerker"), role=role,
                      display_name=details.name)
    db.add(account)
    db.flush()
    worker = interpreter = None
    if role is Role.interpreter:
        interpreter = Interpreter(account_id=account.id, name=details.name, languages="")
        db.add(interpreter)
        db.flush()
        db.add(InterpreterTeam(interpreter_id=stored_id(interpreter.id), team_id=team_id))
    else:
        worker = Worker(account_id=account.id, team_id=team_id, name=details.name, organisation="", phone="")
    new = StaffMember(account, worker, interpreter)
    change(db, new, details)
    return new


def change(db: Session, staff: StaffMember, details: StaffDetails) -> None:
    """Name, and a worker's organisation, phone and working hours, or an interpreter's languages."""
    staff.account.display_name = details.name
    db.add(staff.account)
    if staff.interpreter is not None:
        staff.interpreter.name, staff.interpreter.languages = details.name, ",".join(details.languages)
        db.add(staff.interpreter)
        # A language dropped or added: whose work is whose.
        interpreting.redistribute(db, stored_id(staff.interpreter.id))
    else:
        worker = staff.worker
        assert worker is not None  # staff without an interpreter's profile have a worker's
        worker.name, worker.organisation, worker.phone = details.name, details.organisation, details.phone
        db.add(worker)
        db.flush()
        assert worker.id is not None  # given by the flush
        db.exec(delete(WorkingHours).where(col(WorkingHours.worker_id) == worker.id))
        db.add_all([WorkingHours(worker_id=worker.id, weekday=day, start=start, end=end)
                    for day, start, end in details.hours])
    db.flush()


ABSENCES_SHOWN = 50  # a worker's coming absences on their staff page


def away(db: Session, worker: Worker, first_day: dt.date, last_day: dt.date) -> Absence:
    """A worker is away from the first to the last day: their households are told to call the duo partner."""
    absence = Absence(worker_id=stored_id(worker.id), first_day=first_day, last_day=last_day)
    db.add(absence)
    db.flush()
    return absence


def absences(db: Session, worker: Worker, today: dt.date) -> list[Absence]:
    """The worker's absences that are not over, soonest first."""
    return list(db.exec(select(Absence).where(Absence.worker_id == worker.id, Absence.last_day >= today)
                        .order_by(col(Absence.first_day), col(Absence.id)).limit(ABSENCES_SHOWN)))


def back(db: Session, worker: Worker, absence_id: int) -> bool:
    """The worker is not away after all (an absence recorded by mistake, or cut short): True when one was removed."""
    removed = db.exec(delete(Absence).where(col(Absence.id) == absence_id, col(Absence.worker_id) == worker.id))
    return removed.rowcount > 0


def new_start(db: Session, account: Account) -> str:
    """Start again from a letter: a new start password, no authenticator nor recovery codes, every session
    and every sign-in begun before ended. The next sign-in asks to link an authenticator app, as the first."""
    password = _start_password()
    account.password_hash = hash_password(password)
    account.totp_secret, account.totp_enrolled = None, False
    account.session_generation += 1
    db.add(account)
    db.exec(delete(RecoveryCode).where(col(RecoveryCode.account_id) == account.id))
    flows.end_all(db, stored_id(account.id))
    db.flush()
    return password


def switch(db: Session, account: Account, active: bool, by: Account) -> bool:
    """Switch an account off (its sessions end at once, it leaves the choices for new duos and, an interpreter's,
    for new work, its open work handed to others) or on again; True when that changed anything."""
    if account.id == by.id:
        raise StaffError("a team lead does not switch their own account")
    if account.active == active:
        return False
    account.active = active
    account.session_generation += 1
    db.add(account)
    db.flush()
    interpreter = db.exec(select(Interpreter.id).where(Interpreter.account_id == account.id)).first()
    if interpreter is not None:  # switched off: their open work goes to others at once; on: they take what waits
        interpreting.redistribute(db, interpreter)
    return True
