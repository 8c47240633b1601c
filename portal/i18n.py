"""The interface languages, how a request's locale is chosen, and locale-aware formatting."""
import datetime as dt

from babel import Locale
from flask import Flask, request, session
from flask_babel import format_date, format_datetime, format_time, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

DEFAULT_LOCALE = "nl"
# Each language in its own name, for the language menu.
LANGUAGES = {
    "nl": "Nederlands",
    "en": "English",
    "ar": "العربية",
    "tr": "Türkçe",
    "pl": "Polski",
    "uk": "Українська",
    "so": "Soomaali",
    "ti": "ትግርኛ",
}


def select_locale() -> str:
    """Explicit choice (saved on the account) -> session -> Accept-Language -> Dutch."""
    if current_user.is_authenticated and current_user.account.language in LANGUAGES:
        return current_user.account.language
    if session.get("language") in LANGUAGES:
        return session["language"]
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LOCALE


def text_direction(locale: str) -> str:
    return Locale.parse(locale).text_direction


ROLE_NAMES = {"worker": _l("worker"), "teamlead": _l("team lead"), "interpreter": _l("interpreter"),
              "parent": _l("parent")}
ACTION_NAMES = {
    "family.view": _l("opened your file"),
    "family.break_glass": _l("opened your file in an emergency"),
    "plan.save": _l("changed the draft of your plan"),
    "plan.publish": _l("published a new version of your plan"),
    "plan.reply": _l("answered your question"),
    "plan.read_along": _l("read your plan during an appointment"),
    "appointment.save": _l("planned or changed an appointment"),
    "translation.save": _l("translated your plan"),
}


def weekday_date(weekday: int) -> dt.date:
    """Any date on this weekday (0 = Monday), to let Babel name the day."""
    return dt.date(2024, 1, 1) + dt.timedelta(days=weekday)


def init_app(app: Flask) -> None:
    app.context_processor(lambda: {"locale": str(get_locale())})
    app.jinja_env.globals.update(
        format_date=format_date, format_time=format_time, format_datetime=format_datetime,
        weekday_date=weekday_date, language_name=lambda code: LANGUAGES.get(code, code),
        role_name=lambda role: ROLE_NAMES.get(role, role),
        action_name=lambda action: ACTION_NAMES.get(action, _l("changed your file")),
        LANGUAGES=LANGUAGES, text_direction=text_direction)
