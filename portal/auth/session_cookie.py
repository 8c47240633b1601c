"""The browser's side of a session (portal/accounts/sessions.py keeps the server's): its cookie and device."""
from flask_login import login_user, logout_user
from sqlmodel import Session

from portal.accounts import sessions
from portal.auth import devices
from portal.models import Account
from portal.web.i18n import chosen_signed_out, clear_session


def begin(db: Session, account: Account) -> sessions.SignedIn:
    """Sign in with a new session; nothing of the pre-sign-in cookie survives but its language."""
    language = chosen_signed_out("staff" if account.role.is_staff else "family") or account.language
    clear_session(language)  # so even an error page without a database speaks it
    user = sessions.start(db, account, language)
    login_user(user)
    devices.remember(account)  # a session begins only after the second factor: this browser is now known
    return user


def end(db: Session, user: sessions.SignedIn) -> None:
    sessions.end(db, user)
    logout_user()
    clear_session(user.account.language)  # the sign-in page goes on in the language of the pages before
