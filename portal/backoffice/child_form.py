"""The duo's forms for a child of 12 or over: the decision to give them an account, and their plan."""
from flask_babel import gettext as _
from wtforms import BooleanField, RadioField
from wtforms.validators import ValidationError

from portal.models import ChildAccountDecision, ChildPlan
from portal.web.forms import Form, LongText, Text, max_length


class DecisionForm(Form):
    """The duo decided with the child; the parents know, or are not told because that is not safe (and why)."""

    together = BooleanField()
    parents = RadioField(choices=["know", "not_told"], validate_choice=False)
    why_not_told = LongText(max_length(ChildAccountDecision.why_not_told))

    def validate_together(self, field):
        if not field.data:
            raise ValidationError(_("An account is only for a child who wants it: decide it together first."))

    def validate_parents(self, field):
        if field.data not in ("know", "not_told"):
            raise ValidationError(_("Say whether the parents know."))

    def validate_why_not_told(self, field):
        if self.parents.data == "not_told" and not field.data:
            raise ValidationError(_("Write why telling the parents is not safe."))


class ChildPlanForm(Form):
    """The child's plan, written with them in their words."""

    call = LongText(max_length(ChildPlan.call))
    go = LongText(max_length(ChildPlan.go))
    code_word = Text(max_length(ChildPlan.code_word))
