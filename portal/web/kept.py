"""What a user typed when their session ran out, kept on the server until they sign in again."""
import datetime as dt
import hashlib
import json
import secrets

from flask import Flask, flash, g, request, url_for
from flask import session as cookie
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import delete, or_, update
from sqlmodel import Session, col, select
from werkzeug.datastructures import ImmutableMultiDict

from portal import clock
from portal.accounts import sessions
from portal.db import session as db_session
from portal.models import Account, SignInFlow
from portal.web.forms import typed_fields
from portal.web.redirects import shows_a_page

KEPT_FOR = dt.timedelta(minutes=30)
PATH_LENGTH = 200  # SignInFlow.path
_COOKIE_KEY = "kept"
# The pages that show kept text of a form that has no page of its own (it only answers POST).
KEPT_PAGES = {"family": "auth.kept", "staff": "auth.staff_kept"}


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def keep(audience: str) -> bool:
    """A signed-out POST: keep its typed fields (never a password or code) for the account whose session
    ran out in this browser; the browser gets only a token. Nothing is kept when the browser had no such
    session (its cookie is gone, or it signed out): then nobody can tell whose text it is. Only the
    account's last kept text stays. A form without a page of its own comes back on a page that shows
    only its texts: it is kept when it holds some (words), not for choices and numbers alone."""
    db = db_session()
    account_id = sessions.lapsed_account(db, cookie.get("_user_id"))
    fields = typed_fields(request.form)
    if account_id is None or not fields or len(request.path) > PATH_LENGTH:
        return False
    if not shows_a_page(request.path) and not any(len(value.split()) > 1 for _name, value in fields):
        return False
    now = clock.now()
    db.exec(delete(SignInFlow).where(col(SignInFlow.kind) == "kept",
                                     or_(col(SignInFlow.account_id) == account_id, col(SignInFlow.expires_at) <= now)))
    token = secrets.token_urlsafe(32)
    db.add(SignInFlow(token_hash=_token_hash(token), account_id=account_id, kind="kept", step="waiting",
                      audience=audience, created_at=now, expires_at=now + KEPT_FOR, path=request.path,
                      typed=json.dumps(fields, ensure_ascii=False)))
    db.commit()
    cookie[_COOKIE_KEY] = token
    # In the session's language: the one the user last saw.
    flash(_("You were signed out. Sign in again: what you typed is kept for 30 minutes."))
    return True


def waiting_token() -> str | None:
    """The browser's token for kept text; read it before a new session clears the cookie."""
    return cookie.get(_COOKIE_KEY)


def claim(db: Session, token: str | None, account: Account) -> str | None:
    """Just after `account` signed in: where to go to see the kept text, when it is this account's and still
    waiting, else None. Once: the record can be claimed by one sign-in only, and text kept for another
    account (someone else signed in on this browser) is removed."""
    if not token:
        return None
    found = _token_hash(token)
    claimed = db.exec(update(SignInFlow).where(
        col(SignInFlow.token_hash) == found, col(SignInFlow.kind) == "kept", col(SignInFlow.step) == "waiting",
        col(SignInFlow.account_id) == account.id, col(SignInFlow.consumed_at).is_(None),
        col(SignInFlow.expires_at) > clock.now())
        .values(step="claimed"))
    if claimed.rowcount != 1:
        db.exec(delete(SignInFlow).where(col(SignInFlow.token_hash) == found, col(SignInFlow.kind) == "kept"))
        db.commit()
        return None
    db.commit()
    cookie[_COOKIE_KEY] = token
    row = db.exec(select(SignInFlow).where(SignInFlow.token_hash == found)).one()
    return row.path if shows_a_page(row.path) else url_for(KEPT_PAGES[row.audience])


def forget(db: Session) -> None:
    """Remove the text kept for this browser, if any (Leave quickly)."""
    token = cookie.pop(_COOKIE_KEY, None)
    if token:
        db.exec(delete(SignInFlow).where(col(SignInFlow.token_hash) == _token_hash(token),
                                         col(SignInFlow.kind) == "kept"))
        db.commit()


def _restore() -> None:
    """A GET of the page a kept text came from, just after signing in: the page's form shows the text as if
    the browser had sent it with the request (which every page already only shows), and says so. Once: the
    browser's token goes. Forms that only answer POST get a page of their own (KEPT_PAGES)."""
    if request.method != "GET" or request.endpoint == "static":
        return
    token = cookie.get(_COOKIE_KEY)
    if not token or not current_user.is_authenticated:
        return
    db = db_session()
    row = db.exec(select(SignInFlow).where(
        SignInFlow.token_hash == _token_hash(token), SignInFlow.kind == "kept", SignInFlow.step == "claimed",
        col(SignInFlow.account_id) == current_user.account.id, col(SignInFlow.consumed_at).is_(None),
        SignInFlow.expires_at > clock.now())).first()
    if row is None:
        cookie.pop(_COOKIE_KEY)
        return
    if request.path != row.path and request.endpoint not in KEPT_PAGES.values():
        return
    cookie.pop(_COOKIE_KEY)
    request.form = ImmutableMultiDict(json.loads(row.typed))
    g.kept_path = row.path
    flash(_("You were signed out. What you typed is kept: check it and send it again."))


def init_app(app: Flask) -> None:
    app.before_request(_restore)
