"""The case form: the team lead closes a case (the day it closed and why) or reopens it (why)."""
import datetime as dt

from flask_babel import gettext as _
from wtforms import StringField
from wtforms.validators import ValidationError

from portal.backoffice.views import MIN_REASON_LENGTH
from portal.models import CaseClosure, Family
from portal.web.forms import Form, LongText, max_length, without_controls


class CaseForm(Form):
    closed_on = StringField(filters=[without_controls])  # closing only
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
        day = self.day()
        if self.family.closed_at is None and (day is None or not self.family.created_at.date() <= day <= self.today):
            raise ValidationError(_("Give the day the case closed: today or an earlier day, not before the intake."))

    def validate_reason(self, field):
        if len(field.data or "") < MIN_REASON_LENGTH:
            raise ValidationError(_("Write the reason (at least 10 characters)."))
