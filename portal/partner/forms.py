"""The signal form, one for the partner's page and for a partner's system (JSON): the same fields, the same checks."""
import datetime as dt
import re

from flask_babel import gettext as _
from wtforms import Form as Row
from wtforms import FormField
from wtforms.validators import ValidationError

from portal import clock
from portal.models import Signal, SignalAddition, Urgency
from portal.rules import matching
from portal.services.signals import PEOPLE_MAX, Draft, SeenPerson
from portal.web.forms import AddableRows, Form, LongText, Parsed, Text, is_phone_number, max_length

OLDEST_BIRTH_YEAR = 1900
NAME_LENGTH = 120
# "1986", "12-03-1986", "12/3/1986" or "1986-03-12": a year or a date of birth, as people type it.
_DAY_FIRST = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_YEAR_FIRST = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})$")
HOW_LONG_AGO = dt.timedelta(days=366)
# The police's and other services' short numbers (0900-8844, 0800-2000) call back too, though they are no mobile's.
SERVICE_NUMBER = re.compile(r"^0[89]0[0-9][ -]?[0-9]{4,7}$")  # a signal is about the past year, not older history


def birth_year(text: str) -> int | None:
    """The year of a year or date of birth as typed; None when it is none (or not a real day)."""
    text = text.strip()
    for pattern, order in ((_YEAR, (0, None, None)), (_DAY_FIRST, (2, 1, 0)), (_YEAR_FIRST, (0, 1, 2))):
        found = pattern.match(text)
        if not found:
            continue
        parts = found.groups()
        year = int(parts[order[0]])
        if order[1] is not None:
            try:
                dt.date(year, int(parts[order[1]]), int(parts[order[2]]))
            except ValueError:
                return None
        return year if OLDEST_BIRTH_YEAR <= year <= clock.today().year else None
    return None


class PersonRow(Row):
    """One person the signal is about; an empty row is left out."""

    name = Text(NAME_LENGTH)
    born = Parsed()  # year or date of birth

    def empty(self) -> bool:
        return not (self.name.data or self.born.data)

    def validate_name(self, field):
        if not field.data and self.born.data:
            raise ValidationError(_("Write the name, as far as you know it."))

    def validate_born(self, field):
        if field.data and birth_year(field.data) is None:
            raise ValidationError(_("Type a year or date of birth, e.g. 1986 or 12-03-1986."))


class SignalForm(Form):
    """A signal: about whom, what was seen or heard, when, by whom, how urgent, and a number to call back."""

    person = AddableRows(FormField(PersonRow), min_entries=1, max_entries=PEOPLE_MAX)
    postcode = Text(max_length(Signal.postcode) + 1)  # "1074 AB" as typed
    house_number = Text(max_length(Signal.house_number))
    what = LongText(max_length(Signal.what))
    day = Parsed()
    time = Parsed()
    observed_by = Text(max_length(Signal.observed_by))
    urgency = Parsed()
    call_back = Text(max_length(Signal.call_back))

    def people(self) -> list[PersonRow]:
        return [entry.form for entry in self.person if not entry.form.empty()]

    def happened_at(self) -> dt.datetime | None:
        try:
            day = dt.date.fromisoformat(self.day.data or "")
            time = dt.time.fromisoformat(self.time.data or "")
        except ValueError:
            return None
        return dt.datetime.combine(day, time, tzinfo=clock.AMSTERDAM)

    def validate_postcode(self, field):
        if field.data and not matching.postcode(field.data):
            raise ValidationError(_("Type a Dutch postcode, e.g. 1074 AB."))

    def validate_what(self, field):
        if not field.data:
            raise ValidationError(_("Write what you saw or heard."))

    def validate_day(self, field):
        moment, now = self.happened_at(), clock.now()
        if moment is None or not now - HOW_LONG_AGO <= moment <= now + dt.timedelta(minutes=5):
            raise ValidationError(_("Give the day and time it happened (about, if you do not know exactly): not in the "
                                    "future, within the past year."))

    def validate_observed_by(self, field):
        if not field.data:
            raise ValidationError(_("Write who saw or heard it: you, a colleague, a neighbour."))

    def validate_urgency(self, field):
        if field.data not in {urgency.value for urgency in Urgency}:
            raise ValidationError(_("Choose how urgent it is."))

    def validate_call_back(self, field):
        if not field.data:
            raise ValidationError(_("Give a number the contact person can call you back on."))
        if not (is_phone_number(field.data) or SERVICE_NUMBER.match(field.data)):
            raise ValidationError(_("Type a phone number, e.g. 06 12345678 or 0900-8844."))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not self.people():
            self.refuse(self.person[0].form.name, _("Write the name of at least one person it is about."))
            return False
        return valid

    def draft(self) -> Draft:
        moment = self.happened_at()
        assert moment is not None  # validated
        return Draft(people=tuple(SeenPerson(row.name.data, birth_year(row.born.data)) for row in self.people()),
                     postcode=matching.postcode(self.postcode.data), house_number=matching.house_number(
                         self.house_number.data), what=self.what.data, happened_at=moment,
                     observed_by=self.observed_by.data, urgency=Urgency(self.urgency.data),
                     call_back=self.call_back.data)


class AdditionForm(Form):
    """What a partner adds to a signal they sent."""

    text = LongText(max_length(SignalAddition.text))

    def validate_text(self, field):
        if not field.data:
            raise ValidationError(_("Write what you want to add."))

