"""Shared column helpers: UTC timestamps stored without zone, in one place."""
import datetime as dt


def utcnow() -> dt.datetime:
    """Now in UTC, naive, as every timestamp column stores it."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def as_aware(moment: dt.datetime) -> dt.datetime:
    """A stored naive UTC timestamp as an aware datetime."""
    return moment.replace(tzinfo=dt.UTC)
