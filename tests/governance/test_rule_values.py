"""A new version of a policy rule keeps the seeded shape (admin and what-if refuse a broken one)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from governance.models import PolicyRule
from governance.rules import rule_value, rule_value_errors
from governance.services import policy_rule_version_create

LATER = datetime.date(2031, 1, 1)


def test_a_value_of_the_seeded_shape_is_accepted():
    assert rule_value_errors("community.work_funds", [{"min": 0, "value": 110000}, {"min": 3000, "value": 140000}]) == []
    assert rule_value_errors("service_station.staff_cap", 5) == []


@pytest.mark.parametrize("key, value", [
    ("community.work_funds", {"min": 0, "value": 1}),                     # a dict where brackets are a list
    ("community.work_funds", [{"min": 0, "amount": 1}]),                 # a renamed key
    ("community.work_funds", [{"min": 100, "value": 1}]),                # brackets not starting at 0
    ("community.work_funds", [{"min": 0, "value": 1}, {"min": 0, "value": 2}]),  # not rising
    ("community.party_building_funds", {"base": {"party_committee": 50000}, "members_above": 100, "per_member": 200}),
    ("service_station.staff_cap", -1),
    ("service_station.staff_cap", "四"),
])
def test_a_broken_value_is_refused_with_a_reason(key, value):
    assert rule_value_errors(key, value)


@pytest.mark.django_db
def test_a_broken_version_is_not_saved_and_the_rule_in_force_is_unchanged():
    before = PolicyRule.objects.count()

    with pytest.raises(ValidationError) as exc:
        policy_rule_version_create(acting_user=None, key="community.work_funds", value={"oops": 1}, effective_from=LATER)

    assert "value" in exc.value.message_dict
    assert PolicyRule.objects.count() == before
    assert rule_value("community.work_funds", on=LATER).value[0]["value"] == 100000
