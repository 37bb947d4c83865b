"""Working days (DESIGN.md section 6): pure functions over a calendar held as data.

Working days are Monday to Friday, less statutory holidays, plus make-up workdays (调休) on weekends. The
days that differ from their weekday are kept per year (CalendarYear / CalendarDay, seeded from the
`chinese-calendar` package and extended by the district administrator). For a year nobody has entered,
weekends and the fixed-date holidays still count (元旦 1 Jan, 劳动节 1 May, 国庆节 1–3 Oct) and every date
computed in it is provisional.
"""

import datetime
from dataclasses import dataclass, field

# The statutory holidays whose dates are fixed by law (全国年节及纪念日放假办法), used for a year not entered.
FIXED_HOLIDAYS = ((1, 1), (5, 1), (10, 1), (10, 2), (10, 3))
# A time limit counts at most this many calendar days ahead: a guard, not a rule (no item takes a year).
_HORIZON = 3660


@dataclass(frozen=True)
class WorkingCalendar:
    """The known years and, for them, the days that differ from their weekday (date -> is working)."""

    known_years: frozenset[int] = frozenset()
    exceptions: dict[datetime.date, bool] = field(default_factory=dict)

    def is_provisional(self, day: datetime.date) -> bool:
        return day.year not in self.known_years

    def is_working_day(self, day: datetime.date) -> bool:
        if day.year in self.known_years and day in self.exceptions:
            return self.exceptions[day]
        # The fixed-date holidays hold in every year, entered or not (an entry cannot forget 1 Jan).
        return day.weekday() < 5 and (day.month, day.day) not in FIXED_HOLIDAYS

    def add_working_days(self, start: datetime.date, working_days: int) -> datetime.date:
        """The N-th working day after `start` (`start` itself does not count)."""
        if working_days < 1:
            raise ValueError("working_days must be at least 1")
        day, counted = start, 0
        for _ in range(_HORIZON):
            day += datetime.timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
                if counted == working_days:
                    return day
        raise ValueError("time limit beyond the calendar's horizon")

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days in (start, end]; negative when end is before start (days overdue)."""
        if end == start:
            return 0
        sign = 1 if end > start else -1
        lo, hi = (start, end) if sign == 1 else (end, start)
        count, day = 0, lo
        while day < hi:
            day += datetime.timedelta(days=1)
            count += self.is_working_day(day)
        return sign * count


def due_date(received_on: datetime.date, working_days: int, *, calendar: WorkingCalendar | None = None
             ) -> tuple[datetime.date, bool]:
    """DESIGN.md section 6: the day received does not count; the case is due at the end of the N-th working
    day after it. Returns the due date and whether it was counted through a provisional year.

    Pure given `calendar`; without one it reads the stored calendar (service_stations.selectors)."""
    if calendar is None:
        from service_stations.selectors import working_calendar

        calendar = working_calendar()
    due = calendar.add_working_days(received_on, working_days)
    provisional = any(calendar.is_provisional(datetime.date(y, 1, 1)) for y in range(received_on.year, due.year + 1))
    return due, provisional
