"""The worker's own schedule: per job, who runs it now and when it last succeeded."""
import datetime as dt

from sqlmodel import Field, SQLModel


class ScheduledJob(SQLModel, table=True):
    """One job of `portal worker`'s schedule (reminders, retention, sealing, verifying). A worker claims it by a
    conditional update of this row, so two workers never run it at once; its last success tells the team lead's
    home whether it is overdue."""

    name: str = Field(primary_key=True, max_length=32)
    claimed_by: str = Field(default="", max_length=64)
    claimed_until: dt.datetime | None = None  # a worker that died lets go of it after this
    last_started_at: dt.datetime | None = None
    last_success_at: dt.datetime | None = None
    last_failure_at: dt.datetime | None = None
    last_error: str = Field(default="", max_length=500)
