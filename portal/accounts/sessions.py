"""Server-side sessions: rotated at sign-in, idle and absolute limits, ended everywhere on demand."""
import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import bindparam, func, update
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from portal import clock
from portal.models import (
    Account,
    Family,
    FamilyMember,
    Interpreter,
    NetworkMember,
    Parent,
    Partner,
    Role,
    UserSession,
    Worker,
)
from portal.models.accounts import FAMILY_ROLES

# The family pages' idle limit: a phone left on a table ends its session soon.
IDLE_LIMIT = {role: dt.timedelta(minutes=15) for role in FAMILY_ROLES}
STAFF_IDLE_LIMIT = dt.timedelta(minutes=30)
ABSOLUTE_LIMIT = dt.timedelta(hours=12)
# last_seen_at is written at most this often, so reading pages stays cheap.
TOUCH_INTERVAL = dt.timedelta(seconds=30)


def idle_limit(role: Role) -> dt.timedelta:
    return IDLE_LIMIT.get(role, STAFF_IDLE_LIMIT)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class SignedIn:
    """The signed-in user as Flask-Login sees it: an account, its live session and its role's profile."""

    account: Account
    record: UserSession
    token: str
    parent: Parent | None = None
    worker: Worker | None = None
    interpreter: Interpreter | None = None
    family: Family | None = None  # a parent's or member's household, as it was when the session was looked up
    member: NetworkMember | None = None  # a member of a family's circle
    child: FamilyMember | None = None  # a child of 12 or over with an account
    partner: Partner | None = None  # a person of a partner organisation

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        return self.token

    @property
    def role(self) -> Role:
        return self.account.role

    def expires_at(self) -> dt.datetime:
        idle_end = self.record.last_seen_at + idle_limit(self.role)
        return min(idle_end, self.record.created_at + ABSOLUTE_LIMIT)


def start(db: Session, account: Account, language: str | None) -> SignedIn:
    """Begin a new session with a fresh identifier (committed). A language chosen during the sign-in goes to the
    account; else the account's own is spoken. The browser's side is portal/auth/session_cookie.py."""
    assert account.id is not None  # a stored account
    account.language = language or account.language
    db.add(account)  # committed with the session
    token = secrets.token_urlsafe(32)
    record = UserSession(token_hash=_token_hash(token), account_id=account.id,
                         generation=account.session_generation)
    db.add(record)
    db.commit()
    user = load(db, token)
    # Made this moment, of the account's generation; sign-in admits active accounts only.
    assert user is not None
    return user


# sqlmodel's select() is typed for up to four entities; Select is the class it builds for more. The profiles are
# outer-joined: None for the other roles; a parent's, circle member's or child's household comes with them, for the
# closed-case check of every family page (portal/family/closed.py). Built once, with the token's hash bound at each
# request (issue 23).
_SIGNED_IN_ROW: Select[UserSession, Account, Parent | None, Worker | None, Interpreter | None, Family | None,
                       NetworkMember | None, FamilyMember | None, Partner | None]
_SIGNED_IN_ROW = Select(UserSession, Account, Parent, Worker, Interpreter, Family, NetworkMember, FamilyMember,
                        Partner)
_SIGNED_IN = (
    _SIGNED_IN_ROW.join(Account, col(Account.id) == UserSession.account_id)
    .outerjoin(Parent, col(Parent.account_id) == Account.id)
    .outerjoin(NetworkMember, col(NetworkMember.account_id) == Account.id)
    .outerjoin(FamilyMember, col(FamilyMember.account_id) == Account.id)
    .outerjoin(Family, col(Family.id) == func.coalesce(Parent.family_id, NetworkMember.family_id,
                                                       FamilyMember.family_id))
    .outerjoin(Worker, col(Worker.account_id) == Account.id)
    .outerjoin(Interpreter, col(Interpreter.account_id) == Account.id)
    .outerjoin(Partner, col(Partner.account_id) == Account.id)
    .where(UserSession.token_hash == bindparam("token_hash")))


def load(db: Session, token: str, now: dt.datetime | None = None) -> SignedIn | None:
    """The live session for a cookie token, or None when it ended, idled out or is too old.

    One query brings the session, the account, the role's profile and a parent's household: every signed-in page
    starts with it."""
    now = now or clock.now()
    row = db.exec(_SIGNED_IN, params={"token_hash": _token_hash(token)}).first()
    if row is None:
        return None
    record, account, parent, worker, interpreter, family, member, child, partner = row
    user = SignedIn(account, record, token, parent, worker, interpreter, family, member, child, partner)
    if (record.ended_at or not account.active or record.generation != account.session_generation
            or now >= user.expires_at()):
        return None
    if now - record.last_seen_at >= TOUCH_INTERVAL:
        touch(db, record, now)
    return user


def lapsed_account(db: Session, token: str | None) -> int | None:
    """The account of the session a cookie token names, when that session ran out of time (idle or absolute
    limit): not when it was signed out, ended by a password change or new letter, or its account deactivated."""
    if not token:
        return None
    row = db.exec(select(UserSession, Account).join(Account, col(Account.id) == UserSession.account_id)
                  .where(UserSession.token_hash == _token_hash(token))).first()
    if row is None:
        return None
    record, account = row
    if record.ended_at or not account.active or record.generation != account.session_generation:
        return None
    return account.id


def touch(db: Session, record: UserSession, now: dt.datetime | None = None) -> None:
    """Extend the idle limit (every request, and the 'stay signed in' button)."""
    record.last_seen_at = now or clock.now()
    db.add(record)
    db.commit()


def end(db: Session, user: SignedIn) -> None:
    """End this session (committed); the browser's side is the blueprint's."""
    db.exec(update(UserSession).where(col(UserSession.id) == user.record.id).values(ended_at=clock.now()))
    db.commit()


def end_all_other(db: Session, account: Account, keep: UserSession | None = None) -> None:
    """After a password change: raise the generation so every other session is refused."""
    account.session_generation += 1
    db.add(account)
    if keep is not None:
        keep.generation = account.session_generation
        db.add(keep)
    db.commit()
