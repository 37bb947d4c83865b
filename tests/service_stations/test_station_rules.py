"""Service-station rules at their boundaries: the staff cap of 三(二)2, and a community worker doubling as
station staff (三(二)2) in both orders, with the station head as 党委副书记 prescribed by 三(一)2."""

import pytest

from governance.exceptions import RuleViolation
from governance.findings import findings_for
from governance.models import Post, PostKind
from governance.roles import Role
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit():
    street = f.street()
    community = f.community(street)
    other = f.community(street)
    return {"street": street, "community": community, "other": other,
            "station": f.station(street, community)}


def station_post(unit, kind=PostKind.STATION_STAFF, **fields):
    return f.post(kind, station=unit["station"], **fields)


def test_four_station_staff_are_allowed_and_a_fifth_is_refused_naming_the_clause(unit):
    station_post(unit, PostKind.STATION_HEAD)
    for _ in range(3):
        station_post(unit)
    before = Post.objects.count()
    with pytest.raises(RuleViolation) as exc:
        station_post(unit)
    assert (exc.value.rule, exc.value.clause, exc.value.field) == ("service_station.staff_cap", "三(二)2",
                                                                   "approval_reference")
    assert Post.objects.count() == before


def test_a_fifth_with_an_approval_is_accepted_and_listed_as_approved(unit):
    for _ in range(4):
        station_post(unit)
    station_post(unit, approval_reference="兴组批〔2024〕3号")
    found = [x for x in findings_for(user=f.user(Role.DISTRICT_ADMIN), on=f.START)
             if x.rule == "service_station.staff_cap"]
    assert len(found) == 1 and found[0].approved


def test_a_fifth_without_approval_is_a_finding_not_approved(unit):
    # given five staff on record before the rule's refusal (e.g. an import), the finding is unapproved
    for _ in range(4):
        station_post(unit)
    station_post(unit, approval_reference="x")
    Post.objects.filter(approval_reference="x").update(approval_reference="")
    found = [x for x in findings_for(user=f.user(Role.DISTRICT_ADMIN), on=f.START)
             if x.rule == "service_station.staff_cap"]
    assert len(found) == 1 and not found[0].approved


@pytest.mark.parametrize("community_kind", [PostKind.RC_MEMBER, PostKind.GRID_WORKER, PostKind.COMMUNITY_PARTY_MEMBER])
def test_a_community_worker_cannot_be_appointed_station_staff_without_approval(unit, community_kind):
    worker = f.post(community_kind, community=unit["community"]).person
    with pytest.raises(RuleViolation) as exc:
        station_post(unit, person=worker)
    assert (exc.value.rule, exc.value.clause, exc.value.field) == ("service_station.staff_cap", "三(二)2",
                                                                   "approval_reference")
    assert station_post(unit, person=worker, approval_reference="兴组批〔2024〕9号").pk


def test_station_staff_cannot_be_appointed_a_community_worker_without_approval(unit):
    staff = station_post(unit).person
    with pytest.raises(RuleViolation) as exc:
        f.post(PostKind.RC_MEMBER, community=unit["community"], person=staff)
    assert exc.value.clause == "三(二)2" and exc.value.field == "approval_reference"
    assert f.post(PostKind.RC_MEMBER, community=unit["community"], person=staff, approval_reference="批").pk


def test_the_station_head_as_deputy_secretary_is_prescribed_in_either_order(unit):
    # head first, then 党委副书记 of the community the station serves
    head = station_post(unit, PostKind.STATION_HEAD).person
    assert f.post(PostKind.COMMUNITY_DEPUTY_SECRETARY, community=unit["community"], person=head).pk
    # and deputy secretary first, then head of a station serving that community
    street = f.street()
    community = f.community(street)
    station = f.station(street, community)
    deputy = f.post(PostKind.COMMUNITY_DEPUTY_SECRETARY, community=community).person
    assert f.post(PostKind.STATION_HEAD, station=station, person=deputy).pk


def test_the_head_as_deputy_secretary_of_a_community_the_station_does_not_serve_needs_approval(unit):
    head = station_post(unit, PostKind.STATION_HEAD).person
    with pytest.raises(RuleViolation):
        f.post(PostKind.COMMUNITY_DEPUTY_SECRETARY, community=unit["other"], person=head)


def test_station_staff_other_than_the_head_as_deputy_secretary_needs_approval(unit):
    staff = station_post(unit).person
    with pytest.raises(RuleViolation):
        f.post(PostKind.COMMUNITY_DEPUTY_SECRETARY, community=unit["community"], person=staff)
