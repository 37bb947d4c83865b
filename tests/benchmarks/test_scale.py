"""benchmarks/scale.py (issue 14): the district it grows is valid data, and its results meet across sizes."""

import io
import sys
from pathlib import Path

import pytest

from communities.models import Community
from governance.models import PostKind
from governance.roles import Role
from meetings.models import Meeting, MeetingKind
from service_stations.models import ServiceCase, ServiceStation
from tests import factories as f
from tests.service_stations.conftest import case

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import scale  # noqa: E402

pytestmark = pytest.mark.django_db


def test_grow_copies_communities_with_their_stations_cases_and_meetings(two_streets):
    # given a station in each street, two cases at street a's and a meeting of its community
    w = dict(two_streets)
    for side in ("a", "b"):
        w[f"station_{side}"] = f.station(w[side], w[f"c{side}"])
    worker = f.user(Role.STATION_WORKER, w["station_a"])
    for _ in range(2):
        case(w["station_a"], worker)
    f.post(PostKind.RC_MEMBER, community=w["ca"])
    Meeting.objects.create(street=w["a"], community=w["ca"], kind=MeetingKind.DELIBERATION, held_on="2026-01-05",
                           attendees="两委成员", agenda="议事")
    originals = set(ServiceCase.objects.values_list("pk", flat=True))
    # when the district grows to three times
    grown = scale.grow(3, out=io.StringIO())
    # then each community, station, case and meeting is there three times, each copy in its original's street
    assert grown["communities"] == Community.objects.count() == 6
    assert ServiceStation.objects.count() == 6
    copies = list(ServiceCase.objects.exclude(pk__in=originals).select_related("station"))
    assert len(copies) == 4
    assert all(c.station_id != w["station_a"].pk and c.station.street_id == c.street_id == w["a"].pk
               for c in copies)
    assert len(set(ServiceCase.objects.values_list("number", flat=True))) == 6
    for copy in copies:
        copy.full_clean()  # the copies are valid rows, not just rows the database took
    assert Meeting.objects.filter(street=w["a"]).values("community").distinct().count() == 3
    assert ServiceCase.history.filter(id__in=[c.pk for c in copies], history_type="+").count() == 4


def test_paths_meet_across_sizes_and_scales_have_their_own_databases():
    assert scale.path_template("/streets/12/people/export.xlsx") == "/streets/{id}/people/export.xlsx"
    assert scale.path_template("/api/v1/cases/?station=7") == "/api/v1/cases/?station={id}"
    assert scale.path_template("/api/v1/people/") == "/api/v1/people/"
    url = "postgres://postgres@127.0.0.1:5432/governance_bench_bench"
    assert scale.scale_url(url, 100) == "postgres://postgres@127.0.0.1:5432/governance_bench_bench_x100"
