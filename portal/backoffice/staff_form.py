"""The staff form: a worker's or team lead's name, organisation, phone and hours, or an interpreter's languages."""
import datetime as dt
import re

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from portal.models import Role, Worker
from portal.services.staff import StaffDetails, StaffMember
from portal.web.forms import is_phone_number, max_length, typed_text
from portal.web.i18n import LANGUAGES

WEEKDAYS = range(7)  # 0 = Monday, as WorkingHours stores them
CLOCK = re.compile(r"(?:[01][0-9]|2[0-3]):[0-5][0-9]")
# Interpreters translate the Dutch plan into the family's language.
INTERPRETED = tuple(code for code in LANGUAGES if code != "nl")


def to_form(staff: StaffMember, hours) -> MultiDict:
    """The form filled in as the account is now; a MultiDict, like a posted form, for the ticked languages."""
    form = MultiDict({"name": staff.profile.name})
    if staff.interpreter is not None:
        for code in staff.interpreter.languages.split(","):
            form.add("languages", code)
        return form
    form.update({"organisation": staff.worker.organisation, "phone": staff.worker.phone})
    for slot in hours:
        form[f"day-{slot.weekday}-start"] = slot.start.strftime("%H:%M")
        form[f"day-{slot.weekday}-end"] = slot.end.strftime("%H:%M")
    return form


def read(form, role: Role) -> tuple[StaffDetails, dict[str, str]]:
    """The staff member's details from the posted fields, and errors keyed by the field they are about."""
    errors: dict[str, str] = {}
    name = typed_text(form, "name", max_length(Worker.name), errors)
    if not name:
        errors["name"] = _("Write the name as colleagues and families know it.")
    if role is Role.interpreter:
        languages = tuple(code for code in INTERPRETED if code in form.getlist("languages"))
        if not languages:
            errors["languages"] = _("Tick at least one language this interpreter translates into.")
        return StaffDetails(name, languages=languages), errors
    organisation = typed_text(form, "organisation", max_length(Worker.organisation), errors)
    phone = typed_text(form, "phone", max_length(Worker.phone), errors)
    if not organisation:
        errors["organisation"] = _("Write the organisation this colleague comes from.")
    if not is_phone_number(phone):
        errors["phone"] = _("Type the work phone number families call, e.g. 06 12345678.")
    hours = []
    for day in WEEKDAYS:
        start, end = (form.get(f"day-{day}-{edge}", "").strip() for edge in ("start", "end"))
        if not start and not end:
            continue
        if not (CLOCK.fullmatch(start) and CLOCK.fullmatch(end)) or start >= end:
            errors[f"day-{day}-start"] = _("Give a start and an end time, e.g. 09:00 and 17:00.")
            continue
        hours.append((day, dt.time.fromisoformat(start), dt.time.fromisoformat(end)))
    return StaffDetails(name, organisation, phone, tuple(hours)), errors
