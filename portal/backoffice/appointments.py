"""Back-office appointments: plan, move and cancel, each for the parents it is for; answer each parent."""

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import col, select

from portal import clock
from portal.backoffice import blueprint
from portal.backoffice.appointment_form import AppointmentForm, appointment_form, new_appointment
from portal.backoffice.audience_field import household_of
from portal.backoffice.reply_forms import answer_replies
from portal.db import session as db_session
from portal.models import Appointment, AppointmentAnswer, AppointmentStatus, Family, Interpreter, Parent, Worker
from portal.policy import DUO
from portal.rules.actions import Action
from portal.services import appointments, interpreting, notifications, renderings
from portal.services.duo import current_duo
from portal.web import audit
from portal.web.forms import switching_language
from portal.web.guards import get_or_404, roles


def _duo_workers(db, family, item: Appointment | None = None) -> list[tuple[Worker, str]]:
    """Whom "with whom" offers, with their role: the household's duo now, and the worker an appointment already
    names when they have left the duo since (its form keeps them)."""
    duo = current_duo(db, family.id, clock.today())
    found = [(worker, role) for worker, role in ((duo.contact, _("contact person")), (duo.partner, _("duo partner")))
             if worker is not None]
    if item is not None and item.with_worker_id and item.with_worker_id not in {w.id for w, _role in found}:
        found.append((db.get(Worker, item.with_worker_id), ""))
    return found


def _offered(db, family) -> list[Interpreter]:
    """The interpreters the duo may choose for the household's appointments, by name."""
    return sorted(interpreting.team_interpreters(db, family.team_id), key=lambda interpreter: interpreter.name)


def _saved(db, family, item, audience_before: str | None = None, replied=()) -> None:
    """Commit the appointment together with its events and the messages to the parents it is for (and to each
    parent whose answer was replied to, that parent only); the worker sends the messages."""
    db.add(item)
    db.flush()  # a new appointment gets the id its event names
    audit.record("appointment.save", "ok", object=f"appointment:{item.id}", family_id=family.id)
    if audience_before is not None and audience_before != item.audience:
        audit.record("appointment.audience", "ok", object=f"appointment:{item.id}", family_id=family.id)
    notifications.tell_parents(db, family.id, f"appointment:{item.id}:{clock.now():%Y%m%d%H%M%S}",
                               audience=item.audience)
    for answer in replied:  # the reply reaches that parent only
        notifications.tell_parents(db, family.id, f"appointment-answer:{answer.id}:{answer.replied_at:%Y%m%d%H%M%S}",
                                   audience=item.audience, only={answer.parent_id})
    interpreting.appointment_saved(db, family.id, clock.today())  # what for and where, in the parents' languages
    db.commit()


def _answers(db, items) -> dict[int, list[tuple[AppointmentAnswer, Parent]]]:
    """Each parent's own answer per appointment: the duo sees who said what."""
    rows = db.exec(select(AppointmentAnswer, Parent).join(Parent, col(Parent.id) == AppointmentAnswer.parent_id)
                   .where(col(AppointmentAnswer.appointment_id).in_([item.id for item in items] or [-1]))
                   .order_by(Parent.name)).all()
    found: dict[int, list] = {}
    for answer, parent in rows:
        found.setdefault(answer.appointment_id, []).append((answer, parent))
    return found


def _page(family, items, form: AppointmentForm, editing=None, replies=None, status=200):
    """The appointments page (or one appointment's), whatever the request: a look at them, on record, also when a
    POST shows it again with errors or in another language. Appointments on a day away of their worker are marked."""
    db = db_session()
    audit.record("appointment.view", "ok", object=f"appointment:{editing.id}" if editing else f"family:{family.id}",
                 family_id=family.id)
    errors = form.messages() | (replies.messages() if replies else {})
    return render_template("backoffice/appointments.html", family=family, items=items, form=form, errors=errors,
                           workers=_duo_workers(db, family, editing), away=appointments.on_days_away(db, items),
                           interpreters=_offered(db, family), editing=editing, answers=_answers(db, items),
                           moved_since=appointments.moved_since,
                           replies=replies,
                           household=household_of(db, family), main_form="appointment-form",
                           renderings=renderings.of_family(db, family.id),
                           interpreter_names=interpreting.translator_names(db)), status


@blueprint.route("/families/<id:family_id>/appointments", methods=["GET", "POST"])
@roles(*DUO)
def family_appointments(family_id):
    db = db_session()
    # Planning one is a write; the list is for whoever may read the file (a language switch only shows it again).
    saving = request.method == "POST" and not switching_language()
    family = get_or_404(Family, family_id, Action.family_edit if saving else Action.family_view)
    items = db.exec(select(Appointment).where(Appointment.family_id == family.id)
                    .order_by(Appointment.starts_at)).all()
    household, workers = household_of(db, family), _duo_workers(db, family)
    form = new_appointment(household, workers)
    if request.method != "POST" or switching_language():
        return _page(family, items, form)
    values = form.read(household, _offered(db, family), workers)
    if form.messages():
        return _page(family, items, form, status=400)
    item = appointments.plan(db, family.id, current_user.account.id, **values)
    _saved(db, family, item)
    return _after_saving(db, family, item)


@blueprint.route("/families/<id:family_id>/appointments/<id:appointment_id>", methods=["GET", "POST"])
@roles(*DUO)
def edit_appointment(family_id, appointment_id):
    """Move (new date, time or place), cancel, or answer each parent about one appointment."""
    db = db_session()
    family = get_or_404(Family, family_id, Action.family_edit)
    item = get_or_404(Appointment, appointment_id, Action.family_edit)
    if item.family_id != family.id:
        return redirect(url_for("backoffice.family_appointments", family_id=family.id))
    answers = [answer for answer, _parent in _answers(db, [item]).get(item.id, [])]
    form, replies = appointment_form(item), answer_replies(answers)
    if request.method != "POST" or switching_language():
        return _page(family, [item], form, editing=item, replies=replies)
    audience_before = item.audience
    if form.cancelling():
        item.status = AppointmentStatus.cancelled
        replied = []
    else:
        values = form.read(household_of(db, family), _offered(db, family), _duo_workers(db, family, item))
        replies.validate()
        if form.messages() or replies.messages():
            return _page(family, [item], form, editing=item, replies=replies, status=400)
        for name, value in values.items():
            setattr(item, name, value)
        replied = _reply(db, family, item, answers, replies)
    _saved(db, family, item, audience_before, replied)
    return _after_saving(db, family, item)


def _after_saving(db, family, item):
    """Back to the list; to the appointment's own form when it falls on a day away of its worker, which says so."""
    if appointments.on_days_away(db, [item]):
        return redirect(url_for("backoffice.edit_appointment", family_id=family.id, appointment_id=item.id))
    return redirect(url_for("backoffice.family_appointments", family_id=family.id))


def _reply(db, family, item, answers: list[AppointmentAnswer], replies) -> list[AppointmentAnswer]:
    """The duo's answer to each parent who answered (what changed); committed with the appointment."""
    replied = []
    for answer in answers:
        text = replies[f"reply-{answer.id}"].data
        if text != answer.reply:
            answer.reply, answer.replied_by, answer.replied_at = text, current_user.worker.id, clock.now()
            answer.replied_about = item.starts_at  # as the reply leaves it (moved, when the reply moves it)
            db.add(answer)
            audit.record("appointment.reply", "ok", object=f"appointment-answer:{answer.id}", family_id=family.id)
            replied.append(answer)
    return replied
