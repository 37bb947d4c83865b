"""三(二): one station per community, two adjacent communities may share one, never more; a community belongs
to one station. 三(二)2: at most 4 staff with the head, more only with an approval."""

import pytest

from governance.exceptions import RuleViolation
from governance.findings import findings_for
from governance.models import PostKind
from governance.roles import Role
from service_stations.services import station_update
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_two_communities_may_share_a_station_three_may_not(two_streets):
    a = two_streets["a"]
    c1, c2, c3 = two_streets["ca"], f.community(a), f.community(a)
    station = f.station(a, c1, c2)
    with pytest.raises(RuleViolation) as exc:
        station_update(station=station, acting_user=None, communities=[c1, c2, c3])
    assert (exc.value.rule, exc.value.clause, exc.value.field) == ("service_station.communities_per_station", "三(二)",
                                                                   "communities")
    assert set(station.communities.all()) == {c1, c2}


def test_a_community_belongs_to_one_station(two_streets):
    a = two_streets["a"]
    f.station(a, two_streets["ca"])
    with pytest.raises(RuleViolation) as exc:
        f.station(a, two_streets["ca"])
    assert exc.value.rule == "service_station.communities_per_station" and "只能属于一个服务站" in exc.value.text


def test_a_station_does_not_serve_another_streets_community(two_streets):
    with pytest.raises(RuleViolation) as exc:
        f.station(two_streets["a"], two_streets["cb"])
    assert exc.value.field == "communities"


def test_findings_list_a_shared_community_and_a_station_of_three(two_streets):
    a = two_streets["a"]
    c1, c2, c3 = two_streets["ca"], f.community(a), f.community(a)
    big = f.station(a, c1)
    big.communities.add(c2, c3)  # entered before the rule (bypassing the service), as an import might
    other = f.station(a, f.community(a))
    other.communities.add(c1)
    found = findings_for(user=f.user(Role.DISTRICT_ADMIN))
    mine = [x for x in found if x.rule == "service_station.communities_per_station"]
    assert {x.subject for x in mine} == {big.name, c1.name}
    assert all(x.clause == "三(二)" for x in mine)


def test_staff_cap_and_the_approval_exception(two_streets):
    station = f.station(two_streets["a"], two_streets["ca"])
    f.post(PostKind.STATION_HEAD, station=station)
    for _ in range(3):
        f.post(PostKind.STATION_STAFF, station=station)
    with pytest.raises(RuleViolation) as exc:
        f.post(PostKind.STATION_STAFF, station=station)
    assert (exc.value.rule, exc.value.clause, exc.value.field) == ("service_station.staff_cap", "三(二)2",
                                                                   "approval_reference")
    f.post(PostKind.STATION_STAFF, station=station, approval_reference="兴组发〔2025〕8号")
    assert station.posts.count() == 5


@pytest.mark.parametrize("station_first", [True, False])
def test_a_community_worker_may_not_double_as_station_staff_in_either_order(two_streets, station_first):
    community = two_streets["ca"]
    station = f.station(two_streets["a"], community)
    person = f.person(street=two_streets["a"], community=community, is_party_member=True)
    first = (dict(kind=PostKind.STATION_STAFF, station=station) if station_first
             else dict(kind=PostKind.RC_MEMBER, community=community))
    second = (dict(kind=PostKind.RC_MEMBER, community=community) if station_first
              else dict(kind=PostKind.STATION_STAFF, station=station))
    f.post(person=person, **first)
    with pytest.raises(RuleViolation) as exc:
        f.post(person=person, **second)
    assert (exc.value.rule, exc.value.clause, exc.value.field) == ("service_station.staff_cap", "三(二)2",
                                                                   "approval_reference")
    assert person.posts.count() == 1
    f.post(person=person, approval_reference="兴组干〔2025〕3号", **second)  # approved by the organisation department
    assert person.posts.count() == 2


def test_the_station_head_as_deputy_secretary_is_prescribed_not_doubling(two_streets):
    community, other = two_streets["ca"], f.community(two_streets["a"])
    station = f.station(two_streets["a"], community)
    f.station(two_streets["a"], other)
    head = f.person(street=two_streets["a"], is_party_member=True)
    f.post(PostKind.STATION_HEAD, station=station, person=head)
    f.post(PostKind.COMMUNITY_DEPUTY_SECRETARY, community=community, person=head)  # 三(一)2: prescribed
    assert head.posts.count() == 2
    # ...for a community the station serves only: elsewhere it is doubling (三(二)2).
    with pytest.raises(RuleViolation) as exc:
        f.post(PostKind.COMMUNITY_DEPUTY_SECRETARY, community=other, person=head)
    assert exc.value.rule == "service_station.staff_cap" and head.posts.count() == 2
