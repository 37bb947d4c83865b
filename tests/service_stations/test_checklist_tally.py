"""The checklist overview counts the standards met from per-street tallies the services keep (ChecklistTally,
issue 14): held here to the count of the entries themselves, through every write that moves them."""

import random

import pytest

from governance.roles import Role
from service_stations import selectors, services
from service_stations.demo import demo_station_data
from service_stations.models import ChecklistTally, StationChecklistEntry
from tests import factories as f

pytestmark = pytest.mark.django_db


def _counted(user) -> dict[str, int]:
    return selectors.checklist_met_counts_counted(user=user)


def _assert_tallies_hold(stations):
    for who in ("admin", "street_a_user", "street_b_user", "worker_a"):
        user = stations[who]
        assert selectors.checklist_met_counts(user=user) == _counted(user), who


@pytest.fixture
def checklist(stations):
    stations["street_b_user"] = f.user(Role.STREET_STAFF, stations["b"])
    stations["more_a"] = f.station(stations["a"], f.community(stations["a"]))
    for station in (stations["station_a"], stations["more_a"], stations["station_b"]):
        services.checklist_set(station=station, acting_user=None, item="training", met=True)
    services.checklist_set(station=stations["station_a"], acting_user=None, item="sign", met=True)
    return stations


def test_the_tallies_count_each_street_s_stations_meeting_each_standard(checklist):
    assert selectors.checklist_met_counts(user=checklist["admin"]) == {"training": 3, "sign": 1}
    assert selectors.checklist_met_counts(user=checklist["street_a_user"]) == {"training": 2, "sign": 1}
    assert selectors.checklist_met_counts(user=checklist["street_b_user"]) == {"training": 1}  # not street a's
    _assert_tallies_hold(checklist)


def test_a_standard_unmet_again_or_set_twice_counts_once(checklist):
    station = checklist["station_a"]
    services.checklist_set(station=station, acting_user=None, item="training", met=True)  # no change
    services.checklist_set(station=station, acting_user=None, item="training", met=True, note="复核")
    services.checklist_set(station=station, acting_user=None, item="sign", met=False)
    services.checklist_set(station=station, acting_user=None, item="card", met=False)  # a new entry, unmet
    assert selectors.checklist_met_counts(user=checklist["street_a_user"]) == {"training": 2}
    _assert_tallies_hold(checklist)


def test_a_station_moved_to_another_street_takes_its_standards_with_it(checklist):
    services.station_update(station=checklist["station_a"], acting_user=None, street=checklist["b"])
    assert selectors.checklist_met_counts(user=checklist["street_a_user"]) == {"training": 1}
    assert selectors.checklist_met_counts(user=checklist["street_b_user"]) == {"training": 2, "sign": 1}
    _assert_tallies_hold(checklist)


def test_a_deleted_station_leaves_its_street_s_tally(checklist):
    services.station_delete(station=checklist["more_a"])
    assert selectors.checklist_met_counts(user=checklist["street_a_user"]) == {"training": 1, "sign": 1}
    _assert_tallies_hold(checklist)


def test_the_demo_s_bulk_written_entries_are_counted(checklist):
    demo_station_data(rng=random.Random(4))
    assert StationChecklistEntry.objects.filter(met=True).count() > 4
    _assert_tallies_hold(checklist)


def test_a_rebuild_counts_what_the_services_kept(checklist):
    kept = set(ChecklistTally.objects.filter(met__gt=0).values_list("street_id", "item", "met"))
    ChecklistTally.objects.all().delete()
    services.checklist_tally_rebuild()
    assert set(ChecklistTally.objects.values_list("street_id", "item", "met")) == kept
