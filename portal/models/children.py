"""Children of 12 and over: the duo's decision to give one an account, their own plan and their own words."""
import datetime as dt

from sqlmodel import Field, SQLModel

from portal import clock


class ChildAccountDecision(SQLModel, table=True):
    """The duo decided, with the child, that a child of 12 or over gets an account, and whether the parents (or
    a guardian) know: told, or not told because that is not safe, with why."""

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="familymember.id", unique=True)
    decided_by: int = Field(foreign_key="account.id")
    decided_at: dt.datetime = Field(default_factory=clock.now)
    parents_know: bool
    why_not_told: str = Field(default="", max_length=500)


class ChildPlan(SQLModel, table=True):
    """What a child does when it is unsafe at home, in their own words, written with the duo."""

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="familymember.id", unique=True)
    call: str = Field(default="", max_length=500)  # who I call
    go: str = Field(default="", max_length=500)  # where I go
    code_word: str = Field(default="", max_length=100)  # the word that means "come and get me"
    updated_at: dt.datetime = Field(default_factory=clock.now)
    updated_by: int | None = Field(default=None, foreign_key="account.id")


class ChildWords(SQLModel, table=True):
    """What a child wants the duo to know. No parent reads it unless the child shares it with them
    (`shared_with`, an audience of parents; empty: the duo only)."""

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="familymember.id", index=True)
    text: str = Field(max_length=2000)
    written_at: dt.datetime = Field(default_factory=clock.now)
    shared_with: str = Field(default="", max_length=200)
    shared_at: dt.datetime | None = None
    read_at: dt.datetime | None = None  # the duo read it
    read_by: int | None = Field(default=None, foreign_key="account.id")
