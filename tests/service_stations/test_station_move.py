"""A station moved to another street takes its posts and cases with it: each carries the station's street (its
scope, one indexed column, issue 14), kept right by station_update."""

import pytest

from governance.models import Post
from governance.roles import Role
from service_stations import services
from service_stations.models import ServiceCase
from tests import factories as f
from tests.conftest import api_as
from tests.service_stations.conftest import case

pytestmark = pytest.mark.django_db


def test_a_station_moved_to_another_street_takes_its_posts_and_cases_with_it(stations):
    a, b = stations["a"], stations["b"]
    moved, stays = case(stations["station_a"]), case(stations["station_b"])
    services.station_update(station=stations["station_a"], acting_user=None, street=b)
    moved.refresh_from_db()
    assert moved.street_id == b.pk
    assert set(Post.objects.filter(station=stations["station_a"]).values_list("street_id", flat=True)) == {b.pk}
    assert ServiceCase.history.filter(id=moved.pk).latest().street_id == b.pk  # the move is in the audit trail
    stays.refresh_from_db()
    assert stays.street_id == b.pk and ServiceCase.objects.filter(street=a).count() == 0
    # the new street's staff see the case; the old street's no longer do
    assert api_as(f.user(Role.STREET_STAFF, b)).get(f"/api/v1/cases/{moved.pk}/").status_code == 200
    assert api_as(stations["street_a_user"]).get(f"/api/v1/cases/{moved.pk}/").status_code == 404


def test_a_station_edited_in_its_own_street_moves_nothing(stations):
    opened = case(stations["station_a"])
    history = ServiceCase.history.filter(id=opened.pk).count()
    services.station_update(station=stations["station_a"], acting_user=None, name="新名称服务站")
    assert ServiceCase.history.filter(id=opened.pk).count() == history
