"""A closed case: its parents, circle and children see a kind message with whom to call instead of their pages."""

from flask import current_app, render_template, request
from flask_login import current_user

from portal import clock
from portal.db import session as db_session
from portal.family import blueprint
from portal.models import Family, Role
from portal.policy import can
from portal.rules.actions import Action
from portal.services.duo import call_now, current_duo

# Whose closed page it is: what it says is gone differs for a parent, a circle member and a child.
READERS = {Role.network: "circle", Role.child: "child"}
# Help about the quick-exit button stays open to everyone: it tells nothing about a household.
OPEN_WHEN_CLOSED = {"family.about_quick_exit"}


@blueprint.before_request
def closed_case():
    """Every family page of a parent, circle member or child whose household's case is closed: the message, no
    plan data."""
    own = _own_record()
    if own is None or request.endpoint in OPEN_WHEN_CLOSED:
        return None
    action, record = own
    db = db_session()
    if can(current_user, action, record, db):
        return None
    # The household came with the signed-in user's session, in the same query (accounts/sessions.load).
    family = current_user.family or db.get(Family, record.family_id)
    now = clock.local_now()
    advice, _hours = call_now(db, current_duo(db, family.id, now.date()), now, current_app.config["OUT_OF_HOURS_NAME"],
                              current_app.config["OUT_OF_HOURS_PHONE"])
    return render_template("family/closed.html", name=advice.name, phone=advice.phone,
                           reader=READERS.get(current_user.role, "parent"))


def _own_record():
    """What a signed-in parent, circle member or child reads all their pages by: (the action, their household or own
    record); None for everyone else."""
    if not current_user.is_authenticated:
        return None
    if current_user.role is Role.parent and current_user.parent is not None:
        return Action.family_read, current_user.family or db_session().get(Family, current_user.parent.family_id)
    if current_user.role is Role.network and current_user.member is not None:
        return Action.circle_read, current_user.member
    if current_user.role is Role.child and current_user.child is not None:
        return Action.child_read, current_user.child
    return None
