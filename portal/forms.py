"""Small form helpers shared by all views: language switches that keep typed text, clean input."""
import unicodedata

from flask import request, session
from flask_login import current_user

from portal.db import session as db_session
from portal.i18n import LANGUAGES


def save_language(code: str) -> None:
    """Remember the chosen language: on the account when signed in, else in the session."""
    if code not in LANGUAGES:
        return
    session["language"] = code
    if current_user.is_authenticated:
        db = db_session()
        current_user.account.language = code
        db.add(current_user.account)
        db.commit()


def switching_language() -> bool:
    """True when a form was sent only to change the language: re-render it with what was typed."""
    code = request.form.get("set_language")
    if code is None:
        return False
    save_language(code)
    return True


def strip_controls(value: str, max_length: int = 2000) -> str:
    """Text without control or bidi-override characters (line breaks and joiners kept), trimmed."""
    kept = "".join(ch for ch in value if ch in "\n\t\u200c\u200d"
                   or unicodedata.category(ch) not in ("Cc", "Cf"))
    return kept.replace("\r\n", "\n").strip()[:max_length]


def clean(name: str, max_length: int = 2000) -> str:
    """A form field of this request, cleaned."""
    return strip_controls(request.form.get(name, ""), max_length)


def is_phone_number(value: str) -> bool:
    """A phone number as people type it (06 12345678, 020-555 01 00, +31 6 ...): 9 to 15 digits."""
    return all(ch in "+0123456789 -()" for ch in value) and 9 <= sum(ch.isdigit() for ch in value) <= 15
