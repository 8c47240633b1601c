"""Safety plans: versions (a draft, then immutable published ones), Top 3 items and answers."""
import datetime as dt
import enum
import uuid

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel, UniqueConstraint

from portal import clock
from portal.rules.audience import HOUSEHOLD

AUDIENCE_LENGTH = 200  # "parents:" and the ids of the parents an item is only for


def new_key() -> str:
    """A stable identity for an item across versions (for diffs and visibility)."""
    return uuid.uuid4().hex


class SafetyPlan(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    family_id: int = Field(foreign_key="family.id", unique=True)


class VersionStatus(str, enum.Enum):
    draft = "draft"
    published = "published"


class PlanVersion(SQLModel, table=True):
    """A draft (number is None) or a published version, which never changes. A plan has one draft at most: two
    first saves at the same moment make one draft, the later save meets it (a conflict)."""

    __table_args__ = (UniqueConstraint("plan_id", "number"),
                      Index("ix_planversion_one_draft", "plan_id", unique=True, sqlite_where=text("status = 'draft'"),
                            postgresql_where=text("status = 'draft'")))

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="safetyplan.id", index=True)
    number: int | None = None
    status: VersionStatus = VersionStatus.draft
    # Raised on every draft save; a save based on an older revision is a conflict.
    revision: int = 1
    note_for_family: str = Field(default="", max_length=2000)
    note_audience: str = Field(default=HOUSEHOLD, max_length=AUDIENCE_LENGTH)
    change_summary: str = Field(default="", max_length=4000)
    # Facts-first marks (interpretations, judgements) left in the text when published: for the duo, never parents.
    interpretations_marked: int = 0
    created_at: dt.datetime = Field(default_factory=clock.now)
    updated_at: dt.datetime = Field(default_factory=clock.now)
    updated_by: int | None = Field(default=None, foreign_key="worker.id")
    published_at: dt.datetime | None = None
    published_by: int | None = Field(default=None, foreign_key="worker.id")


class ParentVersion(SQLModel, table=True):
    """A published version as one parent knows it: made only when what that parent may read changed, numbered
    1, 2, 3 for that parent alone, so that work for another parent leaves no number, notice or history entry."""

    __table_args__ = (UniqueConstraint("parent_id", "version_id"), UniqueConstraint("parent_id", "number"))

    id: int | None = Field(default=None, primary_key=True)
    parent_id: int = Field(foreign_key="parent.id", index=True)
    version_id: int = Field(foreign_key="planversion.id", index=True)
    number: int


class UnsafeKind(str, enum.Enum):
    acute = "acute"
    structural = "structural"


class UnsafeSituation(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="planversion.id", index=True)
    key: str = Field(default_factory=new_key, max_length=32, index=True)
    rank: int  # 1..3
    kind: UnsafeKind
    description: str = Field(max_length=2000)
    risk_factors: str = Field(default="", max_length=2000)  # one per line
    audience: str = Field(default=HOUSEHOLD, max_length=AUDIENCE_LENGTH)


class SafetyAgreement(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    situation_id: int = Field(foreign_key="unsafesituation.id", index=True)
    key: str = Field(default_factory=new_key, max_length=32, index=True)
    position: int = 0
    who: str = Field(max_length=500)
    what: str = Field(max_length=2000)
    when: str = Field(max_length=500)
    if_it_goes_wrong: str = Field(max_length=2000)
    audience: str = Field(default=HOUSEHOLD, max_length=AUDIENCE_LENGTH)


class PlanSection(str, enum.Enum):
    help = "help"
    future = "future"


class PlanItem(SQLModel, table=True):
    """An item of the help plan (which help, from whom) or of the future plan."""

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="planversion.id", index=True)
    key: str = Field(default_factory=new_key, max_length=32, index=True)
    section: PlanSection
    position: int = 0
    text: str = Field(max_length=2000)
    who: str = Field(default="", max_length=500)
    audience: str = Field(default=HOUSEHOLD, max_length=AUDIENCE_LENGTH)


class Answer(str, enum.Enum):
    agree = "agree"
    question = "question"
    disagree = "disagree"


class Acknowledgement(SQLModel, table=True):
    """One parent's reading of one published version, and their answer to it (agree, question, disagree)."""

    __table_args__ = (UniqueConstraint("parent_id", "version_id"),)

    id: int | None = Field(default=None, primary_key=True)
    parent_id: int = Field(foreign_key="parent.id", index=True)
    version_id: int = Field(foreign_key="planversion.id", index=True)
    read_at: dt.datetime = Field(default_factory=clock.now)
    answer: Answer | None = None
    answered_at: dt.datetime | None = None


class PlanQuestion(SQLModel, table=True):
    """A parent's question or disagreement about a version, and the duo's reply: that parent's alone.
    Each one is kept, so the thread stays whole when newer versions are published."""

    id: int | None = Field(default=None, primary_key=True)
    parent_id: int = Field(foreign_key="parent.id", index=True)
    version_id: int = Field(foreign_key="planversion.id", index=True)
    kind: Answer  # question | disagree
    text: str = Field(max_length=2000)
    asked_at: dt.datetime = Field(default_factory=clock.now)
    reply: str = Field(default="", max_length=2000)
    replied_by: int | None = Field(default=None, foreign_key="worker.id")
    replied_at: dt.datetime | None = None
    reply_seen_at: dt.datetime | None = None  # when the parent last opened the page with the reply on it
    handled_at: dt.datetime | None = None
