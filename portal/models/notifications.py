"""The notification outbox: messages are written here and sent by a pluggable sender."""
import datetime as dt

from sqlmodel import Field, SQLModel

from portal.models.base import utcnow


class OutboxMessage(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    account_id: int | None = Field(default=None, foreign_key="account.id", index=True)
    channel: str = Field(max_length=8)  # sms | email
    to: str = Field(max_length=254)
    body: str = Field(max_length=1000)
    # Unique per purpose (e.g. "reminder:<appointment>:<parent>") so nothing is sent twice.
    dedupe_key: str | None = Field(default=None, max_length=120, unique=True)
    created_at: dt.datetime = Field(default_factory=utcnow)
    sent_at: dt.datetime | None = None
