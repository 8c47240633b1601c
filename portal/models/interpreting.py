"""Translation memory of plan text, and the translation work a published version opens."""
import datetime as dt

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel, UniqueConstraint

from portal import clock


class TranslationSegment(SQLModel, table=True):
    """One Dutch sentence and its human translation for one household (a standing text such as a glossary
    explanation has none). Reused in that household; in another only when the sentence holds no protected text and
    stood only in whole-household items."""

    __table_args__ = (UniqueConstraint("source_hash", "language", "family_id"),)

    id: int | None = Field(default=None, primary_key=True)
    source_hash: str = Field(max_length=64, index=True)
    language: str = Field(max_length=8)
    source_text: str
    text: str
    family_id: int | None = Field(default=None, foreign_key="family.id", index=True)
    # The Dutch held protected text (names, numbers, places...) or stood in something not for the whole household
    # (an item for named parents, a reply to one parent) when translated: never offered to another household.
    protected: bool = True
    translator_id: int | None = Field(default=None, foreign_key="interpreter.id")
    translated_at: dt.datetime = Field(default_factory=clock.now)
    verified_by: int | None = Field(default=None, foreign_key="interpreter.id")
    verified_at: dt.datetime | None = None


class TranslationJob(SQLModel, table=True):
    """A published version to be translated into one language, or (without a version) the household's appointments
    and the duo's replies to answers about them. Open while neither completed nor closed: a newer version closes
    the job of the version before (its open sentences go on in the newer version's job), closing the case closes
    the open jobs (not translated, so `completed_at` stays empty) and reopening it opens those of the current version
    and the appointments again. The appointments' job is the household's whatever was published: whether and when a
    parent's appointment is translated never depends on a version only another parent may read."""

    __table_args__ = (UniqueConstraint("version_id", "language"),
                      Index("ix_translationjob_appointments", "family_id", "language", unique=True,
                            sqlite_where=text("version_id IS NULL"), postgresql_where=text("version_id IS NULL")))

    id: int | None = Field(default=None, primary_key=True)
    family_id: int = Field(foreign_key="family.id", index=True)
    version_id: int | None = Field(default=None, foreign_key="planversion.id", index=True)
    language: str = Field(max_length=8)
    interpreter_id: int | None = Field(default=None, foreign_key="interpreter.id", index=True)
    opened_at: dt.datetime = Field(default_factory=clock.now)
    completed_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None  # a newer version or the case's closing stopped it: no longer worked on
    # The sentences the job of the version before left open, with where each stood and for whom, as JSON text:
    # [[sentence, section, audience], ...]. They are this job's work too: nothing waiting is dropped.
    carried: str = Field(default="[]", sa_column_kwargs={"server_default": "[]"})


class ParentTextRendering(SQLModel, table=True):
    """A parent's own text (a question about the plan, a reason to move an appointment) that the duo asked an
    interpreter to render in Dutch: the duo reads it beside the original. It belongs to that parent alone."""

    __table_args__ = (UniqueConstraint("kind", "text_id"),)

    id: int | None = Field(default=None, primary_key=True)
    family_id: int = Field(foreign_key="family.id", index=True)
    parent_id: int = Field(foreign_key="parent.id", index=True)
    kind: str = Field(max_length=16)  # "question" (PlanQuestion) or "answer" (AppointmentAnswer's reason)
    text_id: int
    language: str = Field(max_length=8)  # the parent's language: the original's
    source_text: str = Field(max_length=2000)  # the original as asked for (a changed reason asks anew)
    text: str = Field(default="", max_length=4000)  # the Dutch rendering, empty while it waits
    asked_by: int = Field(foreign_key="worker.id")
    asked_at: dt.datetime = Field(default_factory=clock.now)
    interpreter_id: int | None = Field(default=None, foreign_key="interpreter.id", index=True)
    rendered_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None  # the case closed while it waited: no longer worked on (reopening: again)
