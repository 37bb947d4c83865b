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


class _Response:
    def __init__(self, content=b"", data=None, streaming=False):
        self.content, self._data, self.streaming = content, data, streaming

    def json(self):
        if self._data is None:
            raise ValueError("not JSON")
        return self._data


def test_rows_shown_counts_an_api_lists_results_and_a_pages_table_body_rows():
    assert scale.rows_shown(_Response(data={"count": 900, "results": [{}] * 7}), "api") == 7
    assert scale.rows_shown(_Response(data={"street": 1}), "api-detail") is None
    report = {"quota": 9, "communities": [{}] * 4, "communities_count": 4, "gaps": [{}]}
    assert scale.rows_shown(_Response(data=report), "api-detail") == 5  # a report's lists
    page = (b"<table><thead><tr><th>x</th></tr></thead><tbody><tr><td>1</td></tr><tr class='a'><td>2</td></tr>"
            b"</tbody></table><table><tbody>\n<tr><td>3</td></tr></tbody></table>")
    assert scale.rows_shown(_Response(page), "page") == 3  # both tables' bodies, not their heads
    assert scale.rows_shown(_Response(b"<p>no table</p>"), "page") is None
    assert scale.rows_shown(_Response(streaming=True), "export") is None


def _row(ms, rows, queries=5, path="/x/"):
    return {"median_ms": ms, "rows": rows, "queries": queries, "path": path}


def test_the_largest_scale_is_judged_against_the_smallest_that_shows_as_many_rows():
    # a street's page of 7 rows at x1 and 50 at x10 and x100: judged against x10, same rows, a tenth of the data
    ratio, base, flagged = scale.judged({1: _row(10, 7), 10: _row(15, 50), 100: _row(21, 50)})
    assert (base, round(ratio, 2), flagged) == (10, 1.4, False)
    ratio, base, flagged = scale.judged({1: _row(10, 7), 10: _row(13, 50), 100: _row(21, 50)})
    assert (base, round(ratio, 2), flagged) == (10, 1.62, True)
    # equal rows throughout, or rows unknown: against x1
    assert scale.judged({1: _row(10, 50), 10: _row(12, 50), 100: _row(16, 50)})[:2] == (1.6, 1)
    assert scale.judged({1: _row(10, None), 100: _row(14, None)}) == (1.4, 1, False)
    # no smaller scale as full: no like-for-like figure, flagged only by a changed query count
    assert scale.judged({1: _row(10, 7), 100: _row(40, 50)}) == (None, None, False)
    assert scale.judged({1: _row(10, 7), 100: _row(11, 50, queries=6)})[2] is True
    # an export grows with its rows: never flagged, even with chunked queries
    export = {1: _row(10, None, path="/q/export.xlsx"), 100: _row(900, None, queries=40, path="/q/export.xlsx")}
    assert scale.judged(export)[2] is False
