"""The counting forms of the grid checks (issue 14) against their list forms, at the rules' boundaries:
三(四)2 (grids per households, rounded up; up to one per 300 in a complex community), 四(一) (households add
up, stationed units placed), 四(二)1 (a party organisation and a model post in every grid)."""

import datetime

import pytest
from django.utils import timezone

from communities.models import Community
from governance.models import PostKind
from governance.rules import RuleBook
from governance.services import stationed_unit_create
from grids import checks, services
from tests import factories as f
from tests.finding_counts import assert_forms_agree, listed_matching

pytestmark = pytest.mark.django_db


def counted(counter, street):
    return counter(communities=Community.objects.filter(street=street), rules=RuleBook())


def grids(community, n, households=0):
    return [f.grid(community, households=households) for _ in range(n)]


@pytest.fixture
def street():
    return f.street()


def assert_counted(counter, street, listed: dict[str, int]):
    """The list form finds `listed` (message text -> findings in the street), the counting form their sum,
    and every counting form agrees with its list form on the street."""
    for text, n in listed.items():
        assert listed_matching(text, street_id=street.pk) == {(street.pk, False): n}, text
    assert counted(counter, street) == {(street.pk, False): sum(listed.values())}
    assert_forms_agree(on=None, street_id=street.pk)


def test_grid_count_counts_at_the_range(street):
    grids(f.community(street, households=1000), 2)  # 1000 / 500 = 2: in range
    grids(f.community(street, households=1001), 2)  # 1001 / 500 -> 3: short
    grids(f.community(street, households=1000), 3)  # more than 2: over
    grids(f.community(street, households=1500, is_complex=True), 5)  # 3—5: in range
    grids(f.community(street, households=1500, is_complex=True), 6)  # over 5
    grids(f.community(street, households=1500, is_complex=True), 2)  # under 3
    assert_counted(checks.grid_count_counts, street, {"划分网格": 4})


def test_households_add_up_counts_at_the_tolerance(street):
    grids(f.community(street, households=1000), 2, households=500)  # adds up
    grids(f.community(street, households=1000), 2, households=499)  # 2 short
    grids(f.community(street, households=1000), 2, households=501)  # 2 over
    f.community(street, households=10)  # no grid at all
    f.community(street, households=0)  # nothing to cover
    assert_counted(checks.households_add_up_counts, street, {"各网格户数合计": 3})


def test_workers_on_grids_counts(street):
    placed = f.community(street, households=500)
    grid = f.grid(placed, households=500)
    start = timezone.localdate() - datetime.timedelta(days=30)
    f.post(PostKind.GRID_WORKER, community=placed, grid=grid, person=f.person(community=placed), start_date=start)
    empty = f.community(street, households=1000)
    grids(empty, 2, households=500)  # two grids without their worker: one breach
    unplaced = f.community(street, households=500)
    f.grid(unplaced, households=500)  # without a worker: one breach
    f.post(PostKind.GRID_WORKER, community=unplaced, person=f.person(community=unplaced), start_date=start)  # another
    assert_counted(checks.workers_on_grids_counts, street, {"网格未配备网格员": 2, "专职网格员未分配网格": 1})


def test_party_coverage_counts(street):
    covered = f.community(street, households=500)
    grid = f.grid(covered, households=500)
    services.party_organization_create(acting_user=None, grid=grid, kind="branch", name="一支部", leader="李书记")
    services.party_model_post_create(acting_user=None, grid=grid, kind="responsibility_area", name="1号楼责任区",
                                     member="张党员")
    bare = f.community(street, households=1000)
    grids(bare, 2, households=500)  # no organisation and no model post: two breaches for the community
    f.community(street, households=0)  # no grid: nothing to cover
    assert_counted(checks.party_coverage_counts, street, {"网格未设置网格党组织": 1, "网格设立的党员示范岗": 1})


def test_stationed_units_placed_counts_one_per_street(street):
    f.community(street, households=0)
    stationed_unit_create(acting_user=None, street=street, name="市税务局", level="city")
    stationed_unit_create(acting_user=None, street=street, name="市烟草局", level="city")
    assert listed_matching("驻区单位未纳入网格", street_id=street.pk) == {(street.pk, False): 1}
    from governance.models import StationedUnit

    assert checks.stationed_units_placed_counts(units=StationedUnit.objects.filter(street=street),
                                                rules=RuleBook()) == {(street.pk, False): 1}
    assert_forms_agree(on=None)
    assert_forms_agree(on=None, street_id=street.pk)
