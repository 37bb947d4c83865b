"""Working days (DESIGN.md section 6): Monday to Friday, less statutory holidays, plus make-up workdays
(调休), from the pinned `chinese-calendar` package for the years it knows. For a year it does not know,
weekends and the fixed-date holidays (元旦 1 Jan, 劳动节 1 May, 国庆节 1-3 Oct) still count.

Kept in this app because no shared calendar exists yet (service_stations has none on this branch); it
moves to the shared calendar when that lands."""

import datetime

import chinese_calendar

FIXED_HOLIDAYS = {(1, 1), (5, 1), (10, 1), (10, 2), (10, 3)}


def is_workday(day: datetime.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # a year the package does not know yet: provisional
        return day.weekday() < 5 and (day.month, day.day) not in FIXED_HOLIDAYS


def is_provisional(day: datetime.date) -> bool:
    """True when the calendar of `day`'s year is not known and only weekends and fixed holidays count."""
    try:
        chinese_calendar.is_workday(day)
    except NotImplementedError:
        return True
    return False


def add_working_days(start: datetime.date, n: int) -> datetime.date:
    """The n-th working day after `start` (`start` itself does not count)."""
    day, counted = start, 0
    while counted < n:
        day += datetime.timedelta(days=1)
        if is_workday(day):
            counted += 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end`."""
    day, counted = start, 0
    while day < end:
        day += datetime.timedelta(days=1)
        counted += is_workday(day)
    return counted
