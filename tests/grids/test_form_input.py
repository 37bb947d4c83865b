"""Hostile input in the grid change form's free-text parts: a form error naming the line, never a 500."""

import pytest

from communities.models import Community
from governance.models import Person
from governance.roles import Role
from grids.forms import GridChangeForm
from grids.models import Grid
from tests import factories as f


@pytest.mark.django_db
@pytest.mark.parametrize("households", ["²", "１", "-5", "4.5", "9999999"])
def test_a_household_count_that_is_not_a_plain_number_is_a_form_error(households):
    form = GridChangeForm(data={"kind": "split", "reason": "拆分", "parts": f"东苑社区第4网格,480\n东苑社区第5网格,{households}"},
                          communities=Community.objects.none(), grids=Grid.objects.none(), people=Person.objects.none(),
                          user=f.user(Role.STREET_STAFF, f.street()))
    assert not form.is_valid()
    assert form.errors["parts"] == ["第 2 行格式应为：名称,户数,覆盖范围"]


@pytest.mark.django_db
def test_plain_household_counts_are_read():
    form = GridChangeForm(data={"kind": "split", "reason": "拆分", "parts": "甲,480,1—4号楼\n乙，300"},
                          communities=Community.objects.none(), grids=Grid.objects.none(), people=Person.objects.none(),
                          user=f.user(Role.STREET_STAFF, f.street()))
    form.is_valid()
    assert form.cleaned_data["parts"] == [{"name": "甲", "households": 480, "area": "1—4号楼"},
                                          {"name": "乙", "households": 300, "area": ""}]
