"""The stations' lists are served by an index, for their scope filter and their order (issue 14): the API lists of
stations, cases and shifts, the overdue overview's stations and totals. EXPLAIN on PostgreSQL with sequential
scans and sorts switched off, as tests/governance/test_plans.py."""

import datetime

import pytest
from django.db import connection

from governance.roles import Role
from service_stations import selectors
from service_stations.models import ChecklistTally, ServiceCase, ServiceItem, ServiceStation, Shift
from service_stations.services import _revision_save
from streets.models import Street
from tests import factories as f
from tests.conftest import skip_or_fail
from tests.governance.test_plans import plan

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 8)


def _bulk(w, *, streets=3, stations=40, cases=6, shifts=3):
    """Stations in a few streets, their cases and shifts, written in bulk (the plans are tested, not the services)."""
    district = w["a"].district
    street_rows = [w["a"], w["b"], *Street.objects.bulk_create(
        Street(district=district, code=f"plan{i}", name=f"计划{i}街") for i in range(streets))]
    station_rows = ServiceStation.objects.bulk_create(
        ServiceStation(street=s, code=f"plan{s.pk}-{j:03d}", name=f"服务站{s.pk}-{j}")
        for s in street_rows for j in range(stations))
    item = ServiceItem.objects.order_by("pk").first()
    revision = item.revisions.order_by("-version").first() or _revision_save(item)
    at = datetime.datetime(2026, 11, 2, 9, tzinfo=datetime.UTC)
    ServiceCase.objects.bulk_create(
        ServiceCase(number=f"p{st.pk:05d}{k:03d}", station=st, street_id=st.street_id, service_item=item,
                    item_revision=revision, applicant_name="马建华", applicant_phone="13995112345",
                    received_at=at + datetime.timedelta(hours=k, minutes=st.pk % 50),
                    due_date=TODAY + datetime.timedelta(days=k - 3),
                    status="received" if k % 2 else "completed")
        for st in station_rows for k in range(cases))
    worker = f.user(Role.STATION_WORKER, station_rows[0])
    Shift.objects.bulk_create(
        Shift(station=st, worker=worker, date=TODAY + datetime.timedelta(days=k), start=datetime.time(8 + k),
              end=datetime.time(12 + k)) for st in station_rows for k in range(shifts))
    return station_rows


@pytest.fixture
def district(stations):
    if connection.vendor != "postgresql":
        skip_or_fail("query plans are PostgreSQL's: set DATABASE_URL=postgres://... (SQLite in use)")
    _bulk(stations)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    return stations


LISTS = [
    # (selector, user, index serving the scope filter and the default order)
    (selectors.stations_for_user, "admin", "service_stations_servicestation_code"),  # the unique code's index
    (selectors.stations_for_user, "street_a_user", "station_street_code"),
    (selectors.cases_for_user, "admin", "case_received"),
    (selectors.cases_for_user, "street_a_user", "case_street_received"),
    (selectors.cases_for_user, "worker_a", "case_station_received"),
    (selectors.shifts_for_user, "admin", "shift_date_start"),
]


@pytest.mark.parametrize(("selector", "who", "index"), LISTS, ids=[f"{s.__name__}-{who}" for s, who, _i in LISTS])
def test_a_stations_list_page_is_served_by_an_index(district, selector, who, index):
    # Given a user, when their list's first page (50 rows, default order) is planned
    queryset = selector(user=district[who])[:50]
    # Then one index serves the filter and the order: no sequential scan, no sort
    text = plan(queryset)
    assert f"using {index}" in text, text
    assert "Seq Scan" not in text and "Sort" not in text, text


def test_a_street_s_shifts_are_read_in_their_order(district):
    # A shift has no street of its own: the street's are found by their station, read in the list's order.
    text = plan(selectors.shifts_for_user(user=district["street_a_user"])[:50])
    assert "using shift_date_start" in text, text
    assert "Sort" not in text, text


def test_the_checklist_counts_read_the_street_s_tallies(district):
    # A street's standards met: its 15 tallies, found by the street through their unique index.
    text = plan(ChecklistTally.objects.filter(street_id__in=[district["a"].pk], met__gt=0).values("item"))
    assert "using checklist_tally_once" in text and "Seq Scan" not in text, text
