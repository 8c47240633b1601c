"""The duo's appointment form: when, how long, where, with whom, what for, for which parents, with which interpreter."""
import datetime as dt
from typing import Any

from flask_babel import gettext as _
from wtforms.validators import ValidationError

from portal.backoffice.audience_field import Household
from portal.clock import AMSTERDAM
from portal.models import Appointment, Interpreter, Worker
from portal.web.forms import Form, Parsed, Text, bounded_int, max_length
from portal.web.i18n import LANGUAGES

SOMEONE_ELSE = "other"  # "with whom" is not a worker of the duo: the name is typed
DURATION = (5, 480, 60)  # minutes: the shortest, the longest, and what anything else is read as


class AppointmentForm(Form):
    """The fields as the page names them; `read` judges them against the household, its duo and its interpreters."""

    date = Parsed()
    time = Parsed()
    duration = Parsed(default=str(DURATION[2]))
    place = Text(max_length(Appointment.place))
    safe_place = Parsed()  # "1" when ticked
    with_worker = Parsed(default=SOMEONE_ELSE)  # a form without the choice names someone else, typed
    with_whom = Text(max_length(Appointment.with_whom))
    purpose = Text(max_length(Appointment.purpose))
    audience = Parsed()
    interpreter_language = Parsed()
    interpreter_id = Parsed()
    action = Parsed()  # "cancel": the appointment is cancelled, whatever else was sent

    def validate_place(self, field):
        if not field.data:
            raise ValidationError(_("Give the place (for a safe place: the address, which the family never sees)."))

    def validate_purpose(self, field):
        if not field.data:
            raise ValidationError(_("Write what the appointment is for, in plain words."))

    def cancelling(self) -> bool:
        return self.action.data == "cancel"

    def read(self, household: Household, offered: list[Interpreter],
             workers: list[tuple[Worker, str]]) -> dict[str, Any]:
        """The appointment's values; errors (in the worker's language) at their fields, in `messages()`: then nothing
        may be saved. The interpreter one of those `offered` (the household's team's, switched on) who speaks the
        chosen language; "with whom" one of the duo's `workers` (the family reads their name) or someone else, typed."""
        self.validate()
        values: dict[str, Any] = {}
        try:
            local = dt.datetime.strptime(f"{self.date.data} {self.time.data}", "%Y-%m-%d %H:%M")
            values["starts_at"] = local.replace(tzinfo=AMSTERDAM).astimezone(dt.UTC)
        except (ValueError, OverflowError):  # OverflowError: a date such as 0001-01-01 has no UTC time
            self.refuse(self.date, _("Give a date and a time, e.g. 2026-12-01 and 10:00."))
        values["duration_minutes"] = bounded_int(self.duration.data, *DURATION)
        values["safe_place"] = self.safe_place.data == "1"
        values["place"], values["purpose"] = self.place.data, self.purpose.data
        worker = next((worker for worker, _role in workers if str(worker.id) == self.with_worker.data), None)
        values["with_worker_id"] = worker.id if worker else None
        values["with_whom"] = worker.name if worker else self.with_whom.data
        if worker is not None:
            self.with_whom.errors = []  # text typed for someone else does not count
        elif self.with_worker.data != SOMEONE_ELSE or not self.with_whom.data:
            self.with_whom.errors = [_("Choose a worker of the duo, or someone else and write their name.")]
        values["audience"], error = household.parse(self.audience.data, safe_place=values["safe_place"])
        if error:
            self.refuse(self.audience, error)
        language = self.interpreter_language.data
        values["interpreter_language"] = language if language in LANGUAGES and language != "nl" else None
        # Only an interpreter of the list: of the household's team, switched on (a made-up number, another team's or
        # a switched-off one is refused, with the rest of the form kept), and speaking the language chosen.
        number = bounded_int(self.interpreter_id.data, 1, 2**31 - 1, 0)
        chosen = next((interpreter for interpreter in offered if interpreter.id == number), None)
        wanted = values["interpreter_language"]
        if number and (chosen is None or (wanted and not chosen.speaks(wanted))):
            self.refuse(self.interpreter_id, _("Choose an interpreter from the list who speaks the chosen language."))
        values["interpreter_id"] = chosen.id if chosen else None
        return values


def new_appointment(household: Household, workers: list[tuple[Worker, str]]) -> AppointmentForm:
    """The form for a new appointment: as typed, else with the household's default audience and the duo's first
    worker."""
    return AppointmentForm(data={"audience": household.default(),
                                 "with_worker": str(workers[0][0].id) if workers else SOMEONE_ELSE})


def appointment_form(item: Appointment) -> AppointmentForm:
    """The form for an appointment: as typed, else as the appointment is now."""
    local = item.starts_at.astimezone(AMSTERDAM)
    return AppointmentForm(data={
        "date": local.strftime("%Y-%m-%d"), "time": local.strftime("%H:%M"), "place": item.place,
        "with_worker": str(item.with_worker_id or SOMEONE_ELSE),
        "with_whom": "" if item.with_worker_id else item.with_whom, "purpose": item.purpose,
        "duration": str(item.duration_minutes), "safe_place": "1" if item.safe_place else "",
        "interpreter_language": item.interpreter_language or "", "interpreter_id": str(item.interpreter_id or ""),
        "audience": item.audience})
