"""A letter printed again: its secret (activation code or start password) kept briefly in the browser that made it."""
import datetime as dt
from collections.abc import Callable

from flask import request, session

from portal import clock
from portal.backoffice import blueprint
from portal.models import Account

# A letter can be printed again (a reload, a jammed printer) for this long, only in the browser that made it, only
# while its secret is unused and only until another page is opened: the secret rides in that browser's signed session
# cookie, never in the database.
LETTER_SHOWN = dt.timedelta(minutes=30)
LETTER_PAGES = {"backoffice.letter", "backoffice.circle_letter", "backoffice.child_letter",
                "backoffice.staff_letter_page", "backoffice.partner_letter"}


def keep(account: Account, secret: str) -> None:
    """The letter just made for this account, to show on the page the browser is sent to (and again on a reload)."""
    session["letter"] = {"account": account.id, "secret": secret, "until": (clock.now() + LETTER_SHOWN).isoformat()}


@blueprint.before_request
def forget_elsewhere() -> None:
    """Any other back-office page forgets the letter: its secret is readable no longer than the letter is in use."""
    if "letter" in session and request.endpoint not in LETTER_PAGES:
        session.pop("letter")


def kept(account: Account | None, unused: Callable[[str], bool]) -> tuple[str, dt.datetime] | None:
    """The secret of the letter this browser made for this account and until when it is shown, while it may still
    be shown: within LETTER_SHOWN and `unused` (the parent activated, the worker signed in, or a newer letter)."""
    letter = session.get("letter") or {}
    if account is None or letter.get("account") != account.id:
        return None
    until = dt.datetime.fromisoformat(letter["until"])
    if clock.now() >= until or not unused(letter["secret"]):
        session.pop("letter", None)
        return None
    return letter["secret"], until
