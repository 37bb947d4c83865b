"""Gaps and awards read from the database: what counts, what does not."""

import datetime

import pytest

from assessments.selectors import community_quota_report, long_service_awards, street_quota_report
from governance.models import PostKind
from governance.roles import Role
from tests import factories as f

pytestmark = pytest.mark.django_db
ON = datetime.date(2024, 6, 1)


def test_station_staff_above_the_cap_of_four_show_as_over():
    # given a station with a head and 4 staff serving one community
    street = f.street()
    c = f.community(street)
    st = f.station(street, c)
    f.post(PostKind.STATION_HEAD, station=st, street=street, staff_category="station")
    for _ in range(4):
        f.post(PostKind.STATION_STAFF, station=st, street=street, staff_category="station",
               approval_reference="区委组织部〔2024〕1号")
    # when
    gap = {g.item: g for g in community_quota_report(community=c, on=ON).gaps}["station_staff"]
    # then 三(二)2: at most 4
    assert (gap.quota, gap.actual, gap.difference, gap.status, gap.clause) == (4, 5, 1, "over", "三(二)2")


def test_station_staff_do_not_count_toward_the_streets_30():
    street = f.street()
    c = f.community(street)
    st = f.station(street, c)
    f.post(PostKind.STATION_HEAD, station=st, street=street, staff_category="station")
    f.street_staff(street, 2, category="public_post")
    f.street_staff(street, 1, category="sanzhi_yifu")
    f.street_staff(street, 1, category="policy_placement")
    report = street_quota_report(street=street, user=f.user(Role.DISTRICT_ADMIN), on=ON)
    assert report.actual["staff"] == 4


def test_an_npc_director_who_is_not_the_party_secretary_is_a_mismatch():
    # given the NPC director was the secretary until the secretary changed (the service allowed it then)
    street = f.street()
    old = f.person(is_party_member=True, is_npc_deputy=True)
    f.post(PostKind.STREET_PARTY_SECRETARY, street=street, person=old, staff_category="administrative",
           end_date=datetime.date(2024, 3, 1))
    f.post(PostKind.NPC_DIRECTOR, street=street, person=old)
    f.post(PostKind.STREET_PARTY_SECRETARY, street=street, staff_category="administrative",
           start_date=datetime.date(2024, 3, 2))
    gaps = {g.item: g for g in street_quota_report(street=street, user=f.user(Role.DISTRICT_ADMIN), on=ON).gaps}
    assert gaps["npc_director_is_party_secretary"].status == "mismatch"
    assert gaps["npc_directors"].status == "ok"


def test_awards_count_community_workers_on_their_anniversary_once():
    # given a worker with two community posts, one who left before the anniversary, and a street staff member
    street = f.street()
    c1, c2 = f.community(street), f.community(street)
    twice = f.person(is_party_member=True, community_service_start=datetime.date(2004, 4, 1))
    f.post(PostKind.RC_MEMBER, community=c1, person=twice)
    f.post(PostKind.GRID_WORKER, community=c2, person=twice)
    left = f.person(community_service_start=datetime.date(2004, 9, 1))
    f.post(PostKind.GRID_WORKER, community=c1, person=left, end_date=datetime.date(2024, 8, 31))
    f.post(PostKind.STREET_STAFF, street=street, staff_category="administrative",
           person=f.person(community_service_start=datetime.date(2004, 1, 1)))
    # when
    rows = long_service_awards(user=f.user(Role.DISTRICT_ADMIN), year=2024)
    # then only the sitting community worker, once
    assert [(r.person.pk, r.award.years, r.award.amount) for r in rows] == [(twice.pk, 20, 5000)]


def test_community_staff_see_only_their_community_in_awards(two_streets):
    for key in ("ca", "cb"):
        f.post(PostKind.GRID_WORKER, community=two_streets[key],
               person=f.person(community_service_start=datetime.date(1994, 2, 1)))
    rows = long_service_awards(user=f.user(Role.COMMUNITY_STAFF, two_streets["cb"]), year=2024)
    assert [r.community.pk for r in rows] == [two_streets["cb"].pk]
