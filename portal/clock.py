"""The one clock of the portal: now in UTC for what is stored, now and today in Amsterdam for a family's day."""
import datetime as dt
import zoneinfo

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")


def now() -> dt.datetime:
    """Now, aware, in UTC: every timestamp column stores and returns aware UTC times."""
    return system_now()


def system_now() -> dt.datetime:
    """The machine's time. Models take `now` as their default, bound when they are defined: the suite runs the
    whole portal from another moment (a weekend night, a working hour) by replacing this function alone."""
    return dt.datetime.now(dt.UTC)


def local_now() -> dt.datetime:
    """Now, aware, in Amsterdam: the hour a family or a duo lives in, also on a server that runs in UTC."""
    return now().astimezone(AMSTERDAM)


def today() -> dt.date:
    """A Dutch family's (and a duo's) today: between 23:00 and 24:00 UTC it is already tomorrow in Amsterdam."""
    return day_of(now())


def day_of(moment: dt.datetime) -> dt.date:
    """The Amsterdam date of an aware moment (services are given `now` and count days as the families do)."""
    return moment.astimezone(AMSTERDAM).date()
