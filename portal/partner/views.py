"""A partner's pages: send a signal, read back that it was received (and whom to call back), add to it."""
from flask import current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import col, select

from portal import clock
from portal.db import session as db_session
from portal.extensions import limiter
from portal.models import PartnerOrganisation, Role, Signal
from portal.partner import blueprint
from portal.partner.forms import AdditionForm, SignalForm
from portal.rules import facts_first
from portal.rules.actions import Action
from portal.rules.plain_language import check
from portal.services import signals
from portal.web import audit
from portal.web.forms import TooLong, max_length, switching_language
from portal.web.guards import get_or_404, roles

partner_only = roles(Role.partner)
OWN_SIGNALS_SHOWN = 20
SIGNALS_PER_HOUR = "60/hour"  # posts of the form by one partner: checks and rows added count too
WHAT_LIMIT = max_length(Signal.what)


def _account_key() -> str:
    return f"partner:{current_user.account.id}" if current_user.is_authenticated else "anonymous"


@blueprint.route("/", methods=["GET", "POST"])
@partner_only
@limiter.limit(SIGNALS_PER_HOUR, key_func=_account_key, methods=["POST"])
def home():
    """The signal form, and the signals this partner sent (only that they were received)."""
    db, partner = db_session(), current_user.partner
    organisation = get_or_404(PartnerOrganisation, partner.organisation_id, Action.signal_send)
    now = clock.local_now()
    form = SignalForm(data={"day": now.date().isoformat(), "time": now.strftime("%H:%M"), "urgency": "normal"})
    # "Check my text" and "Add a person" show the form again, as typed; only the send button sends.
    showing_again = "check" in request.form or request.form.get("add") == "person"
    if request.method == "POST" and not switching_language() and not showing_again and form.validate():
        signal = signals.send(db, organisation, form.draft(), clock.now(), current_app.config["RETENTION_YEARS"],
                              sent_by=partner.account_id)
        audit.record("signal.send", signal.state.value, object=f"signal:{signal.id}", family_id=signal.family_id)
        db.commit()
        return redirect(url_for("partner.receipt", signal_id=signal.id))
    mine = db.exec(select(Signal).where(Signal.sent_by == partner.account_id)
                   .order_by(col(Signal.sent_at).desc()).limit(OWN_SIGNALS_SHOWN)).all()
    what = form.what.data or ""
    errors = form.messages()
    return render_template("partner/home.html", form=form, errors=errors, organisation=organisation, mine=mine,
                           people=[signals.people_of(signal) for signal in mine],
                           report=check(what, set()) if what else None,
                           marks=facts_first.check(what)), 400 if errors else 200


@blueprint.post("/plain-language")
@partner_only
def plain_language():
    """Live plain-language and facts-first help on "what was seen or heard" (htmx); the same help shows when the
    form comes back without JS."""
    what = SignalForm().what.data or ""
    if len(what) > WHAT_LIMIT:
        return render_template("backoffice/plain_help.html", too_long=TooLong(len(what), WHAT_LIMIT).message)
    return render_template("backoffice/plain_help.html", report=check(what, set()) if what else None,
                           marks=facts_first.check(what))


@blueprint.route("/signals/<id:signal_id>", methods=["GET", "POST"])
@partner_only
def receipt(signal_id):
    """"Received", what was sent and added, whom to call back where the duo listed this partner; adding to it."""
    db = db_session()
    signal = get_or_404(Signal, signal_id, Action.signal_read)
    form = AdditionForm()
    if request.method == "POST" and not switching_language() and form.validate():
        try:
            addition = signals.add_to(db, signal, form.text.data, current_user.account.id)
        except signals.SignalError:
            form.refuse(form.text, _("This signal has as many additions as it can hold (%(limit)s). Send a new "
                                     "signal.", limit=signals.ADDITIONS_MAX))
        else:
            audit.record("signal.add", "ok", object=f"signal:{signal.id}", family_id=signal.family_id)
            db.commit()
            return redirect(url_for("partner.receipt", signal_id=signal.id) + f"#addition-{addition.id}")
    errors = form.messages()
    return render_template("partner/receipt.html", receipt=signals.receipt(db, signal, clock.today()),
                           people=signals.people_of(signal), additions=signals.additions(db, signal.id), form=form,
                           errors=errors), 400 if errors else 200
