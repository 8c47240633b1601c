"""The duo's forms: adding a worker to the duo (as contact person from a day, or as partner), ending a role."""
import datetime as dt

from portal import clock
from portal.models import DuoRole
from portal.web.forms import Form, Parsed, bounded_date, bounded_int

ROLES = ("contact", "partner")


class AddToDuoForm(Form):
    """A worker of the team (checked by the service), a role (partner unless "contact") and the first day (today
    unless a day is given). Nothing here is refused: what is not a worker's id adds nobody."""

    worker = Parsed()
    role = Parsed()
    start = Parsed()

    def worker_id(self) -> int:
        """The chosen worker's id, or 0 (nobody) for anything that is not a 32-bit database id."""
        return bounded_int(self.worker.data, 1, 2**31 - 1, 0)

    def duo_role(self) -> DuoRole:
        return DuoRole(self.role.data) if self.role.data in ROLES else DuoRole.partner

    def first_day(self) -> dt.date:
        return bounded_date(self.start.data) or clock.today()


class EndRoleForm(Form):
    """The last day of a worker in the duo: today unless another day is typed; the service judges it."""

    end = Parsed(default=lambda: clock.today().isoformat())

    def last_day(self) -> dt.date | None:
        return bounded_date(self.end.data)
