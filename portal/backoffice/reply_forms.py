"""The duo's replies: to a parent's question about a plan version, and to each parent's answer to an appointment."""
from wtforms import BooleanField

from portal.models import AppointmentAnswer, PlanQuestion
from portal.web.forms import Form, LongText, max_length


class QuestionReply(Form):
    """A reply to one question (it reaches the asking parent only), or only marking it handled."""

    reply = LongText(max_length(PlanQuestion.reply))
    handled = BooleanField()


def answer_replies(answers: list[AppointmentAnswer]) -> Form:
    """A field "reply-<answer id>" for each parent who answered the appointment, filled in with the reply as it is."""

    class AnswerReplies(Form):
        pass

    for answer in answers:
        setattr(AnswerReplies, f"reply-{answer.id}", LongText(max_length(AppointmentAnswer.reply)))
    return AnswerReplies(data={f"reply-{answer.id}": answer.reply for answer in answers})
