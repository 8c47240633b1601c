"""The one clock of the portal: aware UTC timestamps."""
import datetime as dt


def utcnow() -> dt.datetime:
    """Now, aware, in UTC: every timestamp column stores and returns aware UTC times."""
    return dt.datetime.now(dt.UTC)
