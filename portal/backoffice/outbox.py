"""What the team lead sees of the outbox: messages that could not be sent, by name and time, never their content."""
from flask_login import current_user

from portal.backoffice import blueprint
from portal.db import session as db_session
from portal.models import Role
from portal.services import notifications


def _undelivered() -> list:
    if not current_user.is_authenticated or current_user.role is not Role.teamlead or current_user.worker is None:
        return []
    return notifications.undelivered(db_session(), current_user.worker.team_id)


@blueprint.context_processor
def undelivered_messages() -> dict:
    """A function, so the list is read only where a page shows it (the team lead's home)."""
    return {"undelivered_messages": _undelivered}
