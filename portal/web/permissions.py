"""What templates may ask about the signed-in user: `can`, with the views' own actions, and which audience they are."""
from flask import Flask
from flask_login import current_user

from portal import policy
from portal.db import session
from portal.models import Role
from portal.rules.actions import Action


def can(action: Action, obj=None) -> bool:
    """The view's own check, for a link or button: `portal.policy.can` on `obj`, or on the signed-in worker's own
    team where no object is given (the team lead's links on every page)."""
    target = obj if obj is not None else getattr(current_user, "worker", None)
    return policy.can(current_user, action, target, session())


def signed_in_parent() -> bool:
    """The family pages' menu is for a signed-in parent: an audience, not a permission."""
    return current_user.is_authenticated and current_user.role is Role.parent


def signed_in_member() -> bool:
    """A member of a family's circle or a child: one page, no menu, the same footer as a parent."""
    return current_user.is_authenticated and current_user.role in (Role.network, Role.child)


def own_who_looked() -> str:
    """The endpoint of the "who looked" page of the signed-in family user."""
    return {Role.network: "family.circle_who_viewed", Role.child: "family.child_who_viewed"}.get(
        current_user.role, "family.who_viewed")


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(can=can, Action=Action, signed_in_parent=signed_in_parent,
                                 signed_in_member=signed_in_member, own_who_looked=own_who_looked)
