"""The counting forms of the meeting frequency checks (issue 14) against their list forms, at the periods'
boundaries: the previous period (year 二(四)1, quarter 三(一)3, month 三(三)1) ended short is a finding."""

import datetime

import pytest

from communities.models import Community
from governance.roles import Role
from governance.rules import RuleBook
from meetings import checks
from meetings.models import MeetingKind as K
from meetings.services import meeting_record
from streets.models import Street
from tests import factories as f
from tests.finding_counts import assert_forms_agree, listed

pytestmark = pytest.mark.django_db
D = datetime.date
ON = D(2024, 4, 15)  # previous month: March; previous quarter: Q1; previous year: 2023


def hold(kind, day, *, street=None, community=None):
    unit = {"street": street} if kind == K.BIG_COMMITTEE else {"community": community}
    return meeting_record(acting_user=None, kind=kind, held_on=day, attendees="全体委员", agenda="议题", **unit)


def test_frequency_counts_at_the_period_boundaries(two_streets):
    a, ca = two_streets["a"], two_streets["ca"]
    other = f.community(a, name="甲二社区")
    hold(K.DELIBERATION, D(2024, 3, 31), community=ca)  # last day of March: counts
    hold(K.DELIBERATION, D(2024, 4, 1), community=other)  # April, running: March ended short for `other`
    hold(K.JOINT_COMMITTEE, D(2024, 3, 31), community=ca)  # last day of Q1: counts
    hold(K.JOINT_COMMITTEE, D(2023, 12, 31), community=other)  # Q4 of 2023: Q1 ended short
    hold(K.BIG_COMMITTEE, D(2023, 1, 1), street=a)
    hold(K.BIG_COMMITTEE, D(2023, 12, 31), street=a)  # two in 2023: enough
    user = f.user(Role.STREET_STAFF, a)
    rules = RuleBook(on=ON)
    communities = Community.objects.filter(street=a)
    assert listed("residents.deliberation_per_month", on=ON, user=user) == {(a.pk, False): 1}
    assert checks.deliberation_counts(communities=communities, start=D(2024, 3, 1), end=D(2024, 3, 31),
                                      rules=rules) == {(a.pk, False): 1}
    assert listed("joint_committee.meetings_per_quarter", on=ON, user=user) == {(a.pk, False): 1}
    assert checks.joint_committee_counts(communities=communities, start=D(2024, 1, 1), end=D(2024, 3, 31),
                                         rules=rules) == {(a.pk, False): 1}
    assert listed("big_committee.meetings_per_year", on=ON, user=user) == {}
    streets = Street.objects.filter(pk__in=[a.pk, two_streets["b"].pk])
    b = two_streets["b"]
    hold(K.BIG_COMMITTEE, D(2023, 6, 1), street=b)  # one of two: short
    assert listed("big_committee.meetings_per_year", on=ON) == {(b.pk, False): 1}
    assert checks.big_committee_counts(streets=streets, start=D(2023, 1, 1), end=D(2023, 12, 31),
                                       rules=rules) == {(b.pk, False): 1}
    assert_forms_agree(on=ON, user=user)
    assert_forms_agree(on=ON)
    assert_forms_agree(on=ON, community_id=other.pk)
