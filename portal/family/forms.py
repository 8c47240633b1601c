"""The family pages' forms: a parent's answer to the plan and response to an appointment, a circle member's answer,
a child's words and whom they share them with."""
from flask import request
from flask_babel import gettext as _
from wtforms import FieldList, RadioField, StringField
from wtforms.validators import ValidationError

from portal.models import (
    Answer,
    AppointmentAnswer,
    AppointmentResponse,
    ChildWords,
    CircleAnswer,
    Commitment,
    PlanQuestion,
)
from portal.web.forms import Form, LongText, bounded_int, max_length, switching_language


def sent(form: Form) -> bool:
    """Was `form` posted to be saved (not by a language button in it, which shows it again as typed), and is
    everything in it valid? Else its page shows it again, with the errors at their fields."""
    return request.method == "POST" and not switching_language() and form.validate()


def _choice(enum) -> RadioField:
    """Radio buttons for the values of `enum`, written by the template with their labels. Another value (or none)
    is refused by the form's own message at the field, not WTForms' "Not a valid choice"."""
    return RadioField(choices=[member.value for member in enum], validate_choice=False)


class AsTyped(LongText):
    """A LongText shown again exactly as typed, spaces and all, when its form comes back with an error; what is
    kept is cleaned as any LongText."""

    def _value(self) -> str:
        return self.raw_data[0] if self.raw_data else super()._value()


class AnswerForm(Form):
    """A parent's answer to the plan version they read: they agree, or ask or disagree in words."""

    answer = _choice(Answer)
    comment = AsTyped(max_length(PlanQuestion.text))

    def validate_answer(self, field):
        if field.data not in {member.value for member in Answer}:
            raise ValidationError(_("Choose one of the three answers."))

    def validate_comment(self, field):
        if self.answer.data in (Answer.question.value, Answer.disagree.value) and not field.data:
            raise ValidationError(_("Write your question or what you do not agree with."))

    def chosen(self) -> Answer:
        """The answer of a validated form."""
        return Answer(self.answer.data)


class ResponseForm(Form):
    """A parent's response to an appointment: they will come, or ask to move it, saying why and when they can."""

    response = _choice(AppointmentResponse)
    reason = AsTyped(max_length(AppointmentAnswer.reason))

    def validate_response(self, field):
        if field.data not in {member.value for member in AppointmentResponse}:
            raise ValidationError(_("Choose: I will come, or please move it."))

    def validate_reason(self, field):
        if self.response.data == AppointmentResponse.move_requested.value and not field.data:
            raise ValidationError(_("Write why the appointment should move, and when you can."))

    def chosen(self) -> AppointmentResponse:
        """The response of a validated form."""
        return AppointmentResponse(self.response.data)


class CircleAnswerForm(Form):
    """A circle member's answer to one agreement they carry: they will do it, or cannot, saying why."""

    agreement = StringField()
    seen = StringField()  # the agreement as the member read it (rules.circle.digest): a changed text is refused
    commitment = _choice(Commitment)
    reason = AsTyped(max_length(CircleAnswer.reason))

    def validate_commitment(self, field):
        if field.data not in {member.value for member in Commitment}:
            raise ValidationError(_("Choose: I will do this, or I cannot do this."))

    def validate_reason(self, field):
        if self.commitment.data == Commitment.cannot.value and not field.data:
            raise ValidationError(_("Write why you cannot do this, so the social workers can find another way."))

    def chosen(self) -> Commitment:
        """The answer of a validated form."""
        return Commitment(self.commitment.data)


class ChildWordsForm(Form):
    """What a child wants the duo to know, in their own words."""

    text = AsTyped(max_length(ChildWords.text))

    def validate_text(self, field):
        if not field.data:
            raise ValidationError(_("Write what you want us to know."))


class ShareForm(Form):
    """The parents a child shares one of their words with: the ids of the boxes ticked."""

    parent = FieldList(StringField(), max_entries=20)  # as many as a household may have (household_form.MAX_ROWS)

    def parent_ids(self) -> set[int]:
        return {number for value in self.parent.data if (number := bounded_int(value, 1, 2**31 - 1, 0))}
