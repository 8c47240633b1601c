"""The append-only audit log (BIO fields: actor, action, object, result, origin, time) and its sealed chain."""
import datetime as dt

from sqlmodel import Field, SQLModel

from portal import clock


class AuditEvent(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(default_factory=clock.now)
    actor_id: int | None = Field(default=None, index=True)  # account id; None when unknown
    actor_name: str = Field(default="", max_length=120)
    role: str = Field(default="", max_length=16)
    action: str = Field(max_length=64)
    object: str = Field(default="", max_length=120)
    family_id: int | None = Field(default=None, index=True)
    result: str = Field(max_length=32)
    origin: str = Field(default="", max_length=64)
    # Empty until the sealer chains the event (portal/services/audit.py): so appending takes no lock.
    seq: int | None = Field(default=None, unique=True, index=True)
    mac: str | None = Field(default=None, max_length=64)


class AuditCheckpoint(SQLModel, table=True):
    """Where the chain ended after a seal, signed with the audit key; the anchor file keeps a copy."""
    id: int | None = Field(default=None, primary_key=True)
    seq: int = Field(unique=True, index=True)
    mac: str = Field(max_length=64)
    at: dt.datetime = Field(default_factory=clock.now)
    signature: str = Field(max_length=64)
