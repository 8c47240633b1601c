"""The interface languages, how a request's locale is chosen, and locale-aware formatting."""
import datetime as dt
from functools import lru_cache

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.support import NullTranslations
from flask import Flask, g, request, session
from flask_babel import (
    force_locale,
    format_date,
    format_datetime,
    format_time,
    get_locale,
    get_timezone,
    get_translations,
    refresh,
    to_user_timezone,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

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


# The session cookie's language: the one chosen in this browser, or that of the account signed in (or out) here last.
LANGUAGE = "language"
# Where a language was chosen while signed out ("family" or "staff" pages): a sign-in there takes it to the account.
CHOSEN_SIGNED_OUT = "language_chosen"


def audience_of(path: str) -> str:
    """Whose pages an address is: the back office's staff, or the family's (sign-in, activation, family pages)."""
    return "staff" if path.startswith("/backoffice") else "family"


def select_locale() -> str:
    """Explicit choice (saved on the account) -> session -> Accept-Language -> Dutch."""
    if current_user.is_authenticated and current_user.account.language in LANGUAGES:
        return current_user.account.language
    if session.get(LANGUAGE) in LANGUAGES:
        return session[LANGUAGE]
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LOCALE


def choose_language(code: str, signed_in: bool, page: str) -> None:
    """The session speaks `code` from now on, this request's page too (the locale was chosen before the choice).
    Chosen while signed out on `page`: a sign-in to the same audience's pages takes it to the account."""
    session[LANGUAGE] = code
    if signed_in:
        session.pop(CHOSEN_SIGNED_OUT, None)
    else:
        session[CHOSEN_SIGNED_OUT] = audience_of(page)
    refresh()


def chosen_signed_out(audience: str) -> str | None:
    """The language chosen in this browser on `audience`'s pages since the last sign-in or sign-out, once: the
    sign-in saves it on the account. Not one chosen on the other audience's pages (a worker who showed a parent the
    sign-in page in Arabic), nor the language a page was left in (the next person on a shared phone keeps theirs)."""
    chosen = session.pop(CHOSEN_SIGNED_OUT, None)
    return session.get(LANGUAGE) if chosen == audience and session.get(LANGUAGE) in LANGUAGES else None


def session_language() -> str | None:
    """The language the session cookie holds, if any."""
    return session.get(LANGUAGE)


def clear_session(language: str | None) -> None:
    """Empty the session cookie at a new step of signing in or out, but for `language` (None: the browser's own) and
    a choice made while signed out: the next page speaks it. Leave quickly clears everything: no trace of it either."""
    chosen = session.get(CHOSEN_SIGNED_OUT)
    session.clear()
    if language in LANGUAGES:
        session[LANGUAGE] = language
    if chosen:
        session[CHOSEN_SIGNED_OUT] = chosen


@lru_cache(maxsize=256)
def text_direction(locale: str) -> str:
    return Locale.parse(locale).text_direction


# A worker's part in a household's duo, by DuoRole value: one place for how the back office names it.
DUO_ROLE_NAMES = {"contact": _l("contact person"), "partner": _l("duo partner")}
ROLE_NAMES = {"worker": _l("worker"), "teamlead": _l("team lead"), "interpreter": _l("interpreter"),
              "parent": _l("parent"), "network": _l("member of the family's circle"), "child": _l("child"),
              "partner": _l("partner"), "partner-system": _l("partner's system")}
PARTNER_KIND_NAMES = {"police": _l("Police"), "school": _l("School"), "gp": _l("GP"),
                      "veilig_thuis": _l("Veilig Thuis"), "social_team": _l("Social team of a municipality")}
ACTION_NAMES = {
    "family.view": _l("opened your file"),
    "circle.add": _l("added you to the family's circle"),
    "circle.name": _l("confirmed which agreements you carry out"),
    "circle.handled": _l("handled your answer"),
    "child.decision": _l("gave you your own page"),
    "child.plan": _l("wrote down your plan"),
    "child.read": _l("read what you wrote"),
    "family.break_glass": _l("opened your file in an emergency"),
    "plan.save": _l("changed the draft of your plan"),
    "plan.publish": _l("published a new version of your plan"),
    "plan.reply": _l("answered your question"),
    "appointment.reply": _l("answered you about an appointment"),
    "plan.read_along": _l("read your plan during an appointment"),
    "appointment.save": _l("planned or changed an appointment"),
    "translation.save": _l("translated your plan"),
    "plan.view": _l("looked at your plan"),
    "answers.view": _l("read your answers"),
    "appointment.view": _l("looked at your appointments"),
    "translation.view": _l("opened your plan to translate it"),
    "rendering.ask": _l("asked an interpreter to put your words into Dutch"),
    "rendering.view": _l("opened your words to put them into Dutch"),
    "rendering.save": _l("put your words into Dutch"),
    "overview.view": _l("saw your questions or appointments in their work list"),
    "timeline.view": _l("looked at the history of your file"),
    "factual_file.view": _l("made an overview of the facts in your file"),
    "team.overview.view": _l("saw your file in the team overview"),
}


@lru_cache(maxsize=len(LANGUAGES) * 7)
def _weekday_name(locale: str, weekday: int) -> str:
    return babel_format_date(dt.date(2024, 1, 1) + dt.timedelta(days=weekday), "EEEE", locale=locale)


def weekday_name(weekday: int) -> str:
    """The name of a weekday (0 = Monday) in the page's language."""
    return _weekday_name(str(get_locale()), weekday)


def format_moment(moment: dt.datetime) -> str:
    """Day and time of an appointment as the page's language writes them: "maandag 30 november 2026 om 11:00"."""
    day = format_date(to_user_timezone(moment), "full")
    # i18n: an appointment's day ("maandag 30 november 2026") and clock time ("11:00")
    return _("%(day)s at %(time)s", day=day, time=format_time(moment, "HH:mm"))


def moment(starts_at: dt.datetime) -> str:
    """`format_moment`, written once per moment, language and time zone of the page: all it depends on (Babel's
    full date costs some 0.1 ms, and a parent's pages show the same appointments again and again)."""
    return _moment(starts_at, str(get_locale()), str(get_timezone()))


@lru_cache(maxsize=4096)
def _moment(starts_at: dt.datetime, _locale: str, _timezone: str) -> str:
    return format_moment(starts_at)


def in_language(code: str, caller) -> Markup:
    """A part of a page in another language than the page around it (`{% call in_language(code) %}`): a letter
    in the parent's language on a page in the staff member's. Only that part: the page and the next stay theirs."""
    with force_locale(code):
        return Markup(caller())


def time_value(moment: dt.date | dt.datetime) -> str:
    """The machine-readable value of a `time` element: a day as it is, a moment to the second (HTML allows at most
    three digits of a second's fraction; the stored moments have six)."""
    if isinstance(moment, dt.datetime):
        return moment.isoformat(timespec="seconds")
    return moment.isoformat()


def page_translations() -> NullTranslations:
    """The catalogue for the locale in force, looked up once per request and locale.

    Templates ask for a translation some thirty times a page; Flask-Babel's own lookup walks its request
    state each time. Keyed by locale, so force_locale (a letter in the parent's language) still works."""
    locale = get_locale()
    last = g.get("page_catalogue")
    if last is not None and last[0] is locale:  # the same Locale object as the last message's: no parsing, no str()
        return last[1]
    found = g.setdefault("page_translations", {})
    name = str(locale)
    if name not in found:
        found[name] = get_translations()
    g.page_catalogue = (locale, found[name])  # holds `locale`: its identity cannot pass to another object
    return found[name]


def duo_role_name(role) -> str:
    """"contact person" or "duo partner" in the reader's language, for a DuoRole."""
    return str(DUO_ROLE_NAMES[role.value])


def init_app(app: Flask) -> None:
    app.context_processor(lambda: {"locale": str(get_locale())})
    # Flask-Babel's jinja2.ext.i18n adds this method to the environment when the app starts (Environment.extend):
    # Environment's type does not have it.
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda text: page_translations().ugettext(text),
        ngettext=lambda singular, plural, n: page_translations().ungettext(singular, plural, n),
        pgettext=lambda context, text: page_translations().upgettext(context, text),
        npgettext=lambda context, singular, plural, n: page_translations().unpgettext(context, singular, plural, n),
        newstyle=True)
    app.jinja_env.globals.update(
        format_date=format_date, format_time=format_time, format_datetime=format_datetime,
        weekday_name=weekday_name, format_moment=format_moment, time_value=time_value, in_language=in_language,
        language_name=lambda code: LANGUAGES.get(code, code),
        role_name=lambda role: ROLE_NAMES.get(role, role), duo_role_name=duo_role_name,
        partner_kind_name=lambda kind: PARTNER_KIND_NAMES[kind.value],
        action_name=lambda action: ACTION_NAMES.get(action, _l("changed your file")),
        LANGUAGES=LANGUAGES, text_direction=text_direction)
