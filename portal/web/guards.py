"""The route guards: portal.policy applied to the request; they alone log its refusals and keep a signed-out post."""
from functools import wraps

from flask import abort, redirect, request, url_for
from flask_login import current_user

from portal.db import session
from portal.models import Role, Team
from portal.policy import can, family_of
from portal.rules.actions import Action
from portal.web import audit, kept


def get_or_404(model, ident: int, action: Action):
    """Load an object the current user may act on; anything else is 'not found'."""
    db = session()
    obj = db.get(model, ident)
    if obj is None or not can(current_user, action, obj, db):
        # Every refused look at a household is logged, also when the object does not exist (probing).
        audit.record(_name(action), "refused", object=f"{model.__tablename__}:{ident}",
                     family_id=family_of(obj) if obj is not None else None)
        abort(404)
    return obj


def own_team_or_404(action: Action, recorded: str | None = None) -> Team:
    """The signed-in team lead's own team, when they may do `action` on it; anything else is 'not found', and
    the refusal is logged (as `recorded` where the page's audit action has another name)."""
    db = session()
    team = db.get(Team, current_user.worker.team_id) if current_user.worker else None
    if team is None or not can(current_user, action, team, db):
        audit.record(recorded or _name(action), "refused", object="team")
        abort(404)
    return team


def _name(action) -> str:
    """The action as the audit log writes it: the plain name, whatever was asked."""
    return action.value if isinstance(action, Action) else str(action)


def public(view):
    """Declare a route open to everyone (sign-in pages, health, quick exit)."""
    view.access_rule = "public"
    return view


def roles(*allowed: Role):
    """Declare which roles may reach a route; others get 404, the signed-out get their sign-in page."""

    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if not current_user.is_authenticated:
                # Staff and partners sign in with two factors, on the back office's sign-in page.
                staff_page = request.blueprint in ("backoffice", "partner") or request.path.startswith(
                    ("/backoffice/", "/partner/"))
                if request.method == "POST" and request.htmx:
                    return "", 401  # an update within a page (autosave): the page says so and keeps the text
                if request.method == "POST":
                    kept.keep("staff" if staff_page else "family")
                audience = "auth.staff_sign_in" if staff_page else "auth.sign_in"
                return redirect(url_for(audience))
            if current_user.role not in allowed:
                audit.record("access.role", "refused", object=request.path[:120])
                abort(404)
            return view(*args, **kwargs)

        guarded.access_rule = tuple(role.value for role in allowed)
        return guarded

    return decorate
