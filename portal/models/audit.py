"""The append-only, hash-chained audit log (BIO fields: actor, action, object, result, origin, time)."""
import datetime as dt

from sqlmodel import Field, SQLModel

from portal.models.base import utcnow


class AuditEvent(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(default_factory=utcnow)
    actor_id: int | None = Field(default=None, index=True)  # account id; None when unknown
    actor_name: str = Field(default="", max_length=120)
    role: str = Field(default="", max_length=16)
    action: str = Field(max_length=64)
    object: str = Field(default="", max_length=120)
    family_id: int | None = Field(default=None, index=True)
    result: str = Field(max_length=32)
    origin: str = Field(default="", max_length=64)
    prev_hash: str = Field(max_length=64, unique=True)
    hash: str = Field(max_length=64, unique=True)
