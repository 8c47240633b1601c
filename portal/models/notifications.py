"""The notification outbox: a message is written in the transaction of the change it announces and sent
later by the worker (`portal worker`), which claims it, sends it and marks it sent or schedules a retry."""
import datetime as dt

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from portal import clock


class OutboxMessage(SQLModel, table=True):
    # The worker looks for unsent messages that are due.
    __table_args__ = (Index("ix_outboxmessage_due", "sent_at", "failed_at", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int | None = Field(default=None, foreign_key="account.id", index=True)
    channel: str = Field(max_length=8)  # sms | email
    to: str = Field(max_length=254)
    body: str = Field(max_length=1000)
    # Unique per purpose (e.g. "reminder:<appointment>:<parent>") so nothing is sent twice.
    dedupe_key: str | None = Field(default=None, max_length=120, unique=True)
    created_at: dt.datetime = Field(default_factory=clock.now)
    sent_at: dt.datetime | None = None  # set only after the provider accepted the message
    attempts: int = 0  # sends tried so far
    next_attempt_at: dt.datetime | None = None  # not before this time (a retry's backoff); None: at once
    last_error: str | None = Field(default=None, max_length=500)
    failed_at: dt.datetime | None = None  # the last attempt failed: no more tries, shown to the team lead
    claimed_at: dt.datetime | None = None  # a worker is sending it (a claim older than a few minutes is stale)
    claimed_by: str | None = Field(default=None, max_length=40)
