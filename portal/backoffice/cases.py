"""Case life in the back office: intake of a household, its members, closing and reopening the case."""

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import col, select

from portal import clock
from portal.backoffice import blueprint, household_form
from portal.backoffice.case_form import CaseForm
from portal.backoffice.signals import intake_signal
from portal.db import session as db_session
from portal.models import Account, Family, Role
from portal.policy import DUO, can
from portal.rules.actions import Action
from portal.services import cases, signals
from portal.web import audit
from portal.web.forms import switching_language
from portal.web.guards import get_or_404, own_team_or_404, roles


def _saving(form: household_form.HouseholdForm) -> bool:
    """A POST to save, and the form is valid; not one that only re-shows the form: to switch the language,
    or to add a row of members."""
    return (request.method == "POST" and not switching_language()
            and request.form.get("add") not in household_form.KINDS and form.validate())


@blueprint.route("/households/new", methods=["GET", "POST"])
@roles(Role.teamlead)
def new_household():
    """Intake: a team lead starts a household with its members, its settings and its duo."""
    db = db_session()
    team = own_team_or_404(Action.family_create)
    candidates = cases.duo_candidates(db, team.id)
    # Started from a signal on the intake list: the form is filled in from it, and the signal lands on the new
    # household when it is saved.
    signal = intake_signal(db, team.id, request.values.get("signal"))
    form = household_form.IntakeForm({worker.id for worker in candidates}, data=household_form.from_signal(
        signals.people_of(signal), signal.postcode, signal.house_number, clock.today().year) if signal else None)
    if _saving(form):
        family = cases.start_household(db, team.id, form.household(), form.members(), form.chosen(form.contact),
                                       form.chosen(form.partner), clock.today(), current_user.account.id)
        audit.record("family.create", "ok", object=f"family:{family.id}", family_id=family.id)
        if signal is not None:
            signals.link(db, signal, family, current_user.account.id, clock.now(), repeat=False)
            audit.record("signal.link", "new", object=f"signal:{signal.id}", family_id=family.id)
        db.commit()
        return redirect(url_for("backoffice.family_file", family_id=family.id))
    errors = form.messages()
    return render_template("backoffice/household_new.html", form=form, errors=errors, candidates=candidates,
                           signal=signal, main_form="household-form"), 400 if errors else 200


@blueprint.route("/families/<id:family_id>/members", methods=["GET", "POST"])
@roles(*DUO)
def family_members(family_id):
    """The duo adds and edits the household's members, its name and its settings."""
    db = db_session()
    family = get_or_404(Family, family_id, Action.family_members)
    form = (household_form.HouseholdForm() if request.method == "POST"  # as posted
            else household_form.members_form(family, *cases.members_of(db, family)))
    if _saving(form):
        if cases.save_household(db, family, form.household()):
            audit.record("family.household", "ok", object=f"family:{family.id}", family_id=family.id)
        for changed in cases.save_members(db, family, form.members()):
            audit.record("family.members", "ok", object=changed, family_id=family.id)
        db.commit()
        return redirect(url_for("backoffice.family_file", family_id=family.id) + "#parents")
    # The page shown, whatever the request (a GET, errors, a row added, another language): a look, on record.
    audit.record("family.view", "ok", object=f"family:{family.id}", family_id=family.id)
    errors = form.messages()
    return render_template("backoffice/members.html", family=family, form=form, errors=errors,
                           main_form="members-form"), 400 if errors else 200


@blueprint.route("/families/<id:family_id>/case", methods=["GET", "POST"])
@roles(Role.teamlead)
def case(family_id):
    """The team lead closes the case (the parents' access ends, retention starts) or reopens it while kept."""
    db = db_session()
    family = get_or_404(Family, family_id, Action.family_view)
    action = Action.family_reopen if family.closed_at else Action.family_close
    if not can(current_user, action, family, db):
        audit.record(action.value, "refused", object=f"family:{family.id}", family_id=family.id)
        abort(404)
    years, now, today = current_app.config["RETENTION_YEARS"], clock.now(), clock.today()
    form = CaseForm(family, today)
    if request.method == "POST" and not switching_language() and form.validate():
        if action is Action.family_close:
            cases.close_case(db, family, form.day(), form.reason.data, current_user.account.id)
        else:
            try:
                cases.reopen_case(db, family, form.reason.data, current_user.account.id, now, years)
            except cases.CaseError:
                form.refuse(form.reason, _("This case can no longer be reopened: its retention period is over."))
        if not form.messages():
            audit.record(action.value, "ok", object=f"family:{family.id}", family_id=family.id)
            db.commit()
            return redirect(url_for("backoffice.family_file", family_id=family.id))
    # The page shown, whatever the request (a GET, errors, another language): a look, on record.
    audit.record("family.view", "ok", object=f"family:{family.id}", family_id=family.id)
    history = cases.closures(db, family.id)
    ids = {c.closed_by for c in history} | {c.reopened_by for c in history if c.reopened_by}
    names = {a.id: a.display_name for a in db.exec(select(Account).where(col(Account.id).in_(ids or {-1})))}
    ends = cases.retention_ends(family, years)
    errors = form.messages()
    return render_template("backoffice/case.html", family=family, history=history, names=names, form=form,
                           retention_ends=ends,
                           reopenable=ends is not None and now < ends, main_form="case-form"), 400 if errors else 200
