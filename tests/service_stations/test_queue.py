"""The station queue runs SQL compiled once (governance.compiled_query): its rows are the ORM's, for every user,
station, day and section, and a page of it is the ORM's slice."""

import datetime

import pytest
from django.db.models import Q

from service_stations.models import OPEN_STATUSES, CaseStatus, ServiceCase
from service_stations.selectors import QUEUE_FIELDS, cases_for_user, station_queue, working_calendar
from service_stations.services import case_transition
from tests.service_stations.conftest import at, case

pytestmark = pytest.mark.django_db


def orm_section(user, station, name, today, soon):
    """The queue's section as the ORM reads it, through the scoped case list."""
    cases = cases_for_user(user=user).filter(station=station, status__in=OPEN_STATUSES)
    cases = cases.filter({"open": Q(), "received_today": Q(received_at__date=today),
                          "due_soon": Q(due_date__gte=today, due_date__lte=soon),
                          "overdue": Q(due_date__lt=today)}[name])
    return list(cases.order_by("due_date", "pk").values(*QUEUE_FIELDS))


def test_the_compiled_queue_gives_the_orms_rows(stations):
    days = [datetime.date(2025, 9, 1) + datetime.timedelta(days=n) for n in range(0, 60, 4)]
    for n, day in enumerate(days):
        for side in ("a", "b"):
            station, worker = stations[f"station_{side}"], stations[f"worker_{side}"]
            made = case(station, worker, received_at=at(day, hour=9 + n % 8))
            if n % 5 == 0:
                case_transition(case=made, acting_user=worker, status=CaseStatus.RETURNED)
    calendar = working_calendar()
    users = ["worker_a", "worker_b", "street_a_user", "admin", "orgdept"]
    seen = {}
    # Days that give every section rows: a day cases come in, the day before some are due, the day after.
    due = sorted(set(ServiceCase.objects.filter(status__in=OPEN_STATUSES).values_list("due_date", flat=True)))
    todays = [days[3], due[len(due) // 2] - datetime.timedelta(days=1), due[-2] + datetime.timedelta(days=1)]
    for today in todays:
        soon = calendar.add_working_days(today, 2)
        for station in (stations["station_a"], stations["station_b"]):
            for who in users:
                queue = station_queue(user=stations[who], station=station, today=today, calendar=calendar)
                for name in ("open", "received_today", "due_soon", "overdue"):
                    expected = orm_section(stations[who], station, name, today, soon)
                    assert getattr(queue, name)[0:50] == expected, (who, station.code, name, today)
                    assert getattr(queue, name)[1:3] == expected[1:3]
                    seen.setdefault(name, 0)
                    seen[name] += len(expected)
    # Every section had rows somewhere, and a worker of the other station none (scope).
    assert all(seen.values()), seen
    last = days[-1]
    assert station_queue(user=stations["worker_a"], station=stations["station_a"], today=last, calendar=calendar).open[0:50]
    assert station_queue(user=stations["worker_b"], station=stations["station_a"], today=last, calendar=calendar).open[0:50] == []


def test_the_queue_reads_one_query_per_list(stations, django_assert_num_queries):
    late = case(stations["station_a"], stations["worker_a"], received_at=at(datetime.date(2025, 9, 1)))
    calendar = working_calendar()
    queue = station_queue(user=stations["worker_a"], station=stations["station_a"],
                          today=late.due_date + datetime.timedelta(days=1), calendar=calendar)
    queue.overdue[0:50]  # compiled (no query for the compiling itself)
    with django_assert_num_queries(2):
        assert len(queue.overdue[0:50]) == 1 and len(queue.open[0:50]) == 1
