"""Small form helpers shared by all views: language switches that keep typed text, clean input."""
import datetime as dt
import unicodedata

from flask import request
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.routing import BaseConverter, ValidationError
from wtforms import FieldList, StringField
from wtforms.validators import Length, StopValidation
from wtforms.validators import ValidationError as Invalid
from wtforms.widgets import TextArea

from portal.db import session as db_session
from portal.web.i18n import LANGUAGES, choose_language


def save_language(code: str, page: str | None = None) -> None:
    """Remember the language chosen on `page` (this request's, unless given): in the session, and on the account
    when signed in."""
    if code not in LANGUAGES:
        return
    choose_language(code, current_user.is_authenticated, page or request.path)
    if current_user.is_authenticated:
        db = db_session()
        current_user.account.language = code
        db.add(current_user.account)
        db.commit()


def switching_language() -> bool:
    """True when a form was POSTed only to change the language: re-render it with what was typed."""
    if request.method != "POST":
        return False
    code = LanguageChoice().set_language.data
    if code is None:
        return False
    save_language(code)
    return True


# Form fields never kept or shown again: passwords, codes and the form's own token.
SECRET_FIELDS = ("password", "code", "token", "secret")


class TooLong(ValueError):
    """Text longer than its field holds. It is refused with this message and shown again whole: never cut."""

    def __init__(self, length: int, limit: int, name: str = ""):
        super().__init__(f"{name or 'text'}: {length} characters, at most {limit}")
        self.length, self.limit, self.name = length, limit, name

    @property
    def message(self) -> str:
        return _("Your text is too long: %(length)s characters, and at most %(limit)s fit. "
                 "Make it %(over)s characters shorter.", length=format_decimal(self.length),
                 limit=format_decimal(self.limit), over=format_decimal(self.length - self.limit))


def max_length(column) -> int:
    """The length of a model's text column (its Field(max_length=...)): the one place a field's limit is kept."""
    return column.type.length


_LINE_BREAKS = str.maketrans("", "", "\r\n\t")


def strip_controls(value: str, max_length: int = 2000) -> str:
    """Text without control or bidi-override characters (line breaks and joiners kept), trimmed.
    Longer than max_length: TooLong, so that no caller stores a text cut short without saying so."""
    if value.translate(_LINE_BREAKS).isprintable():  # most text, at C speed: no control character to strip but \r
        kept = value.replace("\r", "")
    else:
        kept = "".join(ch for ch in value if ch in "\n\t\u200c\u200d"
                       or unicodedata.category(ch) not in ("Cc", "Cf"))
    kept = kept.replace("\r\n", "\n").strip()
    if len(kept) > max_length:
        raise TooLong(len(kept), max_length)
    return kept


def fits(value: str, limit: int) -> bool:
    """Does typed text fit in a field of `limit` characters, counted as it would be kept (strip_controls)?"""
    return len(strip_controls(value, len(value))) <= limit


def without_controls(value) -> str:
    """WTForms filter: the typed text as strip_controls keeps it, whatever its length (Fits judges that)."""
    text = "" if value is None else str(value)
    return strip_controls(text, len(text))


class Fits(Length):
    """WTForms' Length with the portal's message: a text longer than `limit` (its column's max_length) is refused
    whole with TooLong's message, never cut. Templates write the field's maxlength from it (field.flags.maxlength)."""

    def __init__(self, limit: int):
        super().__init__(max=limit)

    def __call__(self, form, field):
        if len(field.data or "") > self.max:
            raise StopValidation(TooLong(len(field.data), self.max).message)


class Parsed(StringField):
    """A short value the form parses (a day, a time, a year, an id): control characters stripped, no length limit of
    its own, since whatever does not parse, however long, is refused or read as nothing by its form."""

    def __init__(self, **kwargs):
        super().__init__(filters=[without_controls], **kwargs)


class Text(StringField):
    """A typed line: control and bidi characters stripped, at most `limit` characters; the one place its limit is."""

    def __init__(self, limit: int, validators=(), **kwargs):
        super().__init__(filters=[without_controls], validators=[Fits(limit), *validators], **kwargs)


class LongText(Text):
    """A typed text of several lines (a textarea), as Text."""

    widget = TextArea()


class Rows(FieldList):
    """Rows of FormFields named "<name>-<i>-<field>", always rows 0 to max_entries - 1 in order (a weekday per
    row): row numbers a browser sends beyond them are never read, and a missing row is an empty one."""

    def shown(self, formdata) -> int:
        return self.max_entries

    def _extract_indices(self, prefix, formdata):  # WTForms reads the posted row numbers here
        return range(self.shown(formdata))


class AddableRows(Rows):
    """Rows of one kind: as many as the form says it shows ("<name>-count", at most max_entries), and one more
    when its add button ("add" = the rows' name) was pressed."""

    def shown(self, formdata) -> int:
        shown = bounded_int(formdata.get(f"{self.name}-count"), 1, self.max_entries, 1)
        return min(shown + (formdata.get("add") == self.name), self.max_entries)


class Form(FlaskForm):
    """A form of the portal. CSRFProtect checks every POST's token once, before any view (the csrf macro writes
    it), so the form does not check it again."""

    class Meta:
        csrf = False

    def __init__(self, data=None, posted: bool = True, **kwargs):
        # The typed fields: posted, or kept while signed out and given back on the GET of their page (web/kept).
        # They are read alone (a field left out stays empty); else `data` fills the form as things are now.
        # posted=False: as things are now, whatever another form on the same page posted.
        typed = (request.form or None) if posted else None
        super().__init__(formdata=typed, data=None if typed else data, **kwargs)

    def messages(self) -> dict[str, str]:
        """The first error of each field, by the field's name (rows too): for the templates' field_error."""
        return {name: str(errors[0]) for name, errors in _named_errors(self) if errors}

    def refuse_too_long(self) -> None:
        """For a form posted from a page it does not come back to (a reply in a list): a text longer than its
        field raises TooLong, and the error page shows everything typed, whole, to shorten and send again."""
        for field in self:
            if field.flags.maxlength and len(field.data or "") > field.flags.maxlength:
                raise TooLong(len(field.data), field.flags.maxlength, field.name)

    @staticmethod
    def refuse(field, message: str) -> None:
        """An error found after validation (by a service, or across fields), shown at its field."""
        field.errors = [*field.errors, message]


class LanguageChoice(Form):
    """The language buttons, on their own form or inside another: the language chosen (None: no button pressed,
    the form was sent for what it holds) and the page to show next (checked by `web.redirects.local_target`)."""

    set_language = StringField()
    next_page = StringField(name="next")  # as sent: local_target refuses it whole for any control character


def _named_errors(fields):
    for field in fields:
        if hasattr(field, "entries"):
            yield from _named_errors(field.entries)
        elif hasattr(field, "form") and field.type == "FormField":
            yield from _named_errors(field.form)
        else:
            yield field.name, field.errors


def typed_fields(form) -> list[tuple[str, str]]:
    """What a user typed in a posted form, in order, without passwords, codes or the form's token (nor the
    language and page choices of the page around it)."""
    return [(name, value) for name, value in form.items(multi=True)
            if name not in NOT_TYPED and not any(secret in name.lower() for secret in SECRET_FIELDS)]


# Fields a page sends that nobody typed: the language and page choices around a form, and which agreement (and as
# read) a circle member's answer is about.
NOT_TYPED = frozenset({"set_language", "next", "agreement", "seen"})


def bounded_int(value: str | None, low: int, high: int, default: int) -> int:
    """A whole number typed or sent by a browser, within [low, high]; the default for anything else.
    Every number that sizes work (rows, minutes, revisions) passes here, so none can be huge."""
    value = (value or "").strip()
    if not value.isascii() or not value.isdecimal() or len(value) > len(str(high)):
        return default
    number = int(value)
    return number if low <= number <= high else default


def bounded_date(value: str | None, first_year: int = 1900, last_year: int = 2999) -> dt.date | None:
    """A day sent as YYYY-MM-DD within these years; None for anything else (year 1 would overflow a day before it)."""
    try:
        day = dt.date.fromisoformat(value or "")
    except ValueError:
        return None
    return day if first_year <= day.year <= last_year else None


def known_language(_form, field) -> None:
    """WTForms validator: one of the portal's languages (a select's value a browser could change)."""
    if field.data not in LANGUAGES:
        raise Invalid(_("Choose a language from the list."))


def phone_number(_form, field) -> None:
    """WTForms validator: empty, or a phone number as people type it."""
    if field.data and not is_phone_number(field.data):
        raise Invalid(_("Type a phone number, e.g. 06 12345678."))


def is_phone_number(value: str) -> bool:
    """A phone number as people type it (06 12345678, 020-555 01 00, +31 6 ...): 9 to 15 digits."""
    return all(ch in "+0123456789 -()" for ch in value) and 9 <= sum(ch.isdigit() for ch in value) <= 15


def is_email_address(value: str) -> bool:
    """An e-mail address as people type it (naam@voorbeeld.nl): one @ with something before it, a dot inside
    the part after it, no spaces, at most 254 characters. Whether it exists only a message to it can tell."""
    local, _at, domain = value.partition("@")
    return (value.count("@") == 1 and bool(local) and "." in domain[1:-1] and len(value) <= 254
            and not any(ch.isspace() for ch in value))


class IdConverter(BaseConverter):
    """`<id:name>` in a route: a database id (a positive 32-bit integer, as PostgreSQL stores it).
    Anything else is no match, so the route answers 404 before any view code runs."""

    regex = r"[1-9][0-9]{0,9}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number >= 2**31:
            raise ValidationError()
        return number

    def to_url(self, value) -> str:
        return str(int(value))


class AppointmentKeyConverter(BaseConverter):
    """`<appointment_key:name>` in a parent's route: an appointment's random key ("appointment-" and 32 hex
    digits, portal/services/appointments.py), never its database id, so the links a parent sees say nothing
    about how many appointments there are nor that one exists for someone else. Anything else is no match."""

    regex = r"appointment-[0-9a-f]{32}"
