"""Who a parent should call now: the contact person, the duo partner or the out-of-hours line."""

import datetime
from dataclasses import dataclass

import holidays

from portal.clock import AMSTERDAM  # the zone only: rules take their times as arguments

LOOKAHEAD_DAYS = 14

_DUTCH_HOLIDAYS = holidays.country_holidays("NL")
_LIBERATION_DAY = (5, 5)  # the library lists it only every fifth year; we treat it as yearly


@dataclass(frozen=True)
class WorkingSlot:
    """A weekly working period in Amsterdam wall time; start inclusive, end exclusive."""

    weekday: int  # 0 = Monday ... 6 = Sunday
    start: datetime.time
    end: datetime.time


@dataclass(frozen=True)
class Availability:
    """What the rule needs to know about one worker."""

    name: str
    phone: str
    organisation: str
    slots: tuple[WorkingSlot, ...]
    absences: tuple[tuple[datetime.date, datetime.date], ...]  # inclusive first/last day away


@dataclass(frozen=True)
class CallAdvice:
    kind: str  # "contact" | "partner" | "out_of_hours"
    name: str
    phone: str
    organisation: str  # empty for the out-of-hours line
    until: datetime.datetime | None  # end of the current working slot for contact/partner


def is_public_holiday(day: datetime.date) -> bool:
    return day in _DUTCH_HOLIDAYS or (day.month, day.day) == _LIBERATION_DAY


def is_working(worker: Availability, moment: datetime.datetime) -> bool:
    return _current_slot_end(worker, _in_amsterdam(moment)) is not None


def who_to_call_now(
    contact: Availability | None,
    partner: Availability | None,
    moment: datetime.datetime,
    out_of_hours_name: str,
    out_of_hours_phone: str,
) -> CallAdvice:
    local = _in_amsterdam(moment)
    for kind, worker in (("contact", contact), ("partner", partner)):
        if worker is None:
            continue
        slot_end = _current_slot_end(worker, local)
        if slot_end is not None:
            return CallAdvice(kind, worker.name, worker.phone, worker.organisation, slot_end)
    return CallAdvice("out_of_hours", out_of_hours_name, out_of_hours_phone, "", None)


def next_working_start(worker: Availability, moment: datetime.datetime) -> datetime.datetime | None:
    """When the worker is next reachable: `moment` itself if working now, else the next slot start.

    Looks at today and the following LOOKAHEAD_DAYS days; returns None when nothing is found.
    """
    local = _in_amsterdam(moment)
    for offset in range(LOOKAHEAD_DAYS + 1):
        day = local.date() + datetime.timedelta(days=offset)
        if not _available_on(worker, day):
            continue
        for slot in sorted(worker.slots, key=lambda slot: slot.start):
            if slot.weekday != day.weekday():
                continue
            start = datetime.datetime.combine(day, slot.start, tzinfo=AMSTERDAM)
            end = datetime.datetime.combine(day, slot.end, tzinfo=AMSTERDAM)
            if local < end:
                return max(start, local)
    return None


def reachable_hours(worker: Availability) -> list[tuple[int, datetime.time, datetime.time]]:
    return sorted((slot.weekday, slot.start, slot.end) for slot in worker.slots)


def _in_amsterdam(moment: datetime.datetime) -> datetime.datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("moment must be timezone-aware")
    return moment.astimezone(AMSTERDAM)


def _available_on(worker: Availability, day: datetime.date) -> bool:
    away = any(first <= day <= last for first, last in worker.absences)
    return not away and not is_public_holiday(day)


def _current_slot_end(worker: Availability, local: datetime.datetime) -> datetime.datetime | None:
    if not _available_on(worker, local.date()):
        return None
    clock = local.time()
    for slot in worker.slots:
        if slot.weekday == local.weekday() and slot.start <= clock < slot.end:
            return datetime.datetime.combine(local.date(), slot.end, tzinfo=AMSTERDAM)
    return None
