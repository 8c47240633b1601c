"""Appointments of a household, with place or safe place and interpreter."""
import datetime as dt
import enum

from sqlmodel import Field, SQLModel, UniqueConstraint

from portal import clock
from portal.models.plans import AUDIENCE_LENGTH
from portal.rules.audience import HOUSEHOLD


class AppointmentStatus(str, enum.Enum):
    planned = "planned"
    cancelled = "cancelled"


class AppointmentResponse(str, enum.Enum):
    confirmed = "confirmed"
    move_requested = "move_requested"


class Appointment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    family_id: int = Field(foreign_key="family.id", index=True)
    # The random key ("appointment-" and 32 hex) in a parent's address for it: ids count up and would tell of others.
    key: str = Field(max_length=48, unique=True)
    starts_at: dt.datetime = Field(index=True)  # UTC
    duration_minutes: int = 60
    # A safe place's address is never shown to the family nor put in a notification.
    safe_place: bool = False
    place: str = Field(default="", max_length=300)
    with_whom: str = Field(max_length=300)  # as the family reads it: the worker's name, or typed for someone else
    with_worker_id: int | None = Field(default=None, foreign_key="worker.id")  # the duo's worker it is with, if one
    purpose: str = Field(max_length=1000)
    interpreter_language: str | None = Field(default=None, max_length=8)
    interpreter_id: int | None = Field(default=None, foreign_key="interpreter.id", index=True)
    status: AppointmentStatus = AppointmentStatus.planned
    # Who may know of it: the whole household, or only the parents it is for (a safe place: always one).
    audience: str = Field(default=HOUSEHOLD, max_length=AUDIENCE_LENGTH)
    reminder_sent_at: dt.datetime | None = None
    created_at: dt.datetime = Field(default_factory=clock.now)
    planned_by: int | None = Field(default=None, foreign_key="account.id")  # the worker or team lead who planned it


class AppointmentAnswer(SQLModel, table=True):
    """One parent's answer to an appointment (I will come / please move it, and why) and the duo's reply
    to that parent: what a parent says belongs to that parent."""

    __table_args__ = (UniqueConstraint("appointment_id", "parent_id"),)

    id: int | None = Field(default=None, primary_key=True)
    appointment_id: int = Field(foreign_key="appointment.id", index=True)
    parent_id: int = Field(foreign_key="parent.id", index=True)
    response: AppointmentResponse
    reason: str = Field(default="", max_length=1000)
    answered_at: dt.datetime = Field(default_factory=clock.now)
    # When the appointment was at the moment of the answer and of the reply: it may be moved afterwards, and the
    # factual file must say which appointment the parent asked about.
    answered_about: dt.datetime | None = None
    reply: str = Field(default="", max_length=1000)
    replied_by: int | None = Field(default=None, foreign_key="worker.id")
    replied_at: dt.datetime | None = None
    replied_about: dt.datetime | None = None
