"""Sign-in and activation kept on the server, one record per step: the cookie carries only that step's token.

The browser's cookie is given as a mapping (the web passes Flask's session): nothing here reads the web."""
import datetime as dt
import hashlib
import secrets
from collections.abc import MutableMapping

from sqlalchemy import delete, or_, update
from sqlmodel import Session, col, select

from portal import clock
from portal.models import Account, SignInFlow

TIME_LIMITS = {"sign_in": dt.timedelta(minutes=5), "activation": dt.timedelta(minutes=30)}
# Wrong codes: at CODES_PER_FLOW the password is asked again; at CODES_PER_DAY the code step stays closed
# until the account's counting day ends (docs/security.md: the chance this leaves an attacker).
CODES_PER_FLOW = 10
CODES_PER_DAY = 30
DAY = dt.timedelta(days=1)
_COOKIE_KEY = "flow"


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


Cookie = MutableMapping[str, str]


def _issue(db: Session, cookie: Cookie, account_id: int, kind: str, step: str, audience: str,
           expires_at: dt.datetime) -> None:
    token = secrets.token_urlsafe(32)
    db.add(SignInFlow(token_hash=_token_hash(token), account_id=account_id, kind=kind, step=step,
                      audience=audience, expires_at=expires_at))
    cookie[_COOKIE_KEY] = token


def begin(db: Session, cookie: Cookie, account: Account, kind: str, step: str, audience: str) -> None:
    """Start a flow at its first step (the caller commits); the flow this browser had open ends."""
    assert account.id is not None  # a stored account
    end_current(db, cookie)
    # The account's expired rows serve nothing any more (its count of wrong codes lives on the account).
    db.exec(delete(SignInFlow).where(col(SignInFlow.account_id) == account.id,
                                     col(SignInFlow.expires_at) <= clock.now()))
    _issue(db, cookie, account.id, kind, step, audience, clock.now() + TIME_LIMITS[kind])


def current(db: Session, cookie: Cookie, kind: str, step: str, audience: str) -> tuple[SignInFlow, Account] | None:
    """The open record of this step for the cookie's token, and its account; None when the cookie has
    none, or it is of another step, used, ended, too old, or its account was deactivated."""
    token = cookie.get(_COOKIE_KEY)
    if not token:
        return None
    found = db.exec(select(SignInFlow, Account).join(Account, col(Account.id) == SignInFlow.account_id)
                    .where(SignInFlow.token_hash == _token_hash(token))).first()
    if found is None:
        return None
    flow, account = found
    if ((flow.kind, flow.step, flow.audience) != (kind, step, audience) or flow.consumed_at is not None
            or flow.expires_at <= clock.now() or not account.active):
        return None
    return flow, account


def account_in_cookie(db: Session, cookie: Cookie) -> str:
    """The account of the browser's open step, for the limiter's key (any step, any kind)."""
    token = cookie.get(_COOKIE_KEY)
    if not token:
        return ""
    account_id = db.exec(select(SignInFlow.account_id).where(SignInFlow.token_hash == _token_hash(token))).first()
    return str(account_id or "")


def use(db: Session, cookie: Cookie, flow: SignInFlow) -> bool:
    """Use this step's record, once (atomic update, committed): of two requests with one cookie only one
    goes on, and every copy of this cookie is worth nothing from now on."""
    used = db.exec(update(SignInFlow).where(col(SignInFlow.id) == flow.id, col(SignInFlow.consumed_at).is_(None))
                   .values(consumed_at=clock.now()))
    db.commit()
    if used.rowcount != 1:
        return False
    cookie.pop(_COOKIE_KEY, None)
    return True


def next_step(db: Session, cookie: Cookie, flow: SignInFlow, step: str) -> None:
    """A new record for the step after a used one, within the flow's time limit (the caller commits)."""
    _issue(db, cookie, flow.account_id, flow.kind, step, flow.audience, flow.expires_at)


def end_current(db: Session, cookie: Cookie) -> None:
    """End the flow this browser has open, if any (the caller commits)."""
    token = cookie.pop(_COOKIE_KEY, None)
    if token:
        db.exec(update(SignInFlow).where(col(SignInFlow.token_hash) == _token_hash(token),
                                         col(SignInFlow.consumed_at).is_(None)).values(consumed_at=clock.now()))


def end_all(db: Session, account_id: int) -> None:
    """End every open sign-in and activation of the account, in any browser, and forget text kept for it
    (portal/web/kept.py) (the caller commits)."""
    db.exec(update(SignInFlow).where(col(SignInFlow.account_id) == account_id, col(SignInFlow.consumed_at).is_(None))
            .values(consumed_at=clock.now(), typed=""))


def _counting_day_over(now: dt.datetime):
    """SQL: the account's count of wrong codes began a day ago or more (or never)."""
    return or_(col(Account.code_failures_since).is_(None), col(Account.code_failures_since) <= now - DAY)


def locked_today(db: Session, account: Account) -> bool:
    """True while the account has had CODES_PER_DAY wrong codes in its counting day."""
    now = clock.now()
    open_day = db.exec(select(Account.id).where(Account.id == account.id, ~_counting_day_over(now),
                                                Account.code_failures >= CODES_PER_DAY)).first()
    return open_day is not None


def claim_step_attempt(db: Session, flow: SignInFlow) -> bool:
    """Count a code attempt at this step before the code is checked (committed), so that guesses sent in
    parallel cannot pass the limit: False once CODES_PER_FLOW were tried."""
    counted = db.exec(update(SignInFlow).where(col(SignInFlow.id) == flow.id, col(SignInFlow.consumed_at).is_(None),
                                               col(SignInFlow.code_attempts) < CODES_PER_FLOW)
                      .values(code_attempts=SignInFlow.code_attempts + 1))
    db.commit()
    return counted.rowcount == 1


def claim_code_attempt(db: Session, flow: SignInFlow, account: Account) -> str | None:
    """Count a sign-in code attempt before the code is checked (committed), at the step and for the account's
    day. None when the attempt may go on, else the limit that holds it: "flow" or "day"."""
    if not claim_step_attempt(db, flow):
        return "flow"
    now = clock.now()
    # A day after the count began, it begins afresh.
    db.exec(update(Account).where(col(Account.id) == account.id, _counting_day_over(now))
            .values(code_failures=0, code_failures_since=now))
    counted = db.exec(update(Account).where(col(Account.id) == account.id, col(Account.code_failures) < CODES_PER_DAY)
                      .values(code_failures=Account.code_failures + 1))
    db.commit()
    return None if counted.rowcount == 1 else "day"


def limit_reached(db: Session, flow: SignInFlow, account: Account) -> str | None:
    """After a wrong code: "day" or "flow" when that was the last attempt the limit allowed, else None."""
    if locked_today(db, account):
        return "day"
    attempts = db.exec(select(SignInFlow.code_attempts).where(SignInFlow.id == flow.id)).one()
    return "flow" if attempts >= CODES_PER_FLOW else None


def code_accepted(db: Session, cookie: Cookie, flow: SignInFlow, account: Account) -> bool:
    """The code was right: use the step (False when another request did first) and give back the
    attempt counted before the check, so signing in never counts toward the day's limit."""
    if not use(db, cookie, flow):
        return False
    db.exec(update(Account).where(col(Account.id) == account.id, col(Account.code_failures) > 0)
            .values(code_failures=Account.code_failures - 1))
    db.commit()
    return True
