"""The counting forms of the station checks (issue 14) against their list forms, at the rules' boundaries:
三(二)2 (4 staff, more only with an approval of the excess), 三(二) (one community or two adjacent ones in the
station's street; a community belongs to one station)."""

import pytest

from governance.models import Post, PostKind
from governance.roles import Role
from governance.rules import RuleBook
from service_stations import checks
from service_stations.models import ServiceStation
from tests import factories as f
from tests.finding_counts import assert_forms_agree, listed

pytestmark = pytest.mark.django_db
ON = f.START


def staff(station, n, **fields):
    return [f.post(PostKind.STATION_STAFF, station=station, **fields) for _ in range(n)]


def counted(counter, street):
    return counter(stations=ServiceStation.objects.filter(street=street), rules=RuleBook(on=ON))


def test_staff_cap_counts_open_and_approved_at_the_cap():
    street = f.street()
    staff(f.station(street, f.community(street)), 4)  # at the cap
    approved = f.station(street, f.community(street))
    staff(approved, 4)
    staff(approved, 1, approval_reference="兴组批〔2024〕3号")  # the excess approved
    unapproved = f.station(street, f.community(street))
    staff(unapproved, 4)
    staff(unapproved, 1, approval_reference="x")
    Post.objects.filter(approval_reference="x").update(approval_reference="")  # on record without approval
    rule = "service_station.staff_cap"
    assert listed(rule, on=ON, street_id=street.pk) == {(street.pk, False): 1, (street.pk, True): 1}
    assert counted(checks.staff_cap_counts, street) == {(street.pk, False): 1, (street.pk, True): 1}
    assert_forms_agree(on=ON, street_id=street.pk)


def test_station_communities_and_community_stations_counts():
    street, elsewhere = f.street(), f.street()
    c1, c2, c3 = (f.community(street) for _ in range(3))
    two = f.station(street, c1, c2)  # two adjacent communities: allowed
    three = f.station(street)
    three.communities.add(c1, c2, c3)  # imported: three communities, c1 and c2 now served twice
    away = f.station(street)
    away.communities.add(f.community(elsewhere))  # a community of another street
    assert two.pk
    rule = "service_station.communities_per_station"
    # station_communities: `three` (too many), `away` (outside); community_stations: c1, c2
    assert listed(rule, on=ON, street_id=street.pk) == {(street.pk, False): 4}
    assert counted(checks.station_communities_counts, street) == {(street.pk, False): 2}
    assert counted(checks.community_stations_counts, street) == {(street.pk, False): 2}
    assert_forms_agree(on=ON, street_id=street.pk)
    assert_forms_agree(on=ON)
    assert_forms_agree(on=ON, user=f.user(Role.STREET_STAFF, street))
    assert_forms_agree(on=ON, community_id=c1.pk)
