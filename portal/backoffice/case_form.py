"""The case forms: the team lead closes a case (the day it closed and why) or reopens it (why); a worker opens a
file outside their duo in an emergency (break-the-glass: the family's number and why)."""
import datetime as dt

from flask_babel import gettext as _
from wtforms.validators import ValidationError

from portal import clock
from portal.models import BreakGlass, CaseClosure, Family
from portal.web.forms import Form, LongText, Parsed, max_length

MIN_REASON_LENGTH = 10  # a reason says something


class CaseForm(Form):
    closed_on = Parsed()  # closing only
    reason = LongText(max_length(CaseClosure.reason))

    def __init__(self, family: Family, today: dt.date):
        self.family, self.today = family, today
        super().__init__(data={"closed_on": today.isoformat()})

    def day(self) -> dt.date | None:
        try:
            return dt.date.fromisoformat(self.closed_on.data or "")
        except ValueError:
            return None

    def validate_closed_on(self, field):
        day, intake = self.day(), clock.day_of(self.family.created_at)
        if self.family.closed_at is None and (day is None or not intake <= day <= self.today):
            raise ValidationError(_("Give the day the case closed: today or an earlier day, not before the intake."))

    def validate_reason(self, field):
        if len(field.data or "") < MIN_REASON_LENGTH:
            raise ValidationError(_("Write the reason (at least 10 characters)."))


class BreakGlassForm(Form):
    family = Parsed()  # a number that is no family's is refused as unknown
    reason = LongText(max_length(BreakGlass.reason))
