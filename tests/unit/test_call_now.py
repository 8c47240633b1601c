"""Who a parent should call right now, checked against concrete 2026/2027 dates."""

import datetime

import pytest

from portal.rules.call_now import (
    AMSTERDAM,
    Availability,
    CallAdvice,
    WorkingSlot,
    is_working,
    next_working_start,
    reachable_hours,
    who_to_call_now,
)

NINE = datetime.time(9)
FIVE_PM = datetime.time(17)
UTC = datetime.UTC


def worker(name, weekdays=range(5), absences=()):
    return Availability(
        name=name,
        phone=f"06-{name}",
        organisation="Blijvend Veilig",
        slots=tuple(WorkingSlot(day, NINE, FIVE_PM) for day in weekdays),
        absences=tuple(absences),
    )


def at(year, month, day, hour, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=AMSTERDAM)


def advice(contact, partner, moment):
    return who_to_call_now(contact, partner, moment, "Veilig Thuis", "0800-2000")


CONTACT = worker("anna")
PARTNER = worker("bram")
TUESDAY_10 = at(2026, 3, 10, 10)
HOLIDAY_WEEK = (datetime.date(2026, 3, 9), datetime.date(2026, 3, 13))


def test_tuesday_morning_gives_the_contact_person_until_the_end_of_the_slot():
    assert advice(CONTACT, PARTNER, TUESDAY_10) == CallAdvice(
        "contact", "anna", "06-anna", "Blijvend Veilig", at(2026, 3, 10, 17)
    )


def test_contact_on_holiday_gives_the_partner():
    away = worker("anna", absences=[HOLIDAY_WEEK])
    result = advice(away, PARTNER, TUESDAY_10)
    assert (result.kind, result.name, result.until) == ("partner", "bram", at(2026, 3, 10, 17))


def test_both_away_gives_the_out_of_hours_line():
    result = advice(
        worker("anna", absences=[HOLIDAY_WEEK]),
        worker("bram", absences=[HOLIDAY_WEEK]),
        TUESDAY_10,
    )
    assert result == CallAdvice("out_of_hours", "Veilig Thuis", "0800-2000", "", None)


def test_absence_days_are_inclusive():
    last_day_away = worker(
        "anna", absences=[(datetime.date(2026, 3, 2), datetime.date(2026, 3, 10))]
    )
    assert not is_working(last_day_away, TUESDAY_10)
    assert is_working(last_day_away, at(2026, 3, 11, 10))


def test_missing_contact_person_falls_back_to_the_partner():
    assert advice(None, PARTNER, TUESDAY_10).kind == "partner"


@pytest.mark.parametrize(
    "moment",
    [at(2026, 3, 10, 20), at(2026, 3, 14, 11), at(2026, 3, 15, 11)],
    ids=["tuesday-evening", "saturday", "sunday"],
)
def test_outside_working_hours_gives_the_out_of_hours_line(moment):
    assert advice(CONTACT, PARTNER, moment).kind == "out_of_hours"


@pytest.mark.parametrize(
    "day",
    [
        datetime.date(2026, 4, 6),  # Easter Monday
        datetime.date(2026, 4, 27),  # King's Day
        datetime.date(2026, 5, 5),  # Liberation Day, not a lustrum year
        datetime.date(2027, 5, 5),  # Liberation Day, not a lustrum year
        datetime.date(2026, 5, 14),  # Ascension Day
        datetime.date(2026, 5, 25),  # Whit Monday
        datetime.date(2026, 12, 25),  # Christmas Day
        datetime.date(2027, 1, 1),  # New Year's Day
    ],
)
def test_public_holiday_morning_gives_the_out_of_hours_line(day):
    assert advice(CONTACT, PARTNER, at(day.year, day.month, day.day, 10)).kind == "out_of_hours"


def test_contact_off_on_wednesday_gives_the_working_partner():
    monday_tuesday_only = worker("anna", weekdays=[0, 1])
    assert advice(monday_tuesday_only, PARTNER, at(2026, 3, 11, 10)).kind == "partner"


def test_slot_end_is_exclusive():
    assert is_working(CONTACT, at(2026, 3, 10, 16, 59))
    assert not is_working(CONTACT, at(2026, 3, 10, 17))


def test_slot_start_is_inclusive():
    assert is_working(CONTACT, at(2026, 3, 10, 9))
    assert not is_working(CONTACT, at(2026, 3, 10, 8, 59))


def test_utc_moment_is_read_as_amsterdam_summer_time():
    assert is_working(CONTACT, datetime.datetime(2026, 6, 16, 8, 30, tzinfo=UTC))  # 10:30 CEST


def test_working_hours_stay_wall_time_across_the_clock_change():
    # The clocks go forward on Sunday 29 March 2026: 07:00 UTC is 08:00 before, 09:00 after.
    assert not is_working(CONTACT, datetime.datetime(2026, 3, 27, 7, tzinfo=UTC))
    assert is_working(CONTACT, datetime.datetime(2026, 3, 30, 7, tzinfo=UTC))
    until = advice(CONTACT, PARTNER, at(2026, 3, 30, 10)).until
    assert until.astimezone(UTC) == datetime.datetime(2026, 3, 30, 15, tzinfo=UTC)


def test_naive_moment_is_refused():
    naive = datetime.datetime(2026, 3, 10, 10)
    with pytest.raises(ValueError):
        is_working(CONTACT, naive)
    with pytest.raises(ValueError):
        advice(CONTACT, PARTNER, naive)
    with pytest.raises(ValueError):
        next_working_start(CONTACT, naive)


def test_friday_evening_next_start_is_monday_morning():
    assert next_working_start(CONTACT, at(2026, 3, 13, 18)) == at(2026, 3, 16, 9)


def test_friday_evening_before_whit_monday_next_start_is_tuesday_morning():
    assert next_working_start(CONTACT, at(2026, 5, 22, 18)) == at(2026, 5, 26, 9)


def test_next_start_after_the_clock_change_is_nine_local_time():
    start = next_working_start(CONTACT, at(2026, 3, 27, 18))
    assert start.astimezone(UTC) == datetime.datetime(2026, 3, 30, 7, tzinfo=UTC)


def test_next_start_later_the_same_day_and_while_working():
    assert next_working_start(CONTACT, at(2026, 3, 10, 7)) == at(2026, 3, 10, 9)
    assert next_working_start(CONTACT, TUESDAY_10) == TUESDAY_10


def test_next_start_is_none_when_away_for_the_whole_lookahead():
    long_leave = worker("anna", absences=[(datetime.date(2026, 3, 1), datetime.date(2026, 4, 30))])
    assert next_working_start(long_leave, TUESDAY_10) is None


SPLIT_DAYS = Availability(
    name="anna",
    phone="06-anna",
    organisation="Blijvend Veilig",
    slots=(
        WorkingSlot(3, datetime.time(13), datetime.time(17)),
        WorkingSlot(0, datetime.time(13), datetime.time(17)),
        WorkingSlot(0, NINE, datetime.time(12)),
    ),
    absences=(),
)


def test_next_start_during_a_lunch_break_is_the_afternoon_slot():
    assert next_working_start(SPLIT_DAYS, at(2026, 3, 9, 12, 30)) == at(2026, 3, 9, 13)


def test_reachable_hours_are_sorted_by_weekday_and_time():
    assert reachable_hours(SPLIT_DAYS) == [
        (0, NINE, datetime.time(12)),
        (0, datetime.time(13), datetime.time(17)),
        (3, datetime.time(13), datetime.time(17)),
    ]
