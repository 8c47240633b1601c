"""Back-office appointments: plan, move and cancel; answer a parent's request to move."""
import datetime as dt
import uuid

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlmodel import select

from portal import audit, notify
from portal.access import DUO, get_or_404, roles
from portal.backoffice.views import blueprint
from portal.db import session as db_session
from portal.forms import clean, switching_language
from portal.i18n import LANGUAGES
from portal.models import Appointment, AppointmentStatus, Family, Interpreter
from portal.models.base import utcnow
from portal.rules.call_now import AMSTERDAM


def _parse(form) -> tuple[dict, dict]:
    """Validated appointment fields from the form, and errors in the worker's language."""
    errors, values = {}, {}
    try:
        local = dt.datetime.strptime(f"{form.get('date', '')} {form.get('time', '')}", "%Y-%m-%d %H:%M")
        values["starts_at"] = local.replace(tzinfo=AMSTERDAM).astimezone(dt.UTC)
    except (ValueError, OverflowError):  # OverflowError: a date such as 0001-01-01 has no UTC time
        errors["date"] = _("Give a date and a time, e.g. 2026-12-01 and 10:00.")
    duration = form.get("duration", "60")
    valid = duration.isdecimal() and len(duration) < 4 and 5 <= int(duration) <= 480
    values["duration_minutes"] = int(duration) if valid else 60
    values["safe_place"] = form.get("safe_place") == "1"
    values["place"] = clean("place", 300)
    values["with_whom"] = clean("with_whom", 300)
    values["purpose"] = clean("purpose", 1000)
    if not values["place"]:
        errors["place"] = _("Give the place (for a safe place: the address, which the family never sees).")
    if not values["with_whom"]:
        errors["with_whom"] = _("Write with whom the appointment is.")
    if not values["purpose"]:
        errors["purpose"] = _("Write what the appointment is for, in plain words.")
    language = form.get("interpreter_language", "")
    values["interpreter_language"] = language if language in LANGUAGES and language != "nl" else None
    interpreter = form.get("interpreter_id", "")
    # Only an interpreter that exists (a made-up number would break the foreign key: a 500).
    number = int(interpreter) if interpreter.isdecimal() and len(interpreter) < 10 else None
    known = db_session().get(Interpreter, number) if number is not None else None
    values["interpreter_id"] = known.id if known else None
    return values, errors


def _saved(db, family, item) -> None:
    """Commit the appointment together with its event, then tell the parents."""
    db.add(item)
    db.flush()  # a new appointment gets the id its event names
    audit.record("appointment.save", "ok", object=f"appointment:{item.id}", family_id=family.id)
    db.commit()
    notify.tell_parents(db, family.id, f"appointment:{item.id}:{utcnow():%Y%m%d%H%M%S}",
                        exclude=notify.hidden_parents(db, item))


def _page(family, items, form, errors, editing=None, status=200):
    interpreters = db_session().exec(select(Interpreter).order_by(Interpreter.name)).all()
    return render_template("backoffice/appointments.html", family=family, items=items, form=form, errors=errors,
                           interpreters=interpreters, editing=editing, main_form="appointment-form"), status


@blueprint.route("/families/<family_id>/appointments", methods=["GET", "POST"])
@roles(*DUO)
def family_appointments(family_id):
    db = db_session()
    family = get_or_404(Family, family_id, "family.view")
    items = db.exec(select(Appointment).where(Appointment.family_id == family.id)
                    .order_by(Appointment.starts_at)).all()
    if request.method == "GET" or switching_language():
        return _page(family, items, request.form, {})
    values, errors = _parse(request.form)
    if errors:
        return _page(family, items, request.form, errors, status=400)
    item = Appointment(family_id=family.id, key=f"appointment-{uuid.uuid4().hex}", **values)
    _saved(db, family, item)
    return redirect(url_for("backoffice.family_appointments", family_id=family.id))


@blueprint.route("/families/<family_id>/appointments/<appointment_id>", methods=["GET", "POST"])
@roles(*DUO)
def edit_appointment(family_id, appointment_id):
    """Move (new date, time or place), cancel, or answer the parent about one appointment."""
    db = db_session()
    family = get_or_404(Family, family_id, "family.edit")
    item = get_or_404(Appointment, appointment_id, "family.edit")
    if item.family_id != family.id:
        return redirect(url_for("backoffice.family_appointments", family_id=family.id))
    local = item.starts_at.astimezone(AMSTERDAM)
    current = {"date": local.strftime("%Y-%m-%d"), "time": local.strftime("%H:%M"), "place": item.place,
               "with_whom": item.with_whom, "purpose": item.purpose, "duration": str(item.duration_minutes),
               "safe_place": "1" if item.safe_place else "", "interpreter_language": item.interpreter_language or "",
               "interpreter_id": str(item.interpreter_id or ""), "reply": item.response_reply}
    if request.method == "GET" or switching_language():
        return _page(family, [item], request.form or current, {}, editing=item)
    if request.form.get("action") == "cancel":
        item.status = AppointmentStatus.cancelled
    else:
        values, errors = _parse(request.form)
        if errors:
            return _page(family, [item], request.form, errors, editing=item, status=400)
        for name, value in values.items():
            setattr(item, name, value)
        item.response_reply = clean("reply", 1000)
    _saved(db, family, item)
    return redirect(url_for("backoffice.family_appointments", family_id=family.id))
