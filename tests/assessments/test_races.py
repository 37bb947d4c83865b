"""Races on PostgreSQL (real threads, real row locks): two reminder runs at once notify nobody twice, and a
street and the district opening the same period at once open it once."""

import datetime

import pytest
from django.db import connection

from assessments.models import AssessmentCycle, AssessmentScheme, RaterKind, SubjectKind
from assessments.services import cycle_notify, cycle_open, scheme_create
from governance.models import PostKind, StationedUnit
from governance.roles import Role
from governance.rules import rules_seed
from service_stations.models import Notification
from tests import factories as f
from tests.assessments.conftest import crit
from tests.conftest import skip_or_fail
from tests.reliability.test_races import race

pytestmark = [pytest.mark.reliability, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgresql():
    if connection.vendor != "postgresql":
        skip_or_fail("the race tests need PostgreSQL's row locks: set DATABASE_URL=postgres://... (SQLite in use)")
    rules_seed()  # a transactional test's flush removed the rules the migrations seeded


@pytest.mark.parametrize("attempt", range(3))
def test_two_reminder_runs_at_once_notify_each_rater_once(attempt):
    street = f.street()
    community = f.community(street)
    StationedUnit.objects.create(street=street, name="驻区单位", level="city")
    users = [f.user(Role.STREET_STAFF, street), f.user(Role.COMMUNITY_STAFF, community)]
    scheme = scheme_create(acting_user=None, name=f"党建{attempt}", subject_kind=SubjectKind.STATIONED_UNIT,
                           period="annual", components=[
                               {"rater_kind": RaterKind.STREET, "weight": 40, "criteria": crit(("下基层", 100))},
                               {"rater_kind": RaterKind.COMMUNITY, "weight": 60, "criteria": crit(("报到", 100))}])
    cycle = cycle_open(acting_user=None, scheme=scheme, year=2024)
    day = datetime.date(2024, 12, 21)
    outcome = race(*[lambda: cycle_notify(cycle=AssessmentCycle.objects.select_related("scheme").get(pk=cycle.pk),
                                          today=day)] * 3)
    assert outcome == [None, None, None]
    assert sorted(Notification.objects.values_list("recipient", flat=True)) == sorted(u.pk for u in users)


@pytest.mark.parametrize("attempt", range(3))
def test_a_street_and_the_district_opening_one_period_at_once_open_it_once(attempt):
    street = f.street()
    community = f.community(street)
    f.post(PostKind.GRID_WORKER, community=community, person=f.person(street=street, community=community))
    scheme = scheme_create(acting_user=None, name=f"网格{attempt}", subject_kind=SubjectKind.GRID_WORKER,
                           period="quarterly", components=[
                               {"rater_kind": RaterKind.COMMUNITY, "weight": 100, "criteria": crit(("走访", 100))}])
    scheme = AssessmentScheme.objects.get(pk=scheme.pk)
    race(lambda: cycle_open(acting_user=None, scheme=scheme, year=2024, part=1),
         lambda: cycle_open(acting_user=None, scheme=scheme, year=2024, part=1, street=street))
    assert AssessmentCycle.objects.filter(scheme=scheme).count() == 1
