"""What the team lead sees of the worker: messages that could not be sent (by name and time, never their content),
and scheduled jobs that are overdue (the worker stopped, or a job keeps failing)."""
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal import clock
from portal.backoffice import blueprint
from portal.db import session as db_session
from portal.models import Role
from portal.services import notifications, schedule

JOB_NAMES = {"reminders": _l("Appointment reminders"), "retention": _l("Removing files past their retention"),
             "audit-seal": _l("Sealing the audit log"), "audit-verify": _l("Checking the audit log")}


def _team_lead() -> bool:
    return current_user.is_authenticated and current_user.role is Role.teamlead and current_user.worker is not None


def _undelivered() -> list:
    return notifications.undelivered(db_session(), current_user.worker.team_id) if _team_lead() else []


def _overdue() -> list[tuple[str, schedule.Overdue]]:
    if not _team_lead():
        return []
    return [(str(JOB_NAMES[job.name]), job) for job in schedule.overdue(db_session(), clock.now())]


@blueprint.context_processor
def worker_state() -> dict:
    """Functions, so the lists are read only where a page shows them (the team lead's home)."""
    return {"undelivered_messages": _undelivered, "overdue_jobs": _overdue}
