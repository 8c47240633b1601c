"""Back-office pages: the worker's home, the family file and break-the-glass access."""
import datetime as dt

from flask import current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import clock
from portal.backoffice import blueprint
from portal.backoffice.audience_field import household_of
from portal.backoffice.case_form import MIN_REASON_LENGTH, BreakGlassForm
from portal.backoffice.signals import family_signals
from portal.db import session as db_session
from portal.models import (
    BreakGlass,
    Family,
    Role,
)
from portal.policy import DUO, READ_ALONG_BEFORE, can
from portal.rules.actions import Action
from portal.services import appointments, cases, renderings, worklist
from portal.web import audit
from portal.web.forms import switching_language
from portal.web.guards import get_or_404, roles

BREAK_GLASS_HOURS = 4


@blueprint.get("/")
@roles(Role.worker, Role.teamlead, Role.interpreter)
def home():
    db = db_session()
    if current_user.role is Role.interpreter:
        return _interpreter_home(db)
    work = worklist.for_worker(db, current_user, clock.now())
    audit.record_seen("overview.view", work.seen)  # it shows parents' questions and appointments
    return render_template("backoffice/home.html", assignments=work.assignments, open_answers=work.open_questions,
                           move_requests=work.move_requests, circle_tasks=work.circle_tasks,
                           child_words=work.child_words, signals=work.signals,
                           drafts=work.drafts, upcoming=work.upcoming, names=work.names, waiting=work.waiting,
                           away=appointments.on_days_away(db, work.upcoming))


def _interpreter_home(db):
    jobs, assigned = worklist.for_interpreter(db, current_user.interpreter.id, clock.now())
    # Reading along opens shortly before the appointment: until then the interpreter sees when.
    open_now = {item.id for item in assigned if can(current_user, Action.plan_read_along, item, db)}
    audit.record_seen("overview.view", worklist.appointments_seen(assigned))
    return render_template("backoffice/interpreter_home.html", jobs=jobs, appointments=assigned, open_now=open_now,
                           read_along_before=READ_ALONG_BEFORE,
                           renderings=renderings.waiting_for(db, current_user.interpreter.id))


@blueprint.get("/families/<id:family_id>")
@roles(*DUO)
def family_file(family_id):
    db = db_session()
    family = get_or_404(Family, family_id, Action.family_view)
    audit.record("family.view", "ok", object=f"family:{family.id}", family_id=family.id)
    file = cases.family_file(db, family, clock.now())
    return render_template("backoffice/family.html", family=family, duo=file.duo, history=file.history,
                           members=file.members, parents=file.parents, versions=file.versions, glass=file.glass,
                           workers=file.workers, accounts=file.accounts, restricted=file.restricted,
                           appointments=file.appointments, household=household_of(db, family), today=clock.today(),
                           circle=file.circle, carried=file.carried, circle_tasks=file.circle_tasks,
                           older_children=file.older_children, **family_signals(db, family),
                           retention_ends=cases.retention_ends(family, current_app.config["RETENTION_YEARS"]),
                           may_change_case=can(current_user,
                                               Action.family_reopen if family.closed_at else Action.family_close,
                                               family, db),
                           # Broken glass and a closed case read the file: no forms that would only answer 404.
                           may_edit=can(current_user, Action.family_edit, family, db),
                           may_change_members=can(current_user, Action.family_members, family, db))


@blueprint.route("/break-glass", methods=["GET", "POST"])
@roles(*DUO)
def break_glass():
    """Open a family outside one's duo: only with a typed reason, audited, shown to the duo."""
    db = db_session()
    form = BreakGlassForm()
    if request.method == "POST" and not switching_language():
        form.validate()  # a reason too long to keep is an error at its field
        number, reason = form.family.data, form.reason.data
        # isdecimal: "²" is a digit but no number; under 10 digits: ids are 32-bit integers in PostgreSQL
        family = db.get(Family, int(number)) if number.isdecimal() and len(number) < 10 else None
        if family is None or not can(current_user, Action.family_break_glass, family, db):
            audit.record("family.break_glass", "refused", object=f"family:{number}"[:120],
                         family_id=family.id if family else None)
            form.refuse(form.family, _("There is no family with this number that you can open this way."))
        elif len(reason) < MIN_REASON_LENGTH:
            form.refuse(form.reason, _("Write why you need to open this file now (at least 10 characters)."))
        elif not form.messages():
            db.add(BreakGlass(worker_id=current_user.worker.id, family_id=family.id, reason=reason,
                              until=clock.now() + dt.timedelta(hours=BREAK_GLASS_HOURS)))
            audit.record("family.break_glass", "ok", object=f"family:{family.id}", family_id=family.id)
            db.commit()
            return redirect(url_for("backoffice.family_file", family_id=family.id))
    return render_template("backoffice/break_glass.html", form=form, main_form="glass-form")

