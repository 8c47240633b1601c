"""The pages of a member of the family's circle: the agreements they carry, their answers, who looked at theirs."""
from flask import current_app, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlmodel import col, select

from portal import clock
from portal.db import session as db_session
from portal.family import blueprint
from portal.family.forms import CircleAnswerForm, sent
from portal.models import AuditEvent, Role
from portal.policy import events_for_member
from portal.services import circle
from portal.services.duo import call_now, current_duo
from portal.services.interpreting import texts_for
from portal.web import audit
from portal.web.guards import roles

member_only = roles(Role.network)
WHO_LOOKED_SHOWN = 100
WHO_LOOKED_READ = 300
# An answer to an agreement that changed or went while its page was open (read in the request's language).
CHANGED = _l("This agreement changed while you were reading it. Nothing was sent: read it again and answer.")


@blueprint.route("/circle", methods=["GET", "POST"])
@member_only
def circle_home():
    """Who to call now and the agreements this member carries, each with "I will do this" or "I cannot"."""
    db, member = db_session(), current_user.member
    form = CircleAnswerForm()
    if sent(form):
        try:
            given = circle.answer(db, member, form.agreement.data, form.seen.data, form.chosen(), form.reason.data)
        except circle.CircleError:  # the agreement changed or went while the page was open: nothing is sent
            form.refuse(form.agreement, str(CHANGED))
        else:
            audit.record("circle.answer", given.answer.value, object=f"circle-answer:{given.id}",
                         family_id=member.family_id)
            db.commit()
            return redirect(url_for("family.circle_home") + f"#agreement-{given.agreement_key}")
    now = clock.local_now()
    advice, _hours = call_now(db, current_duo(db, member.family_id, now.date()), now,
                              current_app.config["OUT_OF_HOURS_NAME"], current_app.config["OUT_OF_HOURS_PHONE"])
    carried = circle.carried_by(db, member)
    keys = {item.agreement.key for item in carried}
    if form.errors and form.agreement.data not in keys and not form.agreement.errors:  # no card to show them at
        form.refuse(form.agreement, str(CHANGED))
    texts = [text for item in carried for text in item.agreement_texts]
    errors = form.messages()
    return render_template("family/circle.html", carried=carried, advice=advice, form=form, errors=errors,
                           main_form=f"answer-{form.agreement.data}" if form.agreement.data in keys else None,
                           translation=texts_for(db, member, texts)), 400 if errors else 200


@blueprint.get("/circle/who-looked")
@member_only
def circle_who_viewed():
    """Who of the duo looked at or worked on what is this member's (their record, their answers), and when."""
    db, member = db_session(), current_user.member
    events = db.exec(select(AuditEvent).where(AuditEvent.family_id == member.family_id,
                                              col(AuditEvent.role).in_(["worker", "teamlead", "interpreter"]))
                     .order_by(col(AuditEvent.at).desc()).limit(WHO_LOOKED_READ)).all()
    return render_template("family/who_viewed.html", events=events_for_member(db, member, events)[:WHO_LOOKED_SHOWN])
