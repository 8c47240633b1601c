"""Run the portal's one clock from another moment: a whole run (PORTAL_TEST_NOW) or one test (at work)."""
import datetime as dt
import time

from portal import clock
from portal.rules.call_now import is_public_holiday

# The demo duos' common hours: Anouk works Monday to Thursday 09:00-17:00, Bram Monday to Friday 08:30-16:30.
_DUO_WEEKDAYS = (0, 1, 2, 3)
_DUO_HOUR = dt.time(10, 0)


def running_from(moment: dt.datetime):
    """A `clock.now` that starts at `moment` and then runs on with the real time."""
    if moment.tzinfo is None:
        raise ValueError("the moment needs its zone, e.g. 2026-12-12T23:30+01:00")
    started = time.monotonic()
    start = moment.astimezone(dt.UTC)
    return lambda: start + dt.timedelta(seconds=time.monotonic() - started)


def a_duo_working_hour(today: dt.date) -> dt.datetime:
    """10:00 in Amsterdam on the latest Monday to Thursday, not a public holiday, up to `today`."""
    day = today
    while day.weekday() not in _DUO_WEEKDAYS or is_public_holiday(day):
        day -= dt.timedelta(days=1)
    return dt.datetime.combine(day, _DUO_HOUR, tzinfo=clock.AMSTERDAM)
