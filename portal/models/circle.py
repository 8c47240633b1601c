"""The family's circle: network members who carry agreements of the plan, which ones, and their answers."""
import datetime as dt
import enum

from sqlmodel import Field, SQLModel, UniqueConstraint

from portal import clock
from portal.models.plans import AUDIENCE_LENGTH
from portal.rules.audience import HOUSEHOLD


class NetworkMember(SQLModel, table=True):
    """A person of the family's circle (a relative, a neighbour) who carries agreements of the safety plan. On the
    household's side, or on one parent's side ("parents:<id>", an audience): a member reads no more than that."""

    id: int | None = Field(default=None, primary_key=True)
    family_id: int = Field(foreign_key="family.id", index=True)
    account_id: int | None = Field(default=None, foreign_key="account.id", unique=True)
    name: str = Field(max_length=120)
    relation: str = Field(max_length=60)  # buurvrouw, broer van vader, oma, ...
    language: str = Field(default="nl", max_length=8)
    phone: str | None = Field(default=None, max_length=32)
    side: str = Field(default=HOUSEHOLD, max_length=AUDIENCE_LENGTH)
    added_by: int | None = Field(default=None, foreign_key="account.id")
    added_at: dt.datetime = Field(default_factory=clock.now)


class NamedInAgreement(SQLModel, table=True):
    """The duo confirmed that this member carries an agreement (by its key: the same agreement in every version)."""

    __table_args__ = (UniqueConstraint("member_id", "agreement_key"),)

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="networkmember.id", index=True)
    agreement_key: str = Field(max_length=32, index=True)
    confirmed_by: int | None = Field(default=None, foreign_key="account.id")
    confirmed_at: dt.datetime = Field(default_factory=clock.now)


class Commitment(str, enum.Enum):
    will = "will"  # "I will do this"
    cannot = "cannot"  # "I cannot do this", with a reason: a task for the duo until handled


class CircleAnswer(SQLModel, table=True):
    """A member's answer to one agreement as it read then (its digest): asked again when the agreement changes."""

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="networkmember.id", index=True)
    agreement_key: str = Field(max_length=32, index=True)
    version_id: int = Field(foreign_key="planversion.id")
    digest: str = Field(max_length=64)
    answer: Commitment
    reason: str = Field(default="", max_length=1000)
    answered_at: dt.datetime = Field(default_factory=clock.now)
    handled_at: dt.datetime | None = None
    handled_by: int | None = Field(default=None, foreign_key="account.id")
