"""A post carries the street of its community or station (issue 14), set by the post service, so that
scope is one indexed column per level and a street's staff see their communities' and stations' posts."""

import pytest

from governance.models import PostKind
from governance.roles import Role
from governance.selectors import posts_for_user
from governance.services import post_update
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_a_community_post_carries_its_community_street(two_streets):
    post = f.post(PostKind.RC_MEMBER, community=two_streets["ca"])
    post.refresh_from_db()
    assert post.street_id == two_streets["a"].pk


def test_a_station_post_carries_its_station_street(two_streets):
    station = f.station(two_streets["a"], two_streets["ca"])
    post = f.post(PostKind.STATION_STAFF, station=station, person=f.person(street=two_streets["a"]))
    post.refresh_from_db()
    assert post.street_id == two_streets["a"].pk


def test_moving_a_post_to_another_community_moves_its_street(two_streets):
    post = f.post(PostKind.RC_MEMBER, community=two_streets["ca"])
    post_update(post=post, acting_user=None, community=two_streets["cb"])
    post.refresh_from_db()
    assert (post.community_id, post.street_id) == (two_streets["cb"].pk, two_streets["b"].pk)
    assert post.history.first().street_id == two_streets["b"].pk


def test_street_scope_sees_its_community_and_station_posts_only(two_streets):
    station = f.station(two_streets["a"], two_streets["ca"])
    mine = {f.post(PostKind.RC_MEMBER, community=two_streets["ca"]).pk,
            f.post(PostKind.STATION_STAFF, station=station, person=f.person(street=two_streets["a"])).pk}
    f.post(PostKind.RC_MEMBER, community=two_streets["cb"])
    staff = f.user(Role.STREET_STAFF, two_streets["a"])
    assert set(posts_for_user(user=staff).values_list("pk", flat=True)) == mine


@pytest.mark.parametrize("served", [None, "given"])
def test_a_station_post_names_only_a_community_its_station_serves(two_streets, served):
    """The unit check refuses a station post in a community the station does not serve, whether it reads the
    station's communities itself or is given them (seed_demo gives the links it has just written)."""
    import datetime

    from django.core.exceptions import ValidationError

    from governance.models import Post
    from governance.services import _post_units_check

    a, ca = two_streets["a"], two_streets["ca"]
    other = f.community(a)
    station = f.station(a, ca)
    links = {ca.pk} if served else None
    ok = Post(kind=PostKind.STATION_STAFF, station=station, community=ca, person=f.person(street=a),
              start_date=datetime.date(2024, 1, 1))
    _post_units_check(ok, served=links)
    wrong = Post(kind=PostKind.STATION_STAFF, station=station, community=other, person=f.person(street=a),
                 start_date=datetime.date(2024, 1, 1))
    with pytest.raises(ValidationError) as refused:
        _post_units_check(wrong, served=links)
    assert "station" in refused.value.message_dict
