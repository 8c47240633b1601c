"""Teams, workers and their hours, interpreters, households, members, parents and duos."""
import datetime as dt
import enum

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel, UniqueConstraint

from portal import clock


class Team(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=120)


class Worker(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    account_id: int | None = Field(default=None, foreign_key="account.id", unique=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    name: str = Field(max_length=120)
    organisation: str = Field(max_length=120)
    phone: str = Field(max_length=32)


class WorkingHours(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    worker_id: int = Field(foreign_key="worker.id", index=True)
    weekday: int  # 0 = Monday
    start: dt.time
    end: dt.time


class Absence(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    worker_id: int = Field(foreign_key="worker.id", index=True)
    first_day: dt.date
    last_day: dt.date


class Interpreter(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    account_id: int | None = Field(default=None, foreign_key="account.id", unique=True)
    name: str = Field(max_length=120)
    languages: str = Field(max_length=64)  # comma separated locale codes, e.g. "ar" or "tr,en"

    def speaks(self, language: str) -> bool:
        return language in self.languages.split(",")


class InterpreterTeam(SQLModel, table=True):
    """An interpreter works for a team: the team leads of that team manage the interpreter's account."""

    __table_args__ = (UniqueConstraint("interpreter_id", "team_id"),)

    id: int | None = Field(default=None, primary_key=True)
    interpreter_id: int = Field(foreign_key="interpreter.id", index=True)
    team_id: int = Field(foreign_key="team.id", index=True)


class Family(SQLModel, table=True):
    """A household: the unit of work, with or without children."""

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    name: str = Field(max_length=120)
    interpreter_needed: bool = False
    # Violence between the parents: what one parent tells or gets may be kept from the other. Set at intake;
    # the server default fills the column for households that existed before it.
    parents_kept_apart: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})
    created_at: dt.datetime = Field(default_factory=clock.now)
    closed_at: dt.datetime | None = None  # the retention period runs from here (portal retention)


class CaseClosure(SQLModel, table=True):
    """One closing of a household's case by a team lead, and its reopening if it was reopened."""

    id: int | None = Field(default=None, primary_key=True)
    family_id: int = Field(foreign_key="family.id", index=True)
    closed_on: dt.date
    reason: str = Field(max_length=500)
    closed_by: int = Field(foreign_key="account.id")
    reopened_at: dt.datetime | None = None
    reopen_reason: str = Field(default="", max_length=500)
    reopened_by: int | None = Field(default=None, foreign_key="account.id")


class FamilyMember(SQLModel, table=True):
    """A child or another member of the household; a member needs no account, a child of 12 or over may have one."""

    id: int | None = Field(default=None, primary_key=True)
    family_id: int = Field(foreign_key="family.id", index=True)
    name: str = Field(max_length=120)
    relation: str = Field(max_length=40)  # kind, partner, grootouder, ...
    birth_year: int | None = None
    is_child: bool = False
    # A child of 12 or over may get an account of their own (models/children.py: the duo's decision).
    account_id: int | None = Field(default=None, foreign_key="account.id", unique=True)
    language: str = Field(default="nl", max_length=8, sa_column_kwargs={"server_default": "nl"})


class Parent(SQLModel, table=True):
    """A parent or carer in one household, who may have an account."""

    id: int | None = Field(default=None, primary_key=True)
    family_id: int = Field(foreign_key="family.id", index=True)
    account_id: int | None = Field(default=None, foreign_key="account.id", unique=True)
    name: str = Field(max_length=120)
    language: str = Field(default="nl", max_length=8)
    phone: str | None = Field(default=None, max_length=32)
    email: str | None = Field(default=None, max_length=254)
    # How the parent hears there is news: "sms" (to the phone) or "email" (services/notifications.address_of).
    notify_by: str = Field(default="sms", max_length=8, sa_column_kwargs={"server_default": "sms"})
    # Where partners' signals find them (portal/rules/matching.py): staff-only, like the rest of this row.
    birth_year: int | None = None
    postcode: str = Field(default="", max_length=7, sa_column_kwargs={"server_default": ""})
    house_number: str = Field(default="", max_length=10, sa_column_kwargs={"server_default": ""})


class DuoRole(str, enum.Enum):
    contact = "contact"
    partner = "partner"


# One open row per worker and household: a worker added twice would stand in the duo's history twice.
OPEN_ASSIGNMENT = text('"end" IS NULL')


class DuoAssignment(SQLModel, table=True):
    """A worker in a family's duo for a period; the current contact is a query over these."""

    __table_args__ = (Index("uq_duoassignment_open_worker", "family_id", "worker_id", unique=True,
                            sqlite_where=OPEN_ASSIGNMENT, postgresql_where=OPEN_ASSIGNMENT),)

    id: int | None = Field(default=None, primary_key=True)
    family_id: int = Field(foreign_key="family.id", index=True)
    worker_id: int = Field(foreign_key="worker.id", index=True)
    role: DuoRole
    start: dt.date
    end: dt.date | None = None  # last day in the duo, inclusive
    # Who did it (an account: the team lead at the intake, a worker or team lead later), for the factual file.
    assigned_by: int | None = Field(default=None, foreign_key="account.id")
    ended_by: int | None = Field(default=None, foreign_key="account.id")  # also by handing the role to another


class BreakGlass(SQLModel, table=True):
    """A worker opened a family outside their duo, with a typed reason, for a limited time."""

    id: int | None = Field(default=None, primary_key=True)
    worker_id: int = Field(foreign_key="worker.id", index=True)
    family_id: int = Field(foreign_key="family.id", index=True)
    reason: str = Field(max_length=500)
    at: dt.datetime = Field(default_factory=clock.now)
    until: dt.datetime
