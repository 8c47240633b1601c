"""Partners' signals in the back office: one signal's page, marking what was done, the team lead's intake list
(link a signal to a household, or start one from it), the out-of-hours list and a household's professional
network."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import Session, col, select
from wtforms.validators import ValidationError

from portal import clock
from portal.backoffice import blueprint
from portal.db import session as db_session
from portal.models import (
    Family,
    PartnerOrganisation,
    ProfessionalNetwork,
    Role,
    Signal,
    SignalState,
    Team,
)
from portal.policy import DUO, can
from portal.rules.actions import Action
from portal.services import signals, stored_id
from portal.web import audit
from portal.web.forms import Form, LongText, bounded_int, max_length, switching_language
from portal.web.guards import get_or_404, own_team_or_404, roles

LARGEST_ID = 2**31 - 1


class DoneForm(Form):
    """What was done with a signal: the duo's first action, in a sentence or two."""

    note = LongText(max_length(Signal.done_note))

    def validate_note(self, field):
        if not field.data:
            raise ValidationError(_("Write what was done, e.g. called the wijkagent back, visited the family."))


def _signal_or_404(signal_id: int, write: bool = False) -> Signal:
    """A signal the user may read (or act on): one on a household through that household's file rights; one on
    the intake list through the team lead's intake right on its team. Anything else is 'not found'."""
    db = db_session()
    signal = db.get(Signal, signal_id)
    allowed = False
    if signal is not None and signal.family_id is not None:
        family = db.get(Family, signal.family_id)
        allowed = can(current_user, Action.family_edit if write else Action.family_view, family, db)
    elif signal is not None:
        allowed = _intake_may(db, signal)
    if signal is None or not allowed:
        audit.record("signal.view", "refused", object=f"signal:{signal_id}",
                     family_id=signal.family_id if signal else None)
        abort(404)
    return signal


def _intake_may(db: Session, signal: Signal) -> bool:
    """A signal on the intake list: the team lead's; an urgent one outside office hours, the whole team's too."""
    team = db.get(Team, signal.team_id)
    return can(current_user, Action.signal_intake, team, db) or (
        signal.out_of_hours and can(current_user, Action.signal_out_of_hours, team, db))


def intake_signal(db: Session, team_id: int, number: str | None) -> Signal | None:
    """A signal on this team's intake list named by a form or link (the intake started from it), else None."""
    signal = db.get(Signal, bounded_int(number, 1, LARGEST_ID, 0) or -1)
    if signal is None or signal.team_id != team_id or signal.state is not SignalState.intake:
        return None
    return signal


def _may_act(db: Session, signal: Signal) -> bool:
    """May the user write what was done: until it is done, whoever may edit its household, or on the intake list
    whoever may read it there."""
    if signal.done_at is not None:
        return False
    if signal.family_id is not None:
        return can(current_user, Action.family_edit, db.get(Family, signal.family_id), db)
    return _intake_may(db, signal)


@blueprint.route("/signals/<id:signal_id>", methods=["GET", "POST"])
@roles(*DUO)
def signal_page(signal_id):
    """A signal whole: who it is about, what was seen, by whom, its source and call-back number, what the partner
    added, where it went; and, until done, what was done."""
    db = db_session()
    signal = _signal_or_404(signal_id)
    form = DoneForm()
    may_act = _may_act(db, signal)
    if request.method == "POST":
        if not may_act:
            audit.record("signal.done", "refused", object=f"signal:{signal.id}", family_id=signal.family_id)
            abort(404)
        if not switching_language() and form.validate():
            signals.mark_done(db, signal, form.note.data, current_user.account.id, clock.now())
            audit.record("signal.done", "ok", object=f"signal:{signal.id}", family_id=signal.family_id)
            db.commit()
            return redirect(url_for("backoffice.signal_page", signal_id=signal.id), 303)
    audit.record("signal.view", "ok", object=f"signal:{signal.id}", family_id=signal.family_id)
    errors = form.messages()
    file = signals.file_of(db, signal)
    sender = (f"{file.sender.name}, {file.sender.function}".strip(", ") if file.sender
              else _("their own system"))
    return render_template("backoffice/signal.html", signal=signal, organisation=file.organisation, sender=sender,
                           people=file.people, additions=file.additions, family=file.family, done_by=file.done_by,
                           may_act=may_act, form=form, errors=errors), 400 if errors else 200


@blueprint.get("/signals")
@roles(Role.teamlead)
def intake_list():
    """The team lead's intake list: signals that matched no household clearly, with their candidates and scores."""
    db = db_session()
    team = own_team_or_404(Action.signal_intake)
    waiting = signals.intake_list(db, stored_id(team.id))
    audit.record("intake.view", "ok", object="team")  # a look, as every read is named
    return render_template("backoffice/signals_intake.html", waiting=waiting,
                           months=signals.months(db, stored_id(team.id), clock.now()))


@blueprint.post("/signals/<id:signal_id>/link")
@roles(Role.teamlead)
def link_signal(signal_id):
    """The team lead decides which household a signal is about: one of their team's whose case is open."""
    db = db_session()
    signal = _signal_or_404(signal_id)
    # A candidate, or another household of the team lead's own team that they know it is about (by its number).
    family = db.get(Family, bounded_int(request.form.get("family"), 1, LARGEST_ID, 0) or -1)
    if signal.state is not SignalState.intake:  # linked already: a refused decision, recorded as any other
        audit.record("signal.link", "refused", object=f"signal:{signal.id}", family_id=signal.family_id)
        abort(404)
    if family is None or not can(current_user, Action.family_edit, family, db):
        audit.record("signal.link", "refused", object=f"signal:{signal.id}")
        flash(_("No open household of your team has that number. Nothing was linked."))
        return redirect(url_for("backoffice.intake_list") + f"#signal-{signal.id}", 303)
    signals.link(db, signal, family, current_user.account.id, clock.now())
    audit.record("signal.link", "ok", object=f"signal:{signal.id}", family_id=family.id)
    db.commit()
    return redirect(url_for("backoffice.signal_page", signal_id=signal.id), 303)


@blueprint.get("/signals/out-of-hours")
@roles(*DUO)
def out_of_hours():
    """Urgent signals that came outside office hours and wait: the out-of-hours service's list for the team."""
    db = db_session()
    team = db.get(Team, current_user.worker.team_id) if current_user.worker else None
    if team is None or not can(current_user, Action.signal_out_of_hours, team, db):
        abort(404)
    audit.record("out_of_hours.view", "ok", object="team")
    return render_template("backoffice/signals_out_of_hours.html",
                           waiting=signals.out_of_hours_list(db, stored_id(team.id)))


@blueprint.post("/families/<id:family_id>/network")
@roles(*DUO)
def professional_network(family_id):
    """The duo lists a partner organisation in the household's professional network (or takes it off): its
    signals about the household are then answered with the contact person's name and work phone."""
    db = db_session()
    family = get_or_404(Family, family_id, Action.family_edit)
    number = bounded_int(request.form.get("organisation"), 1, LARGEST_ID, 0)
    try:
        changed = signals.set_in_network(db, family, number, not request.form.get("remove"),
                                         current_user.account.id)
    except signals.SignalError:  # another team's partner, or one switched off: it would read this team's contact
        audit.record("family.network", "refused", object=f"partner-organisation:{number}", family_id=family.id)
        abort(404)
    if changed:
        audit.record("family.network", changed, object=f"partner-organisation:{number}", family_id=family.id)
    db.commit()
    return redirect(url_for("backoffice.family_file", family_id=family.id) + "#signals", 303)


def family_signals(db: Session, family: Family) -> dict:
    """What the family file shows of signals: the household's signals with their source, the partner
    organisations of its team in its network and those that may be added."""
    listed = set(db.exec(select(ProfessionalNetwork.organisation_id)
                         .where(ProfessionalNetwork.family_id == family.id)))
    organisations = list(db.exec(select(PartnerOrganisation).where(col(PartnerOrganisation.active),
                                                                  PartnerOrganisation.team_id == family.team_id)
                                 .order_by(col(PartnerOrganisation.name))))
    return {"signals": signals.of_family(db, stored_id(family.id)),
            "network": [organisation for organisation in organisations if organisation.id in listed],
            "network_choices": [organisation for organisation in organisations if organisation.id not in listed]}
