"""Calendar files for appointments: a neutral title and no sensitive text, ever."""
import datetime as dt

from icalendar import Calendar, Event

from portal.models import Appointment


def neutral_event(appointment: Appointment, title: str) -> bytes:
    """Only the time and a neutral title: no place, purpose or names (a phone may be checked)."""
    calendar = Calendar()
    calendar.add("prodid", "-//portal//afspraak//NL")
    calendar.add("version", "2.0")
    event = Event()
    start = appointment.starts_at
    event.add("uid", f"{appointment.key}@portal")
    event.add("dtstamp", start)
    event.add("dtstart", start)
    event.add("dtend", start + dt.timedelta(minutes=appointment.duration_minutes))
    event.add("summary", title)
    calendar.add_component(event)
    return calendar.to_ical()
