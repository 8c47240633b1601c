"""The pages of a child of 12 or over: whom to call, their own plan, their words to the duo, who looked."""
from flask import current_app, redirect, render_template, url_for
from flask_login import current_user
from sqlmodel import col, select

from portal import clock
from portal.db import session as db_session
from portal.family import blueprint
from portal.family.forms import ChildWordsForm, ShareForm, sent
from portal.models import AuditEvent, Parent, Role
from portal.policy import events_for_child
from portal.services import children
from portal.services.duo import call_now, current_duo
from portal.web import audit
from portal.web.guards import roles

child_only = roles(Role.child)
WHO_LOOKED_SHOWN = 100
WHO_LOOKED_READ = 300


@blueprint.route("/me", methods=["GET", "POST"])
@child_only
def child_home():
    """Whom to call now, the child's own plan, and what they want the duo to know."""
    db, child = db_session(), current_user.child
    form = ChildWordsForm()
    if sent(form):
        words = children.write(db, child, form.text.data)
        audit.record("child.words", "ok", object=f"child-words:{words.id}", family_id=child.family_id)
        db.commit()
        return redirect(url_for("family.child_home") + "#my-words")
    now = clock.local_now()
    advice, _hours = call_now(db, current_duo(db, child.family_id, now.date()), now,
                              current_app.config["OUT_OF_HOURS_NAME"], current_app.config["OUT_OF_HOURS_PHONE"])
    errors = form.messages()
    return render_template("family/child.html", advice=advice, plan=children.plan_of(db, child.id),
                           words=children.words_of(db, child.id), form=form, errors=errors,
                           main_form="words-form", parents=_parents(db, child.family_id)), 400 if errors else 200


@blueprint.post("/me/words/<id:words_id>/share")
@child_only
def child_share(words_id):
    """The child shares one of their words with the parents they tick; nothing else ever reaches a parent."""
    db, child = db_session(), current_user.child
    try:
        shared = children.share(db, child, words_id, ShareForm().parent_ids())
    except children.ChildError:  # no parent ticked, or words that are not theirs: the page again, nothing shared
        return redirect(url_for("family.child_home") + "#my-words")
    audit.record("child.share", "ok", object=f"child:{child.id}", family_id=child.family_id)
    db.commit()
    return redirect(url_for("family.child_home") + f"#words-{shared.id}")


@blueprint.get("/me/who-looked")
@child_only
def child_who_viewed():
    """Who of the duo looked at or worked on what is this child's (their plan, their words), and when."""
    db, child = db_session(), current_user.child
    events = db.exec(select(AuditEvent).where(AuditEvent.family_id == child.family_id,
                                              col(AuditEvent.role).in_(["worker", "teamlead", "interpreter"]))
                     .order_by(col(AuditEvent.at).desc()).limit(WHO_LOOKED_READ)).all()
    return render_template("family/who_viewed.html", events=events_for_child(db, child, events)[:WHO_LOOKED_SHOWN])


def _parents(db, family_id: int) -> list[dict]:
    """The parents a child may share with, by id and first name: what the child calls them on their page."""
    rows = db.exec(select(Parent.id, Parent.name).where(Parent.family_id == family_id).order_by(col(Parent.id)))
    return [{"id": number, "name": name.split()[0] if name.split() else name} for number, name in rows]
