"""DESIGN.md section 6: the day received does not count; due at the end of the N-th working day after it."""

import datetime

import pytest

from service_stations.calendar import WorkingCalendar, due_date
from service_stations.models import CalendarDay, CalendarYear
from service_stations.selectors import working_calendar

D = datetime.date


@pytest.fixture
def calendar(db):
    return working_calendar()


def test_the_package_years_are_seeded(calendar):
    assert set(range(2004, 2027)) <= calendar.known_years
    assert 2027 not in calendar.known_years


def test_across_the_national_day_week_and_a_make_up_saturday(calendar):
    # 2025: 1–8 Oct off; Sat 11 Oct is a make-up workday (调休).
    assert due_date(D(2025, 9, 30), 1, calendar=calendar) == (D(2025, 10, 9), False)
    assert due_date(D(2025, 9, 30), 3, calendar=calendar) == (D(2025, 10, 11), False)
    assert due_date(D(2025, 9, 30), 4, calendar=calendar) == (D(2025, 10, 13), False)
    # Sun 28 Sep 2025 is a make-up workday: received on Sat 27 Sep, the first working day is the Sunday.
    assert due_date(D(2025, 9, 27), 1, calendar=calendar) == (D(2025, 9, 28), False)


def test_the_day_received_does_not_count(calendar):
    # Received Monday 3 Nov 2025: 1 working day -> Tuesday.
    assert due_date(D(2025, 11, 3), 1, calendar=calendar)[0] == D(2025, 11, 4)
    # Received on a Saturday: Monday is the first.
    assert due_date(D(2025, 11, 8), 1, calendar=calendar)[0] == D(2025, 11, 10)


def test_across_new_year_into_a_year_the_package_does_not_know(calendar):
    # 2027 is not entered: weekends and 1 Jan still count, and the date is provisional.
    due, provisional = due_date(D(2026, 12, 30), 3, calendar=calendar)
    assert due == D(2027, 1, 5)
    assert provisional is True
    assert due_date(D(2026, 12, 28), 2, calendar=calendar) == (D(2026, 12, 30), False)


def test_fixed_date_holidays_of_a_provisional_year():
    cal = WorkingCalendar()
    assert not cal.is_working_day(D(2030, 5, 1))  # a Wednesday, 劳动节
    assert not cal.is_working_day(D(2030, 10, 3))
    assert cal.is_working_day(D(2030, 10, 4))  # a Friday: only 1–3 Oct are fixed


def test_an_administrator_enters_the_next_year(db):
    year = CalendarYear.objects.create(year=2027, source="国办发明电〔2026〕号")
    CalendarDay.objects.create(calendar_year=year, date=D(2027, 1, 4), is_working=False, name="元旦")
    # 31 Dec (1), [1 Jan fixed, 2–3 weekend, 4 Jan entered], 5 Jan (2), 6 Jan (3).
    due, provisional = due_date(D(2026, 12, 30), 3, calendar=working_calendar())
    assert (due, provisional) == (D(2027, 1, 6), False)


def test_working_days_between_counts_overdue_days_negative(calendar):
    assert calendar.working_days_between(D(2025, 11, 3), D(2025, 11, 7)) == 4
    assert calendar.working_days_between(D(2025, 11, 7), D(2025, 11, 3)) == -4
