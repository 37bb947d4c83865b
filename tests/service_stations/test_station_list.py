"""The stations list reads DISTINCT only where a community's grant joins the communities (issue 14): the same rows
as the distinct read for every role, a station shared by two communities once."""

import pytest

from governance.roles import Role
from governance.scope import scoped
from service_stations.models import ServiceStation
from service_stations.selectors import stations_for_user
from tests import factories as f

pytestmark = pytest.mark.django_db


def _distinct_read(user):
    """The read before: the communities' join for every scope, and DISTINCT."""
    qs = ServiceStation.objects.select_related("street").prefetch_related("communities")
    return scoped(qs, user, street="street_id", community="communities__id", station="pk").distinct()


@pytest.fixture
def shared(stations):
    a = stations["a"]
    c1, c2 = f.community(a), f.community(a)
    stations["shared"] = f.station(a, c1, c2)  # 三(二): two adjacent communities may share one
    stations["community_user"] = f.user(Role.COMMUNITY_STAFF, c1)
    stations["community_user_2"] = f.user(Role.COMMUNITY_STAFF, c2)
    return stations


@pytest.mark.parametrize("who", ["admin", "street_a_user", "worker_a", "worker_b", "community_user", "orgdept"])
def test_every_role_lists_the_stations_it_listed_before(shared, who):
    user = shared[who]
    assert list(stations_for_user(user=user)) == list(_distinct_read(user))


def test_a_station_shared_by_two_communities_is_listed_once(shared):
    for who in ("community_user", "community_user_2", "street_a_user", "admin"):
        pks = list(stations_for_user(user=shared[who]).values_list("pk", flat=True))
        assert pks.count(shared["shared"].pk) == 1, who


def test_only_a_community_s_grant_reads_distinct(shared):
    assert not stations_for_user(user=shared["admin"]).query.distinct
    assert not stations_for_user(user=shared["street_a_user"]).query.distinct
    assert stations_for_user(user=shared["community_user"]).query.distinct
