"""Device cookies (OWASP, "Slow Down Online Guessing Attacks with Device Cookies"): a browser where an account
signed in before has its own count of wrong passwords, so strangers guessing cannot keep the account's owner out."""
import datetime as dt
import hashlib
import secrets

from flask import after_this_request, current_app, g, request
from itsdangerous import BadSignature, Signer
from sqlmodel import Session, select

from portal.models import Account

COOKIE = "device"
KNOWN_FOR = dt.timedelta(days=180)  # from the last whole sign-in on the device
# Wrong passwords a known device may send for its account before it is held on its own (the limiter's key
# "device:<nonce>"); browsers without a device cookie share the account's limit (auth/views.py).
FAILURES_PER_DEVICE = "20/hour"
VALUE_LENGTH = 100  # a nonce and its signature take 70 characters; anything longer is no device cookie


def _signer(account_id: int) -> Signer:
    # The account is in the signing key, not in the cookie: whoever reads the cookie learns no username,
    # and a device cookie of one account is worth nothing for another.
    return Signer(current_app.config["SECRET_KEY"], salt=f"device-cookie:{account_id}",
                  digest_method=hashlib.sha256)


def known(db: Session, username: str) -> str | None:
    """The nonce of this browser's device cookie when it is a valid one of this username's account, else None
    (no cookie, forged, of another account, or the username is unknown)."""
    if "known_device" not in g:
        g.known_device = _nonce(db, username)
    return g.known_device


def _nonce(db: Session, username: str) -> str | None:
    value = request.cookies.get(COOKIE, "")
    if not value or len(value) > VALUE_LENGTH:
        return None
    account_id = db.exec(select(Account.id).where(Account.username == username)).first()
    if account_id is None:
        return None
    try:
        return _signer(account_id).unsign(value).decode()
    except BadSignature:
        return None


def remember(account: Account) -> None:
    """After a whole sign-in (password and second factor, never the password alone): this browser becomes a
    known device of the account, with a new nonce and so a fresh count."""
    assert account.id is not None  # a stored account
    value = _signer(account.id).sign(secrets.token_urlsafe(16)).decode()

    @after_this_request
    def set_cookie(response):
        response.set_cookie(COOKIE, value, max_age=KNOWN_FOR, httponly=True, samesite="Lax",
                            secure=current_app.config["SESSION_COOKIE_SECURE"])
        return response


def forget(response) -> None:
    """Leave quickly: the cookie would show that the portal was used on this phone, so it goes too."""
    response.delete_cookie(COOKIE, httponly=True, samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"])
